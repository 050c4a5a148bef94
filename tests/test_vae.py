"""The VAE model: training, its loss terms, using it, and saving it to .keras."""

import keras
import numpy as np
import pytest
from keras import ops

import vae_keras
from vae_keras import KLWarmup, checks, datasets
from vae_keras.decoders import build_dense_decoder
from vae_keras.encoders import build_dense_encoder

LOSS_NAMES = ("loss", "reconstruction_loss", "kl_loss")


# --- A short fit -------------------------------------------------------------------------

def test_short_fit_gives_finite_falling_loss(trained):
    _, history = trained
    for name in LOSS_NAMES + tuple(f"val_{n}" for n in LOSS_NAMES):
        assert np.all(np.isfinite(history.history[name])), name
    loss, val_loss = history.history["loss"], history.history["val_loss"]
    assert len(loss) == 3
    assert loss[-1] < 0.8 * loss[0]
    assert val_loss[-1] < val_loss[0]


def test_history_holds_the_loss_terms_and_their_validation_values(trained):
    _, history = trained
    assert set(history.history) == set(LOSS_NAMES) | {f"val_{name}" for name in LOSS_NAMES}


def test_history_loss_is_reconstruction_plus_kl_when_beta_is_one(trained):
    _, history = trained
    logs = {name: np.array(values) for name, values in history.history.items()}
    np.testing.assert_allclose(logs["loss"], logs["reconstruction_loss"] + logs["kl_loss"], rtol=1e-4)
    np.testing.assert_allclose(logs["val_loss"], logs["val_reconstruction_loss"] + logs["val_kl_loss"], rtol=1e-4)
    assert np.all(logs["kl_loss"] >= 0)


def test_metrics_are_the_three_loss_trackers(trained_vae):
    assert [metric.name for metric in trained_vae.metrics] == list(LOSS_NAMES)


def test_loss_weights_kl_by_beta(digits):
    vae = vae_keras.build_vae(beta=0.25, seed=0)
    step = {name: float(ops.convert_to_numpy(value))
            for name, value in vae.compute_vae_losses(digits.x_test[:16]).items()}
    assert step["kl_loss"] > 0
    assert step["loss"] == pytest.approx(step["reconstruction_loss"] + 0.25 * step["kl_loss"], rel=1e-5)


# --- Using a trained VAE -----------------------------------------------------------------

def test_encode_returns_z_mean_z_log_var_and_z(trained_vae, digits):
    outputs = trained_vae.encode(digits.x_test[:10])
    assert len(outputs) == 3
    for array in outputs:
        assert isinstance(array, np.ndarray) and array.shape == (10, 2)


def test_generate_and_decode_agree_in_shape_and_range(trained_vae):
    generated = trained_vae.generate(12, seed=0)
    decoded = trained_vae.decode(np.random.default_rng(5).standard_normal((12, 2)))
    for images in (generated, decoded):
        assert images.shape == (12, 28, 28, 1)
        assert images.min() >= 0.0 and images.max() <= 1.0
    checks.check_differ(generated)


def test_generate_is_reproducible_by_seed(trained_vae):
    np.testing.assert_array_equal(trained_vae.generate(4, seed=1), trained_vae.generate(4, seed=1))
    assert not np.allclose(trained_vae.generate(4, seed=1), trained_vae.generate(4, seed=2))


def test_decode_rejects_latent_vectors_of_the_wrong_size(trained_vae):
    with pytest.raises(ValueError, match=r"Expected latent vectors of shape \(n, 2\); got \(4, 3\)"):
        trained_vae.decode(np.zeros((4, 3)))


def test_reconstruct_keeps_the_image_shape(trained_vae, digits):
    x = digits.x_test[:6]
    from_mean = trained_vae.reconstruct(x)
    assert from_mean.shape == x.shape
    np.testing.assert_array_equal(from_mean, trained_vae.reconstruct(x))  # z_mean: deterministic
    from_sample = trained_vae.reconstruct(x, use_mean=False)
    assert from_sample.shape == x.shape and not np.allclose(from_sample, from_mean)


