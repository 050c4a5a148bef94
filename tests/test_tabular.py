"""Tables of measurements: loading offline, splitting, and comparing generated rows with real ones."""

import math

import keras
import numpy as np
import pytest
from scipy.stats import multivariate_normal

from vae_keras import datasets, tabular
from vae_keras.decoders import build_dense_decoder
from vae_keras.encoders import build_dense_encoder
from vae_keras.vae import VAE

# --- Loading and splitting -------------------------------------------------------------------


@pytest.mark.parametrize("name, n_rows, n_features, n_classes", [("wine", 178, 13, 3),
                                                                  ("breast_cancer", 569, 30, 2)])
def test_load_table_splits_every_row_once_offline(name, n_rows, n_features, n_classes):
    table = tabular.load_table(name, test_fraction=0.2, seed=0)
    assert table.x_train.dtype == np.float32 and table.x_test.dtype == np.float32
    assert table.n_features == n_features == len(table.feature_names)
    assert len(table.x_train) + len(table.x_test) == n_rows
    assert len(table.x_test) == round(0.2 * n_rows)
    assert table.y_train.shape == (len(table.x_train),) and table.y_test.dtype == np.int64
    assert len(table.target_names) == n_classes
    assert name in repr(table) and f"{n_features} features" in repr(table)
    from sklearn import datasets as sklearn_datasets

    original = getattr(sklearn_datasets, f"load_{name}")().data.astype("float32")
    together = np.concatenate([table.x_train, table.x_test])
    np.testing.assert_array_equal(np.sort(together, axis=0), np.sort(original, axis=0))


def test_load_table_seed_decides_the_split():
    a, b = tabular.load_table("wine", seed=0), tabular.load_table("wine", seed=1)
    assert not np.array_equal(a.x_test, b.x_test)
    np.testing.assert_array_equal(a.x_test, tabular.load_table("wine", seed=0).x_test)


def test_load_table_refuses_an_unknown_name():
    with pytest.raises(ValueError, match=r"name must be one of \('wine', 'breast_cancer'\). Received: name='iris'"):
        tabular.load_table("iris")


def test_split_keeps_rows_with_their_labels():
    x = np.arange(20, dtype="float32").reshape(10, 2)
    x_train, y_train, x_test, y_test = tabular.split(x, np.arange(10), test_fraction=0.3, seed=4)
    assert x_train.shape == (7, 2) and x_test.shape == (3, 2)
    np.testing.assert_array_equal(x_train[:, 0], 2 * y_train)
    np.testing.assert_array_equal(x_test[:, 0], 2 * y_test)
    assert sorted(np.concatenate([y_train, y_test])) == list(range(10))


@pytest.mark.parametrize("x, y, fraction, message", [
    (np.zeros((1, 3)), np.zeros(1), 0.2, r"shape \(n, d\) with n >= 2"),
    (np.zeros(5), np.zeros(5), 0.2, r"shape \(n, d\) with n >= 2"),
    (np.zeros((5, 3)), np.zeros(4), 0.2, r"one label per row, y of shape \(5,\)"),
    (np.zeros((5, 3)), np.zeros(5), 1.0, r"test_fraction must lie in \(0, 1\)"),
])
def test_split_refuses_bad_arguments(x, y, fraction, message):
    with pytest.raises(ValueError, match=message):
        tabular.split(x, y, fraction)


def test_split_leaves_a_row_on_each_side():
    x_train, _, x_test, _ = tabular.split(np.zeros((3, 2)), np.zeros(3), test_fraction=0.01)
    assert len(x_train) == 2 and len(x_test) == 1


# --- Sampling rows from a Gaussian VAE --------------------------------------------------------

def gaussian_vae(mean, sigma, kernel=None):
    """A VAE on rows of len(mean) features whose decoder is affine: μ(z) = z·kernel + mean, noise σ."""
    d = len(mean)
    encoder = build_dense_encoder(2, image_shape=(d,), hidden_units=(4,), seed=0)
    decoder = build_dense_decoder(2, image_shape=(d,), hidden_units=(), head="linear", seed=0)
    kernel = np.zeros((2, d)) if kernel is None else np.asarray(kernel)
    decoder.get_layer("logits").set_weights([kernel.astype("float32"), np.asarray(mean, dtype="float32")])
    vae = VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature")
    vae.log_sigma.assign(np.log(np.asarray(sigma, dtype="float32")))
    return vae


