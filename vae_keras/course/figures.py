"""The notebooks' own figures: each function draws one lesson's picture and returns a matplotlib Figure."""

import keras
import matplotlib.pyplot as plt
import numpy as np

from vae_keras.plotting import image_grid  # noqa: F401  (used by some figures)


def plot_activations(t, activations):
    """One panel per non-linearity: its activations a(t) against the inputs t.

    Args:
        t: the inputs, (n,).
        activations: {name: a(t)}, each (n,).

    Returns:
        A matplotlib Figure.
    """
    t = np.asarray(t)
    curves = {name: np.asarray(keras.ops.convert_to_numpy(values)) for name, values in activations.items()}
    for name, values in curves.items():
        if values.shape != t.shape:
            raise ValueError(f"Expected {name!r} of the shape of t, {t.shape}. Received: {name!r} of shape "
                             f"{values.shape}")
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

    Top row: the head as a function of the logit, the data's range shaded; bottom row: a
    histogram of the data's pixel values (every 50th pixel), on a log scale.

    Args:
        data_by_head: {head: images (n, H, W, 1)}, heads from `vae_keras.heads.HEADS`.
        logits: the logits to draw each head at (default: 201 values in [-5, 5]).

    Returns:
        A matplotlib Figure.
    """
    from vae_keras.heads import HEADS

    unknown = [head for head in data_by_head if head not in HEADS]
    if unknown:
        raise ValueError(f"Expected head names from {tuple(HEADS)}. Received: unknown head(s) {unknown}")
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
    """Binary cross-entropy per pixel against the decoder output x_hat, one curve per target.

    Outputs <= 0, where the loss clips x_hat (so no gradient flows), are shaded. The vertical axis
    holds every curve whole (and 0); the legend sits to the right of the axes, over no curve.

    Args:
        x_hat: decoder outputs, (n,).
        curves: {target: loss (n,)}.

    Returns:
        A matplotlib Figure.
    """
    x_hat = np.ravel(x_hat)
    fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    for target, loss in curves.items():
        loss = np.ravel(keras.ops.convert_to_numpy(loss))
        if loss.shape != x_hat.shape:
            raise ValueError(f"Expected the curve for target {target:g} with one value per x_hat, {x_hat.size}. "
                             f"Received: {loss.size} values")
        ax.plot(x_hat, loss, label=f"target x = {target:g}")
    if x_hat.min() < 0:
        ax.axvspan(x_hat.min(), 0, color="gray", alpha=0.2, label="tanh outputs the loss clips (no gradient)")
    ax.axhline(0, color="black", lw=0.5)
    ax.set_xlabel("decoder output x̂")
    ax.set_ylabel("binary cross-entropy (nats per pixel)")
    drawn = np.concatenate([line.get_ydata() for line in ax.lines])
    drawn = drawn[np.isfinite(drawn)]
    if drawn.size:  # every curve whole on the axes, 0 included
        low, high = min(drawn.min(), 0.0), max(drawn.max(), 0.0)
        margin = 0.05 * (high - low) or 1.0
        ax.set_ylim(low - margin, high + margin)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)  # beside the axes, over no curve
    return fig


def color_out_of_range(images, value_range=(0.0, 1.0)):
    """Images as RGB in [0, 1]: grey levels inside value_range, blue below it, red above it.

    Args:
        images: (n, H, W, 1) or (n, H, W).
        value_range: (low, high).

    Returns:
        An array (n, H, W, 3) in [0, 1].
    """
    images = np.asarray(images, dtype="float32")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"Expected images of shape (n, H, W, 1) or (n, H, W). Received: images.shape={images.shape}")
    low, high = value_range
    scaled = (np.clip(images, low, high) - low) / (high - low)
    rgb = np.repeat(scaled[..., None], 3, axis=-1)
    rgb[images < low] = (0.2, 0.4, 1.0)
    rgb[images > high] = (1.0, 0.2, 0.2)
    return rgb


def plot_out_of_range(outputs, show, n=6, value_range=(0.0, 1.0)):
    """Decoder outputs that leave the pixel range, two panels.

    Left: a histogram of each set's values, the region outside value_range shaded; right: the
    first n images of outputs[show], with the pixels below the range in blue and above it in red.

    Args:
        outputs: {label: images (m, H, W, 1)}.
        show: the label of the set whose images are shown.
        n: how many images to show.
        value_range: (low, high), the pixel range.

    Returns:
        A matplotlib Figure.
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
    """Small 2-D arrays side by side, as heat maps with each value written in its cell.

    Args:
        grids: {title: array (H, W)}.

    Returns:
        A matplotlib Figure.
    """
    fig, axes = plt.subplots(1, len(grids), figsize=(4.5 * len(grids), 4.5), squeeze=False)
    for ax, (title, grid) in zip(axes[0], grids.items()):
        grid = np.asarray(grid)
        if grid.ndim != 2:
            raise ValueError(f"Expected {title!r} as a 2-D array (H, W). Received: {title!r} of shape {grid.shape}")
        ax.imshow(grid, cmap="Blues", vmin=0)
        for (i, j), value in np.ndenumerate(grid):
            ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=8,
                    color="white" if value > 0.6 * grid.max() else "black")
        ax.set_title(title)
        ax.axis("off")
    return fig