def test_trained_vae_reconstructs_better_than_it_generates(trained_vae, digits):
    x = digits.x_test[:32]
    reconstruction_error = np.mean((trained_vae.reconstruct(x) - x) ** 2)
    unrelated_error = np.mean((trained_vae.generate(32, seed=0) - x) ** 2)
    assert reconstruction_error < unrelated_error


# --- beta, KL warm-up and dynamic binarization ----------------------------------------------

def test_beta_is_a_non_trainable_variable(digits):
    vae = vae_keras.build_vae(beta=0.5, seed=0)
    assert float(ops.convert_to_numpy(vae.beta)) == 0.5
    assert any(v is vae.beta for v in vae.non_trainable_weights)
    assert not any(v is vae.beta for v in vae.trainable_weights)


def test_kl_warmup_ramps_beta_linearly_to_its_target():
    vae = vae_keras.build_vae(seed=0)
    warmup = KLWarmup(epochs=4, beta=2.0)
    warmup.set_model(vae)
    betas = []
    for epoch in range(6):
        warmup.on_epoch_begin(epoch)
        betas.append(float(ops.convert_to_numpy(vae.beta)))
    np.testing.assert_allclose(betas, [0.0, 0.5, 1.0, 1.5, 2.0, 2.0])


class BetaRecorder(keras.callbacks.Callback):
    """Records β as each epoch begins (after KLWarmup has set it)."""

    def on_train_begin(self, logs=None):
        self.betas = []

    def on_epoch_begin(self, epoch, logs=None):
        self.betas.append(float(ops.convert_to_numpy(self.model.beta)))


@pytest.fixture(scope="module")
def binarized_fit(digits):
    """A VAE with dynamic binarization, trained 3 epochs with β warmed up over 2."""
    vae = vae_keras.build_vae(binarize=True, seed=1)
    recorder = BetaRecorder()
    history = vae.fit(digits.x_train, epochs=3, batch_size=64, verbose=0,
                      callbacks=[KLWarmup(epochs=2), recorder])
    return vae, history, recorder.betas


def test_kl_warmup_during_fit_starts_at_zero_and_ends_at_target(binarized_fit):
    vae, history, betas = binarized_fit
    assert betas == [0.0, 0.5, 1.0]
    assert float(ops.convert_to_numpy(vae.beta)) == 1.0
    np.testing.assert_allclose(history.history["loss"][0], history.history["reconstruction_loss"][0], rtol=1e-6)


def test_fit_with_dynamic_binarization_trains(binarized_fit):
    _, history, _ = binarized_fit
    assert all(np.all(np.isfinite(values)) for values in history.history.values())
    assert history.history["reconstruction_loss"][-1] < history.history["reconstruction_loss"][0]


# --- Several steps per compiled call (JAX) ------------------------------------------------

needs_jax = pytest.mark.skipif(keras.backend.backend() != "jax", reason="lax.scan steps are JAX's")


def fit_with_steps_per_execution(digits, scan_steps):
    """10 batches of 16 with 4 steps per call: two groups of 4, then a group of 2."""
    vae = vae_keras.build_vae(binarize=True, seed=3)
    vae.scan_steps = scan_steps
    vae.compile(optimizer=keras.optimizers.Adam(1e-3), steps_per_execution=4)
    history = vae.fit(digits.x_train[:160], epochs=2, batch_size=16, shuffle=False, verbose=0)
    return vae, history


@needs_jax
def test_scanned_steps_train_exactly_like_single_steps(digits):
    scanned, scanned_history = fit_with_steps_per_execution(digits, scan_steps=True)
    looped, looped_history = fit_with_steps_per_execution(digits, scan_steps=False)
    assert scanned.train_function.scanned_calls == 4  # two full groups in each of two epochs
    assert not hasattr(looped.train_function, "scanned_calls")
    for name in LOSS_NAMES:
        np.testing.assert_allclose(scanned_history.history[name], looped_history.history[name], rtol=1e-4)
    for a, b in zip(scanned.get_weights(), looped.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)
    # The seed generator advanced once per step in both, so the next noise is the same too.
    np.testing.assert_array_equal(ops.convert_to_numpy(scanned.seed_generator.state),
                                  ops.convert_to_numpy(looped.seed_generator.state))


