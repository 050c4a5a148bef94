"""The decoder's output head and everything that follows from it: one record per head.

The head is the activation of the decoder's last layer. It fixes the values the decoder can
produce, hence the data it can model, the likelihood to train it with, and how images in
[0, 1] are scaled to that data and back:

    head     output range   matched likelihood   the data, from pixels p in [0, 1]   back to pixels
    sigmoid  (0, 1)         bernoulli            p                                    x
    tanh     (-1, 1)        gaussian             2p − 1                               (x + 1) / 2
    linear   ℝ              gaussian             (p − m) / s, m and s from training   x·s + m

A likelihood whose parameter must lie in (0, 1) (the Bernoulli and continuous Bernoulli) only
fits a sigmoid head; the Gaussian's mean fits any head. `check_likelihood_options` is the one
place that rule and the likelihood's options are checked: `VAE` calls it with the head it reads
from its decoder (`head_of`), the main command with its flags. Decoders, `build_vae`, the main
command and the notebooks all read these records.
"""

import warnings
from dataclasses import dataclass

from vae_keras import datasets, losses
from vae_keras.validation import check_bool, check_choice, check_positive_number

# The name of a decoder's head layer: the builders in `vae_keras.decoders` end with
# layers.Activation(head, name=HEAD_LAYER), so a decoder's config, saved with it, names its head.
HEAD_LAYER = "output_head"


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


def head_of(decoder, head=None):
    """The `Head` of a decoder: the one its `HEAD_LAYER` layer applies, else `head`, else None.

    Args:
        decoder: a Keras model; the builders in `vae_keras.decoders` name their head layer.
        head: None, or the head of a decoder of your own: a name in HEADS or a `Head`. For a
            decoder whose head layer says it, it must name the same head.

    Returns:
        A `Head`, or None when neither the decoder nor `head` says which.
    """
    if head is not None:
        head = get_head(head.name if isinstance(head, Head) else head)
    layer = next((layer for layer in getattr(decoder, "layers", ()) if layer.name == HEAD_LAYER), None)
    activation = layer.get_config().get("activation") if layer is not None else None
    found = HEADS.get(activation) if isinstance(activation, str) else None
    if found is not None and head is not None and head is not found:
        raise ValueError(f"head= must name the decoder's own head, or be left out: the decoder's {HEAD_LAYER!r} "
                         f"layer applies {found.name!r}. Received: head={head.name!r}, a decoder with a "
                         f"{found.name!r} head")
    return found or head


def pairing_problem(head, likelihood):
    """Why `likelihood` cannot be used with `head` (e.g. tanh with bernoulli), or None when they fit.

    Args:
        head: a head name.
        likelihood: a likelihood name or alias.

    Returns:
        A message in Keras's style, or None.
    """
    record, canonical = get_head(head), losses.get_likelihood(likelihood).name
    if record.fits(canonical):
        return None
    low, high = losses.LIKELIHOODS[canonical].parameter_range
    fitting = tuple(name for name, other in HEADS.items() if other.fits(canonical))
    return (f"The {canonical!r} likelihood needs decoder outputs in ({low:g}, {high:g}), but a {head!r} head "
            f"produces values in ({record.output_range[0]:g}, {record.output_range[1]:g}). "
            f"Use a head among {fitting}, or the {record.likelihood!r} likelihood with this head. "
            f"Received: head={head!r}, likelihood={likelihood!r}")


def check_pairing(head, likelihood):
    """Raises ValueError when `likelihood` cannot be used with `head` (e.g. tanh with bernoulli).

    Args:
        head: a head name.
        likelihood: a likelihood name or alias.

    Returns:
        The likelihood's canonical name.
    """
    problem = pairing_problem(head, likelihood)
    if problem:
        raise ValueError(problem)
    return losses.get_likelihood(likelihood).name


def check_likelihood_options(likelihood=None, head=None, binarize=False, sigma=None, learn_sigma=None, names=None,
                             check_pairing=True, stacklevel=2):
    """Resolves a likelihood and a head to their records, and checks what goes with them.

    The rules: the head's outputs must be valid parameters of the likelihood (`pairing_problem`);
    binarize needs a binary likelihood; sigma and learn_sigma need the Gaussian. The main command
    calls this too, with its flags as `names`.

    Args:
        likelihood: a name or alias in `losses.LIKELIHOODS` / `losses.ALIASES`; None: the head's
            matched likelihood ("bernoulli" when the head is not known).
        head: a name in HEADS, a `Head`, or None (a decoder of your own, whose head is not known).
        binarize, sigma, learn_sigma: as for `vae_keras.VAE`.
        names: how to call the arguments in messages, e.g. {"sigma": "--sigma"}; default their own names.
        check_pairing: False turns a head that cannot feed the likelihood from a ValueError into a
            UserWarning (a mismatch built on purpose, to study it).
        stacklevel: where the UserWarning points, counted from the caller of this function.

    Returns:
        (likelihood, head, sigma): the `losses.Likelihood` record, the `Head` record (None when
        head is None), and the Gaussian's starting σ (None for the other likelihoods).
    """
    name = {key: key for key in ("likelihood", "binarize", "sigma", "learn_sigma")} | dict(names or {})
    check_bool(check_pairing, "check_pairing")
    if head is not None:
        head = get_head(head.name if isinstance(head, Head) else head)
    if likelihood is None:
        likelihood = head.likelihood if head is not None else "bernoulli"
    given, likelihood = likelihood, losses.get_likelihood(likelihood)
    problem = head and pairing_problem(head.name, given)  # e.g. a tanh head cannot give Bernoulli probabilities
    if problem and check_pairing:
        raise ValueError(problem)
    if problem:
        warnings.warn(f"check_pairing=False: building a model whose head cannot feed its likelihood. {problem}",
                      UserWarning, stacklevel=stacklevel + 1)
    check_bool(binarize, name["binarize"])
    check_choice(learn_sigma, losses.SIGMA_SHAPES, name["learn_sigma"])
    if binarize and not likelihood.binary:
        raise ValueError(f"{name['binarize']}=True draws binary images, which only a binary likelihood models: use "
                         f"{name['likelihood']}='bernoulli', or {name['binarize']}=False. "
                         f"Received: {name['likelihood']}={likelihood.name!r}")
    if not likelihood.has_sigma:
        if sigma is not None or learn_sigma is not None:
            raise ValueError(f"{name['sigma']} and {name['learn_sigma']} belong to the Gaussian likelihood: use "
                             f"{name['likelihood']}='gaussian', or drop them. Received: "
                             f"{name['likelihood']}={likelihood.name!r}, {name['sigma']}={sigma!r}, "
                             f"{name['learn_sigma']}={learn_sigma!r}")
        return likelihood, head, None
    if sigma is None:
        return likelihood, head, losses.DEFAULT_SIGMA
    return likelihood, head, check_positive_number(sigma, name["sigma"])
