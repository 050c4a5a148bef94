"""Bad input, entry point by entry point: each is refused before any work, with the exception
type and a message that says which argument, what was expected, what was received and the fix.

One table row per bad input: (entry point, call, exception type, regex the message must match).
The models are tiny and untrained, built once for the module: every call here fails in its
checks, before anything is compiled.
"""

import os
import re
import shutil
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest

import vae_keras
from vae_keras import datasets, evaluation
from vae_keras.__main__ import main
from vae_keras.decoders import build_conv_decoder, build_dense_decoder
from vae_keras.encoders import build_conv_encoder, build_dense_encoder

GREY = np.full((4, 28, 28, 1), 0.5, "float32")
BINARY = (np.arange(4 * 784).reshape(4, 28, 28, 1) % 2).astype("float32")
SYMMETRIC = np.linspace(-1, 1, 4 * 784, dtype="float32").reshape(4, 28, 28, 1)
UINT8 = np.full((4, 28, 28, 1), 200, "uint8")
EMPTY = np.zeros((0, 28, 28, 1), "float32")
NAN = np.where(np.arange(784).reshape(1, 28, 28, 1) < 3, np.nan, 0.5).repeat(4, axis=0).astype("float32")
INF = np.where(np.arange(784).reshape(1, 28, 28, 1) < 2, np.inf, 0.5).repeat(4, axis=0).astype("float32")


@pytest.fixture(scope="module")
def m(tmp_path_factory):
    """The objects the calls use: untrained models, and bad .npz files."""
    folder = tmp_path_factory.mktemp("bad_npz")
    rng = np.random.default_rng(0)
    few_labels = folder / "few_labels.npz"
    np.savez(few_labels, x_train=rng.integers(0, 256, (10, 28, 28)).astype("uint8"), y_train=np.arange(3),
             x_test=rng.integers(0, 256, (4, 28, 28)).astype("uint8"), y_test=np.arange(4))
    float_pixels = folder / "float_pixels.npz"
    np.savez(float_pixels, x_train=np.full((5, 28, 28), 255.0, "float32"), y_train=np.arange(5),
             x_test=np.full((2, 28, 28), 255.0, "float32"), y_test=np.arange(2))
    pickled = folder / "pickled.npz"
    np.savez(pickled, x_train=np.array([None] * 3, dtype=object), y_train=np.arange(3),
             x_test=np.zeros((2, 28, 28), "uint8"), y_test=np.arange(2))
    not_npz = folder / "mnist.npz"
    not_npz.write_text("x_train,y_train\n1,2\n")
    return types.SimpleNamespace(
        bernoulli=vae_keras.build_vae(seed=0),
        gaussian=vae_keras.build_vae(head="linear", seed=0),
        few_labels=str(few_labels), float_pixels=str(float_pixels), not_npz=str(not_npz), pickled=str(pickled),
        fitted=datasets.Standardizer(per_feature=True).fit(np.random.default_rng(0).normal(size=(8, 3))),
    )