SCALER = datasets.Standardizer(np.array([10.0, -5.0, 1000.0], "float32"), np.array([2.0, 0.5, 300.0], "float32"))


def test_sample_rows_adds_the_decoders_noise_and_returns_to_the_tables_units():
    mean, sigma = np.array([1.0, -2.0, 0.5]), np.array([0.5, 0.2, 1.5])
    rows = tabular.sample_rows(gaussian_vae(mean, sigma), SCALER, 20_000, seed=0)
    assert rows.shape == (20_000, 3) and rows.dtype == np.float32
    # each mean within 5 % of its feature's scale, each spread within 3 %
    assert np.all(np.abs(rows.mean(axis=0) - (mean * SCALER.std + SCALER.mean)) < 0.05 * SCALER.std)
    np.testing.assert_allclose(rows.std(axis=0), sigma * SCALER.std, rtol=0.03)


def test_sample_rows_without_noise_gives_the_decoders_means():
    kernel = np.array([[1.0, 0.0, 2.0], [0.0, -1.0, 0.0]])
    vae = gaussian_vae(np.zeros(3), np.full(3, 0.7), kernel)
    rows = tabular.sample_rows(vae, SCALER, 20_000, seed=1, noise=False)
    np.testing.assert_allclose(rows.std(axis=0), np.array([1.0, 1.0, 2.0]) * SCALER.std, rtol=0.03)
    z = np.random.default_rng(1).standard_normal((5, 2)).astype("float32")
    np.testing.assert_allclose(rows[:5], SCALER.inverse_transform(z @ kernel), rtol=1e-5, atol=1e-3)


def test_sample_rows_is_reproducible_with_a_seed():
    vae = gaussian_vae(np.zeros(3), np.ones(3))
    first, again, other = (tabular.sample_rows(vae, SCALER, 4, seed=seed) for seed in (3, 3, 4))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_sample_rows_refuses_a_bernoulli_vae_and_a_bad_n():
    encoder = build_dense_encoder(2, image_shape=(3,), hidden_units=(4,))
    decoder = build_dense_decoder(2, image_shape=(3,), hidden_units=(4,), head="sigmoid")
    with pytest.raises(ValueError, match="train the VAE with likelihood='gaussian'. Received: a VAE with "
                                         "likelihood='bernoulli'"):
        tabular.sample_rows(VAE(encoder, decoder, likelihood="bernoulli"), SCALER, 3)
    with pytest.raises(ValueError, match="n must be a positive integer. Received: n=0"):
        tabular.sample_rows(gaussian_vae(np.zeros(3), np.ones(3)), SCALER, 0)


# --- Nats and units ----------------------------------------------------------------------------

def test_log_jacobian_turns_standardised_nats_into_nats_of_the_tables_units():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 3)) * np.array([2.0, 0.5, 300.0]) + np.array([10.0, -5.0, 1000.0])
    scaler = datasets.Standardizer(per_feature=True).fit(x)
    assert tabular.log_jacobian(scaler) == pytest.approx(np.sum(np.log(scaler.std.astype("float64"))))
    standardised = tabular.gaussian_nll(scaler.transform(x), scaler.transform(x[:50]), "diagonal")
    original = tabular.gaussian_nll(x, x[:50], "diagonal")
    assert original == pytest.approx(standardised + tabular.log_jacobian(scaler), abs=1e-3)


def test_log_jacobian_needs_a_per_feature_scaler():
    with pytest.raises(ValueError, match="per-feature scaler"):
        tabular.log_jacobian(datasets.Standardizer(0.5, 0.5))


