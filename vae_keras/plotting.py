"""Figures for the course. Each `plot_*` function and `image_grid` return a matplotlib Figure (save it with `save`)."""

import keras
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import norm


def image_grid(images, ncols=10, title=None, value_range=(0.0, 1.0), scale=1.0, row_labels=None):
    """A grid of images (n, H, W, 1) or (n, H, W), ncols to a row.

    row_labels: one text per row, written to the left of the row's first image.
    """
    images = np.asarray(images)
    if images.ndim == 4:
        images = images[..., 0]
    nrows = int(np.ceil(len(images) / ncols))
    if row_labels is not None and len(row_labels) != nrows:
        raise ValueError(f"Expected one row label per row, {nrows}; got {len(row_labels)}.")
    fig, axes = plt.subplots(nrows, ncols, figsize=(scale * ncols, scale * nrows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image in zip(axes.flat, images):
        ax.imshow(image, cmap="gray", vmin=value_range[0], vmax=value_range[1])
    for ax, label in zip(axes[:, 0], () if row_labels is None else row_labels):
        ax.text(-0.15, 0.5, label, transform=ax.transAxes, ha="right", va="center", fontsize=9)
    if title:
        fig.suptitle(title)
    return fig


def plot_reconstructions(originals, reconstructions, n=10, title="Originals (top) and reconstructions (bottom)"):
    """Originals on the top row, their reconstructions beneath: (n, H, W, 1) each."""
    pairs = np.concatenate([np.asarray(originals)[:n], np.asarray(reconstructions)[:n]])
    return image_grid(pairs, ncols=n, title=title)


def plot_samples(images, ncols=10, title="Samples decoded from z ~ N(0, I)"):
    """New images generated from the prior."""
    return image_grid(images, ncols=ncols, title=title)


def plot_latent_manifold(decoder, n=15, quantile=0.95, title="The decoder's 2-D latent manifold"):
    """Decodes an n×n grid of z spaced by the prior's quantiles; needs latent_dim = 2.

    Spacing by quantiles of N(0, 1) (not evenly in z) gives each tile equal prior mass.
    """
    latent_dim = decoder.input_shape[-1]
    if latent_dim != 2:
        raise ValueError(f"The latent manifold is drawn for latent_dim = 2; this decoder has {latent_dim}.")
    edge = (1.0 - quantile) / 2
    ticks = norm.ppf(np.linspace(edge, 1.0 - edge, n))
    z = np.array([[x, y] for y in ticks[::-1] for x in ticks], dtype="float32")
    images = np.asarray(keras.ops.convert_to_numpy(decoder(z, training=False)))[..., 0]
    h, w = images.shape[1:3]
    canvas = images.reshape(n, n, h, w).transpose(0, 2, 1, 3).reshape(n * h, n * w)
    fig, ax = plt.subplots(figsize=(7, 7))
    ax.imshow(canvas, cmap="gray", extent=(ticks[0], ticks[-1], ticks[0], ticks[-1]))
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
    ax.set_title(title)
    return fig


def plot_latent_scatter(z, labels, title="Test images in latent space (z_mean), coloured by digit", circle=None):
    """The first two latent coordinates of encoded images z (n, d >= 2), coloured by label (n,).

    circle: the radius of a dashed circle around 0 to draw, e.g. 2.45, which holds 95 % of
    the mass of a 2-D standard normal.
    """
    z = np.asarray(z)
    if z.ndim != 2 or z.shape[1] < 2:
        raise ValueError(f"Expected codes z of shape (n, latent_dim >= 2); got {z.shape}.")
    fig, ax = plt.subplots(figsize=(7, 6))
    points = ax.scatter(z[:, 0], z[:, 1], c=labels, cmap="tab10", s=4)
    if circle is not None:
        ax.add_patch(plt.Circle((0.0, 0.0), circle, fill=False, color="black", linestyle="--"))
    fig.colorbar(points, ax=ax, label="label")
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
    ax.set_title(title)
    return fig


def plot_history(history, keys=("loss", "reconstruction_loss", "kl_loss")):
    """Training curves (and validation curves when present) from a keras History."""
    logs = history.history if hasattr(history, "history") else history
    keys = [k for k in keys if k in logs]
    fig, axes = plt.subplots(1, len(keys), figsize=(4 * len(keys), 3), squeeze=False)
    for ax, key in zip(axes[0], keys):
        ax.plot(logs[key], label="train")
        if f"val_{key}" in logs:
            ax.plot(logs[f"val_{key}"], label="validation")
        ax.set_title(key)
        ax.set_xlabel("epoch")
        ax.set_ylabel("nats per image")
        ax.legend()
    fig.tight_layout()
    return fig


# --- Figures for single notebook sections ---------------------------------------------------

def plot_activations(t, activations):
    """One panel per non-linearity: activations {name: a(t), shape (n,)} against inputs t (n,)."""
    t = np.asarray(t)
    curves = {name: np.asarray(keras.ops.convert_to_numpy(values)) for name, values in activations.items()}
    for name, values in curves.items():
        if values.shape != t.shape:
            raise ValueError(f"{name!r} has shape {values.shape}; expected the shape of t, {t.shape}.")
    fig, axes = plt.subplots(1, len(curves), figsize=(4 * len(curves), 3), sharey=True, squeeze=False)
    for ax, (name, values) in zip(axes[0], curves.items()):
        ax.axhline(0, color="gray", lw=0.5)
        ax.axvline(0, color="gray", lw=0.5)
        ax.plot(t, values, lw=2)
        ax.set_title(name)
        ax.set_xlabel("t (the affine map's output)")
    axes[0, 0].set_ylabel("a(t)")
    fig.tight_layout()
    return fig


def plot_head_ranges(data_by_head, logits=None):
    """Each output head against the range of the data it should produce.

    data_by_head: {head: images (n, H, W, 1)}, heads from `decoders.HEADS`. Top row: the head as a
    function of the logit (default: 201 values in [-5, 5]), the data's range shaded; bottom row:
    a histogram of the data's pixel values (every 50th pixel), on a log scale.
    """
    from vae_keras.decoders import HEADS

    unknown = [head for head in data_by_head if head not in HEADS]
    if unknown:
        raise ValueError(f"Unknown output head(s) {unknown}; expected names from {tuple(HEADS)}.")
    logits = np.linspace(-5, 5, 201).astype("float32") if logits is None else np.asarray(logits, "float32")
    fig, axes = plt.subplots(2, len(data_by_head), figsize=(4 * len(data_by_head), 6), squeeze=False)
    for (head, x), top, bottom in zip(data_by_head.items(), axes[0], axes[1]):
        x = np.asarray(x)
        top.plot(logits, keras.ops.convert_to_numpy(keras.activations.get(head)(logits)), lw=2)
        top.axhspan(x.min(), x.max(), color="tab:orange", alpha=0.2, label="data range")
        top.set_title(f"{head} head")
        top.set_xlabel("logit")
        top.set_ylim(-3, 3.5)
        top.legend(loc="upper left")
        bottom.hist(x.ravel()[::50], bins=60, color="tab:orange")
        bottom.set_yscale("log")
        bottom.set_xlabel("pixel value")
        bottom.set_xlim(-3, 3.5)
    axes[1, 0].set_ylabel("pixels (log scale)")
    fig.tight_layout()
    return fig


def plot_bce_curves(x_hat, curves):
    """Binary cross-entropy per pixel against the decoder output x_hat (n,), one curve per
    target, curves {target: loss (n,)}. Outputs <= 0, where the loss clips x_hat (so no
    gradient flows), are shaded."""
    x_hat = np.ravel(x_hat)
    fig, ax = plt.subplots(figsize=(7, 4))
    for target, loss in curves.items():
        loss = np.ravel(keras.ops.convert_to_numpy(loss))
        if loss.shape != x_hat.shape:
            raise ValueError(f"The curve for target {target:g} has {loss.size} values; expected one per x_hat, "
                             f"{x_hat.size}.")
        ax.plot(x_hat, loss, label=f"target x = {target:g}")
    if x_hat.min() < 0:
        ax.axvspan(x_hat.min(), 0, color="gray", alpha=0.2, label="tanh outputs the loss clips (no gradient)")
    ax.axhline(0, color="black", lw=0.5)
    ax.set_xlabel("decoder output x̂")
    ax.set_ylabel("binary cross-entropy (nats per pixel)")
    ax.set_ylim(-6, 18)
    ax.legend()
    return fig


def color_out_of_range(images, value_range=(0.0, 1.0)):
    """Images (n, H, W, 1) or (n, H, W) as RGB (n, H, W, 3) in [0, 1]: grey levels inside
    value_range, blue below it, red above it."""
    images = np.asarray(images, dtype="float32")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"Expected images of shape (n, H, W, 1) or (n, H, W); got {images.shape}.")
    low, high = value_range
    scaled = (np.clip(images, low, high) - low) / (high - low)
    rgb = np.repeat(scaled[..., None], 3, axis=-1)
    rgb[images < low] = (0.2, 0.4, 1.0)
    rgb[images > high] = (1.0, 0.2, 0.2)
    return rgb


def plot_out_of_range(outputs, show, n=6, value_range=(0.0, 1.0)):
    """Decoder outputs that leave the pixel range, two panels.

    outputs: {label: images (m, H, W, 1)}. Left: a histogram of each set's values, the region
    outside value_range shaded; right: the first n images of outputs[show], with the pixels
    below the range in blue and above it in red.
    """
    if show not in outputs:
        raise ValueError(f"show={show!r} is not one of the outputs {list(outputs)}.")
    low, high = value_range
    values = {label: np.asarray(images).ravel() for label, images in outputs.items()}
    bins = np.linspace(min(low - 0.5, *(v.min() for v in values.values())),
                       max(high + 0.5, *(v.max() for v in values.values())), 80)
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.5), gridspec_kw={"width_ratios": [1, 1.6]})
    for label, v in values.items():
        axes[0].hist(v, bins=bins, alpha=0.6, label=label)
    axes[0].axvspan(bins[0], low, color="gray", alpha=0.2)
    axes[0].axvspan(high, bins[-1], color="gray", alpha=0.2, label=f"outside [{low:g}, {high:g}]")
    axes[0].set_yscale("log")
    axes[0].set_xlabel("decoder output")
    axes[0].legend()
    axes[1].imshow(np.concatenate(list(color_out_of_range(np.asarray(outputs[show])[:n], value_range)), axis=1))
    axes[1].axis("off")
    axes[1].set_title(f"{show}: blue < {low:g}, red > {high:g}")
    return fig