CASES = [
    # --- VAE.fit ------------------------------------------------------------------------------------
    ("fit", lambda m: m.bernoulli.fit(UINT8, verbose=0), ValueError,
     r"Expected float x \(e.g. float32\): rescale integer pixels with "
     r"vae_keras.datasets.to_unit_images. Received: x.dtype=uint8"),
    ("fit", lambda m: m.bernoulli.fit(EMPTY, verbose=0), ValueError,
     r"Expected at least 1 example in x: .* Received: x.shape=\(0, 28, 28, 1\)"),
    ("fit", lambda m: m.gaussian.fit(NAN, verbose=0), ValueError,
     r"Expected finite values in x: remove or replace .* Received: x with 12 NaN and 0 infinite"),
    ("fit", lambda m: m.gaussian.fit(INF, verbose=0), ValueError,
     r"Expected finite values in x: .* Received: x with 0 NaN and 8 infinite"),
    ("fit", lambda m: m.bernoulli.fit(SYMMETRIC, verbose=0), ValueError,
     r"Expected x with values in \[0, 1\]. Map \[-1, 1\] data to \[0, 1\] with "
     r"vae_keras.datasets.from_symmetric. The bernoulli likelihood models data in \[0, 1\]; data in other ranges "
     r"need likelihood='gaussian' .* Received: x with values in \[-1, 1\]$"),
    ("fit", lambda m: m.bernoulli.fit(GREY * 255, verbose=0), ValueError,
     r"Rescale pixels 0..255 to \[0, 1\] \(x / 255, or "
     r"vae_keras.datasets.to_unit_images\). The bernoulli likelihood models data in \[0, 1\].* "
     r"Received: x with values in \[128, 128\]"),
    ("fit", lambda m: m.bernoulli.fit(np.zeros((4, 28, 28, 3), "float32"), verbose=0), ValueError,
     r"Expected x of shape \(N, 28, 28, 1\)\..* Received: x.shape=\(4, 28, 28, 3\)"),
    ("fit", lambda m: m.bernoulli.fit(GREY[..., 0], verbose=0), ValueError,
     r"Add the channel axis with x\[\.\.\., None\]. Received: x.shape=\(4, 28, 28\)"),
    ("fit", lambda m: m.bernoulli.fit(None, verbose=0), ValueError, r"Expected x as a NumPy array. Received: x=None"),
    ("fit", lambda m: m.bernoulli.fit([[0.5, 0.5], [0.5]], verbose=0), ValueError,
     r"Expected x as a NumPy array or a rectangular list of numbers: make every row the same length .*"
     r"Received: x of type list"),
    ("fit", lambda m: m.bernoulli.fit(GREY, GREY, verbose=0), ValueError,
     r"A VAE reconstructs its input, which is its own target: pass the data as x only"),
    ("fit", lambda m: m.bernoulli.fit(GREY, epochs=0, verbose=0), ValueError,
     r"epochs must be a positive integer. Received: epochs=0"),
    ("fit", lambda m: m.bernoulli.fit(GREY, batch_size=-8, verbose=0), ValueError,
     r"batch_size must be a positive integer. Received: batch_size=-8"),
    ("fit", lambda m: m.gaussian.fit(GREY, validation_data=(NAN,), verbose=0), ValueError,
     r"Expected finite values in validation_data"),
    # --- VAE.evaluate --------------------------------------------------------------------------------
    ("evaluate", lambda m: m.bernoulli.evaluate(UINT8, verbose=0), ValueError, r"Expected float x .*Received: "
                                                                               r"x.dtype=uint8"),
    ("evaluate", lambda m: m.bernoulli.evaluate(EMPTY, verbose=0), ValueError, r"Expected at least 1 example in x"),
    # --- encode, decode, reconstruct, generate --------------------------------------------------------
    ("encode", lambda m: m.bernoulli.encode(np.zeros((2, 32, 32), "float32")), ValueError,
     r"Expected x of shape \(N, 28, 28, 1\)\..* Received: x.shape=\(2, 32, 32\)"),
    ("encode", lambda m: m.bernoulli.encode(UINT8), ValueError, r"Expected float x .*to_unit_images. Received: "
                                                                r"x.dtype=uint8"),
    ("encode", lambda m: m.bernoulli.encode(EMPTY), ValueError, r"Expected at least 1 example in x: .* Received: "
                                                                r"x.shape=\(0,"),
    ("encode", lambda m: m.bernoulli.encode(GREY[0]), ValueError,
     r"For one example, pass x\[None\]. Received: x.shape=\(28, 28, 1\)"),
    ("encode", lambda m: m.bernoulli.encode(GREY, batch_size=0), ValueError,
     r"batch_size must be a positive integer. Received: batch_size=0"),
    ("decode", lambda m: m.bernoulli.decode(np.zeros((4, 3))), ValueError,
     r"Expected z of shape \(N, 2\)\..* Received: z.shape=\(4, 3\)"),
    ("decode", lambda m: m.bernoulli.decode([0.1, 0.2]), ValueError,
     r"Expected z of shape \(N, 2\). For one example, pass z\[None\]. Received: z.shape=\(2,\)"),
    ("decode", lambda m: m.bernoulli.decode(np.array([[0.0, np.nan]])), ValueError,
     r"Expected finite values in z: .* Received: z with 1 NaN"),
    ("decode", lambda m: m.bernoulli.decode(np.zeros((0, 2))), ValueError, r"Expected at least 1 example in z"),
    ("decode", lambda m: m.bernoulli.decode(np.array([["a", "b"]])), ValueError,
     r"Expected z as an array of numbers \(e.g. float32\). Received: z.dtype=<U1"),
    ("reconstruct", lambda m: m.bernoulli.reconstruct(NAN), ValueError, r"Expected finite values in x"),
    ("reconstruct", lambda m: m.bernoulli.reconstruct(GREY, use_mean="yes"), ValueError,
     r"use_mean must be True or False. Received: use_mean='yes'"),
    ("generate", lambda m: m.bernoulli.generate(0), ValueError, r"n must be a positive integer. Received: n=0"),
    ("generate", lambda m: m.bernoulli.generate(-1), ValueError, r"n must be a positive integer. Received: n=-1"),
    ("generate", lambda m: m.bernoulli.generate(2.5), ValueError, r"n must be a positive integer. Received: n=2.5"),
    ("generate", lambda m: m.bernoulli.generate(3, seed=-1), ValueError,
     r"seed must be None or an integer >= 0. Received: seed=-1"),
    # --- evaluation -------------------------------------------------------------------------------------
    ("elbo", lambda m: evaluation.elbo(m.bernoulli, SYMMETRIC), ValueError,
     r"Expected x with values in \[0, 1\]\..* Received: x with values in \[-1, 1\]"),
    ("elbo", lambda m: evaluation.elbo(m.bernoulli, UINT8), ValueError, r"Expected float x .*Received: x.dtype=uint8"),
    ("elbo", lambda m: evaluation.elbo(m.bernoulli, EMPTY), ValueError, r"Expected at least 1 example in x"),
    ("elbo", lambda m: evaluation.elbo(m.bernoulli, GREY), ValueError,
     r"bernoulli likelihood is a probability of binary images only.*binarize\(x, seed=0\).*"
     r"Received: x with values other than 0 and 1"),
    ("elbo", lambda m: evaluation.elbo(m.gaussian, INF), ValueError, r"Expected finite values in x"),
    ("elbo", lambda m: evaluation.elbo(m.bernoulli.decoder, BINARY), TypeError,
     r"vae must be a vae_keras.VAE. Received: vae of type Functional"),
    ("elbo", lambda m: evaluation.elbo(m.bernoulli, BINARY, batch_size=0), ValueError,
     r"batch_size must be a positive integer"),
    ("importance_weighted_nll", lambda m: evaluation.importance_weighted_nll(m.bernoulli, BINARY, k=0), ValueError,
     r"k must be a positive integer. Received: k=0"),
    ("importance_weighted_nll", lambda m: evaluation.importance_weighted_nll(m.bernoulli, BINARY, k=2.5), ValueError,
     r"k must be a positive integer. Received: k=2.5"),
    ("importance_weighted_nll", lambda m: evaluation.importance_weighted_nll(m.bernoulli, BINARY, max_decodes=0),
     ValueError, r"max_decodes must be a positive integer"),
    ("importance_weighted_nll", lambda m: evaluation.importance_weighted_nll(m.gaussian, NAN, k=5), ValueError,
     r"Expected finite values in x"),
    ("importance_weighted_nll", lambda m: evaluation.importance_weighted_nll(m.bernoulli, SYMMETRIC, k=5), ValueError,
     r"Expected x with values in \[0, 1\]"),
    ("active_units", lambda m: evaluation.active_units(m.bernoulli, GREY[:1]), ValueError,
     r"Expected at least 2 examples in x"),
    ("active_units", lambda m: evaluation.active_units(m.bernoulli, UINT8), ValueError, r"Expected float x"),
    ("active_units", lambda m: evaluation.active_units(m.bernoulli, GREY, threshold=-1), ValueError,
     r"threshold must be a finite number >= 0. Received: threshold=-1"),
    # --- datasets ----------------------------------------------------------------------------------------
    ("load", lambda m: vae_keras.load("digits", max_train=-5), ValueError,
     r"max_train must be a positive integer. Received: max_train=-5"),
    ("load", lambda m: vae_keras.load("digits", max_train=0), ValueError,
     r"max_train must be a positive integer. Received: max_train=0"),
    ("load", lambda m: vae_keras.load("digits", max_test=2.5), ValueError,
     r"max_test must be a positive integer. Received: max_test=2.5"),
    ("load", lambda m: vae_keras.load("mnist", path=m.few_labels), ValueError,
     r"Expected y_train in .*few_labels.npz as 10 integer labels, one per image, shape \(10,\): .*Received: "
     r".*shape=\(3,\)"),
    ("load", lambda m: vae_keras.load("mnist", path=m.not_npz), ValueError,
     r"mnist.npz' is not an .npz file \(a zip of NumPy arrays\)"),
    ("load", lambda m: vae_keras.load("mnist", path=m.float_pixels), ValueError,
     r"Expected x_train in .*float_pixels.npz with values in \[0, 1\]. Rescale pixels.* Received: x_train in "
     r".*float_pixels.npz with values in \[255, 255\]"),
    ("load", lambda m: vae_keras.load("mnist", path=m.pickled), ValueError,
     r"pickled.npz' holds arrays of Python objects, which are not loaded"),
    ("load", lambda m: vae_keras.load("digits", seed=-1), ValueError, r"seed must be None or an integer >= 0"),
    ("Standardizer", lambda m: datasets.Standardizer().fit(GREY[:1]), ValueError,
     r"Expected at least 2 examples in x: .* Received: x.shape=\(1, 28, 28, 1\)"),
    ("Standardizer", lambda m: datasets.Standardizer().fit(NAN), ValueError, r"Expected finite values in x"),
    ("Standardizer", lambda m: datasets.Standardizer().fit(EMPTY), ValueError,
     r"Expected at least 2 examples in x: .* Received: x.shape=\(0, 28, 28, 1\)"),
    ("Standardizer", lambda m: datasets.Standardizer().transform(GREY), ValueError,
     r"Call Standardizer.fit\(x_train\) before transform"),
    ("Standardizer", lambda m: datasets.Standardizer(0.5, 0.5).inverse_transform(INF), ValueError,
     r"Expected finite values in x"),
    ("Standardizer", lambda m: datasets.Standardizer(0.5, 0.0), ValueError,
     r"std must be positive: the map divides by it. Received: std=0.0"),
    ("Standardizer", lambda m: datasets.Standardizer(mean=0.5), ValueError, r"Give both mean and std .*or neither"),
    ("Standardizer", lambda m: m.fitted.transform(np.zeros((5, 4))), ValueError,
     r"Expected x of shape \(N, 3\)\..* Received: x.shape=\(5, 4\)"),
    ("binarize", lambda m: datasets.binarize(UINT8), ValueError, r"Expected float images .*Received: "
                                                                 r"images.dtype=uint8"),
    ("binarize", lambda m: datasets.binarize(GREY * 3), ValueError,
     r"Expected images with values in \[0, 1\]\..* Received: images with values in \[1.5, 1.5\]"),
    ("binarize", lambda m: datasets.binarize(EMPTY), ValueError, r"Expected at least 1 example in images"),
    ("binarize", lambda m: datasets.binarize(GREY, seed=-3), ValueError, r"seed must be None or an integer >= 0"),
    ("to_symmetric", lambda m: datasets.to_symmetric(SYMMETRIC), ValueError,
     r"Expected images with values in \[0, 1\]. Map \[-1, 1\] data to \[0, 1\].* Received: images with values in "
     r"\[-1, 1\]"),
    ("to_symmetric", lambda m: datasets.to_symmetric(NAN), ValueError, r"Expected finite values in images"),
    ("to_symmetric", lambda m: datasets.to_symmetric([0.5, 0.5]), ValueError,
     r"Expected images of shape \(N, 28, 28, 1\)\..* Received: images.shape=\(2,\)"),
    # --- builders ----------------------------------------------------------------------------------------
    ("build_dense_encoder", lambda m: build_dense_encoder(0), ValueError,
     r"latent_dim must be a positive integer. Received: latent_dim=0"),
    ("build_dense_encoder", lambda m: build_dense_encoder(2.5), ValueError,
     r"latent_dim must be a positive integer. Received: latent_dim=2.5"),
    ("build_dense_decoder", lambda m: build_dense_decoder(-1), ValueError,
     r"latent_dim must be a positive integer. Received: latent_dim=-1"),
    ("build_conv_encoder", lambda m: build_conv_encoder(2, activation="sigmoidal"), ValueError,
     r"activation must be one of .* Received: activation='sigmoidal'"),
    ("build_dense_decoder", lambda m: build_dense_decoder(2, activation="swish-ish"), ValueError,
     r"activation must be one of .* Received: activation='swish-ish'"),
    ("build_dense_encoder", lambda m: build_dense_encoder(2, image_shape=(28, 0, 1)), ValueError,
     r"image_shape must be a tuple of positive integers. Received: image_shape=\(28, 0, 1\)"),
    ("build_conv_decoder", lambda m: build_conv_decoder(2, image_shape=(28, 28)), ValueError,
     r"image_shape must be a tuple of 3 positive integers \(height, width, channels\)"),
    ("build_dense_decoder", lambda m: build_dense_decoder(2, hidden_units=(256, 0)), ValueError,
     r"hidden_units must be a sequence of positive integers. Received: hidden_units=\(256, 0\)"),
    ("build_conv_encoder", lambda m: build_conv_encoder(2, filters=()), ValueError,
     r"filters must be a sequence of positive integers, at least one. Received: filters=\(\)"),
    ("build_conv_decoder", lambda m: build_conv_decoder(2, dense_units=-1), ValueError,
     r"dense_units must be an integer >= 0. Received: dense_units=-1"),
    ("build_dense_encoder", lambda m: build_dense_encoder(2, seed=-1), ValueError,
     r"seed must be None or an integer >= 0. Received: seed=-1"),
    # --- VAE(...), KLWarmup, build_vae ----------------------------------------------------------------------
    ("VAE", lambda m: vae_keras.VAE(build_dense_encoder(3), build_dense_decoder(2)), ValueError,
     r"The encoder and the decoder must have the same latent size: build both with the same latent_dim. "
     r"Received: an encoder giving z of shape \(None, 3\), a decoder taking \(None, 2\)"),
    ("VAE", lambda m: vae_keras.VAE(build_dense_encoder(2), build_dense_decoder(2, image_shape=(32, 32, 1))),
     ValueError, r"Received: an encoder taking \(None, 28, 28, 1\), a decoder producing \(None, 32, 32, 1\)"),
    ("VAE", lambda m: vae_keras.VAE(m.bernoulli.decoder, m.bernoulli.decoder), ValueError,
     r"The encoder must return \[z_mean, z_log_var, z\]"),
    ("VAE", lambda m: vae_keras.VAE("dense", m.bernoulli.decoder), TypeError,
     r"encoder must be a keras.Model. Received: encoder of type str"),
    ("VAE", lambda m: vae_keras.VAE(m.bernoulli.encoder, m.bernoulli.decoder, beta=-1), ValueError,
     r"beta must be a finite number >= 0. Received: beta=-1"),
    ("VAE", lambda m: vae_keras.VAE(m.bernoulli.encoder, m.bernoulli.decoder, beta=float("nan")), ValueError,
     r"beta must be a finite number >= 0. Received: beta=nan"),
    ("VAE", lambda m: vae_keras.VAE(m.bernoulli.encoder, m.bernoulli.decoder, binarize="yes"), ValueError,
     r"binarize must be True or False. Received: binarize='yes'"),
    ("VAE", lambda m: vae_keras.VAE(m.bernoulli.encoder, m.bernoulli.decoder, seed=1.5), ValueError,
     r"seed must be None or an integer >= 0. Received: seed=1.5"),
    ("KLWarmup", lambda m: vae_keras.KLWarmup(epochs=2, beta=-1), ValueError,
     r"beta must be a finite number >= 0. Received: beta=-1"),
    ("KLWarmup", lambda m: vae_keras.KLWarmup(epochs=0), ValueError,
     r"epochs must be a positive integer. Received: epochs=0"),
    ("build_vae", lambda m: vae_keras.build_vae(latent_dim=0), ValueError,
     r"latent_dim must be a positive integer. Received: latent_dim=0"),
    ("build_vae", lambda m: vae_keras.build_vae(head="tanh", likelihood="bce"), ValueError,
     r"The 'bernoulli' likelihood needs decoder outputs in \(0, 1\), but a 'tanh' head produces values in \(-1, 1\)"),
    ("build_vae", lambda m: vae_keras.build_vae(learning_rate=0), ValueError,
     r"learning_rate must be a positive number. Received: learning_rate=0"),
    ("build_vae", lambda m: vae_keras.build_vae(beta=-1), ValueError, r"beta must be a finite number >= 0"),
]