def plot_training_comparison(histories, seconds_per_epoch, key="val_loss"):
    """Left: `key` per epoch for each model; right: a bar per model of its seconds per epoch.

    Args:
        histories: {name: History or its .history dict}.
        seconds_per_epoch: {name: float}, for the same models.
        key: the metric to draw.

    Returns:
        A matplotlib Figure.
    """
    if set(histories) != set(seconds_per_epoch):
        raise ValueError(f"Expected the same models in both. Received: {list(histories)} and {list(seconds_per_epoch)}")
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
    """For each set of images, a row: its first n images, then their mean log power spectrum.

    The images are contrast stretched one by one; the spectrum (zero frequency in the middle, the
    Nyquist frequency on the top and left border) is titled with the set's Nyquist share.

    Args:
        image_sets: {name: images (m, H, W, 1)}, m >= n.
        n: images shown per set.

    Returns:
        A matplotlib Figure.
    """
    from vae_keras.course.analysis import nyquist_share, power_spectrum

    fig, axes = plt.subplots(len(image_sets), n + 1, figsize=(3 * (n + 1), 3.25 * len(image_sets)), squeeze=False)
    for row, (name, images) in zip(axes, image_sets.items()):
        power = power_spectrum(images)  # (m, H, W); raises on a wrong shape
        if len(power) < n:
            raise ValueError(f"Expected at least n = {n} images in {name!r}. Received: {len(power)} images")
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
    """The importance-weighted NLL against the number of samples, on a log axis, with −ELBO dashed.

    Args:
        nll: {k: NLL in nats per image}.
        elbo: the ELBO in nats per image.

    Returns:
        A matplotlib Figure.
    """
    if not nll:
        raise ValueError("Expected NLL values for at least one k. Received: none")
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
    """Each latent unit's variance of E_q[z_u] over the images, sorted, one curve per model.

    Args:
        z_means: {name: z_mean (n, latent_dim)}.
        threshold: the activity threshold, drawn dashed.

    Returns:
        A matplotlib Figure.
    """
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name, z_mean in z_means.items():
        z_mean = np.asarray(z_mean)
        if z_mean.ndim != 2:
            raise ValueError(f"Expected z_mean of {name!r} of shape (n, latent_dim). Received: "
                             f"z_mean.shape={z_mean.shape}")
        ax.semilogy(np.sort(np.var(z_mean, axis=0))[::-1], "o-", markersize=3, label=name)
    ax.axhline(threshold, color="gray", linestyle="--", label=f"threshold {threshold:g}")
    ax.set_xlabel("latent unit (sorted)")
    ax.set_ylabel("variance of E_q[z_u] over x")
    ax.set_title("Active latent units")
    ax.legend()
    return fig


