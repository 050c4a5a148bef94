"""What the notebooks call while they run: quick mode, pick, the course data, the setup line."""

import pytest

from vae_keras.course import runtime


@pytest.mark.parametrize("value, quick", [("1", True), ("true", True), ("YES", True), (" 1 ", True),
                                          ("0", False), ("", False), ("no", False)])
def test_quick_mode_follows_the_environment(monkeypatch, value, quick):
    monkeypatch.setenv(runtime.QUICK_ENV, value)
    assert runtime.quick_mode() is quick
    assert runtime.pick(30, 2) == (2 if quick else 30)


def test_quick_mode_is_off_without_the_variable(monkeypatch):
    monkeypatch.delenv("VAE_KERAS_QUICK", raising=False)
    assert not runtime.quick_mode() and runtime.pick("full", "quick") == "full"


def test_load_course_data_is_small_in_quick_mode(monkeypatch):
    monkeypatch.setenv("VAE_KERAS_QUICK", "1")
    data = runtime.load_course_data("digits", quick_train=100, quick_test=40)
    assert data.x_train.shape == (100, 28, 28, 1) and data.x_test.shape == (40, 28, 28, 1)
    monkeypatch.setenv("VAE_KERAS_QUICK", "0")
    data = runtime.load_course_data("digits", quick_train=100, quick_test=40)
    assert len(data.x_train) + len(data.x_test) == 1797


def test_load_course_data_keeps_the_full_mode_limits(monkeypatch):
    monkeypatch.setenv("VAE_KERAS_QUICK", "0")
    data = runtime.load_course_data("digits", max_train=300, max_test=50, quick_train=100, quick_test=40)
    assert len(data.x_train) == 300 and len(data.x_test) == 50


def test_describe_setup_names_backend_and_mode(monkeypatch):
    import keras

    monkeypatch.setenv("VAE_KERAS_QUICK", "1")
    assert keras.backend.backend() in runtime.describe_setup() and "QUICK mode" in runtime.describe_setup()
    monkeypatch.setenv("VAE_KERAS_QUICK", "0")
    assert "full mode" in runtime.describe_setup()
    assert keras.__version__ in runtime.describe_setup()