def plot_value_grids(grids):
    """Small 2-D arrays side by side, {title: (H, W)}, as heat maps with each value written in its cell."""
    fig, axes = plt.subplots(1, len(grids), figsize=(4.5 * len(grids), 4.5), squeeze=False)
    for ax, (title, grid) in zip(axes[0], grids.items()):
        grid = np.asarray(grid)
        if grid.ndim != 2:
            raise ValueError(f"{title!r} has shape {grid.shape}; expected a 2-D array (H, W).")
        ax.imshow(grid, cmap="Blues", vmin=0)
        for (i, j), value in np.ndenumerate(grid):
            ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=8,
                    color="white" if value > 0.6 * grid.max() else "black")
        ax.set_title(title)
        ax.axis("off")
    return fig


def plot_training_comparison(histories, seconds_per_epoch, key="val_loss"):
    """Left: `key` per epoch for each model, histories {name: History or its .history dict};
    right: a bar per model of seconds_per_epoch {name: float}."""
    if set(histories) != set(seconds_per_epoch):
        raise ValueError(f"Expected the same models in both; got {list(histories)} and {list(seconds_per_epoch)}.")
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
    for name, history in histories.items():
        logs = history.history if hasattr(history, "history") else history
        if key not in logs:
            raise ValueError(f"The history of {name!r} has no {key!r}; it has {sorted(logs)}.")
        epochs = range(1, len(logs[key]) + 1)
        axes[0].plot(epochs, logs[key], marker="o", label=name)
        axes[0].set_xticks(epochs)
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel(f"{key.replace('val_', 'validation ').replace('_', ' ')} (nats per image)")
    axes[0].legend()
    axes[1].bar(list(histories), [seconds_per_epoch[name] for name in histories],
                color=[f"C{i}" for i in range(len(histories))])
    axes[1].set_ylabel("seconds per epoch")
    fig.tight_layout()
    return fig


