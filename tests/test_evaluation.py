"""ELBO and the importance-weighted estimate of −log p(x), in nats per image."""

import numpy as np
import pytest

import vae_keras
from vae_keras import evaluation


@pytest.fixture(scope="module")
def minus_elbo(trained_vae, binary_test):
    """−ELBO of the 64 binarized test images, averaged over 4 seeds to quieten its one-sample noise."""
    return -np.mean([evaluation.elbo(trained_vae, binary_test, seed=seed) for seed in range(4)])


@pytest.fixture(scope="module")
def nll(trained_vae, binary_test):
    """The importance-weighted NLL estimate for several k (all 64 images in one batch: one compile each)."""
    return {k: evaluation.importance_weighted_nll(trained_vae, binary_test, k=k, batch_size=64, seed=1)
            for k in (50, 100, 200)}


def test_elbo_is_finite_and_negative_for_binary_images(trained_vae, binary_test):
    value = evaluation.elbo(trained_vae, binary_test)
    assert isinstance(value, float) and np.isfinite(value) and value < 0


@pytest.mark.parametrize("function", [evaluation.elbo, evaluation.importance_weighted_nll])
def test_a_bernoulli_likelihood_of_grey_images_is_refused(trained_vae, digits, function):
    with pytest.raises(ValueError, match=r"bernoulli likelihood is a probability of binary images only.*"
                                         r"binarize\(x, seed=0\).*continuous_bernoulli"):
        function(trained_vae, digits.x_test)


def test_continuous_bernoulli_and_gaussian_likelihoods_score_grey_images(digits):
    for kwargs in ({"likelihood": "continuous_bernoulli"}, {"head": "linear", "learn_sigma": "scalar"}):
        vae = vae_keras.build_vae(seed=0, **kwargs)
        assert np.isfinite(evaluation.elbo(vae, digits.x_test[:8]))


def test_elbo_matches_the_validation_loss_of_the_last_epoch(trained, minus_elbo):
    _, history = trained  # val_loss is −ELBO (β = 1) on the same test images and weights
    assert minus_elbo == pytest.approx(history.history["val_loss"][-1], rel=0.01)


def test_importance_weighted_nll_is_at_most_minus_elbo(nll, minus_elbo):
    for k, value in nll.items():
        assert np.isfinite(value) and value > 0
        assert value <= minus_elbo + 0.3, f"k={k}: NLL {value:.3f} > −ELBO {minus_elbo:.3f}"


def test_importance_weighted_nll_tightens_and_settles_as_k_grows(nll, minus_elbo):
    assert nll[50] >= nll[100] - 0.2 and nll[100] >= nll[200] - 0.2  # more samples: a tighter bound
    gap = minus_elbo - nll[200]
    assert gap > 0
    assert abs(nll[50] - nll[200]) < 0.5 * gap  # the last steps in k move it little


def test_chunking_does_not_change_the_estimate_much(trained_vae, binary_test, nll):
    """k = 200 drawn in two chunks of 100 estimates the same as k = 200 drawn at once."""
    chunked = evaluation.importance_weighted_nll(trained_vae, binary_test, k=200, batch_size=64,
                                                   max_decodes=100, seed=1)  # two chunks of 100
    assert chunked == pytest.approx(nll[200], abs=0.5)


def test_each_chunk_draws_its_own_samples(trained_vae, binary_test, nll):
    """Two chunks of 100 with the same samples would give exactly the k = 100 estimate."""
    chunked = evaluation.importance_weighted_nll(trained_vae, binary_test, k=200, batch_size=64,
                                                   max_decodes=100, seed=1)
    assert abs(chunked - nll[100]) > 1e-3
    assert abs(chunked - nll[200]) < abs(nll[100] - nll[200]) + 0.5


def test_a_seed_reproduces_the_estimate_and_another_changes_it(trained_vae, binary_test):
    def estimate(seed):
        return evaluation.importance_weighted_nll(trained_vae, binary_test, k=10, batch_size=64, seed=seed)

    assert estimate(3) == estimate(3) and estimate(3) != estimate(4)


def test_evaluation_takes_a_list_of_binary_images(trained_vae, binary_test):
    assert evaluation.elbo(trained_vae, binary_test[:4].tolist()) == evaluation.elbo(trained_vae, binary_test[:4])


def test_active_units_counts_between_zero_and_latent_dim(trained_vae, binary_test):
    assert 0 <= evaluation.active_units(trained_vae, binary_test) <= trained_vae.latent_dim
    assert evaluation.active_units(trained_vae, binary_test, threshold=1e9) == 0


def test_importance_weighted_nll_needs_at_least_one_sample(trained_vae, binary_test):
    with pytest.raises(ValueError, match=r"k must be a positive integer. Received: k=0"):
        evaluation.importance_weighted_nll(trained_vae, binary_test[:4], k=0)


# --- A model whose log p(x) is known exactly -----------------------------------------------
# A linear Gaussian decoder, x = W z + b + noise with σ² = ½ (the default σ), has
# p(x) = N(b, W Wᵀ + ½ I) and a Gaussian posterior p(z|x). With W = Q·diag(s) (orthonormal
# columns Q) the posterior is N(K ᵀ(x − b), diag(1 / (1 + 2 s²))), K = Q·diag(2 s / (1 + 2 s²)):
# a dense encoder without hidden layers can equal it exactly.

PIXELS, S = 784, np.array([1.5, 0.8])