def plot_learned_sigma(sigma, feature_names, title="The decoder's learned noise σ, per feature"):
    """A horizontal bar per feature of a Gaussian decoder's σ in standardised units, sorted.

    Args:
        sigma: σ per feature, (d,), in standardised units (1 = the feature's whole spread).
        feature_names: the d feature names.
        title: the figure's title.

    Returns:
        A matplotlib Figure with one panel; a dashed line marks σ = 1, explained in a legend below the
        axis, where it covers no bar.
    """
    sigma = np.ravel(np.asarray(sigma, dtype="float64"))
    if len(feature_names) != sigma.size:
        raise ValueError(f"Expected one feature name per σ, {sigma.size}. Received: {len(feature_names)} feature_names")
    order = np.argsort(sigma)
    height = 0.3 * sigma.size + 1.6
    fig, ax = plt.subplots(figsize=(7, height))
    ax.barh([str(feature_names[i]) for i in order], sigma[order], color="tab:blue")
    ax.axvline(1.0, color="gray", linestyle="--", label="σ = 1: the feature's whole spread")
    ax.set_xlabel("σ (standardised units)")
    ax.set_title(title)
    fig.tight_layout(rect=(0, 0.35 / height, 1, 1))  # room below the axis for the legend, where it covers no bar
    fig.legend(loc="lower center", frameon=False)
    return fig


def plot_marginals(real, generated, feature_names, features=None, bins=25, ncols=3, labels=("real", "generated")):
    """Histograms of a few features, real rows against generated rows, each normalised to a density.

    Args:
        real: rows (n, d).
        generated: rows (m, d) of the same features, in the same units.
        feature_names: the d feature names.
        features: the indices of the features to draw (default: all).
        bins: bins per histogram, shared by both sets.
        ncols: panels per row.
        labels: the legend's names for real and generated.

    Returns:
        A matplotlib Figure, one panel per feature drawn.
    """
    real, generated = np.asarray(real, dtype="float64"), np.asarray(generated, dtype="float64")
    if real.ndim != 2 or generated.ndim != 2 or real.shape[1] != generated.shape[1]:
        raise ValueError(f"Expected real and generated rows (n, d) with the same d. Received: real.shape={real.shape}, "
                         f"generated.shape={generated.shape}")
    if len(feature_names) != real.shape[1]:
        raise ValueError(f"Expected {real.shape[1]} feature names. Received: {len(feature_names)} feature_names")
    features = list(range(real.shape[1])) if features is None else list(features)
    nrows = int(np.ceil(len(features) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4 * ncols, 2.8 * nrows), squeeze=False)
    for ax in axes.flat[len(features):]:
        ax.axis("off")
    for ax, j in zip(axes.flat, features):
        edges = np.histogram_bin_edges(np.concatenate([real[:, j], generated[:, j]]), bins=bins)
        ax.hist(real[:, j], bins=edges, density=True, alpha=0.6, label=labels[0])
        ax.hist(generated[:, j], bins=edges, density=True, alpha=0.6, label=labels[1])
        ax.set_title(str(feature_names[j]), fontsize=10)
        ax.set_yticks([])
    axes.flat[0].legend()
    fig.tight_layout()
    return fig


