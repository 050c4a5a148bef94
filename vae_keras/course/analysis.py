"""The numbers behind the notebooks' tables: layer shapes and costs, spectra, diversity.

Each function takes Keras models or NumPy arrays and returns plain numbers or text;
`format_table` lays rows of numbers out for printing.
"""

import numbers

import keras
import numpy as np
from scipy.spatial.distance import pdist


def format_table(rows, formats=None):
    """Rows of numbers and text as a fixed-width text table.

    By default ints get thousands separators and floats two decimals. Numbers are right-aligned,
    text left-aligned.

    Args:
        rows: a list of dicts with the same keys, the columns.
        formats: {column: format spec}, e.g. {"val loss": ".1f"}.

    Returns:
        The table, as text.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("Expected at least one row to tabulate. Received: rows=[]")
    columns = list(rows[0])
    for row in rows:
        if list(row) != columns:
            raise ValueError(f"Every row needs the columns {columns}, in that order. Received: a row with {list(row)}")
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
    """Each layer of `model` after its input: type, output shape and parameter count, as text.

    Args:
        model: a built Keras model.

    Returns:
        A text table (see `format_table`), one row per layer.
    """
    rows = [{"layer": type(layer).__name__, "output shape": str(tuple(layer.output.shape)),
             "parameters": layer.count_params()}
            for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    return format_table(rows)


def conv_multiply_adds(layer):
    """Multiply-adds per image of a built Conv2D or Conv2DTranspose layer.

    A Conv2D applies its kernel once per *output* position, a Conv2DTranspose once per
    *input* position: positions · k_h · k_w · C_in · C_out.

    Args:
        layer: a built Conv2D or Conv2DTranspose layer.

    Returns:
        An int.
    """
    if isinstance(layer, keras.layers.Conv2DTranspose):
        height, width = layer.input.shape[1:3]
    elif isinstance(layer, keras.layers.Conv2D):
        height, width = layer.output.shape[1:3]
    else:
        raise ValueError(f"Expected a Conv2D or Conv2DTranspose layer. Received: layer of type {type(layer).__name__}")
    k_h, k_w = layer.kernel_size
    return int(height * width * k_h * k_w * layer.input.shape[-1] * layer.filters)


def upsampling_costs(decoder):
    """One row per layer of `decoder` that upsamples, with its shapes and costs.

    The layers that upsample are every Conv2DTranspose, and every Conv2D right after an UpSampling2D.

    Args:
        decoder: a built Keras model.

    Returns:
        A list of dicts, one per such layer: {"layer", "input", "output", "parameters", "multiply-adds"}.
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
        raise ValueError(f"Expected {name} of shape (n, H, W, 1) or (n, H, W). Received: {name}.shape={images.shape}")
    return images


def power_spectrum(images):
    """|DFT(x − mean(x))|² of each image, zero frequency at [0, 0].

    Args:
        images: (n, H, W, 1) or (n, H, W).

    Returns:
        An array (n, H, W).
    """
    images = _gray_images(images)
    centred = images - images.mean(axis=(1, 2), keepdims=True)
    return np.abs(np.fft.fft2(centred)) ** 2