@needs_jax
def test_steps_are_scanned_by_default_only_on_an_accelerator(digits):
    import jax

    vae = vae_keras.build_vae(seed=0)
    vae.compile(optimizer="adam", steps_per_execution=4)
    vae.make_train_function()
    on_cpu = jax.default_backend() == "cpu"
    assert hasattr(vae.train_function, "scanned_calls") is not on_cpu
    vae.compile(optimizer="adam", steps_per_execution=1)
    vae.scan_steps = True
    vae.make_train_function()
    assert not hasattr(vae.train_function, "scanned_calls")  # nothing to scan over


def mean_square_encoder():
    """z_mean = mean pixel², z_log_var = 0: tells 0.5-grey images (0.25) from binarized ones (≈ 0.5)."""
    images = keras.Input(shape=(28, 28, 1))
    z_mean = ops.mean(ops.square(ops.reshape(images, (-1, 784))), axis=-1, keepdims=True)
    z_log_var = ops.zeros_like(z_mean)
    return keras.Model(images, [z_mean, z_log_var, vae_keras.Sampling(seed=0)([z_mean, z_log_var])])


@pytest.mark.parametrize("binarize, training, expected_z_mean", [
    (True, True, 0.5),  # the training step sees x ~ Bernoulli(0.5): pixel² = pixel, mean ≈ 0.5
    (True, False, 0.25),  # evaluation sees the grey images themselves
    (False, True, 0.25),
])
def test_dynamic_binarization_draws_bernoulli_images_in_training_only(binarize, training, expected_z_mean):
    vae = vae_keras.VAE(mean_square_encoder(), build_dense_decoder(1), binarize=binarize, seed=0)
    x = np.full((64, 28, 28, 1), 0.5, "float32")
    kl_loss = float(ops.convert_to_numpy(vae.compute_vae_losses(x, training=training)["kl_loss"]))
    assert kl_loss == pytest.approx(0.5 * expected_z_mean**2, rel=0.05)  # KL = ½·z_mean² here


def test_binarization_needs_the_bernoulli_likelihood():
    with pytest.raises(ValueError, match="binarize=True .* needs reconstruction='bce'"):
        vae_keras.VAE(build_dense_encoder(2), build_dense_decoder(2, head="tanh"), reconstruction="mse", binarize=True)
    with pytest.raises(ValueError, match="needs reconstruction='bce'"):
        vae_keras.build_vae(head="tanh", binarize=True)


def test_unknown_reconstruction_raises_value_error():
    with pytest.raises(ValueError, match=r"Unknown reconstruction loss 'l1'; expected one of \('bce', 'mse'\)"):
        vae_keras.VAE(build_dense_encoder(2), build_dense_decoder(2), reconstruction="l1")


@pytest.mark.parametrize("kwargs, message", [
    ({"encoder": "rnn"}, r"Unknown encoder 'rnn'; expected one of \('dense', 'conv'\)"),
    ({"decoder": "conv"}, r"Unknown decoder 'conv'; expected one of \('dense', 'transpose', 'upsample'\)"),
])
def test_build_vae_rejects_unknown_parts(kwargs, message):
    with pytest.raises(ValueError, match=message):
        vae_keras.build_vae(**kwargs)


@pytest.mark.parametrize("head, reconstruction", [("sigmoid", "bce"), ("tanh", "mse"), ("linear", "mse")])
def test_build_vae_matches_the_loss_to_the_head(head, reconstruction):
    vae = vae_keras.build_vae(head=head)
    assert vae.reconstruction == reconstruction
    assert vae.decoder.get_layer("output_head").get_config()["activation"] == head


# --- Bad input fails early and clearly --------------------------------------------------------