def plot_correlations(real, generated, feature_names, titles=("real rows", "generated rows")):
    """Two correlation matrices side by side and their difference.

    Args:
        real: rows (n, d).
        generated: rows (m, d) of the same features.
        feature_names: the d feature names, written along the axes.
        titles: the two matrices' titles.

    Returns:
        A matplotlib Figure with three heat maps: corr(real), corr(generated), both on [-1, 1] with one
        colour bar, and corr(generated) − corr(real), titled with the mean absolute difference off the
        diagonal, on its own symmetric scale (the largest |Δ| off the diagonal, rounded up to a tenth)
        with its own colour bar, so that gaps of a few tenths stand out.
    """
    from vae_keras.tabular import correlation_gap, correlation_matrix

    real_corr, generated_corr = correlation_matrix(real), correlation_matrix(generated)
    if real_corr.shape != generated_corr.shape:
        raise ValueError(f"Expected real and generated rows with the same features. Received: {real_corr.shape[0]} "
                         f"and {generated_corr.shape[0]}")
    if len(feature_names) != real_corr.shape[0]:
        raise ValueError(f"Expected {real_corr.shape[0]} feature names. Received: {len(feature_names)} feature_names")
    gap = correlation_gap(real, generated)
    difference = generated_corr - real_corr
    off_diagonal = ~np.eye(len(difference), dtype=bool)
    largest = max(float(np.max(np.abs(difference[off_diagonal]), initial=0.0)), 1e-3)
    scale = float(np.ceil(largest * 10) / 10)  # the difference's own scale, rounded up to a tenth
    panels = [(titles[0], real_corr, 1.0), (titles[1], generated_corr, 1.0),
              (f"difference (mean |Δ| off the diagonal {gap:.2f})", difference, scale)]
    fig, axes = plt.subplots(1, 3, figsize=(17, 5.4))
    for ax, (title, matrix, limit) in zip(axes, panels):
        shown = ax.imshow(matrix, cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(title, fontsize=10)
        ax.set_xticks(range(len(feature_names)))
        ax.set_xticklabels([str(name) for name in feature_names], rotation=90, fontsize=7)
        ax.set_yticks(range(len(feature_names)))
        ax.set_yticklabels([str(name) for name in feature_names] if ax is axes[0] else [], fontsize=7)
        if ax is axes[1]:
            fig.colorbar(shown, ax=list(axes[:2]), shrink=0.8, label="correlation")
    fig.colorbar(shown, ax=axes[2], shrink=0.8, label=f"generated − real (own scale, ±{scale:g})")
    return fig


def plot_sigma_sweep(sigmas, rms_errors, kls, learned=None):
    """What the Gaussian decoder's fixed σ does, two panels against σ (log scale): left, the RMS
    reconstruction error in pixel units, with the line error = σ; right, the KL per image in nats.

    Args:
        sigmas, rms_errors, kls: one value per model, sequences of equal length.
        learned: None, or (σ, rms_error, kl) of a model that learned its σ, drawn as a star.

    Returns:
        The Figure.
    """
    sigmas, rms_errors, kls = (np.asarray(v, dtype="float64") for v in (sigmas, rms_errors, kls))
    if not (sigmas.shape == rms_errors.shape == kls.shape and sigmas.ndim == 1 and len(sigmas)):
        raise ValueError(f"Expected one σ, error and KL per model. Received: {len(sigmas)}, {len(rms_errors)}, "
                         f"{len(kls)}")
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
    for ax, values, label in ((axes[0], rms_errors, "RMS reconstruction error (pixels)"),
                              (axes[1], kls, "KL (nats per image)")):
        ax.plot(sigmas, values, marker="o", label="σ fixed")
        ax.set_xscale("log")
        ax.set_xticks(sigmas, [f"{s:g}" for s in sigmas])
        ax.minorticks_off()
        ax.set_xlabel("decoder σ (pixels)")
        ax.set_ylabel(label)
    axes[0].plot(sigmas, sigmas, color="gray", linestyle=":", label="error = σ")
    if learned is not None:
        sigma, rms_error, kl = learned
        axes[0].plot([sigma], [rms_error], marker="*", markersize=14, linestyle="none", color="C3", label="σ learned")
        axes[1].plot([sigma], [kl], marker="*", markersize=14, linestyle="none", color="C3", label="σ learned")
    axes[0].set_ylim(0, max(rms_errors.max(), 0.05) * 1.3)
    for ax in axes:
        ax.legend()
    fig.tight_layout()
    return fig


def plot_sigma_trace(sigmas, rms_errors):
    """A learned σ epoch by epoch, beside the RMS reconstruction error.

    σ would have to equal that error at the likelihood's stationary point.

    Args:
        sigmas: the learned σ, (epochs,).
        rms_errors: the RMS reconstruction error, (epochs,).

    Returns:
        A matplotlib Figure.
    """
    sigmas, rms_errors = np.asarray(sigmas, dtype="float64"), np.asarray(rms_errors, dtype="float64")
    if sigmas.shape != rms_errors.shape or sigmas.ndim != 1 or not len(sigmas):
        raise ValueError(f"Expected one σ and one error per epoch. Received: shapes {sigmas.shape} and "
                         f"{rms_errors.shape}")
    epochs = np.arange(1, len(sigmas) + 1)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(epochs, sigmas, marker="o", label="learned σ")
    ax.plot(epochs, rms_errors, marker="s", label="RMS reconstruction error, z ~ q(z|x)")
    ax.set_xticks(epochs)
    ax.set_xlabel("epoch")
    ax.set_ylabel("pixels")
    ax.set_ylim(0, None)
    ax.legend()
    fig.tight_layout()
    return fig


def plot_head_outputs(originals, reconstructions, samples=None, value_range=(0.0, 1.0), full_colour=0.25):
    """Several decoders' outputs as pixels, one row per model: reconstructions, then prior samples.

    Every row on one pixel scale, nothing clipped: inside value_range, grey levels from black to white;
    below it the colour runs on from black to blue, reached full_colour below the low end; above it,
    from white to red, reached full_colour above the high end. So the scale has no jump at the range's
    ends: an output a few hundredths outside (as a linear head's noisy background) looks nearly like
    the end it overshoots, and only a real excursion shows in colour.

    Args:
        originals: the images reconstructed, (n, H, W, 1) or (n, H, W), in pixels: the first row.
        reconstructions: {row label: images of the originals' shape, in pixels}, one row per model.
        samples: None, or {row label: images (m, H, W, 1) in pixels} for the same labels, drawn
            to the right of each row's reconstructions.
        value_range: (low, high), the pixel range.
        full_colour: how far outside value_range, in pixels, the colour becomes full blue or red (> 0).

    Returns:
        A matplotlib Figure.
    """
    if not full_colour > 0:
        raise ValueError(f"full_colour must be a positive distance in pixels. Received: full_colour={full_colour}")
    low, high = value_range

    def coloured(images):  # grey inside the range, shading on to blue below it and to red above it
        rgb = color_out_of_range(images, value_range)  # checks the shape; full blue and red outside
        values = np.asarray(images, dtype="float32").reshape(rgb.shape[:3])
        for outside, distance, end in ((values < low, low - values, 0.0), (values > high, values - high, 1.0)):
            share = np.minimum(distance[outside] / full_colour, 1.0)[:, None]
            rgb[outside] = (1 - share) * end + share * rgb[outside]
        return rgb

    originals = np.asarray(originals, dtype="float32")
    if not reconstructions:
        raise ValueError("reconstructions is empty: pass {row label: images}. Received: reconstructions={}")
    for label, images in reconstructions.items():
        if np.shape(images) != originals.shape:
            raise ValueError(f"Expected the reconstructions of {label!r} of the originals' shape {originals.shape}. "
                             f"Received: shape {np.shape(images)}")
    if samples is not None and set(samples) != set(reconstructions):
        raise ValueError(f"samples must have the same row labels as reconstructions. Received: samples for "
                         f"{sorted(samples)}, reconstructions for {sorted(reconstructions)}")
    rows = [("test images", originals, None)]
    rows += [(label, images, None if samples is None else samples[label]) for label, images in reconstructions.items()]
    n, m = len(originals), 0 if samples is None else max(len(images) for images in samples.values())
    ratios = [n] if samples is None else [n, m]
    fig, axes = plt.subplots(len(rows), len(ratios), figsize=(0.75 * (sum(ratios) + 4), 0.85 * len(rows) + 1.0),
                             squeeze=False, gridspec_kw={"width_ratios": ratios})
    for (label, recon, drawn), row in zip(rows, axes):
        for images, ax in zip((recon, drawn), row):
            ax.set_xticks([])
            ax.set_yticks([])
            if images is None:
                ax.axis("off")
                continue
            ax.imshow(np.concatenate(list(coloured(images)), axis=1))
        row[0].text(-0.02, 0.5, label, transform=row[0].transAxes, ha="right", va="center")
    axes[0, 0].set_title("reconstructions of test images")
    if samples is not None:
        axes[0, 1].set_title("samples from the prior")
    fig.suptitle(f"As pixels on one scale, not clipped: black {low:g} to white {high:g};\n"
                 f"below {low:g}, black to blue (full at {low - full_colour:g}); above {high:g}, white to red "
                 f"(full at {high + full_colour:g})")
    fig.subplots_adjust(left=0.22, right=0.99, top=1 - 0.85 / fig.get_figheight(), wspace=0.05, hspace=0.08)
    return fig


def plot_sample_sets(sample_sets, ncols=8, value_range=(0.0, 1.0), scale=0.6, title=None):
    """Sets of images side by side in one figure, one panel per set, e.g. two models' prior samples.

    Args:
        sample_sets: {panel title: images (n, H, W, 1) or (n, H, W)}; every set the same n.
        ncols: images per row in each panel.
        value_range: the pixel values shown black and white.
        scale: each image's size, in inches.
        title: the figure's title, or None.

    Returns:
        A matplotlib Figure.
    """
    sets = {name: np.asarray(keras.ops.convert_to_numpy(images)) for name, images in sample_sets.items()}
    if not sets:
        raise ValueError("sample_sets is empty: pass {panel title: images}. Received: sample_sets={}")
    sizes = {len(images) for images in sets.values()}
    if len(sizes) != 1 or 0 in sizes:
        raise ValueError(f"Every set needs the same number of images, at least one. Received: "
                         f"{ {name: len(images) for name, images in sets.items()} }.")
    n = sizes.pop()
    nrows = int(np.ceil(n / ncols))
    fig = plt.figure(figsize=(scale * ncols * len(sets) + 0.3 * (len(sets) - 1), scale * nrows + 0.6))
    for panel, (name, images) in zip(np.atleast_1d(fig.subfigures(1, len(sets), wspace=0.04)), sets.items()):
        axes = panel.subplots(nrows, ncols, squeeze=False)
        for ax in axes.flat:
            ax.axis("off")
        for ax, image in zip(axes.flat, images[..., 0] if images.ndim == 4 else images):
            ax.imshow(image, cmap="gray", vmin=value_range[0], vmax=value_range[1])
        panel.suptitle(name)
        panel.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.9, wspace=0.05, hspace=0.05)
    if title:
        fig.suptitle(title, y=1.0 + 0.5 / fig.get_figheight())  # above the panels' own titles
    return fig