def nyquist_share(images):
    """Mean share of each image's spectral energy on the Nyquist row and column.

    The Nyquist frequency is index H/2 (W/2) of the DFT. A period-2 checkerboard has share 1;
    a constant image counts as 0.

    Args:
        images: (n, H, W, 1) or (n, H, W) with H and W even.

    Returns:
        A float in [0, 1].
    """
    power = power_spectrum(images)
    height, width = power.shape[1:]
    if height % 2 or width % 2:
        raise ValueError(f"The Nyquist share needs an even image size: crop or pad the images. Received: images of "
                         f"{height}×{width}")
    on_nyquist = (power[:, height // 2, :].sum(axis=-1) + power[:, :, width // 2].sum(axis=-1)
                  - power[:, height // 2, width // 2])
    total = power.sum(axis=(1, 2))
    shares = np.divide(on_nyquist, total, out=np.zeros_like(total), where=total > 0)
    return float(np.mean(shares))


def diversity(images):
    """Mean pairwise Euclidean distance between images, in pixel units.

    Args:
        images: n >= 2 images (n, ...).

    Returns:
        A float.
    """
    flat = np.asarray(images, dtype="float64").reshape(len(images), -1)
    if len(flat) < 2:
        raise ValueError(f"Diversity compares pairs of images: pass at least 2. Received: {len(flat)} image(s)")
    return float(pdist(flat).mean())


def distance_from_prior(z):
    """How far codes z are from N(0, I), latent by latent: mean_j (mean_j² + (log std_j)²).

    0 when every latent has mean 0 and standard deviation 1 over the n codes.

    Args:
        z: codes (n, d), n >= 2.

    Returns:
        A float.
    """
    z = np.asarray(z, dtype="float64")
    if z.ndim != 2 or len(z) < 2:
        raise ValueError(f"Expected codes of shape (n, latent_dim) with n >= 2. Received: z.shape={z.shape}")
    return float(np.mean(z.mean(axis=0) ** 2 + np.log(z.std(axis=0)) ** 2))


# --- Upsampling as a transposed convolution, and what a model is made of -------------------

def tied_transpose_kernel(kernel, size=2):
    """The Conv2DTranspose kernel that computes UpSampling2D(size) followed by a Conv2D.

    Nearest-neighbour upsampling by `size`, then a Conv2D with an odd k_h×k_w kernel and
    "same" padding, is one transposed convolution with strides `size`, "same" padding and a
    (k_h + size − 1)×(k_w + size − 1) kernel whose weights are tied: entry [a, b] is the sum
    of the entries [c, d] of the Conv2D kernel flipped in both directions (the convolution
    runs the other way round) with a − size < c ≤ a and b − size < d ≤ b, i.e. the flipped
    kernel convolved with a size×size box of ones. Same bias. See Odena, Dumoulin & Olah (2016),
    "Deconvolution and Checkerboard Artifacts", Distill.

    Args:
        kernel: a Conv2D kernel, (k_h, k_w, C_in, C_out) or (k_h, k_w) for one channel,
            with k_h and k_w odd.
        size: the upsampling factor, an int >= 1.

    Returns:
        A float array in Conv2DTranspose's layout, (k_h + size − 1, k_w + size − 1, C_out, C_in),
        or (k_h + size − 1, k_w + size − 1) for a (k_h, k_w) kernel.
    """
    kernel = np.asarray(kernel)
    if kernel.ndim not in (2, 4):
        raise ValueError(f"Expected a Conv2D kernel of shape (k_h, k_w, C_in, C_out) or (k_h, k_w). "
                         f"Received: kernel.shape={kernel.shape}")
    k_h, k_w = kernel.shape[:2]
    if k_h % 2 == 0 or k_w % 2 == 0:
        raise ValueError(f"Expected an odd kernel size, which 'same' padding centres. Received: a {k_h}×{k_w} kernel")
    if not (isinstance(size, (int, np.integer)) and size >= 1):
        raise ValueError(f"size must be an int >= 1. Received: size={size!r}")
    flipped = kernel[::-1, ::-1]
    tied = np.zeros((k_h + size - 1, k_w + size - 1) + kernel.shape[2:], dtype=np.result_type(kernel, "float32"))
    for a in range(size):
        for b in range(size):
            tied[a:a + k_h, b:b + k_w] += flipped
    return tied if kernel.ndim == 2 else np.swapaxes(tied, -1, -2)



def nearest_distance(images, reference, batch_size=256):
    """Mean distance from each image to the nearest image of `reference`, in pixel units: a float.

    A sample far from every real image scores high; a copy of a reference image scores 0.

    Args:
        images: (n, ...) images, e.g. samples from a decoder.
        reference: (m, ...) images of the same shape each, e.g. real digits.
        batch_size: images compared at a time (memory: batch_size · m distances).

    Returns:
        The mean over the n images of the Euclidean distance to their nearest reference image.
    """
    from scipy.spatial.distance import cdist

    flat = np.asarray(images, dtype="float64").reshape(len(images), -1)
    reference = np.asarray(reference, dtype="float64").reshape(len(reference), -1)
    if not len(flat) or not len(reference):
        raise ValueError(f"Expected at least one image and one reference image. Received: {len(flat)} and "
                         f"{len(reference)}")
    if flat.shape[1] != reference.shape[1]:
        raise ValueError(f"images and reference must have the same shape per image. Received: {np.shape(images)[1:]} "
                         f"and {np.shape(reference)[1:]}")
    nearest = [cdist(flat[i:i + batch_size], reference).min(axis=1) for i in range(0, len(flat), batch_size)]
    return float(np.concatenate(nearest).mean())


# --- Is each layer more than an affine map? How well does a VAE reconstruct, in pixels? ----

def affine_residual(before, after):
    """How far `after` (n, d_out) is from an affine map of `before` (n, d_in): the relative residual
    ‖fit error‖ / ‖after − its mean‖ of the least-squares fit A·before + b, a float (0 when `after` is
    constant). About 1e-7 (float rounding) for an affine map; far from 0 through a non-linearity."""
    before, after = np.asarray(before, dtype="float64"), np.asarray(after, dtype="float64")
    design = np.hstack([before, np.ones((len(before), 1))])
    coefficients, *_ = np.linalg.lstsq(design, after, rcond=None)
    spread = np.linalg.norm(after - after.mean(axis=0))
    return float(np.linalg.norm(after - design @ coefficients) / spread) if spread > 0 else 0.0


def affine_residuals(model, scale=3.0, seed=0, n=None):
    """How far each hidden Dense layer of `model`, with whatever follows it, is from an affine map.

    For the k-th Dense layer (all but the last), the map from its input to the next Dense layer's
    input is fitted, by least squares over n random inputs, with the best affine map A·h + b. The
    relative residual ‖fit error‖ / ‖output − its mean‖ is ~1e-7 (float rounding) when nothing
    non-linear sits between the two Dense layers, and far from 0 when an activation does, however
    it is written: an `activation=` argument, an Activation or LeakyReLU layer, or a `keras.ops` call.

    Args:
        model: a built Keras model with one input (batch, d) and at least two Dense layers.
        scale: the inputs are scale · N(0, I) draws.
        seed: seeds the draws.
        n: the number of inputs (default: twice the widest Dense input, plus 64, so that the
            least-squares fit is overdetermined).

    Returns:
        A list of floats, one per Dense layer but the last, in the order of `model.layers`.
    """
    import warnings

    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(dense) < 2:
        raise ValueError(f"Expected a model with at least two Dense layers. Received: a model with {len(dense)}")
    if len(model.inputs) != 1 or len(model.inputs[0].shape) != 2:
        raise ValueError(f"Expected a model with one input of shape (batch, d). Received: "
                         f"model.input_shape={model.input_shape}")
    widths = [layer.input.shape[-1] for layer in dense]
    n = n or 2 * max(widths) + 64
    inputs = scale * np.random.default_rng(seed).standard_normal((n, model.inputs[0].shape[-1])).astype("float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        probe = keras.Model(model.inputs[0], [layer.input for layer in dense])
        values = [np.asarray(keras.ops.convert_to_numpy(v), dtype="float64") for v in probe(inputs, training=False)]
    return [affine_residual(before, after) for before, after in zip(values, values[1:])]


def reconstruction_summary(vae, x, pixels, to_pixels=None, use_mean=True):
    """How close a VAE's reconstructions of x come to the images, in pixel units, and what the codes cost.

    Args:
        vae: a trained `vae_keras.VAE`.
        x: the data as the model sees it, (n, *shape), e.g. standardised images.
        pixels: the same examples in pixel units, (n, *shape).
        to_pixels: maps decoder outputs to pixel units, e.g. a `Standardizer`'s
            `inverse_transform`; None when the decoder already speaks in pixels.
        use_mean: decode z_mean (True) or one sample z ~ q(z|x) per example (False, as in training).

    Returns:
        A dict: "rms_error", the root mean square of reconstruction − pixels over every value;
        "kl", the mean KL(q(z|x) ‖ N(0, I)) in nats per example; "outside", the share of
        reconstructed values outside [0, 1].
    """
    from vae_keras import datasets, losses

    pixels = np.asarray(pixels, dtype="float32")
    if len(x) != len(pixels):
        raise ValueError(f"x and pixels must hold the same examples. Received: len(x)={len(x)}, "
                         f"len(pixels)={len(pixels)}")
    z_mean, z_log_var, z = vae.encode(x)
    outputs = vae.decode(z_mean if use_mean else z)
    reconstructed = outputs if to_pixels is None else np.asarray(to_pixels(outputs), dtype="float32")
    if reconstructed.shape != pixels.shape:
        raise ValueError(f"The reconstructions in pixels have shape {reconstructed.shape}; pixels has {pixels.shape}.")
    kl = keras.ops.convert_to_numpy(losses.kl_loss(z_mean, z_log_var))
    return {"rms_error": float(np.sqrt(np.mean(np.square(reconstructed.astype("float64") - pixels)))),
            "kl": float(np.mean(kl)),
            "outside": datasets.clip_for_display(reconstructed)[1]}


def importance_weighted_estimates(vae, x, ks, replicates=2, seed=0, max_decodes=8192):
    """The importance-weighted NLL for several k, each with its Monte Carlo standard error (notebook 05).

    Draws K = replicates·max(ks) samples z ~ q(z|x) per image and computes their log-weights
    log w = log p(x|z) + log p(z) − log q(z|x). For each k, the K samples of an image make K/k groups
    of k (in order); each group gives one estimate log (1/k) Σ w of log p(x), and the NLL for k is
    minus their mean over groups and images. Its Monte Carlo standard error comes from the spread of
    the groups' estimates within each image: sqrt(Σ_i Var_i / (K/k)) / n, so it measures the noise of
    the sampling of z only, for these images. `image_se` is the standard error over the images
    instead: how far another set of n test images could move the figure.

    Args:
        vae: a trained `VAE`.
        x: data (n, *shape), n >= 2, that the model's likelihood is a density of (binary images for
            the Bernoulli likelihood); checked with `evaluation.check_likelihood_data`.
        ks: the numbers of samples: a positive int (e.g. 100), or a sequence of them, each dividing
            the largest (e.g. [1, 10, 100, 1000]).
        replicates: the groups of max(ks) samples per image, an int >= 2 (two give a standard error
            at the largest k too).
        seed: seeds NumPy's generator for the samples.
        max_decodes: samples decoded per call, at most.

    Returns:
        {k: {"nll": float, "mc_se": float, "image_se": float, "per_image": (n,) float64 NLL per image}},
        in nats, keys in increasing k.
    """
    from scipy.special import logsumexp

    from vae_keras import evaluation, losses

    listed = list(ks) if isinstance(ks, (list, tuple, np.ndarray)) else [ks] if isinstance(ks, numbers.Integral) else []
    if not listed or any(isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1 for k in listed):
        raise ValueError(f"Expected ks as a positive int or a sequence of them, e.g. 100 or [1, 10, 100]. "
                         f"Received: ks={ks!r}")
    ks = sorted({int(k) for k in listed})
    if any(ks[-1] % k for k in ks):
        raise ValueError(f"Each k must divide the largest, so that its samples split into whole groups. "
                         f"Received: ks={ks}")
    if int(replicates) != replicates or replicates < 2:
        raise ValueError("Expected replicates >= 2 (a standard error needs two groups). "
                         f"Received: replicates={replicates}")
    x = evaluation.check_likelihood_data(vae, x)
    n, total = len(x), int(replicates) * ks[-1]
    if n < 2:
        raise ValueError(f"Expected at least 2 examples in x (a standard error over images needs two). Received: n={n}")
    z_mean, z_log_var, _ = (np.asarray(t, dtype="float64") for t in vae.encode(x))
    rng = np.random.default_rng(seed)
    chunk = max(1, min(total, max_decodes // n))
    log_w = np.empty((n, total))
    for start in range(0, total, chunk):
        size = min(chunk, total - start)
        eps = rng.standard_normal((n, size, z_mean.shape[1]))
        z = z_mean[:, None] + np.exp(0.5 * z_log_var)[:, None] * eps  # (n, size, latent_dim)
        x_hat = vae.decode(z.reshape(n * size, -1).astype("float32"), batch_size=n * size)
        log_px_z = keras.ops.convert_to_numpy(losses.log_likelihood(
            np.repeat(x, size, axis=0), x_hat, vae.likelihood, vae.log_sigma)).reshape(n, size)
        # log p(z) − log q(z|x): the Gaussians' log(2π) terms cancel, and (z − μ)/σ is eps
        log_ratio = -0.5 * np.sum(z**2 - z_log_var[:, None] - eps**2, axis=-1)
        log_w[:, start:start + size] = log_px_z + log_ratio
    estimates = {}
    for k in ks:
        groups = logsumexp(log_w.reshape(n, total // k, k), axis=-1) - np.log(k)  # (n, K/k)
        per_image = groups.mean(axis=1)
        estimates[k] = {"nll": float(-per_image.mean()),
                        "mc_se": float(np.sqrt(np.sum(groups.var(axis=1, ddof=1)) / groups.shape[1]) / n),
                        "image_se": float(per_image.std(ddof=1) / np.sqrt(n)),
                        "per_image": -per_image}
    return estimates
