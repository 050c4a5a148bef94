"""Loading data offline and moving images between the course's three ranges."""

import socket
import time
import uuid

import keras
import numpy as np
import pytest

import vae_keras
from vae_keras import datasets


def write_keras_npz(path, n_train=12, n_test=5, shape=(28, 28), dtype="uint8", high=255):
    """A tiny .npz in the keras.datasets layout: uint8 images (N, 28, 28), labels (N,)."""
    rng = np.random.default_rng(0)
    np.savez(path,
             x_train=rng.integers(0, high + 1, (n_train, *shape)).astype(dtype),
             y_train=rng.integers(0, 10, n_train),
             x_test=rng.integers(0, high + 1, (n_test, *shape)).astype(dtype),
             y_test=rng.integers(0, 10, n_test))
    return str(path)


def assert_course_images(x):
    assert x.dtype == np.float32
    assert x.ndim == 4 and x.shape[1:] == (28, 28, 1)
    assert x.min() >= 0.0 and x.max() <= 1.0


# --- Loading -----------------------------------------------------------------------------

def test_digits_load_offline_as_float_images_in_unit_range():
    data = vae_keras.load("digits")
    assert_course_images(data.x_train)
    assert_course_images(data.x_test)
    assert len(data.x_train) + len(data.x_test) == 1797  # all of scikit-learn's digits
    assert data.y_train.shape == (len(data.x_train),) and data.y_test.shape == (len(data.x_test),)
    assert set(np.unique(data.y_train)) == set(range(10))
    assert data.x_train.max() == pytest.approx(1.0)  # ink reaches full intensity
    assert data.x_train[:, :4].max() == 0.0  # a blank border, like MNIST


def test_digits_max_train_and_max_test_keep_the_first_images():
    full = vae_keras.load("digits", seed=3)
    small = vae_keras.load("digits", max_train=20, max_test=7, seed=3)
    assert small.x_train.shape == (20, 28, 28, 1) and small.x_test.shape == (7, 28, 28, 1)
    np.testing.assert_array_equal(small.x_train, full.x_train[:20])
    np.testing.assert_array_equal(small.y_test, full.y_test[:7])


def test_digits_seed_shuffles_the_split():
    a, b = vae_keras.load("digits", max_train=50, seed=0), vae_keras.load("digits", max_train=50, seed=1)
    assert not np.array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.x_train, vae_keras.load("digits", max_train=50, seed=0).x_train)


def test_explicit_npz_path_is_read_and_rescaled(tmp_path):
    path = write_keras_npz(tmp_path / "mnist.npz")
    data = vae_keras.load("mnist", path=path)
    assert data.x_train.shape == (12, 28, 28, 1) and data.x_test.shape == (5, 28, 28, 1)
    assert_course_images(data.x_train)
    with np.load(path) as raw:
        np.testing.assert_allclose(data.x_train[..., 0], raw["x_train"] / 255.0, rtol=1e-6)
        np.testing.assert_array_equal(data.y_test, raw["y_test"])
    assert data.name == "mnist" and data.source == path


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_environment_variable_names_the_npz(tmp_path, monkeypatch, name):
    path = write_keras_npz(tmp_path / f"{name}.npz", n_train=9)
    monkeypatch.setenv(f"VAE_KERAS_{name.upper()}_PATH", path)
    data = vae_keras.load(name)
    assert data.source == path and data.x_train.shape == (9, 28, 28, 1)


def test_failed_download_falls_back_to_digits_with_a_note(monkeypatch, capsys):
    def no_network():
        raise OSError("Network is unreachable")

    monkeypatch.setattr(datasets, "_unreachable", lambda host: None)  # the server answers, the download fails
    monkeypatch.setattr(keras.datasets.mnist, "load_data", no_network)
    data = vae_keras.load("mnist", max_train=30)
    assert data.name == "digits" and data.x_train.shape == (30, 28, 28, 1)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert "Could not download mnist" in lines[0] and "Network is unreachable" in lines[0]
    assert "falling back to the embedded 'digits'" in lines[0]