def plot_upsampling_comparison(overlaps, untrained, trained, n=2):
    """Notebook 03's lesson in one figure: one row per way of doubling a feature map.

    Columns: a constant map of ones through one block whose weights are all 1 (each output pixel
    labelled with what it received); n images of the untrained decoder, contrast stretched one by
    one so that a faint pattern shows; their mean log power spectrum (zero frequency in the middle,
    the Nyquist frequency on the top and left border), titled with their Nyquist share; then the
    same for the trained decoder, its images drawn as pixels in [0, 1].

    Args:
        overlaps: {row label: array (H, W)}, one block's output for a map of ones.
        untrained: {row label: images (m, H, W, 1)}, m >= n, the same labels.
        trained: {row label: images (m, H, W, 1)}, m >= n, the same labels.
        n: images shown per decoder, before and after training.

    Returns:
        A matplotlib Figure.
    """
    from vae_keras.course.analysis import nyquist_share, power_spectrum

    if not overlaps or set(untrained) != set(overlaps) or set(trained) != set(overlaps):
        raise ValueError(f"Expected the same row labels in overlaps, untrained and trained. Received: "
                         f"{sorted(overlaps)}, {sorted(untrained)} and {sorted(trained)}")
    fig, axes = plt.subplots(len(overlaps), 2 * n + 3, figsize=(1.9 * (2 * n + 3), 2.3 * len(overlaps) + 0.4),
                             squeeze=False)
    for row, (label, grid) in zip(axes, overlaps.items()):
        grid = np.asarray(grid)
        if grid.ndim != 2:
            raise ValueError(f"Expected the overlap map of {label!r} as a 2-D array (H, W). Received: shape "
                             f"{grid.shape}")
        row[0].imshow(grid, cmap="Blues", vmin=0)
        for (i, j), value in np.ndenumerate(grid):
            row[0].text(j, i, f"{value:g}", ha="center", va="center", fontsize=7,
                        color="white" if value > 0.6 * grid.max() else "black")
        row[0].set_title("one block, input of ones", fontsize=9)
        row[0].text(-0.08, 0.5, label, transform=row[0].transAxes, rotation=90, ha="right", va="center", fontsize=10)
        for start, (when, images) in zip((1, n + 2), (("untrained", untrained[label]), ("trained", trained[label]))):
            power = power_spectrum(images)  # (m, H, W); raises on a wrong shape
            if len(power) < n:
                raise ValueError(f"Expected at least n = {n} {when} images of {label!r}. Received: {len(power)}")
            images = np.asarray(images)
            images = images[..., 0] if images.ndim == 4 else images
            for ax, image in zip(row[start:start + n], images):
                if when == "untrained":
                    ax.imshow((image - image.min()) / max(np.ptp(image), 1e-12), cmap="gray")
                else:
                    ax.imshow(image, cmap="gray", vmin=0, vmax=1)
                ax.set_title(f"{when}" + (", stretched" if when == "untrained" else ""), fontsize=9)
            row[start + n].imshow(np.log10(np.fft.fftshift(power.mean(axis=0)) + 1e-12), cmap="magma")
            row[start + n].set_title(f"{when} spectrum\nNyquist share {nyquist_share(images):.2%}", fontsize=9)
            height, width = power.shape[1:]
            for corner, size in (((-0.5, -0.5), (width, 1)), ((-0.5, -0.5), (1, height))):  # the Nyquist row, column
                row[start + n].add_patch(plt.Rectangle(corner, *size, fill=False, edgecolor="cyan", linewidth=1.2))
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
    fig.tight_layout()
    return fig


