"""The loss terms, per image, against NumPy and SciPy computations of the same formulas."""

import math

import numpy as np
import pytest
from keras import ops
from scipy import integrate, stats  # integrate.trapezoid: np.trapezoid needs NumPy 2

from vae_keras import losses

RNG = np.random.default_rng(0)
X = RNG.random((4, 28, 28, 1)).astype("float32")
X_HAT = RNG.uniform(0.01, 0.99, (4, 28, 28, 1)).astype("float32")


def numpy(t):
    return np.asarray(ops.convert_to_numpy(t), dtype="float64")


def test_kl_loss_is_zero_for_the_standard_normal():
    zeros = np.zeros((3, 5), "float32")
    np.testing.assert_allclose(numpy(losses.kl_loss(zeros, zeros)), np.zeros(3), atol=1e-7)


def test_kl_loss_matches_the_closed_form_per_image():
    z_mean = RNG.normal(size=(6, 3)).astype("float32")
    z_log_var = RNG.normal(size=(6, 3)).astype("float32")
    variance = np.exp(z_log_var.astype("float64"))
    # KL(N(μ, σ²) ‖ N(0, 1)) = ½ (σ² + μ² − 1 − log σ²), summed over latents
    expected = 0.5 * np.sum(variance + z_mean.astype("float64") ** 2 - 1 - z_log_var, axis=-1)
    kl = numpy(losses.kl_loss(z_mean, z_log_var))
    assert kl.shape == (6,)
    np.testing.assert_allclose(kl, expected, rtol=1e-5)
    assert np.all(kl > 0)


def test_kl_loss_matches_a_monte_carlo_estimate():
    z_mean, z_log_var = np.array([[0.7, -1.2]]), np.array([[-0.5, 0.4]])
    std = np.exp(0.5 * z_log_var)
    z = z_mean + std * np.random.default_rng(1).standard_normal((200_000, 2))
    monte_carlo = np.mean(np.sum(stats.norm.logpdf(z, z_mean, std) - stats.norm.logpdf(z), axis=-1))
    kl = numpy(losses.kl_loss(z_mean.astype("float32"), z_log_var.astype("float32")))[0]
    assert kl == pytest.approx(monte_carlo, abs=0.01)


def test_bce_is_the_bernoulli_negative_log_likelihood():
    x, x_hat = X.astype("float64"), X_HAT.astype("float64")
    expected = -np.sum(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat), axis=(1, 2, 3))
    bce = numpy(losses.reconstruction_loss(X, X_HAT, "bce"))
    assert bce.shape == (4,)
    np.testing.assert_allclose(bce, expected, rtol=1e-5)


def test_bce_of_binary_images_equals_scipy_bernoulli():
    x_bin = (X > 0.5).astype("float32")
    expected = -stats.bernoulli.logpmf(x_bin, X_HAT.astype("float64")).sum(axis=(1, 2, 3))
    np.testing.assert_allclose(numpy(losses.reconstruction_loss(x_bin, X_HAT, "bce")), expected, rtol=1e-5)


def test_bce_stays_finite_when_the_sigmoid_saturates():
    x = np.array([[1.0, 0.0]], "float32").reshape(1, 1, 2, 1)
    x_hat = np.array([[0.0, 1.0]], "float32").reshape(1, 1, 2, 1)
    bce = numpy(losses.reconstruction_loss(x, x_hat, "bce"))
    assert np.all(np.isfinite(bce))
    assert bce[0] == pytest.approx(-2 * math.log(losses.EPSILON), rel=0.02)  # two pixels, each ≈ −log ε


def test_gaussian_is_the_sum_of_squared_errors_plus_a_constant_by_default():
    """σ² = ½: −log N(x; x̂, ½) = (x − x̂)² + ½·log π per value, so "mse" is Σ(x − x̂)² + (D/2)·log π."""
    constant = 0.5 * 784 * math.log(math.pi)
    expected = np.sum((X.astype("float64") - X_HAT) ** 2, axis=(1, 2, 3)) + constant
    np.testing.assert_allclose(numpy(losses.reconstruction_loss(X, X_HAT, "mse")), expected, rtol=1e-5)
    np.testing.assert_allclose(numpy(losses.reconstruction_loss(X, X, "gaussian")), constant, rtol=1e-6)


