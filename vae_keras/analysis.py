"""The numbers behind the notebooks' tables: layer shapes and costs, spectra, diversity.

Each function takes Keras models or NumPy arrays and returns plain numbers or text;
`format_table` lays rows of numbers out for printing.
"""

import keras
import numpy as np
from scipy.spatial.distance import pdist


def format_table(rows, formats=None):
    """Rows (a list of dicts with the same keys, the columns) as a fixed-width text table.

    formats: {column: format spec}, e.g. {"val loss": ".1f"}. By default ints get thousands
    separators and floats two decimals. Numbers are right-aligned, text left-aligned.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("Expected at least one row to tabulate; got none.")
    columns = list(rows[0])
    for row in rows:
        if list(row) != columns:
            raise ValueError(f"Every row needs the columns {columns}, in that order; got {list(row)}.")
    formats = dict(formats or {})
    unknown = set(formats) - set(columns)
    if unknown:
        raise ValueError(f"formats names columns {sorted(unknown)} that the rows lack; the columns are {columns}.")

    def is_number(value):
        return isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))

    def text(column, value):
        if column in formats:
            return format(value, formats[column])
        if isinstance(value, (int, np.integer)) and is_number(value):
            return f"{value:,}"
        if is_number(value):
            return f"{value:.2f}"
        return str(value)

    cells = [[text(column, row[column]) for column in columns] for row in rows]
    numeric = [all(is_number(row[column]) for row in rows) for column in columns]
    widths = [max(len(str(column)), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]

    def line(values):
        padded = [v.rjust(w) if right else v.ljust(w) for v, w, right in zip(values, widths, numeric)]
        return "  ".join(padded).rstrip()

    return "\n".join([line([str(column) for column in columns])] + [line(values) for values in cells])


def layer_table(model):
    """Each layer of `model` after its input: type, output shape and parameter count, as text."""
    rows = [{"layer": type(layer).__name__, "output shape": str(tuple(layer.output.shape)),
             "parameters": layer.count_params()}
            for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    return format_table(rows)


def conv_multiply_adds(layer):
    """Multiply-adds per image of a built Conv2D or Conv2DTranspose layer: an int.

    A Conv2D applies its kernel once per *output* position, a Conv2DTranspose once per
    *input* position: positions · k_h · k_w · C_in · C_out.
    """
    if isinstance(layer, keras.layers.Conv2DTranspose):
        height, width = layer.input.shape[1:3]
    elif isinstance(layer, keras.layers.Conv2D):
        height, width = layer.output.shape[1:3]
    else:
        raise ValueError(f"Expected a Conv2D or Conv2DTranspose layer; got {type(layer).__name__}.")
    k_h, k_w = layer.kernel_size
    return int(height * width * k_h * k_w * layer.input.shape[-1] * layer.filters)


def upsampling_costs(decoder):
    """One row per layer of `decoder` that upsamples: every Conv2DTranspose, and every Conv2D
    right after an UpSampling2D. Each row: {"layer", "input", "output", "parameters", "multiply-adds"}.
    """
    rows, previous = [], None
    for layer in decoder.layers:
        after_copy = isinstance(layer, keras.layers.Conv2D) and isinstance(previous, keras.layers.UpSampling2D)
        if isinstance(layer, keras.layers.Conv2DTranspose) or after_copy:
            rows.append({"layer": type(layer).__name__, "input": str(tuple(layer.input.shape[1:])),
                         "output": str(tuple(layer.output.shape[1:])), "parameters": layer.count_params(),
                         "multiply-adds": conv_multiply_adds(layer)})
        previous = layer
    if not rows:
        raise ValueError(f"{decoder.name} has no upsampling layers (Conv2DTranspose, or UpSampling2D + Conv2D).")
    return rows


def _gray_images(images, name="images"):
    images = np.asarray(images, dtype="float64")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"Expected {name} of shape (n, H, W, 1) or (n, H, W); got {images.shape}.")
    return images


def power_spectrum(images):
    """|DFT(x − mean(x))|² of each image: (n, H, W, 1) or (n, H, W) -> (n, H, W), zero frequency at [0, 0]."""
    images = _gray_images(images)
    centred = images - images.mean(axis=(1, 2), keepdims=True)
    return np.abs(np.fft.fft2(centred)) ** 2


def nyquist_share(images):
    """Mean share of each image's spectral energy on the Nyquist row and column: a float in [0, 1].

    images: (n, H, W, 1) or (n, H, W) with H and W even; the Nyquist frequency is index H/2
    (W/2) of the DFT. A period-2 checkerboard has share 1; a constant image counts as 0.
    """
    power = power_spectrum(images)
    height, width = power.shape[1:]
    if height % 2 or width % 2:
        raise ValueError(f"The Nyquist share needs an even image size; got {height}×{width}.")
    on_nyquist = (power[:, height // 2, :].sum(axis=-1) + power[:, :, width // 2].sum(axis=-1)
                  - power[:, height // 2, width // 2])
    total = power.sum(axis=(1, 2))
    shares = np.divide(on_nyquist, total, out=np.zeros_like(total), where=total > 0)
    return float(np.mean(shares))


def diversity(images):
    """Mean pairwise Euclidean distance between n >= 2 images (n, ...), in pixel units: a float."""
    flat = np.asarray(images, dtype="float64").reshape(len(images), -1)
    if len(flat) < 2:
        raise ValueError(f"Diversity compares pairs of images; got {len(flat)} image(s).")
    return float(pdist(flat).mean())


def distance_from_prior(z):
    """How far codes z (n, d) are from N(0, I), latent by latent: mean_j (mean_j² + (log std_j)²).

    0 when every latent has mean 0 and standard deviation 1 over the n codes.
    """
    z = np.asarray(z, dtype="float64")
    if z.ndim != 2 or len(z) < 2:
        raise ValueError(f"Expected codes of shape (n, latent_dim) with n >= 2; got {z.shape}.")
    return float(np.mean(z.mean(axis=0) ** 2 + np.log(z.std(axis=0)) ** 2))