@pytest.mark.parametrize("x, message", [
    (np.zeros((8, 28, 28), "float32"), r"Expected x of shape \(N, 28, 28, 1\); got \(8, 28, 28\)"),
    (np.zeros((8, 28, 28, 1), "uint8"), r"Expected float x .*got dtype uint8.*to_unit_images"),
    (np.full((8, 28, 28, 1), 255.0, "float32"), r"Expected x with values in \[0, 1\]; got values in \[255, 255\]"),
])
def test_fit_on_bad_input_raises_before_training(x, message):
    vae = vae_keras.build_vae(seed=0)
    with pytest.raises(ValueError, match=message):
        vae.fit(x, epochs=1, verbose=0)
    assert int(ops.convert_to_numpy(vae.optimizer.iterations)) == 0
    assert vae.train_function is None  # no step was ever traced


def test_bad_validation_data_raises_before_training(digits):
    vae = vae_keras.build_vae(seed=0)
    with pytest.raises(ValueError, match=r"Expected validation_data of shape"):
        vae.fit(digits.x_train[:8], epochs=1, verbose=0, validation_data=(digits.x_test[:8, ..., 0],))
    assert vae.train_function is None


def test_evaluate_checks_its_input_too():
    with pytest.raises(ValueError, match="Expected float x"):
        vae_keras.build_vae(seed=0).evaluate(np.zeros((4, 28, 28, 1), "uint8"), verbose=0)


def test_mse_models_accept_data_outside_unit_range():
    vae = vae_keras.build_vae(head="linear", seed=0)
    vae._check_inputs(np.full((2, 28, 28, 1), -3.0, "float32"), "x")  # standardised data is fine


# --- Saving and loading ------------------------------------------------------------------------

def assert_same_model(original, loaded, x):
    z = np.random.default_rng(0).standard_normal((16, original.latent_dim)).astype("float32")
    np.testing.assert_array_equal(loaded.decoder.predict(z, verbose=0), original.decoder.predict(z, verbose=0))
    np.testing.assert_array_equal(loaded.generate(8, seed=3), original.generate(8, seed=3))
    np.testing.assert_array_equal(loaded.encode(x)[0], original.encode(x)[0])
    assert (loaded.reconstruction, loaded.binarize, loaded.latent_dim) == (
        original.reconstruction, original.binarize, original.latent_dim)
    assert float(ops.convert_to_numpy(loaded.beta)) == float(ops.convert_to_numpy(original.beta))


def test_trained_dense_vae_survives_a_keras_round_trip(trained_vae, digits, tmp_path):
    path = str(tmp_path / "dense.keras")
    trained_vae.save(path)
    loaded = keras.saving.load_model(path)  # default safe_mode=True
    assert isinstance(loaded, vae_keras.VAE)
    assert_same_model(trained_vae, loaded, digits.x_test[:8])


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")  # untrained: no optimizer state yet
def test_conv_vae_survives_a_keras_round_trip(digits, tmp_path):
    vae = vae_keras.build_vae("conv", "upsample", latent_dim=3, head="tanh", beta=0.5, seed=2)
    path = str(tmp_path / "conv.keras")
    vae.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.reconstruction == "mse" and loaded.decoder.output_shape == (None, 28, 28, 1)
    assert_same_model(vae, loaded, datasets.to_symmetric(digits.x_test[:8]))


def test_loaded_vae_continues_training(trained_vae, digits, tmp_path):
    path = str(tmp_path / "resume.keras")
    trained_vae.save(path)
    loaded = keras.saving.load_model(path)
    steps_before = int(ops.convert_to_numpy(loaded.optimizer.iterations))
    assert steps_before == int(ops.convert_to_numpy(trained_vae.optimizer.iterations)) > 0
    weights_before = [w.copy() for w in loaded.get_weights()]
    history = loaded.fit(digits.x_train, epochs=1, batch_size=32, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    loss_when_saved = float(ops.convert_to_numpy(trained_vae.compute_vae_losses(digits.x_train)["loss"]))
    assert history.history["loss"][0] < 1.1 * loss_when_saved  # it resumes, not restarts
    assert int(ops.convert_to_numpy(loaded.optimizer.iterations)) == steps_before + 8
    assert any(not np.array_equal(a, b) for a, b in zip(weights_before, loaded.get_weights()))