def linear_gaussian_vae(extra_log_var=0.0, seed=0):
    """(vae, log_p): the VAE, and a function giving the exact log p(x) per image in NumPy.

    extra_log_var = 0 makes q(z|x) the exact posterior; > 0 widens it.
    """
    from vae_keras import VAE
    from vae_keras.decoders import build_dense_decoder
    from vae_keras.encoders import build_dense_encoder

    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((PIXELS, len(S))))
    b = 0.3 * rng.random(PIXELS)
    w = q * S  # (784, 2)
    k = q * (2 * S / (1 + 2 * S**2))
    encoder = build_dense_encoder(len(S), hidden_units=(), seed=seed)
    encoder.get_layer("z_mean").set_weights([k, -b @ k])
    encoder.get_layer("z_log_var").set_weights([np.zeros_like(k), -np.log1p(2 * S**2) + extra_log_var])
    decoder = build_dense_decoder(len(S), hidden_units=(), head="linear")
    decoder.get_layer("logits").set_weights([w.T, b])
    vae = VAE(encoder, decoder, likelihood="gaussian")

    def log_p(x):
        r = x.reshape(len(x), -1).astype("float64") - b
        projected = r @ q
        quadratic = 2 * np.sum(r**2, 1) - 2 * np.sum(projected**2, 1) + np.sum(projected**2 / (0.5 + S**2), 1)
        log_det = PIXELS * np.log(0.5) + np.sum(np.log1p(2 * S**2))
        return -0.5 * (PIXELS * np.log(2 * np.pi) + log_det + quadratic)

    return vae, log_p


def mean_elbo(vae, x, seeds=4):
    """The ELBO averaged over a few seeds: each is a one-sample estimate."""
    return float(np.mean([evaluation.elbo(vae, x, seed=seed) for seed in range(seeds)]))


def test_with_the_exact_posterior_every_importance_weight_is_p_of_x(digits):
    vae, log_p = linear_gaussian_vae()
    x = digits.x_test
    exact_nll = -float(np.mean(log_p(x)))
    for k in (1, 50):
        assert evaluation.importance_weighted_nll(vae, x, k=k, batch_size=64) == pytest.approx(exact_nll, abs=0.01)
    assert -mean_elbo(vae, x) == pytest.approx(exact_nll, abs=0.5)  # equal in expectation


def test_with_a_wider_posterior_nll_approaches_minus_log_p_from_above(digits):
    vae, log_p = linear_gaussian_vae(extra_log_var=1.5)
    x = digits.x_test
    exact_nll = -float(np.mean(log_p(x)))
    minus_elbo = -mean_elbo(vae, x)
    nll_1, nll_50 = (evaluation.importance_weighted_nll(vae, x, k=k, batch_size=64) for k in (1, 50))
    assert minus_elbo > exact_nll + 1.0  # a loose q pays for it in the ELBO
    assert nll_1 > nll_50 > exact_nll - 0.05
    assert nll_50 - exact_nll < 0.25 * (minus_elbo - exact_nll)


GREY = np.full((4, 28, 28, 1), 0.5, "float32")
BINARY = (np.arange(4 * 784).reshape(4, 28, 28, 1) % 2).astype("float32")


@pytest.mark.parametrize("function", [evaluation.elbo, evaluation.importance_weighted_nll])
@pytest.mark.parametrize("x, message", [
    (BINARY.astype("uint8"), r"Expected float x .* Received: x.dtype=uint8"),
    (BINARY[:0], r"Expected at least 1 example in x"),
    (BINARY[..., 0], r"Add the channel axis with x\[\.\.\., None\]"),
    (np.where(BINARY == 1, np.inf, 0.0).astype("float32"), r"Expected finite values in x"),
    (2 * BINARY - 1, r"Expected x with values in \[0, 1\]"),
    (GREY, r"bernoulli likelihood is a probability of binary images only"),
])
def test_the_scores_check_their_data_first(trained_vae, function, x, message):
    with pytest.raises(ValueError, match=message):
        function(trained_vae, x)


@pytest.mark.parametrize("call, error, message", [
    (lambda vae: evaluation.elbo(vae.decoder, BINARY), TypeError, "vae must be a vae_keras.VAE"),
    (lambda vae: evaluation.elbo(vae, BINARY, batch_size=0), ValueError, "batch_size must be a positive integer"),
    (lambda vae: evaluation.elbo(vae, BINARY, seed=-1), ValueError, "seed must be an integer >= 0"),
    (lambda vae: evaluation.importance_weighted_nll(vae, BINARY, k=0), ValueError, "k must be a positive integer"),
    (lambda vae: evaluation.importance_weighted_nll(vae, BINARY, max_decodes=0), ValueError, "max_decodes must be"),
    (lambda vae: evaluation.importance_weighted_nll(vae, BINARY, batch_size=-1), ValueError, "batch_size must be"),
    (lambda vae: evaluation.active_units(vae, BINARY[:1]), ValueError,
     r"Expected at least 2 examples in x: .* Received: x with 1 example"),
    (lambda vae: evaluation.active_units(vae, BINARY, threshold=-0.1), ValueError, "threshold must be a finite number"),
    (lambda vae: evaluation.active_units(vae, BINARY.astype("uint8")), ValueError, "Expected float x"),
])
def test_the_evaluation_functions_check_their_arguments(trained_vae, call, error, message):
    with pytest.raises(error, match=message):
        call(trained_vae)
