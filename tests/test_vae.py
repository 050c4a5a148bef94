"""The VAE model: training, its loss terms, using it, and saving it to .keras."""

import warnings

import keras
import numpy as np
import pytest
from keras import ops

import vae_keras
from vae_keras import KLWarmup, datasets, heads, losses
from vae_keras.callbacks import StopOnNonFiniteLoss
from vae_keras.course import checks
from vae_keras.decoders import build_conv_decoder, build_dense_decoder
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


@pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                    reason="TensorFlow traces a step twice when its first run creates variables")
def test_a_new_models_first_fit_traces_its_training_step_once(digits, monkeypatch):
    """The optimizer's variables exist before fit traces the first step, so the step is traced once, not twice."""
    vae = vae_keras.build_vae(seed=0)
    traces, step = [], vae.tensorflow_train_step
    monkeypatch.setattr(vae, "tensorflow_train_step", lambda data: traces.append(data) or step(data))
    vae.fit(digits.x_train[:80], epochs=2, batch_size=32, verbose=0)  # 3 steps an epoch, the last one short
    assert len(traces) == 1
    assert int(vae.optimizer.iterations.numpy()) == 6


@pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                    reason="Keras's TensorFlow trainer makes tf.data iterators; told the count, one per epoch")
def test_each_epoch_makes_one_data_iterator_and_trains_on_the_same_batches(digits, monkeypatch):
    """The batches of an epoch are counted for Keras, which then makes one tf.data iterator per epoch (not two);
    every batch is still trained on, in the same order: the weights equal those of Keras's own fit. No batch
    size is given: Keras's default of 32 must stay (given a count of steps alone, Keras derives another)."""
    from tensorflow.python.data.ops import dataset_ops

    batch_size, steps = None, 3  # 80 examples: batches of 32, 32 and 16

    x, validation = digits.x_train[:80], digits.x_test[:40]
    made, make = [], dataset_ops.DatasetV2.__iter__
    monkeypatch.setattr(dataset_ops.DatasetV2, "__iter__", lambda dataset: made.append(1) or make(dataset))
    vae = vae_keras.build_vae(seed=0)
    vae.fit(x, epochs=4, batch_size=batch_size, validation_data=validation, shuffle=False, verbose=0)
    assert int(vae.optimizer.iterations.numpy()) == 4 * steps
    validated = 2 * 4  # Keras's evaluate makes two iterators each epoch, whatever it is told
    assert len(made) - validated == 4 + 1  # one per epoch, and one left over at the end

    trained = {}
    for name, fit in [("ours", vae_keras.VAE.fit), ("keras", keras.Model.fit)]:  # ours counts the steps, Keras not
        keras.utils.set_random_seed(1)  # the same shuffles for both
        trained[name] = vae_keras.build_vae(seed=0)
        fit(trained[name], x, epochs=2, batch_size=batch_size, shuffle=True, verbose=0)
    for ours, keras_own in zip(trained["ours"].get_weights(), trained["keras"].get_weights()):
        np.testing.assert_array_equal(ours, keras_own)


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
    with pytest.raises(ValueError, match=r"Expected z of shape \(N, 2\)\..* Received: z.shape=\(4, 3\)"):
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


def test_kl_warmup_ramps_to_the_models_own_beta_by_default():
    vae = vae_keras.build_vae(beta=4.0, seed=0)
    warmup = KLWarmup(epochs=2)
    warmup.set_model(vae)
    betas = []
    for epoch in range(3):
        warmup.on_epoch_begin(epoch)
        betas.append(float(ops.convert_to_numpy(vae.beta)))
    np.testing.assert_allclose(betas, [0.0, 2.0, 4.0])


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