def plot_pipeline(head="sigmoid"):
    """The VAE's pipeline as a diagram: where z comes from, then the decoder, its head and x̂.

    Reconstructing (top): x → encoder q_φ(z|x) → z ~ q_φ(z|x). Generating (bottom): z ~ N(0, I).
    Both z feed the decoder g_θ, then the output head, which gives x̂.

    Args:
        head: the output head's name, written in its box.

    Returns:
        A matplotlib Figure.
    """
    fig, ax = plt.subplots(figsize=(11, 3.2))
    ax.set_xlim(0, 11)
    ax.set_ylim(0.3, 3.7)
    ax.axis("off")
    style = {"ha": "center", "va": "center", "fontsize": 12}
    boxes = {
        "x": (0.6, 2.7, "$x$\nimage", "#dddddd"),
        "encoder": (2.5, 2.7, "encoder\n$q_\\phi(z\\,|\\,x)$", "#c6dbef"),
        "z_q": (4.6, 2.7, "$z \\sim q_\\phi(z\\,|\\,x)$", "#c6dbef"),
        "z_p": (4.6, 0.9, "$z \\sim \\mathcal{N}(0, I)$", "#fdd0a2"),
        "decoder": (6.8, 1.8, "decoder\n$g_\\theta(z)$", "#c7e9c0"),
        "head": (8.7, 1.8, f"output head\n{head}", "#c7e9c0"),
        "x_hat": (10.3, 1.8, "$\\hat{x}$\nimage", "#dddddd"),
    }
    drawn = {key: ax.text(x, y, text, **style, gid=key,
                          bbox={"boxstyle": "round,pad=0.5", "facecolor": colour, "edgecolor": "0.3"})
             for key, (x, y, text, colour) in boxes.items()}
    arrows = [("x", "encoder"), ("encoder", "z_q"), ("z_q", "decoder"), ("z_p", "decoder"), ("decoder", "head"),
              ("head", "x_hat")]
    for start, end in arrows:
        (x0, y0, *_), (x1, y1, *_) = boxes[start], boxes[end]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), gid=f"{start}->{end}",
                    arrowprops={"arrowstyle": "-|>", "color": "0.2", "lw": 1.5, "shrinkA": 4, "shrinkB": 4,
                                "patchA": drawn[start].get_bbox_patch(), "patchB": drawn[end].get_bbox_patch()})
    ax.text(2.5, 3.45, "reconstructing: z from the encoder", ha="center", fontsize=11, color="#08519c")
    ax.text(2.5, 0.9, "generating: z from the prior", ha="center", va="center", fontsize=11, color="#a63603")
    ax.set_title("One decoder, two sources of z", fontsize=13)
    fig.tight_layout()
    return fig