def test_offline_fallback_takes_seconds_not_a_hang(monkeypatch, capsys):
    """The real keras download, with the network gone: it must fail fast and fall back."""
    def unreachable(*args, **kwargs):
        raise OSError("Network is unreachable")

    real_load_data = keras.datasets.mnist.load_data
    # A fresh file name, so that a copy of mnist.npz cached by keras cannot be found.
    monkeypatch.setattr(keras.datasets.mnist, "load_data",
                        lambda: real_load_data(path=f"mnist-absent-{uuid.uuid4().hex}.npz"))
    monkeypatch.setattr(socket, "getaddrinfo", unreachable)
    monkeypatch.setattr(socket.socket, "connect", unreachable)
    monkeypatch.setattr(socket, "setdefaulttimeout", unreachable)  # the wait is bounded without a global timeout
    start = time.perf_counter()
    data = vae_keras.load("mnist", max_train=10)
    assert time.perf_counter() - start < 30
    assert data.name == "digits"
    note = capsys.readouterr().out.strip().splitlines()[-1]
    assert "Network is unreachable" in note  # the cause survives in the one-line note
    assert "falling back to the embedded 'digits'" in note


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "cifar10"}, r"name must be one of \('mnist', 'fashion_mnist', 'digits'\). Received: name='cifar10'"),
    ({"name": "digits", "path": "digits.npz"}, "takes no path"),
    ({"name": "mnist", "path": "/no/such/file.npz"}, "pass the path of a keras.datasets-format file. Received: "
                                                     "path='/no/such/file.npz'"),
])
def test_bad_load_arguments_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        vae_keras.load(**kwargs)


def test_npz_lacking_arrays_raises_value_error(tmp_path):
    path = tmp_path / "partial.npz"
    np.savez(path, x_train=np.zeros((2, 28, 28), "uint8"))
    with pytest.raises(ValueError, match=r"lacks \['x_test', 'y_test', 'y_train'\].*keras.datasets layout"):
        vae_keras.load("mnist", path=str(path))


def test_npz_with_wrong_image_shape_raises_value_error(tmp_path):
    path = write_keras_npz(tmp_path / "cifar.npz", shape=(32, 32, 3))
    with pytest.raises(ValueError, match=r"Expected x_train in .*cifar.npz of shape \(N, 28, 28\) or \(N, 28, 28, 1\)"):
        vae_keras.load("mnist", path=path)


# --- Checking images ---------------------------------------------------------------------

def test_to_unit_images_rescales_uint8_and_adds_the_channel():
    x = np.array([[[0, 255] * 14] * 28], dtype="uint8")  # (1, 28, 28)
    unit = datasets.to_unit_images(x)
    assert unit.shape == (1, 28, 28, 1) and unit.dtype == np.float32
    assert set(np.unique(unit)) == {0.0, 1.0}


@pytest.mark.parametrize("x, message", [
    (np.zeros((3, 28, 28, 3), "float32"), r"Expected images of shape \(N, 28, 28, 1\)\..* Received: "
                                          r"images.shape=\(3, 28, 28, 3\)"),
    (np.zeros((3, 28, 28, 1), "int32"), r"Expected float images \(e.g. float32\): .* Received: images.dtype=int32"),
    (np.full((3, 28, 28, 1), 255.0, "float32"), r"values in \[0, 1\]\..* Received: images with values in \[255, 255\]"),
    (np.full((3, 28, 28, 1), -0.5, "float32"), r"values in \[0, 1\]"),
    (np.full((3, 28, 28, 1), np.nan, "float32"), r"Expected finite values in images: .* Received: images with 2352 "
                                                 r"NaN"),
    (np.zeros((0, 28, 28, 1), "float32"), r"Expected at least 1 example in images: .* Received: images.shape=\(0, "
                                          r"28, 28, 1\)"),
    # a list is converted, then checked
    ([[0.0]], r"Expected images of shape \(N, 28, 28, 1\)\..* Received: images.shape=\(1, 1\)"),
    ("pixels", "Expected images as a NumPy array. Received: images of type str"),
])
def test_check_images_names_what_it_expected(x, message):
    with pytest.raises(ValueError, match=message):
        datasets.check_images(x)


def test_check_images_accepts_other_ranges_and_returns_its_input():
    x = np.linspace(-1, 1, 2 * 784, dtype="float32").reshape(2, 28, 28, 1)
    assert datasets.check_images(x, value_range=(-1, 1)) is x
    assert datasets.check_images(x * 100, value_range=None) is not None


def test_to_unit_images_rejects_integer_pixels_that_are_not_uint8():
    with pytest.raises(ValueError, match=r"Expected uint8 pixels 0..255 or float images in \[0, 1\]: .* Received: "
                                         r"images.dtype=int64"):
        datasets.to_unit_images(np.zeros((2, 28, 28), "int64"))


def test_check_images_converts_a_list_of_numbers():
    x = datasets.check_images(np.zeros((2, 28, 28, 1)).tolist())
    assert isinstance(x, np.ndarray) and x.dtype == np.float32 and x.shape == (2, 28, 28, 1)


# --- Ranges and their inverses -------------------------------------------------------------

def test_to_symmetric_maps_unit_images_to_minus_one_one_and_back(digits):
    x = digits.x_train[:16]
    symmetric = datasets.to_symmetric(x)
    assert symmetric.min() == -1.0 and symmetric.max() == 1.0
    np.testing.assert_allclose(datasets.from_symmetric(symmetric), x, atol=1e-6)


