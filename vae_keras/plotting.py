"""Figures of a trained VAE: image grids, reconstructions, samples, the latent space, training curves.

Each function returns a matplotlib Figure; `save` writes one as a PNG. The course's per-notebook
figures are in `vae_keras.course.figures`.
"""

import keras
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import norm


def image_grid(images, ncols=10, title=None, value_range=(0.0, 1.0), scale=1.0, row_labels=None):
    """A grid of images, ncols to a row.

    Args:
        images: (n, H, W, 1) or (n, H, W).
        ncols: images per row.
        title: the figure's title, or None.
        value_range: the pixel values shown black and white.
        scale: each image's size, in inches.
        row_labels: one text per row, written to the left of the row's first image.

    Returns:
        A matplotlib Figure.
    """
    images = np.asarray(images)
    if images.ndim == 4:
        images = images[..., 0]
    nrows = int(np.ceil(len(images) / ncols))
    if row_labels is not None and len(row_labels) != nrows:
        raise ValueError(f"Expected one row label per row, {nrows}. Received: {len(row_labels)} row_labels")
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
    """Originals on the top row, their reconstructions beneath.

    Args:
        originals: images (n, H, W, 1).
        reconstructions: their reconstructions, (n, H, W, 1).
        n: how many pairs to show, the first n.
        title: the figure's title.

    Returns:
        A matplotlib Figure.
    """
    pairs = np.concatenate([np.asarray(originals)[:n], np.asarray(reconstructions)[:n]])
    return image_grid(pairs, ncols=n, title=title)


def plot_samples(images, ncols=10, title="Samples decoded from z ~ N(0, I)"):
    """New images generated from the prior.

    Args:
        images: the decoded samples, (n, H, W, 1) or (n, H, W).
        ncols: images per row.
        title: the figure's title.

    Returns:
        A matplotlib Figure.
    """
    return image_grid(images, ncols=ncols, title=title)


def plot_latent_manifold(decoder, n=15, quantile=0.95, title="The decoder's 2-D latent manifold"):
    """Decodes an n×n grid of z spaced by the prior's quantiles; needs latent_dim = 2.

    Spacing by quantiles of N(0, 1) (not evenly in z) gives each tile equal prior mass. The grid is
    therefore not even in z, so each tick sits at the centre of a tile and is labelled with the z the
    tile was decoded at (z[0] along the bottom, z[1] up the side), not with an even scale.

    Args:
        decoder: a Keras model, z (batch, 2) -> images (batch, H, W, 1).
        n: codes per side.
        quantile: the prior mass the grid spans along each axis, e.g. 0.95.
        title: the figure's title.

    Returns:
        A matplotlib Figure.
    """
    latent_dim = decoder.input_shape[-1]
    if latent_dim != 2:
        raise ValueError("The latent manifold is drawn for latent_dim = 2: use plot_samples for other sizes. "
                         f"Received: a decoder with latent_dim={latent_dim}")
    edge = (1.0 - quantile) / 2
    ticks = norm.ppf(np.linspace(edge, 1.0 - edge, n))
    z = np.array([[x, y] for y in ticks[::-1] for x in ticks], dtype="float32")
    images = np.asarray(keras.ops.convert_to_numpy(decoder(z, training=False)))[..., 0]
    h, w = images.shape[1:3]
    canvas = images.reshape(n, n, h, w).transpose(0, 2, 1, 3).reshape(n * h, n * w)
    fig, ax = plt.subplots(figsize=(7, 7))
    ax.imshow(canvas, cmap="gray", extent=(0, n, 0, n))  # tile i spans [i, i + 1] on either axis
    labels = [f"{t:.2f}" for t in np.asarray(z[:n, 0])]  # the float32 codes the decoder was given
    ax.set_xticks(np.arange(n) + 0.5, labels, rotation=90, fontsize=8)
    ax.set_yticks(np.arange(n) + 0.5, labels, fontsize=8)
    ax.set_xlabel("z[0] (tiles at quantiles of N(0, 1))")
    ax.set_ylabel("z[1]")
    ax.set_title(title)
    return fig


def plot_latent_scatter(z, labels, title="Test images in latent space (z_mean), coloured by digit", circle=None):
    """The first two latent coordinates of encoded images, coloured by label.

    Args:
        z: codes (n, d), d >= 2.
        labels: one label per code, (n,).
        title: the figure's title.
        circle: the radius of a dashed circle around 0 to draw, e.g. 2.45, which holds 95 % of
            the mass of a 2-D standard normal; None for no circle.

    Returns:
        A matplotlib Figure.
    """
    z = np.asarray(z)
    if z.ndim != 2 or z.shape[1] < 2:
        raise ValueError(f"Expected codes z of shape (n, latent_dim >= 2). Received: z.shape={z.shape}")
    fig, ax = plt.subplots(figsize=(7, 6))
    points = ax.scatter(z[:, 0], z[:, 1], c=labels, cmap="tab10", s=4)
    if circle is not None:
        ax.add_patch(plt.Circle((0.0, 0.0), circle, fill=False, color="black", linestyle="--"))
    fig.colorbar(points, ax=ax, label="label")
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
    ax.set_title(title)
    return fig


def plot_history(history, keys=("loss", "reconstruction_loss", "kl_loss"), unit="nats per image"):
    """Training curves (and validation curves when present) from a keras History.

    Args:
        history: a keras History, or its `.history` dict.
        keys: the metrics to draw, a panel each; those the history lacks are left out.
        unit: the y axis's label, e.g. "nats per row" for a table.

    Returns:
        A matplotlib Figure.
    """
    logs = history.history if hasattr(history, "history") else history
    keys = [k for k in keys if k in logs]
    fig, axes = plt.subplots(1, len(keys), figsize=(4 * len(keys), 3), squeeze=False)
    for ax, key in zip(axes[0], keys):
        ax.plot(logs[key], label="train")
        if f"val_{key}" in logs:
            ax.plot(logs[f"val_{key}"], label="validation")
        ax.set_title(key)
        ax.set_xlabel("epoch")
        ax.set_ylabel(unit)
        ax.legend()
    fig.tight_layout()
    return fig


def save(fig, path):
    """Writes the figure as a PNG and closes it.

    Args:
        fig: a matplotlib Figure.
        path: the file to write.

    Returns:
        path.
    """
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return path
