"""The output heads: one record each, and what follows from it (range, likelihood, scaling)."""

import math

import numpy as np
import pytest

import vae_keras
from vae_keras import heads, losses
from vae_keras.decoders import build_dense_decoder


def test_each_head_is_the_keras_activation_of_the_decoders_last_layer():
    for name in heads.HEADS:
        decoder = build_dense_decoder(2, head=name)
        assert decoder.get_layer("output_head").get_config()["activation"] == name


@pytest.mark.parametrize("head, likelihood", [("sigmoid", "bernoulli"), ("tanh", "gaussian"), ("linear", "gaussian")])
def test_each_head_is_matched_to_a_likelihood_it_fits(head, likelihood):
    record = heads.get_head(head)
    assert record.likelihood == likelihood and record.fits(likelihood)


@pytest.mark.parametrize("head, likelihood, fits", [
    ("sigmoid", "continuous_bernoulli", True), ("sigmoid", "gaussian", True), ("sigmoid", "bce", True),
    ("tanh", "bernoulli", False), ("tanh", "continuous_bernoulli", False), ("linear", "bce", False),
    ("linear", "mse", True),
])
def test_a_likelihood_whose_parameter_is_a_probability_needs_a_sigmoid(head, likelihood, fits):
    assert heads.get_head(head).fits(likelihood) is fits
    if fits:
        assert heads.check_pairing(head, likelihood) == losses.get_likelihood(likelihood).name
    else:
        with pytest.raises(ValueError, match=rf"needs decoder outputs in \(0, 1\), but a '{head}' head"):
            heads.check_pairing(head, likelihood)


def test_output_ranges_are_the_activations_ranges():
    t = np.linspace(-50, 50, 1001)
    functions = {"sigmoid": lambda v: 1 / (1 + np.exp(-v)), "tanh": np.tanh, "linear": lambda v: v}
    for name, record in heads.HEADS.items():
        values = functions[name](t)
        low, high = record.output_range
        assert values.min() >= low and values.max() <= high
        assert values.min() < low + 1e-6 or math.isinf(low)


def test_scalers_map_pixels_to_the_heads_range_and_back_exactly(digits):
    x = digits.x_train[:64]
    for record in heads.HEADS.values():
        scaler = record.scaler(digits.x_train)
        data = scaler.transform(x)
        np.testing.assert_allclose(scaler.inverse_transform(data), x, atol=1e-6)
        low, high = record.output_range
        if not math.isinf(low):
            assert data.min() == pytest.approx(low, abs=1e-6) and data.max() == pytest.approx(high, abs=1e-6)
    standardised = heads.get_head("linear").scaler(x).transform(x)
    assert abs(standardised.mean()) < 1e-4 and standardised.std() == pytest.approx(1.0, abs=1e-4)


def test_the_tanh_scaler_is_the_datasets_symmetric_map(digits):
    x = digits.x_train[:8]
    np.testing.assert_allclose(heads.get_head("tanh").scaler().transform(x), vae_keras.datasets.to_symmetric(x))


def test_the_linear_head_needs_training_data_to_fit_its_scaling():
    with pytest.raises(ValueError, match="pass x_train. Received: x_train=None"):
        heads.get_head("linear").scaler()


def test_unknown_head_is_refused():
    with pytest.raises(ValueError, match=r"head must be one of \('sigmoid', 'tanh', 'linear'\). Received: head='relu'"):
        heads.get_head("relu")


def test_the_linear_scaler_standardises_per_feature_when_asked():
    rng = np.random.default_rng(0)
    x = rng.normal(loc=[0.0, 10.0, -5.0], scale=[1.0, 4.0, 0.5], size=(500, 3)).astype("float32")
    per_feature = heads.get_head("linear").scaler(x, per_feature=True)
    assert np.shape(per_feature.std) == (3,)
    np.testing.assert_allclose(per_feature.transform(x).std(axis=0), 1.0, rtol=1e-3)
    overall = heads.get_head("linear").scaler(x)
    assert np.ndim(overall.std) == 0


def test_only_the_sigmoid_heads_outputs_are_pixels():
    assert [name for name, head in heads.HEADS.items() if head.outputs_pixels] == ["sigmoid"]
