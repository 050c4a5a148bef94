"""`python -m vae_keras`: training end to end with tiny settings, help, and set-repo."""

import argparse
import re
from pathlib import Path

import keras
import numpy as np
import pytest

import vae_keras
from vae_keras import heads, losses
from vae_keras.__main__ import _add_train_arguments, build_model, check_train_arguments, main, prepare_data

pytestmark = pytest.mark.usefixtures("close_figures")

TINY = ["--epochs", "1", "--max-train", "256", "--max-test", "64", "--batch-size", "64", "--verbose", "0"]


@pytest.mark.parametrize("head, latent_dim, figures", [
    ("sigmoid", 2, {"reconstructions", "samples", "history", "latent_scatter", "manifold"}),
    ("tanh", 2, {"reconstructions", "samples", "history", "latent_scatter"}),
    ("linear", 3, {"reconstructions", "samples", "history"}),
])
def test_train_writes_the_model_and_figures(tmp_path, capsys, head, latent_dim, figures):
    argv = ["train", *TINY, "--head", head, "--latent-dim", str(latent_dim), "--output", str(tmp_path)]
    assert main(argv) == 0
    assert {path.stem for path in tmp_path.glob("*.png")} == figures
    for path in tmp_path.glob("*.png"):
        assert path.read_bytes()[:4] == b"\x89PNG"
    out = capsys.readouterr().out
    assert "256 train, 64 test images" in out
    assert "Test ELBO:" in out and "nats per image" in out
    vae = keras.saving.load_model(tmp_path / "vae.keras")
    assert isinstance(vae, vae_keras.VAE)
    assert vae.latent_dim == latent_dim and vae.likelihood.name == ("bernoulli" if head == "sigmoid" else "gaussian")
    images = vae.generate(2, seed=0)
    assert images.shape == (2, 28, 28, 1) and np.all(np.isfinite(images))