@pytest.mark.parametrize("binarize, expected_kl", [(True, 0.5 * 0.5**2), (False, 0.5 * 0.25**2)])
def test_fit_trains_on_binarized_images_when_binarize_is_on(binarize, expected_kl):
    """Through fit itself, on the active backend: the train step must see x ~ Bernoulli(x) (training=True),
    the validation step the grey images. The encoder has no weights, so its KL tells what each step saw."""
    vae = vae_keras.VAE(mean_square_encoder(), build_dense_decoder(1, seed=0), binarize=binarize, seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    x = np.full((256, 28, 28, 1), 0.5, "float32")
    history = vae.fit(x, epochs=1, batch_size=64, validation_data=(x,), verbose=0).history
    assert history["kl_loss"][0] == pytest.approx(expected_kl, rel=0.05)
    assert history["val_kl_loss"][0] == pytest.approx(0.5 * 0.25**2, rel=1e-4)  # evaluation: never binarized


def test_binarization_needs_the_bernoulli_likelihood():
    with pytest.raises(ValueError, match="binarize=True draws binary images, which only a binary likelihood models: "
                                         "use likelihood='bernoulli', or binarize=False. Received: "
                                         "likelihood='gaussian'"):
        vae_keras.VAE(build_dense_encoder(2), build_dense_decoder(2, head="tanh"), likelihood="mse", binarize=True)
    with pytest.raises(ValueError, match="use likelihood='bernoulli'"):
        vae_keras.build_vae(head="tanh", binarize=True)


def test_unknown_likelihood_raises_value_error():
    with pytest.raises(ValueError, match=r"likelihood must be one of .* Received: likelihood='l1'"):
        vae_keras.VAE(build_dense_encoder(2), build_dense_decoder(2), likelihood="l1")


def test_reconstruction_is_a_deprecated_alias_of_likelihood():
    encoder, decoder = build_dense_encoder(2), build_dense_decoder(2, head="linear")
    with pytest.warns(DeprecationWarning, match=r"VAE\(reconstruction=...\) is deprecated: pass likelihood=..."):
        vae = vae_keras.VAE(encoder, decoder, reconstruction="mse")
    assert vae.likelihood.name == "gaussian"
    with pytest.warns(DeprecationWarning, match="use vae.likelihood.name"):
        assert vae.reconstruction == "gaussian"
    with pytest.warns(DeprecationWarning, match=r"build_vae\(reconstruction=...\) is deprecated"):
        assert vae_keras.build_vae(head="linear", reconstruction="mse").likelihood.name == "gaussian"


def test_likelihood_and_its_deprecated_alias_given_together_must_agree():
    encoder, decoder = build_dense_encoder(2), build_dense_decoder(2, head="linear")
    with pytest.raises(ValueError, match=r"Pass the likelihood once, as likelihood=\.\.\. \(reconstruction= is its "
                                         r"deprecated alias\)\. Received: likelihood='gaussian', "
                                         r"reconstruction='bernoulli'"):
        vae_keras.VAE(encoder, decoder, likelihood="gaussian", reconstruction="bernoulli")
    with pytest.warns(DeprecationWarning, match=r"VAE\(reconstruction=...\) is deprecated"):
        vae = vae_keras.VAE(encoder, decoder, likelihood="gaussian", reconstruction="mse")  # the same likelihood
    assert vae.likelihood.name == "gaussian"


@pytest.mark.parametrize("kwargs, message", [
    ({"encoder": "rnn"}, r"encoder must be one of \('dense', 'conv'\). Received: encoder='rnn'"),
    ({"decoder": "conv"}, r"decoder must be one of \('dense', 'transpose', 'upsample'\). Received: decoder='conv'"),
    ({"head": "tanh", "likelihood": "bce"}, r"'bernoulli' likelihood needs decoder outputs in \(0, 1\)"),
    ({"beta": -1.0}, r"beta must be a finite number >= 0. Received: beta=-1.0"),
    ({"sigma": 0.1}, r"sigma and learn_sigma belong to the Gaussian likelihood"),
    ({"head": "linear", "sigma": -0.1}, r"sigma must be a positive number. Received: sigma=-0.1"),
    ({"head": "linear", "learn_sigma": "per_pixel"}, r"learn_sigma must be one of"),
])
def test_build_vae_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        vae_keras.build_vae(**kwargs)


@pytest.mark.parametrize("head, likelihood", [("sigmoid", "bernoulli"), ("tanh", "gaussian"), ("linear", "gaussian")])
def test_build_vae_matches_the_likelihood_to_the_head(head, likelihood):
    vae = vae_keras.build_vae(head=head)
    assert vae.likelihood is losses.LIKELIHOODS[likelihood]
    assert vae.head is heads.HEADS[head]  # the record build_vae passed, not read back from a layer
    assert vae.decoder.get_layer("output_head").get_config()["activation"] == head


# --- The Gaussian decoder's noise sigma ----------------------------------------------------

def test_fixed_sigma_is_a_constant_of_the_model_that_scales_the_squared_error(digits):
    x = datasets.Standardizer().fit(digits.x_train).transform(digits.x_train[:16])
    squared_errors = {}
    for sigma in (0.3, 0.6):
        vae = vae_keras.build_vae(head="linear", sigma=sigma, seed=0)  # same seed: same weights, same z
        assert vae.sigma == pytest.approx(sigma)
        assert not any(v is vae.log_sigma for v in vae.trainable_weights)
        loss = float(ops.convert_to_numpy(vae.compute_vae_losses(x)["reconstruction_loss"]))
        constants = 784 * (np.log(sigma) + 0.5 * np.log(2 * np.pi))
        squared_errors[sigma] = 2 * sigma**2 * (loss - constants)  # Σ(x − x̂)², the same for both
    assert squared_errors[0.3] == pytest.approx(squared_errors[0.6], rel=1e-4)


@pytest.mark.parametrize("learn_sigma, shape", [("scalar", ()), ("per_feature", (28, 28, 1))])
def test_learned_sigma_trains_and_survives_a_keras_round_trip(digits, tmp_path, learn_sigma, shape):
    vae = vae_keras.build_vae(head="linear", learn_sigma=learn_sigma, sigma=1.0, learning_rate=3e-3, seed=0)
    assert any(v is vae.log_sigma for v in vae.trainable_weights)
    assert tuple(vae.log_sigma.shape) == shape
    x = datasets.Standardizer().fit(digits.x_train).transform(digits.x_train)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # 3e-2 diverged on TensorFlow, silently before the guard
        history = vae.fit(x, epochs=2, batch_size=64, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert np.all(np.asarray(vae.sigma) != 1.0)  # it moved
    path = str(tmp_path / "sigma.keras")
    vae.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded.sigma, vae.sigma, rtol=1e-6)
    assert loaded.learn_sigma == learn_sigma


# --- Bad input fails early and clearly --------------------------------------------------------

@pytest.mark.parametrize("x, message", [
    (np.zeros((8, 28, 28), "float32"), r"Expected x of shape \(N, 28, 28, 1\)\..* Received: x.shape=\(8, 28, 28\)"),
    (np.zeros((8, 28, 28, 1), "uint8"), r"Expected float x .*to_unit_images. Received: x.dtype=uint8"),
    (np.full((8, 28, 28, 1), 255.0, "float32"), r"Expected x with values in \[0, 1\]\..* Received: x with values in "
                                                r"\[255, 255\]"),
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


def test_gaussian_models_accept_data_outside_unit_range():
    vae = vae_keras.build_vae(head="linear", seed=0)
    x = np.full((2, 28, 28, 1), -3.0, "float32")  # standardised data is fine
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no head warning (the backend's own deprecations may come)
        assert np.all(np.isfinite(vae.evaluate(x, verbose=0)))
        assert vae.encode(x)[0].shape == (2, 2)


def test_a_tf_data_dataset_is_passed_on_unchecked(digits, binary_test):
    tf = pytest.importorskip("tensorflow")
    vae = vae_keras.build_vae(seed=0)
    train = tf.data.Dataset.from_tensor_slices(digits.x_train[:64]).batch(32)
    validation = tf.data.Dataset.from_tensor_slices(binary_test).batch(32)
    history = vae.fit(train, epochs=1, validation_data=validation, shuffle=False, verbose=0).history
    assert np.isfinite(history["loss"][0]) and np.isfinite(history["val_loss"][0])


def test_lists_are_converted_and_checked_like_arrays(digits):
    vae = vae_keras.build_vae(seed=0)
    as_list = vae.encode(digits.x_test[:3].tolist())
    np.testing.assert_array_equal(as_list[0], vae.encode(digits.x_test[:3])[0])
    assert vae.decode([[0.0, 1.0]]).shape == (1, 28, 28, 1)


def test_decode_accepts_integer_and_float64_codes():
    vae = vae_keras.build_vae(seed=0)
    np.testing.assert_array_equal(vae.decode(np.array([[1, -1]])), vae.decode(np.array([[1.0, -1.0]], "float32")))


# --- Mistakes that are lessons: allowed, never silent -------------------------------------------

def test_data_outside_the_heads_range_trains_with_a_warning(digits):
    vae = vae_keras.build_vae(head="sigmoid", likelihood="mse", seed=0)  # notebook 02's mismatch
    x = datasets.to_symmetric(digits.x_train[:64])
    with pytest.warns(UserWarning, match=r"x holds values in \[-1, 1\], but the decoder's 'sigmoid' head produces "
                                         r"values in \[0, 1\] only.*head='tanh'") as record:
        history = vae.fit(x, epochs=1, batch_size=32, verbose=0)
    assert record[0].filename == __file__  # the warning points at the caller's fit
    assert np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("head, x, warns", [
    ("tanh", np.linspace(-1, 1, 784, dtype="float32").reshape(1, 28, 28, 1), False),
    ("tanh", np.full((1, 28, 28, 1), 3.0, "float32"), True),
    ("linear", np.full((1, 28, 28, 1), -30.0, "float32"), False),
])
def test_the_head_warning_compares_the_data_with_the_heads_range(head, x, warns):
    vae = vae_keras.build_vae(head=head, seed=0)
    assert vae.head.name == head
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        vae.fit(np.repeat(x, 2, axis=0), epochs=1, batch_size=2, verbose=0)
    messages = [str(w.message) for w in record if "head produces values" in str(w.message)]
    assert bool(messages) == warns, messages
    if warns:
        assert "head='linear'" in messages[0]


def test_a_decoder_without_an_output_head_layer_gets_no_head_warning():
    z = keras.Input(shape=(2,))
    decoder = keras.Model(z, keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, activation="sigmoid")(z)))
    vae = vae_keras.VAE(build_dense_encoder(2), decoder, likelihood="gaussian")
    assert vae.head is None and vae.get_config()["head"] is None
    vae.compile(optimizer="adam")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        vae.fit(np.full((2, 28, 28, 1), -5.0, "float32"), epochs=1, batch_size=2, verbose=0)


def test_a_diverging_fit_stops_within_its_first_epoch_and_warns(digits):
    vae = vae_keras.build_vae(learning_rate=100.0, seed=0)  # far too large: the loss is NaN within the epoch
    with pytest.warns(RuntimeWarning, match=r"Training stopped in epoch 1, at batch \d+: the loss is (nan|inf)\. "
                                            r".*smaller learning rate"):
        history = vae.fit(digits.x_train, epochs=4, batch_size=32, verbose=0)
    assert len(history.history["loss"]) == 1  # 3 more epochs were not run
    assert int(ops.convert_to_numpy(vae.optimizer.iterations)) <= 8
    with pytest.warns(RuntimeWarning, match="outputs hold NaN or infinite values"):
        vae.generate(2, seed=0)  # the broken model says so when used


def test_a_callers_own_terminate_on_nan_replaces_the_default_guard(digits):
    vae = vae_keras.build_vae(head="linear", sigma=1e-30, seed=0)  # σ so small that the loss overflows to inf
    x = datasets.Standardizer().fit(digits.x_train).transform(digits.x_train[:64])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        history = vae.fit(x, epochs=3, batch_size=32, verbose=0, callbacks=[keras.callbacks.TerminateOnNaN()])
    assert len(history.history["loss"]) == 1 and not np.isfinite(history.history["loss"][0])


def test_the_guard_is_added_once_and_reports_where_it_stopped(digits):
    guard = StopOnNonFiniteLoss()
    vae = vae_keras.build_vae(head="linear", sigma=1e-30, seed=0)
    x = datasets.Standardizer().fit(digits.x_train).transform(digits.x_train[:64])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # the caller's own guard: fit does not warn
        vae.fit(x, epochs=3, batch_size=32, verbose=0, callbacks=[guard])
    epoch, batch, loss = guard.stopped_at
    assert epoch == 0 and batch < 2 and not np.isfinite(loss)  # the first step overflows (its log may come one late)
    assert f"at batch {batch}: the loss is {loss}" in guard.message()


# --- Saving and loading ------------------------------------------------------------------------

def assert_same_model(original, loaded, x):
    z = np.random.default_rng(0).standard_normal((16, original.latent_dim)).astype("float32")
    np.testing.assert_array_equal(loaded.decoder.predict(z, verbose=0), original.decoder.predict(z, verbose=0))
    np.testing.assert_array_equal(loaded.generate(8, seed=3), original.generate(8, seed=3))
    np.testing.assert_array_equal(loaded.encode(x)[0], original.encode(x)[0])
    assert (loaded.likelihood, loaded.head, loaded.binarize, loaded.latent_dim, loaded.seed) == (
        original.likelihood, original.head, original.binarize, original.latent_dim, original.seed)
    assert float(ops.convert_to_numpy(loaded.beta)) == float(ops.convert_to_numpy(original.beta))


@pytest.mark.parametrize("kwargs", [
    {"likelihood": "bce", "beta": 0.5, "binarize": True, "seed": 7, "scan_steps": False},
    {"likelihood": "mse", "beta": 2.0, "sigma": 0.3, "learn_sigma": "per_feature", "seed": 11, "scan_steps": True},
])
def test_get_config_round_trip_keeps_every_argument(kwargs):
    head = "sigmoid" if kwargs["likelihood"] == "bce" else "linear"
    vae = vae_keras.VAE(build_dense_encoder(2), build_dense_decoder(2, head=head), name="named_vae", head=head,
                        **kwargs)
    again = vae_keras.VAE.from_config(vae.get_config())
    expected = {"likelihood": vae.likelihood, "head": heads.HEADS[head], "initial_beta": kwargs["beta"],
                "seed": kwargs["seed"],
                "binarize": kwargs.get("binarize", False), "initial_sigma": kwargs.get("sigma"),
                "learn_sigma": kwargs.get("learn_sigma"), "scan_steps": kwargs["scan_steps"], "name": "named_vae"}
    for name, value in expected.items():
        assert getattr(again, name, None) == value, name
    assert again.latent_dim == 2 and float(ops.convert_to_numpy(again.beta)) == kwargs["beta"]


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
    assert loaded.likelihood.name == "gaussian" and loaded.head.name == "tanh"
    assert loaded.decoder.output_shape == (None, 28, 28, 1)
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


# --- Cases a one-line bug in vae.py or validation.py would get wrong ----------------------------

@pytest.mark.parametrize("likelihood", ["bernoulli", "continuous_bernoulli"])
@pytest.mark.parametrize("kwargs", [{"learn_sigma": "scalar"}, {"learn_sigma": "per_feature"}, {"sigma": 0.5}])
def test_sigma_options_are_refused_without_the_gaussian(likelihood, kwargs):
    with pytest.raises(ValueError, match=rf"sigma and learn_sigma belong to the Gaussian likelihood: use "
                                         rf"likelihood='gaussian', or drop them. Received: likelihood='{likelihood}'"):
        vae_keras.VAE(build_dense_encoder(2), build_dense_decoder(2), likelihood=likelihood, **kwargs)


def test_the_default_sigma_is_the_sum_of_squared_errors_one():
    vae = vae_keras.build_vae(head="linear", seed=0)
    assert vae.sigma == pytest.approx(losses.DEFAULT_SIGMA) == pytest.approx(np.sqrt(0.5))
    assert vae.get_config()["sigma"] == pytest.approx(losses.DEFAULT_SIGMA)
    assert vae_keras.build_vae(seed=0).sigma is None


def test_a_head_that_cannot_give_the_likelihoods_parameters_is_refused_by_the_vae_itself():
    with pytest.raises(ValueError, match=r"Received: head='linear', likelihood='continuous_bernoulli'"):
        vae_keras.VAE(build_dense_encoder(2), build_dense_decoder(2, head="linear"), head="linear",
                      likelihood="continuous_bernoulli")


@pytest.mark.parametrize("decoder, likelihood", [
    (lambda: build_dense_decoder(2, head="tanh"), "bernoulli"),
    (lambda: build_dense_decoder(2, head="linear"), "continuous_bernoulli"),
    (lambda: build_conv_decoder(2, upsampling="upsample", head="tanh"), "bce"),
])
def test_a_head_that_cannot_feed_the_likelihood_is_refused_when_the_vae_is_built_from_parts(decoder, likelihood):
    decoder = decoder()
    head = decoder.get_layer("output_head").get_config()["activation"]
    encoder = build_dense_encoder(2)
    with pytest.raises(ValueError, match=rf"Received: head='{head}', likelihood='{likelihood}'"):
        vae_keras.VAE(encoder, decoder, likelihood=likelihood)
    with pytest.raises(ValueError, match=rf"Received: head='{head}', likelihood='{likelihood}'"):
        vae_keras.VAE(encoder, keras.Model.from_config(decoder.get_config()), likelihood=likelihood)  # a reloaded one


def test_the_vae_reads_the_head_from_its_decoder_and_defaults_to_its_likelihood():
    vae = vae_keras.VAE(build_dense_encoder(2), build_dense_decoder(2, head="tanh"))
    assert vae.head is heads.HEADS["tanh"] and vae.likelihood.name == "gaussian"
    assert vae_keras.VAE(build_dense_encoder(2), build_dense_decoder(2)).likelihood.name == "bernoulli"
    with pytest.raises(ValueError, match=r"head= must name the decoder's own head, or be left out: .* "
                                         r"Received: head='tanh', a decoder with a 'sigmoid' head"):
        vae_keras.VAE(build_dense_encoder(2), build_dense_decoder(2), head="tanh", likelihood="gaussian")


def test_check_pairing_false_builds_a_mismatched_vae_with_a_warning_and_keeps_it_in_its_config():
    encoder, decoder = build_dense_encoder(2), build_dense_decoder(2, head="tanh")
    with pytest.warns(UserWarning, match=r"check_pairing=False: .*'bernoulli' likelihood needs decoder outputs in "
                                         r"\(0, 1\), but a 'tanh' head produces values in \(-1, 1\)"):
        vae = vae_keras.VAE(encoder, decoder, likelihood="bernoulli", check_pairing=False)
    assert (vae.head.name, vae.likelihood.name, vae.check_pairing) == ("tanh", "bernoulli", False)
    assert vae.get_config()["check_pairing"] is False
    with pytest.warns(UserWarning, match="check_pairing=False"):
        assert vae_keras.VAE.from_config(vae.get_config()).check_pairing is False
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # a pair that fits: no warning, with or without the check
        assert vae_keras.VAE(encoder, build_dense_decoder(2), check_pairing=False).likelihood.name == "bernoulli"
    with pytest.raises(ValueError, match="check_pairing must be True or False. Received: check_pairing='no'"):
        vae_keras.VAE(encoder, decoder, likelihood="gaussian", check_pairing="no")


def test_a_decoder_without_a_known_head_gets_the_likelihoods_data_check():
    z = keras.Input(shape=(2,))
    decoder = keras.Model(z, keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, activation="tanh")(z)))
    vae = vae_keras.VAE(build_dense_encoder(2), decoder, likelihood="bernoulli")  # its head is not known: no pairing
    assert vae.head is None
    vae.compile(optimizer="adam")
    with pytest.raises(ValueError, match=r"Expected x with values in \[0, 1\]\. .* Received: x with values in "
                                         r"\[-1, 1\]"):
        vae.fit(np.linspace(-1, 1, 4 * 784, dtype="float32").reshape(4, 28, 28, 1), epochs=1, verbose=0)


