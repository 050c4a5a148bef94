"""The loss terms, per image, against NumPy and SciPy computations of the same formulas."""

import math

import numpy as np
import pytest
from keras import ops
from scipy import stats

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


def test_mse_is_the_sum_of_squared_errors_per_image():
    expected = np.sum((X.astype("float64") - X_HAT) ** 2, axis=(1, 2, 3))
    np.testing.assert_allclose(numpy(losses.reconstruction_loss(X, X_HAT, "mse")), expected, rtol=1e-5)
    assert np.all(numpy(losses.reconstruction_loss(X, X, "mse")) == 0)


def test_log_likelihood_bce_is_minus_the_reconstruction_loss():
    np.testing.assert_allclose(numpy(losses.log_likelihood(X, X_HAT, "bce")),
                               -numpy(losses.reconstruction_loss(X, X_HAT, "bce")), rtol=1e-6)


def test_log_likelihood_mse_is_a_gaussian_with_variance_one_half():
    expected = stats.norm.logpdf(X.astype("float64"), X_HAT, math.sqrt(0.5)).sum(axis=(1, 2, 3))
    np.testing.assert_allclose(numpy(losses.log_likelihood(X, X_HAT, "mse")), expected, rtol=1e-5)
    constant = 0.5 * 784 * math.log(math.pi)  # what separates it from −mse
    np.testing.assert_allclose(numpy(losses.log_likelihood(X, X, "mse")), -constant, rtol=1e-6)


def test_log_normal_matches_scipy():
    z = RNG.normal(size=(5, 3))
    mean, log_var = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3))
    expected = stats.norm.logpdf(z, mean, np.exp(0.5 * log_var)).sum(axis=-1)
    result = numpy(losses.log_normal(*(a.astype("float32") for a in (z, mean, log_var))))
    np.testing.assert_allclose(result, expected, rtol=1e-5)


@pytest.mark.parametrize("function", [losses.reconstruction_loss, losses.log_likelihood])
def test_unknown_reconstruction_kind_raises_value_error(function):
    with pytest.raises(ValueError, match=r"Unknown reconstruction loss 'l1'; expected one of \('bce', 'mse'\)"):
        function(X, X_HAT, "l1")