@pytest.mark.parametrize("sigma", [0.05, 0.7, 3.0])
def test_gaussian_with_sigma_is_scipys_normal_density(sigma):
    expected = -stats.norm.logpdf(X.astype("float64"), X_HAT, sigma).sum(axis=(1, 2, 3))
    result = numpy(losses.reconstruction_loss(X, X_HAT, "gaussian", log_sigma=math.log(sigma)))
    np.testing.assert_allclose(result, expected, rtol=1e-5)


def test_gaussian_takes_one_sigma_per_value():
    sigma = RNG.uniform(0.1, 2.0, (28, 28, 1)).astype("float32")
    expected = -stats.norm.logpdf(X.astype("float64"), X_HAT, sigma).sum(axis=(1, 2, 3))
    result = numpy(losses.reconstruction_loss(X, X_HAT, "gaussian", log_sigma=np.log(sigma)))
    np.testing.assert_allclose(result, expected, rtol=1e-5)


def test_sigma_weighs_the_squared_error_like_a_kl_weight():
    """(x − x̂)²/(2σ²) + β·KL ∝ (x − x̂)² + 2σ²·β·KL: halving σ² is worth halving β (up to constants)."""
    def squared_part(log_sigma):
        return numpy(losses.reconstruction_loss(X, X_HAT, "gaussian", log_sigma)
                     - losses.reconstruction_loss(X, X, "gaussian", log_sigma))
    np.testing.assert_allclose(squared_part(math.log(0.5)), 4 * squared_part(math.log(1.0)), rtol=1e-5)


def test_continuous_bernoulli_integrates_to_one_over_the_unit_interval():
    """exp(−loss) is a density on [0, 1]: its integral over x is 1 for every λ (trapezoid rule)."""
    lam = np.array([0.02, 0.3, 0.4999, 0.5, 0.5002, 0.8, 0.97], "float32")
    x = np.linspace(0.0, 1.0, 20_001, dtype="float32")
    grid_x = np.repeat(x[:, None], len(lam), axis=1)[..., None]  # (values of x, one "image" per λ, 1)
    grid_lam = np.broadcast_to(lam[None, :, None], grid_x.shape)
    log_density = -numpy(losses.reconstruction_loss(grid_x.reshape(-1, 1), grid_lam.reshape(-1, 1),
                                                    "continuous_bernoulli")).reshape(len(x), len(lam))
    np.testing.assert_allclose(integrate.trapezoid(np.exp(log_density), x, axis=0), 1.0, rtol=1e-4)


def test_continuous_bernoulli_is_bernoulli_cross_entropy_minus_the_log_normaliser():
    lam = X_HAT.astype("float64")
    t = 1 - 2 * lam
    log_c = np.log(2 * np.arctanh(t) / t)
    bce = -np.sum(X * np.log(lam) + (1 - X) * np.log(1 - lam), axis=(1, 2, 3))
    expected = bce - log_c.sum(axis=(1, 2, 3))
    np.testing.assert_allclose(numpy(losses.reconstruction_loss(X, X_HAT, "continuous_bernoulli")), expected,
                               rtol=1e-5)


def test_continuous_bernoulli_mean_matches_numerical_integration_and_is_not_lambda():
    lam = np.array([0.01, 0.2, 0.499, 0.5, 0.6, 0.99])
    x = np.linspace(0.0, 1.0, 200_001)
    density = lam[:, None] ** x * (1 - lam[:, None]) ** (1 - x)
    expected = integrate.trapezoid(x * density, x, axis=1) / integrate.trapezoid(density, x, axis=1)
    mean = numpy(losses.continuous_bernoulli_mean(lam.astype("float32")))
    np.testing.assert_allclose(mean, expected, atol=1e-6)
    assert mean[0] > 0.2 and mean[-1] < 0.8  # pulled towards ½, unlike a Bernoulli's mean λ