def case_id(case):
    return case[0]


@pytest.mark.parametrize("entry, call, error, message", CASES, ids=[case_id(case) for case in CASES])
def test_bad_input_is_refused_with_a_message_that_names_it(m, entry, call, error, message):
    with pytest.raises(error, match=message):
        call(m)


def test_nothing_was_trained_by_the_refused_calls(m):
    for vae in (m.bernoulli, m.gaussian):
        assert vae.train_function is None  # every bad fit was refused before a step was traced


# --- The main command: one line, "error: ...", exit status 2, no traceback ----------------------------

MAIN_CASES = [
    (["train", "--reference", "dense", "--beta", "4", "--head=tanh"],
     r"--reference dense trains a fixed model .* so --beta, --head would be ignored"),
    (["train", "--learning-rate", "0"], r"--learning-rate must be a positive number"),
    (["train", "--max-train", "0"], r"--max-train must be a positive integer. Received: --max-train=0"),
    (["train", "--max-test", "-2"], r"--max-test must be a positive integer. Received: --max-test=-2"),
    (["train", "--epochs", "0"], r"--epochs must be a positive integer. Received: --epochs=0"),
    (["train", "--batch-size", "0"], r"--batch-size must be a positive integer"),
    (["train", "--latent-dim", "0"], r"--latent-dim must be a positive integer"),
    (["train", "--k", "-1"], r"--k must be an integer >= 0. Received: --k=-1"),
    (["train", "--beta", "-1"], r"--beta must be a finite number >= 0. Received: --beta=-1.0"),
    (["train", "--beta", "nan"], r"--beta must be a finite number >= 0. Received: --beta=nan"),
    (["train", "--sigma", "0", "--head", "linear"], r"--sigma must be a positive number. Received: --sigma=0.0"),
    (["train", "--head", "tanh", "--likelihood", "bernoulli"],
     r"The 'bernoulli' likelihood needs decoder outputs in \(0, 1\), but a 'tanh' head"),
    (["train", "--head", "linear", "--likelihood", "continuous_bernoulli"],
     r"'continuous_bernoulli' likelihood needs decoder outputs in \(0, 1\)"),
    (["train", "--learn-sigma", "scalar"], r"--sigma and --learn-sigma belong to the Gaussian likelihood: use "
                                           r"--likelihood='gaussian', or drop them. "
     r"Received: --likelihood='bernoulli', --sigma=None, --learn-sigma='scalar'"),
    (["train", "--dataset", "mnist", "--data-path", "{tmp}/missing.npz"],
     r"--data-path '.*missing.npz': no such file"),
    (["train", "--dataset", "digits", "--data-path", "{tmp}/file"], r"--data-path names an .npz for mnist"),
    (["train", "--output", "{tmp}/file"], r"--output '.*file' is a file, not a folder"),
    (["train", "--output", "{tmp}/file/runs"], r"--output '.*file/runs' cannot be written to"),
    (["train", "--dataset", "mnist", "--data-path", "{tmp}/file"], r"'.*file' is not an .npz file"),
    (["set-repo", "not a repository"], r"Expected the repository as OWNER/NAME"),
    (["student-versions", "--source", "{tmp}/no_notebooks"], r"Expected instructor notebooks"),
]