def plot_nll_against_k(estimates, elbo=None, title="The importance-weighted NLL tightens as k grows"):
    """Notebook 05's figure: the NLL estimate against k (log axis), ±2 Monte Carlo standard errors, −ELBO dashed.

    Args:
        estimates: {k: {"nll": float, "mc_se": float, ...}}, as `analysis.importance_weighted_estimates`
            returns, at least one k.
        elbo: the ELBO in nats per image, drawn as −ELBO; None (the default) takes the k = 1 estimate,
            which is the ELBO estimated with all the samples (then estimates must hold k = 1).
        title: the figure's title.

    Returns:
        A matplotlib Figure.
    """
    if not estimates:
        raise ValueError("Expected NLL estimates for at least one k. Received: estimates={}")
    if elbo is None:
        if 1 not in estimates:
            raise ValueError(f"Without elbo=, estimates must hold k = 1 (the ELBO). Received: ks={sorted(estimates)}")
        elbo = -estimates[1]["nll"]
    ks = sorted(estimates)
    nll = np.array([estimates[k]["nll"] for k in ks])
    se = np.array([estimates[k]["mc_se"] for k in ks])
    if not (np.all(np.isfinite(nll)) and np.all(np.isfinite(se)) and np.isfinite(elbo)):
        raise ValueError(f"Expected finite NLL estimates, standard errors and ELBO. Received: nll={nll}, "
                         f"mc_se={se}, elbo={elbo}")
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.axhline(-elbo, color="gray", linestyle="--", label=f"−ELBO = {-elbo:.2f}")
    ax.errorbar(ks, nll, yerr=2 * se, fmt="o-", capsize=4, color="C0",
                label="NLL, k samples (±2 SE)")
    for k, value, error in zip(ks, nll, se):
        ax.annotate(f"{value:.2f} ± {error:.3f}", (k, value), textcoords="offset points", xytext=(6, 6), fontsize=8)
    ax.fill_between(ks, nll, -elbo, color="C0", alpha=0.1, label="at least what the ELBO misses")
    ax.set_xscale("log")
    ax.set_xticks(ks, [str(k) for k in ks])
    ax.set_xlim(ks[0] / 1.5, ks[-1] * 4)  # room for the last label
    ax.margins(y=0.15)
    ax.set_xlabel("importance samples per image, k")
    ax.set_ylabel("nats per image (lower is better)")
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return fig
