"""Interactive explorers (ipywidgets) of a decoder's latent space, with a static figure where widgets cannot show."""

import keras
import matplotlib.pyplot as plt
import numpy as np

from vae_keras.plotting import image_grid  # noqa: F401


def widgets_available():
    """Whether an interactive widget can be shown here: ipywidgets is installed, the code runs in a
    Jupyter kernel (Jupyter, JupyterLab, VS Code, Colab).

    Returns:
        A bool. The explorers below draw a static figure instead when it is False.
    """
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _decode_one(decoder, z):
    """decoder(z) for one code z (latent_dim,): the image as a 2-D NumPy array (H, W)."""
    z = np.asarray(z, dtype="float32")[None]
    image = np.asarray(keras.ops.convert_to_numpy(decoder(z, training=False)))[0]
    return image[..., 0] if image.ndim == 3 else image


def _png(images, value_range=(0.0, 1.0), zoom=6, gap=2):
    """Grey images (H, W) side by side, each pixel zoom×zoom, as PNG bytes."""
    import io

    from matplotlib.image import imsave

    low, high = value_range
    tiles = []
    for image in images:
        tiles.append(np.kron(np.clip((np.asarray(image, "float64") - low) / (high - low), 0, 1), np.ones((zoom, zoom))))
        tiles.append(np.ones((tiles[-1].shape[0], gap)))
    buffer = io.BytesIO()
    imsave(buffer, np.concatenate(tiles[:-1], axis=1), cmap="gray", vmin=0.0, vmax=1.0, format="png")
    return buffer.getvalue()


def _static(fig):
    """Closes a figure and returns it: a notebook then shows it once, as the cell's value."""
    plt.close(fig)
    return fig


def latent_explorer(decoder, limit=3.0, step=0.05, z=None, value_range=(0.0, 1.0), interactive=None):
    """Sliders over a latent code and the image the decoder makes of it.

    Interactive (ipywidgets): one slider per latent, from -limit to limit, and the decoded image,
    redrawn as a slider moves. Static: for each latent, a row of images decoded as that latent
    sweeps from -limit to limit while the others stay at `z`. A static figure is closed, so a
    notebook shows it once when it is the cell's value.

    Args:
        decoder: a Keras model, z (batch, latent_dim) -> images (batch, H, W, 1) or (batch, H, W).
        limit: the sliders' range, in prior standard deviations.
        step: the sliders' step.
        z: the starting code, (latent_dim,); default all zeros, the prior's mean.
        value_range: the pixel values shown black and white.
        interactive: True (a widget), False (a figure), or None: a widget where `widgets_available()`.

    Returns:
        An `ipywidgets.VBox` (its `sliders` and `image` attributes are the sliders and the
        `ipywidgets.Image`), or a matplotlib Figure.
    """
    latent_dim = decoder.input_shape[-1]
    z = np.zeros(latent_dim, "float32") if z is None else np.asarray(z, "float32").reshape(-1)
    if z.shape != (latent_dim,):
        raise ValueError(f"Expected a starting code z of shape ({latent_dim},). Received: z.shape={z.shape}")
    if interactive is None:
        interactive = widgets_available()
    if not interactive:
        sweep = np.linspace(-limit, limit, 7)
        fig, axes = plt.subplots(latent_dim, len(sweep), figsize=(1.2 * len(sweep), 1.6 * latent_dim), squeeze=False)
        for i, row in enumerate(axes):
            for ax, value in zip(row, sweep):
                code = z.copy()
                code[i] = value
                ax.imshow(_decode_one(decoder, code), cmap="gray", vmin=value_range[0], vmax=value_range[1])
                ax.set_title(f"z[{i}] = {value:+.1f}", fontsize=8)
                ax.axis("off")
        fig.suptitle("What the sliders show: one latent at a time, the others at their start")
        fig.tight_layout()
        return _static(fig)

    import ipywidgets as widgets

    sliders = [widgets.FloatSlider(value=float(z[i]), min=-limit, max=limit, step=step, description=f"z[{i}]",
                                   continuous_update=True, readout_format=".2f") for i in range(latent_dim)]
    image = widgets.Image(format="png")

    def update(change=None):
        code = np.array([slider.value for slider in sliders], dtype="float32")
        image.value = _png([_decode_one(decoder, code)], value_range)

    for slider in sliders:
        slider.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox([widgets.VBox(sliders), image])])
    box.sliders, box.image = sliders, image
    return box


def interpolation_explorer(decoder, z_a, z_b, images=None, value_range=(0.0, 1.0), interactive=None, steps=7):
    """A slider t from 0 to 1 along the straight path z_t = (1 − t)·z_a + t·z_b, and the image
    decoded from z_t; with `images`, also the pixel blend (1 − t)·x_a + t·x_b beside it.

    Interactive (ipywidgets): the slider and the images, redrawn as it moves. Static: `steps`
    values of t, the pixel blend on the top row when `images` are given. A static figure is
    closed, so a notebook shows it once when it is the cell's value.

    Args:
        decoder: a Keras model, z (batch, latent_dim) -> images (batch, H, W, 1) or (batch, H, W).
        z_a, z_b: the two codes, (latent_dim,) each.
        images: None, or the pair (x_a, x_b) of images (H, W, 1) or (H, W) to blend.
        value_range: the pixel values shown black and white.
        interactive: True (a widget), False (a figure), or None: a widget where `widgets_available()`.
        steps: the number of values of t in the static figure, >= 2.

    Returns:
        An `ipywidgets.VBox` (its `slider` and `image` attributes are the slider and the
        `ipywidgets.Image`: blend, then decoded), or a matplotlib Figure.
    """
    z_a, z_b = np.asarray(z_a, "float32").reshape(-1), np.asarray(z_b, "float32").reshape(-1)
    latent_dim = decoder.input_shape[-1]
    if z_a.shape != (latent_dim,) or z_b.shape != (latent_dim,):
        raise ValueError(f"Expected codes z_a and z_b of shape ({latent_dim},). Received: z_a.shape={z_a.shape}, "
                         f"z_b.shape={z_b.shape}")
    if images is not None:
        x_a, x_b = (np.asarray(x, "float32").reshape(np.shape(x)[:2]) for x in images)

    def frames(t):
        decoded = _decode_one(decoder, (1.0 - t) * z_a + t * z_b)
        return [decoded] if images is None else [(1.0 - t) * x_a + t * x_b, decoded]

    if interactive is None:
        interactive = widgets_available()
    if not interactive:
        ts = np.linspace(0.0, 1.0, steps)
        rows = 1 if images is None else 2
        fig, axes = plt.subplots(rows, steps, figsize=(1.2 * steps, 1.4 * rows), squeeze=False)
        for j, t in enumerate(ts):
            for i, frame in enumerate(frames(t)):
                axes[i, j].imshow(frame, cmap="gray", vmin=value_range[0], vmax=value_range[1])
                axes[i, j].axis("off")
            axes[0, j].set_title(f"t = {t:.2f}", fontsize=8)
        fig.suptitle("Pixel blend (top) and decoded z_t (bottom)" if images is not None else "Decoded z_t")
        fig.tight_layout()
        return _static(fig)

    import ipywidgets as widgets

    slider = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="t", readout_format=".2f")
    image = widgets.Image(format="png")
    caption = "pixel blend | decoded z_t" if images is not None else "decoded z_t"

    def update(change=None):
        image.value = _png(frames(slider.value), value_range)

    slider.observe(update, names="value")
    update()
    box = widgets.VBox([slider, widgets.Label(caption), image])
    box.slider, box.image = slider, image
    return box
