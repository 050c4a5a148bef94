"""Figures for the course. Each function returns a matplotlib Figure (save it with `save`)."""

import keras
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import norm


def image_grid(images, ncols=10, title=None, value_range=(0.0, 1.0), scale=1.0):
    """A grid of images (n, H, W, 1) or (n, H, W), ncols to a row."""
    images = np.asarray(images)
    if images.ndim == 4:
        images = images[..., 0]
    nrows = int(np.ceil(len(images) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(scale * ncols, scale * nrows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image in zip(axes.flat, images):
        ax.imshow(image, cmap="gray", vmin=value_range[0], vmax=value_range[1])
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


def plot_latent_scatter(z, labels, title="Test images in latent space (z_mean), coloured by digit"):
    """The first two latent coordinates of encoded images, coloured by label."""
    z = np.asarray(z)
    fig, ax = plt.subplots(figsize=(7, 6))
    points = ax.scatter(z[:, 0], z[:, 1], c=labels, cmap="tab10", s=4)
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


def save(fig, path):
    """Writes the figure as a PNG and closes it."""
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return path