def test_to_symmetric_refuses_data_outside_unit_range():
    with pytest.raises(ValueError, match=r"values in \[0, 1\]"):
        datasets.to_symmetric(np.full((1, 28, 28, 1), 2.0, "float32"))


def test_from_symmetric_is_the_exact_inverse_and_keeps_overshoot_visible():
    x = np.array([-3.0, -1.0, 0.0, 1.0, 3.0])
    np.testing.assert_allclose(datasets.from_symmetric(x), [-1.0, 0.0, 0.5, 1.0, 2.0])


def test_clip_for_display_clips_and_reports_the_share_outside():
    clipped, share = datasets.clip_for_display(np.array([-0.5, 0.0, 0.5, 1.0, 1.5, 0.2, 0.3, 0.9]))
    np.testing.assert_allclose(clipped, [0.0, 0.0, 0.5, 1.0, 1.0, 0.2, 0.3, 0.9])
    assert share == 0.25
    assert datasets.clip_for_display(np.full((2, 3), 0.5))[1] == 0.0


def test_standardizer_gives_zero_mean_unit_std_and_round_trips(digits):
    x = digits.x_train[:64]
    scaler = datasets.Standardizer().fit(x)
    standardized = scaler.transform(x)
    assert standardized.dtype == np.float32
    assert abs(standardized.mean()) < 1e-4 and standardized.std() == pytest.approx(1.0, abs=1e-4)
    assert standardized.max() > 1.0  # a linear head must be able to reach beyond [-1, 1]
    np.testing.assert_allclose(scaler.inverse_transform(standardized), x, atol=1e-5)
    refitted = datasets.Standardizer(scaler.mean, scaler.std)
    np.testing.assert_allclose(refitted.transform(x), standardized)
    beyond = np.array([-10.0, 10.0], "float32")  # no clipping: a decoder's overshoot comes back as it is
    np.testing.assert_allclose(scaler.inverse_transform(beyond), beyond * scaler.std + scaler.mean, rtol=1e-6)


def test_standardizer_per_feature_standardises_each_column():
    table = np.random.default_rng(0).normal([100.0, 0.01, -5.0], [20.0, 0.002, 1.0], size=(500, 3))
    scaler = datasets.Standardizer(per_feature=True).fit(table)
    standardized = scaler.transform(table)
    np.testing.assert_allclose(standardized.mean(axis=0), 0.0, atol=1e-4)
    np.testing.assert_allclose(standardized.std(axis=0), 1.0, atol=1e-4)
    np.testing.assert_allclose(scaler.inverse_transform(standardized), table, rtol=1e-5)
    with pytest.raises(ValueError, match=r"constant in x \(std 0\): drop them.* Received: x with constant features "
                                         r"\[1\]"):
        datasets.Standardizer(per_feature=True).fit(np.stack([table[:, 0], np.ones(500)], axis=1))


def test_standardizer_must_be_fitted_on_varied_images():
    with pytest.raises(ValueError, match="Call Standardizer.fit"):
        datasets.Standardizer().transform(np.zeros((1, 28, 28, 1), "float32"))
    with pytest.raises(ValueError, match="std 0"):
        datasets.Standardizer().fit(np.full((2, 28, 28, 1), 0.5, "float32"))


def test_binarize_draws_zeros_and_ones_with_the_pixel_intensity_as_mean():
    intensity = np.linspace(0, 1, 28, dtype="float32")[None, None, :, None]
    x = np.broadcast_to(intensity, (200, 28, 28, 1)).copy()
    x_bin = datasets.binarize(x, seed=0)
    assert x_bin.shape == x.shape and x_bin.dtype == np.float32
    assert set(np.unique(x_bin)) == {0.0, 1.0}
    column_means = x_bin.mean(axis=(0, 1, 3))  # 5,600 draws per intensity
    np.testing.assert_allclose(column_means, intensity.ravel(), atol=0.03)
    assert np.all(x_bin[..., 0, :] == 0) and np.all(x_bin[..., -1, :] == 1)


def test_binarize_is_reproducible_by_seed(digits):
    x = digits.x_train[:8]
    np.testing.assert_array_equal(datasets.binarize(x, seed=1), datasets.binarize(x, seed=1))
    assert not np.array_equal(datasets.binarize(x, seed=1), datasets.binarize(x, seed=2))


def test_a_per_feature_standardizer_checks_the_shape_of_what_it_maps():
    fitted = datasets.Standardizer(per_feature=True).fit(np.random.default_rng(0).normal(size=(8, 3)))
    assert np.shape(fitted.mean) == (3,)
    for method in (fitted.transform, fitted.inverse_transform):
        with pytest.raises(ValueError, match=r"Expected x of shape \(N, 3\)\..* Received: x.shape=\(5, 4\)"):
            method(np.zeros((5, 4)))
        assert method(np.zeros((5, 3))).shape == (5, 3)