@pytest.mark.parametrize("value", [1.0000001, -1e-7])
def test_data_a_rounding_error_outside_the_unit_interval_are_accepted(value):
    x = np.full((4, 28, 28, 1), value, "float32")
    vae = vae_keras.build_vae(likelihood="continuous_bernoulli", seed=0)
    assert vae.encode(x)[0].shape == (4, 2)
    assert np.all(np.isfinite(vae.evaluate(x, verbose=0)))


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="the TensorFlow step divides by the replicas")
def test_the_tensorflow_step_divides_the_loss_by_the_replicas(monkeypatch, digits):
    """tf.distribute sums the replicas' gradients; each step must take its share. With plain SGD the
    update is proportional to the gradient, so two (pretended) replicas move the weights half as far."""
    x = datasets.binarize(digits.x_train[:32], seed=0)

    def update(replicas):
        monkeypatch.setattr("vae_keras.vae.replicas", lambda: replicas)
        vae = vae_keras.build_vae(seed=0)
        vae.compile(optimizer=keras.optimizers.SGD(0.1))
        before = [w.copy() for w in vae.get_weights()]
        vae.fit(x, epochs=1, batch_size=32, shuffle=False, verbose=0)
        return np.concatenate([(a - b).ravel() for a, b in zip(vae.get_weights(), before)])

    one, two = update(1), update(2)
    assert np.linalg.norm(two) / np.linalg.norm(one) == pytest.approx(0.5, rel=1e-3)
    assert np.dot(one, two) / (np.linalg.norm(one) * np.linalg.norm(two)) == pytest.approx(1.0, abs=1e-4)