def test_gaussian_nll_is_the_mean_negative_log_density_of_the_fitted_gaussian():
    rng = np.random.default_rng(1)
    x_train = rng.multivariate_normal([0.0, 1.0], [[1.0, 0.9], [0.9, 1.0]], size=400)
    x_test = x_train[:7] + 0.1
    mean, cov = x_train.mean(axis=0), np.cov(x_train, rowvar=False, bias=True)
    full = -multivariate_normal(mean, cov).logpdf(x_test).mean()
    diagonal = -multivariate_normal(mean, np.diag(np.diag(cov))).logpdf(x_test).mean()
    assert tabular.gaussian_nll(x_train, x_test) == pytest.approx(full)
    assert tabular.gaussian_nll(x_train, x_test, "diagonal") == pytest.approx(diagonal)
    per_row = tabular.gaussian_nll(x_train, x_test, per_row=True)
    np.testing.assert_allclose(per_row, -multivariate_normal(mean, cov).logpdf(x_test))
    # correlated data: modelling the correlation gives the test rows more probability
    assert tabular.gaussian_nll(x_train, x_train) < tabular.gaussian_nll(x_train, x_train, "diagonal")


@pytest.mark.parametrize("kwargs, message", [
    ({"covariance": "spherical"}, "covariance must be 'full' or 'diagonal'"),
    ({"x_test": np.zeros((3, 4))}, r"Expected x_test with 2 features \(columns\), as many as the other rows. "
                                   r"Received: x_test.shape=\(3, 4\)"),
])
def test_gaussian_nll_refuses_bad_arguments(kwargs, message):
    arguments = {"x_train": np.random.default_rng(0).normal(size=(10, 2)), "x_test": np.zeros((3, 2))}
    with pytest.raises(ValueError, match=message):
        tabular.gaussian_nll(**{**arguments, **kwargs})


# --- Comparing generated rows with real ones -----------------------------------------------------

def test_correlation_matrix_matches_numpy():
    x = np.random.default_rng(2).normal(size=(50, 4)) @ np.random.default_rng(3).normal(size=(4, 4))
    np.testing.assert_allclose(tabular.correlation_matrix(x), np.corrcoef(x, rowvar=False), atol=1e-12)
    with pytest.raises(ValueError, match=r"drop the constant features. Received: x with constant features \[1\]"):
        tabular.correlation_matrix(np.stack([np.arange(5.0), np.ones(5)], axis=1))


def test_correlation_gap_ignores_units_and_counts_only_the_off_diagonal():
    rng = np.random.default_rng(4)
    a = rng.normal(size=(300, 3))
    assert tabular.correlation_gap(a, a) == 0.0
    assert tabular.correlation_gap(a, a * [2.0, 300.0, 0.1] + [1.0, -5.0, 7.0]) == pytest.approx(0.0, abs=1e-12)
    b = a.copy()
    b[:, 1] = a[:, 0]  # features 0 and 1 now perfectly correlated
    difference = np.abs(np.corrcoef(a, rowvar=False) - np.corrcoef(b, rowvar=False))
    assert tabular.correlation_gap(a, b) == pytest.approx(difference[~np.eye(3, dtype=bool)].mean())
    assert tabular.correlation_gap(a, b) == pytest.approx(tabular.correlation_gap(b, a))


def test_correlation_gap_refuses_tables_of_different_features():
    with pytest.raises(ValueError, match=r"Expected b with 3 features \(columns\)"):
        tabular.correlation_gap(np.zeros((4, 3)) + np.arange(12).reshape(4, 3) ** 2, np.zeros((4, 2)))


def test_compare_marginals_reports_each_feature():
    rng = np.random.default_rng(5)
    real = rng.normal(size=(2000, 2))
    generated = np.stack([rng.normal(size=4000), 3.0 + rng.normal(size=4000)], axis=1)
    rows = tabular.compare_marginals(real, generated, ["same", "shifted"])
    assert [row["feature"] for row in rows] == ["same", "shifted"]
    assert list(rows[0]) == ["feature", "real mean", "generated mean", "real std", "generated std", "KS",
                             "outside real range"]
    assert rows[0]["KS"] < 0.05 < 0.8 < rows[1]["KS"]
    assert rows[1]["generated mean"] == pytest.approx(3.0, abs=0.1)
    assert rows[0]["outside real range"] < 0.01 < 0.1 < rows[1]["outside real range"]
    assert tabular.mean_ks(real, real) == 0.0
    assert tabular.mean_ks(real, generated) == pytest.approx((rows[0]["KS"] + rows[1]["KS"]) / 2)


