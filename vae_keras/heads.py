"""The decoder's output head and everything that follows from it: one record per head.

The head is the activation of the decoder's last layer. It fixes the values the decoder can
produce, hence the data it can model, the likelihood to train it with, and how images in
[0, 1] are scaled to that data and back:

    head     output range   matched likelihood   the data, from pixels p in [0, 1]   back to pixels
    sigmoid  (0, 1)         bernoulli            p                                    x
    tanh     (-1, 1)        gaussian             2p − 1                               (x + 1) / 2
    linear   ℝ              gaussian             (p − m) / s, m and s from training   x·s + m

A likelihood whose parameter must lie in (0, 1) (the Bernoulli and continuous Bernoulli) only
fits a sigmoid head; the Gaussian's mean fits any head. `check_pairing` is the one place that
rule is checked (`VAE` calls it once, with the head `build_vae` passes). Decoders, `build_vae`,
the main command and the notebooks all read these records.
"""

from dataclasses import dataclass

from vae_keras import datasets, losses


@dataclass(frozen=True)
class Head:
    """One output head.

    Args:
        name: the Keras activation of the decoder's last layer ("sigmoid", "tanh", "linear").
        output_range: (low, high), the values the head can produce.
        likelihood: the matched likelihood's name (see `vae_keras.losses.LIKELIHOODS`).
        pixel_mean, pixel_std: the affine map from pixels p to data x = (p − mean)/std, or
            None for both when it is fitted to the training data (standardising).
    """

    name: str
    output_range: tuple
    likelihood: str
    pixel_mean: float | None
    pixel_std: float | None

    def fits(self, likelihood):
        """Whether this head's outputs are valid parameters of `likelihood`.

        Args:
            likelihood: a likelihood name or alias.

        Returns:
            A bool.
        """
        low, high = losses.get_likelihood(likelihood).parameter_range
        return low <= self.output_range[0] and self.output_range[1] <= high

    @property
    def outputs_pixels(self):
        """Whether the decoder's outputs are pixels in [0, 1] as they stand (the map to pixels is the identity)."""
        return (self.pixel_mean, self.pixel_std) == (0.0, 1.0)

    def scaler(self, x_train=None, per_feature=False):
        """The map between pixels in [0, 1] and this head's data, a `Standardizer`.

        Args:
            x_train: training pixels, (n, ...); needed (and used) only by the linear head.
            per_feature: for the linear head, one mean and std per feature instead of one overall.

        Returns:
            A fitted `vae_keras.datasets.Standardizer`: `transform` maps pixels to the head's
            data, `inverse_transform` maps decoder outputs back to pixels (exactly, no clipping).
        """
        if self.pixel_mean is not None:
            return datasets.Standardizer(self.pixel_mean, self.pixel_std)
        if x_train is None:
            raise ValueError(f"The {self.name} head's data are standardised with statistics of the training set: "
                             "pass x_train. Received: x_train=None")
        return datasets.Standardizer(per_feature=per_feature).fit(x_train)


HEADS = {
    "sigmoid": Head("sigmoid", (0.0, 1.0), "bernoulli", pixel_mean=0.0, pixel_std=1.0),
    "tanh": Head("tanh", (-1.0, 1.0), "gaussian", *datasets.SYMMETRIC),
    "linear": Head("linear", (-float("inf"), float("inf")), "gaussian", pixel_mean=None, pixel_std=None),
}


def get_head(name):
    """The `Head` record of a head name.

    Args:
        name: one of HEADS ("sigmoid", "tanh", "linear").

    Returns:
        A `Head`.
    """
    if name not in HEADS:
        raise ValueError(f"head must be one of {tuple(HEADS)}. Received: head={name!r}")
    return HEADS[name]


def check_pairing(head, likelihood):
    """Raises ValueError when `likelihood` cannot be used with `head` (e.g. tanh with bernoulli).

    Args:
        head: a head name.
        likelihood: a likelihood name or alias.

    Returns:
        The likelihood's canonical name.
    """
    record, canonical = get_head(head), losses.get_likelihood(likelihood).name
    if not record.fits(canonical):
        low, high = losses.LIKELIHOODS[canonical].parameter_range
        fitting = tuple(name for name, other in HEADS.items() if other.fits(canonical))
        raise ValueError(
            f"The {canonical!r} likelihood needs decoder outputs in ({low:g}, {high:g}), but a {head!r} head "
            f"produces values in ({record.output_range[0]:g}, {record.output_range[1]:g}). "
            f"Use a head among {fitting}, or the {record.likelihood!r} likelihood with this head. "
            f"Received: head={head!r}, likelihood={likelihood!r}")
    return canonical