def plot_checkerboard_spectra(image_sets, n=3):
    """For each set of images {name: (m, H, W, 1)}, a row: its first n images, contrast stretched
    one by one, then their mean log power spectrum (zero frequency in the middle, the Nyquist
    frequency on the top and left border), titled with the set's Nyquist share."""
    from vae_keras.analysis import nyquist_share, power_spectrum

    fig, axes = plt.subplots(len(image_sets), n + 1, figsize=(3 * (n + 1), 3.25 * len(image_sets)), squeeze=False)
    for row, (name, images) in zip(axes, image_sets.items()):
        power = power_spectrum(images)  # (m, H, W); raises on a wrong shape
        if len(power) < n:
            raise ValueError(f"{name!r} has {len(power)} images; expected at least n = {n}.")
        images = np.asarray(images)
        for ax, image in zip(row[:n], images[..., 0] if images.ndim == 4 else images):
            ax.imshow((image - image.min()) / max(np.ptp(image), 1e-12), cmap="gray")
            ax.set_title(name, fontsize=9)
        row[n].imshow(np.log10(np.fft.fftshift(power.mean(axis=0)) + 1e-12), cmap="magma")
        row[n].set_title(f"mean log power spectrum\nNyquist share {nyquist_share(images):.1%}", fontsize=9)
    for ax in axes.flat:
        ax.axis("off")
    fig.tight_layout()
    return fig