@pytest.mark.parametrize("argv, message", MAIN_CASES, ids=[" ".join(argv[:3]) for argv, _ in MAIN_CASES])
def test_the_main_command_prints_one_error_line_and_exits_with_2(tmp_path, monkeypatch, capsys, argv, message):
    (tmp_path / "file").write_text("not a folder, not an .npz\n")
    (tmp_path / "no_notebooks").mkdir()
    monkeypatch.chdir(tmp_path)  # nothing may be written into the repository
    assert main([arg.format(tmp=tmp_path) for arg in argv]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    assert re.search(message, lines[0]), lines[0]
    assert not list(tmp_path.rglob("*.keras"))  # nothing was trained or saved


# --- The course commands: the same one line, naming the argument or file at fault (issue 23) ------------

ROOT = Path(__file__).resolve().parents[1]
INSTRUCTOR_NOTEBOOK = ROOT / "notebooks" / "01_dense_decoder.ipynb"
INSTALL_INSTRUCTOR = 'pip install "vae_keras[instructor]"'


def write_course(folder, course_toml='[course]\nrepository = "someone/fork"\nbranch = "main"\n', broken=False):
    """A course folder: course.toml and notebooks/ with one instructor notebook (and a broken one if asked)."""
    (folder / "notebooks").mkdir(parents=True)
    (folder / "course.toml").write_text(course_toml)
    shutil.copy(INSTRUCTOR_NOTEBOOK, folder / "notebooks")
    if broken:
        (folder / "notebooks" / "02_broken.ipynb").write_text("not json")
    return folder


def snapshot(folder):
    """{relative path: bytes} of every file under folder."""
    return {path.relative_to(folder): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


COURSE_CASES = [
    (".", ["student-versions", "--source", "course/notebooks", "--output", "file"],
     r"--output 'file' is a file, not a folder: choose another --output.* Received: --output='file'$"),
    (".", ["student-versions", "--source", "course/notebooks", "--output", ""],
     r"--output is empty: give a folder.* Received: --output=''$"),
    (".", ["student-versions", "--source", "course/notebooks", "--output", "file/student"],
     r"--output 'file/student' lies under the file '.*file', so it cannot be a folder"),
    (".", ["student-versions", "--source", "course/notebooks", "--output", "occupied"],
     r"--output 'occupied' already holds 1 file \(notes.txt\).* --force"),
    (".", ["student-versions", "--source", "course/notebooks", "--output", "course/notebooks"],
     r"--output must differ from the source folder and lie outside it .*Received: --output='course/notebooks'"),
    (".", ["student-versions", "--source", "course/notebooks", "--output", "course/notebooks/student"],
     r"--output must differ from the source folder .*Received: --output='course/notebooks/student'"),
    (".", ["student-versions", "--source", "", "--output", "out"], r"--source is empty.* Received: --source=''$"),
    (".", ["student-versions", "--source", "file", "--output", "out"],
     r"--source 'file' is a file, not a folder of instructor notebooks"),
    (".", ["student-versions", "--source", "broken/notebooks", "--output", "out"],
     r"broken/course\.toml is not valid TOML \(Invalid value \(at line 2, column 14\)\)"),
    (".", ["student-versions", "--source", "badnb/notebooks", "--output", "out"],
     r"badnb/notebooks/02_broken\.ipynb is not a notebook nbformat can read"),
    (".", ["student-versions", "--source", "course/notebooks", "--output", "out", "--install-from", "github.com/a/b"],
     r"Expected --install-from as .* Received: --install-from='github.com/a/b'$"),
    (".", ["handout", "file/handout", "--source", "{root}/notebooks", "--repository", "a/b"],
     r"DIR 'file/handout' lies under the file '.*file', so it cannot be a folder"),
    (".", ["handout", "", "--source", "{root}/notebooks"], r"DIR is empty.* Received: DIR=''$"),
    (".", ["handout", "out", "--source", "broken/notebooks", "--repository", "a/b"],
     r"broken/course\.toml is not valid TOML"),
    (".", ["nbgrader-sources", "file", "--source", "course/notebooks"],
     r"COURSE_DIR 'file' is a file, not a folder: choose another COURSE_DIR.* Received: COURSE_DIR='file'$"),
    (".", ["nbgrader-sources", "", "--source", "course/notebooks"], r"COURSE_DIR is empty.* Received: COURSE_DIR=''$"),
    (".", ["nbgrader-sources", "graded", "--source", "course/notebooks"],
     r"COURSE_DIR 'graded/source/nb01' already holds 1 file \(notes.txt\).* Pass --force .* "
     r"Received: COURSE_DIR='graded'$"),
    (".", ["nbgrader-sources", "course/notebooks", "--source", "course/notebooks", "--force"],
     r"COURSE_DIR 'course/notebooks/source/nb01' must differ from the source folder and lie outside it "
     r"\(--source='course/notebooks'\).* Received: COURSE_DIR='course/notebooks'$"),
    (".", ["nbgrader-sources", "out", "--source", "file"], r"--source 'file' is a file, not a folder of instructor"),
    (".", ["nbgrader-sources", "out", "--source", "occupied"], r"Expected instructor notebooks .* --source 'occupied'"),
    (".", ["nbgrader-sources", "out", "--source", "broken/notebooks"], r"broken/course\.toml is not valid TOML"),
    (".", ["nbgrader-sources", "out", "--source", "course/notebooks", "--install-from", "github.com/a/b"],
     r"Expected --install-from as .* Received: --install-from='github.com/a/b'$"),
    ("broken", ["set-repo", "a/b"], r"course\.toml is not valid TOML \(Invalid value \(at line 2, column 14\)\)"),
    ("badnb", ["set-repo", "a/b"], r"notebooks/02_broken\.ipynb is not a notebook nbformat can read"),
]


@pytest.mark.backend_independent
@pytest.mark.parametrize("cwd, argv, message", COURSE_CASES,
                         ids=[f"{cwd}: {' '.join(arg or repr(arg) for arg in argv)}" for cwd, argv, _ in COURSE_CASES])
def test_the_course_commands_print_one_error_line_exit_with_2_and_write_nothing(tmp_path, monkeypatch, capsys,
                                                                               cwd, argv, message):
    write_course(tmp_path / "course")
    write_course(tmp_path / "broken", course_toml="[course]\nrepository = vae-keras/vae_keras\n")
    write_course(tmp_path / "badnb", broken=True)
    (tmp_path / "file").write_text("not a folder\n")
    (tmp_path / "occupied").mkdir()
    (tmp_path / "occupied" / "notes.txt").write_text("mine\n")
    (tmp_path / "graded" / "source" / "nb01").mkdir(parents=True)  # an nbgrader course directory, nb01 written
    (tmp_path / "graded" / "source" / "nb01" / "notes.txt").write_text("mine\n")
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path / cwd)
    assert main([arg.format(root=ROOT) for arg in argv]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    assert re.search(message, lines[0]), lines[0]
    assert snapshot(tmp_path) == before and sorted(os.listdir(tmp_path)) == [
        "badnb", "broken", "course", "file", "graded", "occupied"]  # nothing written, nothing half-written
    assert sorted(os.listdir(tmp_path / "graded" / "source")) == ["nb01"]


MISSING_TOOL_CASES = [
    ("nbgrader", ["handout", "{tmp}/handout", "--source", "{root}/notebooks", "--repository", "a/b"]),
    ("nbgrader", ["student-versions", "--source", "{root}/notebooks", "--output", "{tmp}/student"]),
    ("nbgrader", ["nbgrader-sources", "{tmp}/grading", "--source", "{root}/notebooks"]),
    ("nbformat", ["set-repo", "a/b"]),
]


@pytest.mark.backend_independent
@pytest.mark.parametrize("blocked, argv", MISSING_TOOL_CASES, ids=[argv[0] for _, argv in MISSING_TOOL_CASES])
def test_a_missing_instructor_tool_is_named_with_its_install_command_before_any_work(tmp_path, blocked, argv):
    """As on Colab with the library installed by a notebook's first cell: nbgrader (or nbformat) is missing. The
    command says so at once, naming the install command: no wheel is built, no backend loaded, nothing written."""
    course = write_course(tmp_path / "course")
    before = snapshot(tmp_path)
    script = "\n".join([
        "import sys",
        f"sys.modules[{blocked!r}] = None  # import {blocked} now fails, as where it is not installed",
        "from vae_keras.course import assignments",
        "assignments.build_wheel = lambda *args, **kwargs: sys.exit('built a wheel before checking the tools')",
        "from vae_keras.__main__ import _hide_native_logs, main",
        "_hide_native_logs()  # as python -m vae_keras does: the backend's C++ log lines are not the command's",
        "status = main(sys.argv[1:])",
        "sys.exit('loaded a backend, which takes seconds' if 'keras' in sys.modules else status)",
    ])
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-c", script, *(a.format(tmp=tmp_path, root=ROOT) for a in argv)],
                            cwd=course, capture_output=True, text=True, timeout=300)
    elapsed = time.monotonic() - start
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr, result.stderr
    assert f"{blocked} is not installed" in lines[0] and INSTALL_INSTRUCTOR in lines[0], lines[0]
    assert snapshot(tmp_path) == before
    assert elapsed < 60, f"the command took {elapsed:.0f} s to say that {blocked} is missing"