def test_log_likelihood_is_minus_the_reconstruction_loss():
    for kind in losses.LIKELIHOODS:
        np.testing.assert_allclose(numpy(losses.log_likelihood(X, X_HAT, kind)),
                                   -numpy(losses.reconstruction_loss(X, X_HAT, kind)), rtol=1e-6)


def test_aliases_name_the_likelihoods_their_losses_come_from():
    assert losses.get_likelihood("bce") is losses.LIKELIHOODS["bernoulli"]
    assert losses.get_likelihood("mse") is losses.LIKELIHOODS["gaussian"]
    assert [name for name, record in losses.LIKELIHOODS.items() if record.binary] == ["bernoulli"]
    assert [name for name, record in losses.LIKELIHOODS.items() if record.has_sigma] == ["gaussian"]


def test_log_sigma_belongs_to_the_gaussian_only():
    with pytest.raises(ValueError, match="log_sigma is a parameter of the Gaussian likelihood only"):
        losses.reconstruction_loss(X, X_HAT, "bernoulli", log_sigma=0.0)


def test_log_normal_matches_scipy():
    z = RNG.normal(size=(5, 3))
    mean, log_var = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3))
    expected = stats.norm.logpdf(z, mean, np.exp(0.5 * log_var)).sum(axis=-1)
    result = numpy(losses.log_normal(*(a.astype("float32") for a in (z, mean, log_var))))
    np.testing.assert_allclose(result, expected, rtol=1e-5)


@pytest.mark.parametrize("function", [losses.reconstruction_loss, losses.log_likelihood])
def test_unknown_reconstruction_kind_raises_value_error(function):
    with pytest.raises(ValueError, match=r"likelihood must be one of \('bernoulli', 'continuous_bernoulli', "
                                         r"'gaussian'\) .* Received: likelihood='l1'"):
        function(X, X_HAT, "l1")


@pytest.mark.parametrize("t", [0.0099, -0.0099, 0.008, -0.007])
def test_the_continuous_bernoulli_normaliser_near_one_half_keeps_its_t_squared_term(t):
    """Inside |t| < 1e-2 the normaliser is a Taylor series; there t²/3 is ~3e-5, far above float32's error."""
    lam = (1.0 - t) / 2.0
    exact = math.log(2.0 * math.atanh(t) / t)  # float64, no 0/0 this far from t = 0
    got = float(ops.convert_to_numpy(losses.continuous_bernoulli_log_normalizer(np.float32(lam))))
    assert got == pytest.approx(exact, abs=5e-7)
    assert abs(exact - math.log(2.0)) > 20 * 5e-7  # the t² term matters at this t


def test_the_gaussian_default_sigma_makes_the_loss_a_sum_of_squared_errors():
    x = np.array([[0.0, 1.0, -2.0]], "float32")
    mu = np.array([[0.5, 0.5, 0.0]], "float32")
    squared_errors = np.sum((x - mu) ** 2)  # 0.25 + 0.25 + 4
    got = float(ops.convert_to_numpy(losses.reconstruction_loss(x, mu, "gaussian"))[0])
    assert losses.DEFAULT_SIGMA == pytest.approx(math.sqrt(0.5))
    assert got == pytest.approx(squared_errors + 1.5 * math.log(math.pi), rel=1e-6)


def test_log_sigma_is_refused_for_the_bernoullis():
    with pytest.raises(ValueError, match=r"log_sigma is a parameter of the Gaussian likelihood only: pass "
                                         r"log_sigma=None, or likelihood='gaussian'. Received: likelihood='bernoulli'"):
        losses.reconstruction_loss(np.zeros((1, 2)), np.full((1, 2), 0.5), "bce", log_sigma=0.0)


def test_each_likelihood_describes_its_nats():
    assert losses.LIKELIHOODS["bernoulli"].describe() == "bernoulli likelihood, a probability of binary data"
    gaussian = losses.LIKELIHOODS["gaussian"]
    assert gaussian.describe(0.5).endswith(", sigma 0.5")
    assert gaussian.describe(np.array([0.25, 2.0])).endswith(", sigma 0.25 to 2")