def plot_nll_by_k(nll, elbo):
    """The importance-weighted NLL against the number of samples, nll {k: nats per image},
    on a log axis, with −ELBO (elbo in nats per image) as a dashed line."""
    if not nll:
        raise ValueError("Expected NLL values for at least one k; got none.")
    ks = sorted(nll)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.semilogx(ks, [nll[k] for k in ks], "o-", label="importance-weighted NLL")
    ax.axhline(-elbo, color="gray", linestyle="--", label="-ELBO")
    ax.set_xlabel("importance samples k")
    ax.set_ylabel("nats per image")
    ax.set_title("The bound tightens as k grows")
    ax.legend()
    return fig


def plot_active_units(z_means, threshold=0.01):
    """Each latent unit's variance of E_q[z_u] over the images, sorted, one curve per model,
    z_means {name: z_mean (n, latent_dim)}, with the activity threshold dashed."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name, z_mean in z_means.items():
        z_mean = np.asarray(z_mean)
        if z_mean.ndim != 2:
            raise ValueError(f"z_mean of {name!r} has shape {z_mean.shape}; expected (n, latent_dim).")
        ax.semilogy(np.sort(np.var(z_mean, axis=0))[::-1], "o-", markersize=3, label=name)
    ax.axhline(threshold, color="gray", linestyle="--", label=f"threshold {threshold:g}")
    ax.set_xlabel("latent unit (sorted)")
    ax.set_ylabel("variance of E_q[z_u] over x")
    ax.set_title("Active latent units")
    ax.legend()
    return fig


def save(fig, path):
    """Writes the figure as a PNG and closes it."""
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return path