def test_train_a_reference_model_with_its_test_nll(tmp_path, capsys):
    argv = ["train", *TINY, "--reference", "dense", "--latent-dim", "2", "--k", "20", "--output", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    elbo = float(out.split("Test ELBO: ")[1].split()[0])
    nll = float(out.split("Test NLL: ")[1].split()[0])
    assert 0 < nll <= -elbo + 5.0  # the k-sample bound is at least as tight as the ELBO, up to noise
    assert "Reference dense VAE" in out and "binarized afresh" in out
    vae = keras.saving.load_model(tmp_path / "vae.keras")
    assert vae.name == "reference_dense_vae" and vae.binarize and vae.likelihood.name == "bernoulli"
    assert vae.latent_dim == 2
    assert {path.stem for path in tmp_path.glob("*.png")} == {
        "reconstructions", "samples", "history", "latent_scatter", "manifold"}


def parse_train(argv):
    """The train command's arguments as `main` parses them."""
    parser = argparse.ArgumentParser()
    _add_train_arguments(parser)
    args = parser.parse_args(argv)
    args.given = {word.split("=")[0] for word in argv if word.startswith("--")}
    return args


@pytest.mark.parametrize("model, latent_dim", [("dense", 50), ("conv", 32)])
def test_reference_models_keep_their_own_latent_size_and_binary_test_set(digits, model, latent_dim):
    run = check_train_arguments(parse_train(["--reference", model]))
    assert run.likelihood.binary and run.binarize and run.head.name == "sigmoid"
    x_train, x_test, to_pixels = prepare_data(run, digits)
    vae = build_model(run, len(x_train))
    assert vae.name == f"reference_{model}_vae" and vae.latent_dim == latent_dim
    np.testing.assert_array_equal(x_train, digits.x_train)
    assert set(np.unique(x_test)) == {0.0, 1.0} and x_test.shape == digits.x_test.shape


@pytest.mark.parametrize("argv, head, likelihood, binarize", [
    ([], "sigmoid", "bernoulli", True),
    (["--likelihood", "continuous_bernoulli"], "sigmoid", "continuous_bernoulli", False),
    (["--head", "tanh"], "tanh", "gaussian", False),
    (["--head", "linear", "--sigma", "0.5"], "linear", "gaussian", False),
])
def test_the_arguments_resolve_once_to_one_record(argv, head, likelihood, binarize):
    run = check_train_arguments(parse_train(argv))
    assert run.head is heads.HEADS[head] and run.likelihood is losses.LIKELIHOODS[likelihood]
    assert run.binarize is binarize
    assert run.sigma == (None if likelihood != "gaussian" else 0.5 if "--sigma" in argv else losses.DEFAULT_SIGMA)


@pytest.mark.parametrize("argv, code, stream, message", [
    (["--help"], 0, "out", "usage: python -m vae_keras"),
    (["train", "--help"], 0, "out", "usage: python -m vae_keras"),
    (["set-repo", "--help"], 0, "out", "usage: python -m vae_keras"),
    ([], 2, "err", "required"),
    (["train", "--head", "relu"], 2, "err", "invalid choice"),
    (["train", "--decoder", "conv"], 2, "err", "invalid choice"),
    (["train", "--dataset", "cifar"], 2, "err", "invalid choice"),
    (["train", "--reference", "resnet"], 2, "err", "invalid choice"),
])
def test_help_and_bad_arguments_exit_with_argparse_codes(argv, code, stream, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == code
    assert message in getattr(capsys.readouterr(), stream)


def test_train_help_lists_the_choices(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = capsys.readouterr().out
    for option in ("--head", "--decoder", "--encoder", "--latent-dim", "--epochs", "--output", "--max-train",
                   "--max-test", "--reference", "--k"):
        assert option in out


def test_train_refuses_non_positive_sizes(tmp_path, capsys):
    assert main(["train", "--epochs", "0", "--output", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "error: --epochs must be a positive integer. Received: --epochs=0\n"
    assert main(["train", "--k", "-1", "--output", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "error: --k must be an integer >= 0. Received: --k=-1\n"
    assert not (tmp_path / "vae.keras").exists()


def test_train_creates_its_output_folder_before_training(tmp_path, monkeypatch):
    import vae_keras.datasets

    def load(*args, **kwargs):
        assert (tmp_path / "new" / "runs").is_dir()  # made, and found writable, before any data loads
        raise ValueError("stop here")

    monkeypatch.setattr(vae_keras.datasets, "load", load)
    assert main(["train", "--output", str(tmp_path / "new" / "runs")]) == 2


def test_a_diverging_run_says_so_and_saves_nothing(tmp_path, capsys):
    argv = ["train", *TINY, "--head", "linear", "--sigma", "1e-30", "--output", str(tmp_path)]  # the loss overflows
    assert main(argv) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert re.match(r"error: Training stopped in epoch 1, at batch \d+: the loss is (inf|nan)", lines[0]), lines[0]
    assert lines[0].endswith("Nothing was saved.")
    assert "Test ELBO" not in captured.out
    assert list(tmp_path.iterdir()) == []


def test_a_model_whose_test_elbo_is_not_finite_is_not_saved(tmp_path, capsys, monkeypatch):
    from vae_keras import evaluation

    monkeypatch.setattr(evaluation, "elbo", lambda vae, x, **kwargs: float("nan"))
    assert main(["train", *TINY, "--output", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the test ELBO is nan") and "was not saved" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "vae.keras").exists()


def test_set_repo_updates_course_toml(tmp_path, monkeypatch, capsys):
    (tmp_path / "course.toml").write_text('[course]\nrepository = "vae-keras/vae_keras"\nbranch = "main"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["set-repo", "someone/fork", "--branch", "dev"]) == 0
    assert 'repository = "someone/fork"' in (tmp_path / "course.toml").read_text()
    assert "someone/fork@dev" in capsys.readouterr().out


def test_set_repo_counts_what_it_rewrote_in_words(tmp_path, monkeypatch, capsys):
    import nbformat

    (tmp_path / "course.toml").write_text('[course]\nrepository = "vae-keras/vae_keras"\nbranch = "main"\n')
    badge = ("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
             "(https://colab.research.google.com/github/vae-keras/vae_keras/blob/main/notebooks/01_a.ipynb)")
    (tmp_path / "notebooks").mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(badge)]),
                   tmp_path / "notebooks" / "01_a.ipynb")
    monkeypatch.chdir(tmp_path)
    assert main(["set-repo", "someone/fork"]) == 0
    out = capsys.readouterr().out
    assert "rewrote 1 notebook." in out and "1 notebooks" not in out, out
    assert main(["set-repo", "someone/fork"]) == 0
    assert "rewrote 0 notebooks." in capsys.readouterr().out


def test_student_versions_help_explains_where_students_install_from_and_force(capsys):
    with pytest.raises(SystemExit):
        main(["student-versions", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for words in ("--install-from URL", "--force", "beside the notebooks", "must be public", "--source",
                  "new or empty folder", "never replaced"):
        assert words in out, words


def test_nbgrader_sources_help_names_its_course_directory_and_options(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["nbgrader-sources", "--help"])
    assert exited.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for words in ("COURSE_DIR", "source/nbNN/", "--source", "--install-from URL", "must be public", "--force",
                  "beside each notebook", "Nothing is written into --source"):
        assert words in out, words


def test_the_instructor_sections_name_only_commands_and_options_that_exist(capsys):
    """Every `python -m vae_keras COMMAND --option` the README's instructor sections show is in that command's help."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = text.index("## For instructors: assigning and grading the exercises")
    section = text[start:text.index("### Writing an exercise", start)]
    uses = re.findall(r"python -m vae_keras ([a-z][a-z-]*)([^`\n#]*)", section)
    assert {command for command, _ in uses} >= {"student-versions", "handout", "nbgrader-sources", "feedback"}
    for command, rest in uses:
        with pytest.raises(SystemExit) as exited:
            main([command, "--help"])
        assert exited.value.code == 0, command
        help_text = capsys.readouterr().out
        for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", rest):
            assert option in help_text, f"python -m vae_keras {command} {option}"


@pytest.mark.tensorflow_only  # it runs TensorFlow in a subprocess, whatever the backend of the suite
def test_the_command_shows_only_its_own_output_unless_asked_for_the_backends_logs(tmp_path):
    """TensorFlow writes C++ log lines to the stderr file on import; the command hides them by default."""
    import os
    import subprocess
    import sys

    smallest = ["--epochs", "1", "--max-train", "32", "--max-test", "16", "--batch-size", "32", "--verbose", "0"]
    argv = [sys.executable, "-m", "vae_keras", "train", *smallest, "--output", str(tmp_path)]
    environment = {**os.environ, "KERAS_BACKEND": "tensorflow"}
    environment.pop("TF_CPP_MIN_LOG_LEVEL", None)
    quiet = subprocess.run(argv, capture_output=True, text=True, env=environment, check=True)
    assert quiet.stdout.startswith("Keras ") and "Test ELBO:" in quiet.stdout
    assert quiet.stderr == ""
    loud = subprocess.run([*argv[:3], "--backend-logs", *argv[3:]], capture_output=True, text=True,
                          env=environment, check=True)
    assert "Test ELBO:" in loud.stdout and loud.stderr != ""


def test_cosine_decay_takes_the_learning_rate_to_zero_over_the_epochs(tmp_path):
    assert main(["train", *TINY, "--epochs", "2", "--learning-rate", "0.002", "--cosine-decay",
                 "--output", str(tmp_path)]) == 0
    vae = keras.saving.load_model(tmp_path / "vae.keras")
    schedule = vae.optimizer.get_config()["learning_rate"]
    assert schedule["class_name"] == "CosineDecay"
    assert schedule["config"]["initial_learning_rate"] == pytest.approx(0.002)
    assert schedule["config"]["decay_steps"] == 2 * 4  # 2 epochs of 256 images in batches of 64