def test_compare_marginals_needs_a_name_per_feature():
    with pytest.raises(ValueError, match="Expected 2 feature names, one per column. Received: 1 feature_names"):
        tabular.compare_marginals(np.ones((3, 2)), np.ones((3, 2)), ["a"])


def test_table_rows_train_a_gaussian_vae_with_a_learned_sigma_per_feature():
    table = tabular.load_table("wine")
    scaler = datasets.Standardizer(per_feature=True).fit(table.x_train)
    encoder = build_dense_encoder(2, image_shape=(table.n_features,), hidden_units=(8,), seed=0)
    decoder = build_dense_decoder(2, image_shape=(table.n_features,), hidden_units=(8,), head="linear", seed=0)
    vae = VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature", seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = vae.fit(scaler.transform(table.x_train), epochs=3, batch_size=32, verbose=0)
    assert all(math.isfinite(value) for value in history.history["loss"])
    assert vae.sigma.shape == (table.n_features,) and not np.allclose(vae.sigma, vae.sigma[0])
    rows = tabular.sample_rows(vae, scaler, 10, seed=0)
    assert rows.shape == (10, table.n_features) and np.all(np.isfinite(rows))


@pytest.mark.parametrize("n", [2, 3, 5, 40])
@pytest.mark.parametrize("fraction", [0.01, 0.5, 0.99])
def test_split_never_leaves_a_side_empty(n, fraction):
    x_train, y_train, x_test, y_test = tabular.split(np.arange(2 * n).reshape(n, 2), np.arange(n), fraction)
    assert len(x_train) >= 1 and len(x_test) >= 1 and len(x_train) + len(x_test) == n
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(n))


def test_compare_marginals_reports_the_generated_spread_and_values_below_the_real_minimum():
    real = np.array([[0.0], [1.0], [2.0], [3.0]])
    generated = np.array([[-1.0], [-0.5], [1.0], [1.0]])  # two below the real minimum, none above
    (row,) = tabular.compare_marginals(real, generated)
    assert row["real std"] == pytest.approx(np.std(real)) and row["generated std"] == pytest.approx(np.std(generated))
    assert row["real std"] != pytest.approx(row["generated std"])
    assert row["outside real range"] == pytest.approx(0.5)
    assert row["real mean"] == pytest.approx(1.5) and row["generated mean"] == pytest.approx(0.125)


def test_gaussian_nll_refuses_a_full_covariance_from_too_few_rows():
    rng = np.random.default_rng(0)
    x_train, x_test = rng.normal(size=(4, 6)), rng.normal(size=(3, 6))
    with pytest.raises(ValueError, match=r"A full covariance of 6 features needs more than 6 training rows.*pass more "
                                         r"rows, or covariance='diagonal'. Received: x_train.shape=\(4, 6\)"):
        tabular.gaussian_nll(x_train, x_test)
    assert np.isfinite(tabular.gaussian_nll(x_train, x_test, covariance="diagonal"))


def test_gaussian_nll_refuses_a_singular_covariance():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 2))
    x = np.c_[x, x[:, 0] - x[:, 1]]  # the third feature is a combination of the others
    with pytest.raises(ValueError, match=r"covariance is singular .* use covariance='diagonal'"):
        tabular.gaussian_nll(x, x)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("which", ["x_train", "x_test"])
def test_gaussian_nll_names_the_rows_that_are_not_finite(bad, which):
    rng = np.random.default_rng(0)
    rows = {"x_train": rng.normal(size=(30, 2)), "x_test": rng.normal(size=(5, 2))}
    rows[which][3, 1] = bad
    with pytest.raises(ValueError, match=rf"Expected finite values in {which}: drop or impute .* Received: {which} "
                                         r"with such values in rows \[3\]"):
        tabular.gaussian_nll(rows["x_train"], rows["x_test"])
