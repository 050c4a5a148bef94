"""Tables of real-valued measurements, and how to compare generated rows with real ones.

The course's images live in [0, 1]; a table's columns do not: each has its own unit and scale
(a wine's proline is in the hundreds, its hue near 1). `load_table` loads one of the tables
scikit-learn ships with (no network needed) and splits it into training and test rows. A VAE
with a linear head models the rows after per-feature standardisation
(``heads.HEADS["linear"].scaler(x_train, per_feature=True)``); the rest of this module takes the
model's rows back to the table's own units and compares them with real rows, feature by feature
and pair by pair:

    sample_rows           z ~ N(0, I) -> decoder mean μ(z) -> μ + σ·ε -> the table's units
    gaussian_nll          the yardstick: a Gaussian (diagonal or full covariance) fitted to the rows
    log_jacobian          Σ_j log s_j, the nats between standardised and original units
    compare_marginals     per feature: means, spreads, a two-sample Kolmogorov-Smirnov distance
    correlation_gap       how far two tables' correlation matrices are apart
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TABLES = ("wine", "breast_cancer")


@dataclass(frozen=True)
class Table:
    """Training and test rows of a table of measurements, with their class labels.

    Args:
        x_train, x_test: float32 rows, (n_train, d) and (n_test, d), in the table's own units.
        y_train, y_test: int64 class labels, (n_train,) and (n_test,); not used by the VAE.
        feature_names: the d column names.
        target_names: the names of the classes the labels index.
        name: the table's name, one of TABLES.
        source: where the rows come from.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple
    target_names: tuple
    name: str
    source: str

    @property
    def n_features(self):
        """d, the number of columns: an int."""
        return self.x_train.shape[1]

    def __repr__(self):
        return (f"Table({self.name!r}: {len(self.x_train)} training and {len(self.x_test)} test rows of "
                f"{self.n_features} features, from {self.source})")


def load_table(name="wine", test_fraction=0.2, seed=0):
    """Loads one of scikit-learn's tables of measurements (offline) and splits it.

    Args:
        name: "wine" (178 wines × 13 chemical measurements, 3 cultivars) or "breast_cancer"
            (569 tumours × 30 measurements of cell nuclei, 2 diagnoses).
        test_fraction: the share of rows held out for testing, in (0, 1).
        seed: seeds the shuffle before the split.

    Returns:
        A `Table`, its rows float32 in the table's own units.
    """
    from sklearn import datasets as sklearn_datasets

    if name not in TABLES:
        raise ValueError(f"name must be one of {TABLES}. Received: name={name!r}")
    bunch = getattr(sklearn_datasets, f"load_{name}")()
    x_train, y_train, x_test, y_test = split(bunch.data, bunch.target, test_fraction, seed)
    return Table(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test,
                 feature_names=tuple(str(feature) for feature in bunch.feature_names),
                 target_names=tuple(str(target) for target in bunch.target_names),
                 name=name, source=f"scikit-learn's load_{name}")


def split(x, y, test_fraction=0.2, seed=0):
    """Shuffles rows and splits them into training and test rows.

    Args:
        x: rows, (n, d), n >= 2.
        y: one label per row, (n,).
        test_fraction: the share of rows for testing, in (0, 1); at least one row goes to each side.
        seed: seeds the shuffle.

    Returns:
        (x_train, y_train, x_test, y_test): float32 rows (n_train, d) and (n_test, d), int64 labels.
    """
    x, y = np.asarray(x, dtype="float32"), np.asarray(y)
    if x.ndim != 2 or len(x) < 2:
        raise ValueError(f"Expected rows x of shape (n, d) with n >= 2, one for each side. Received: x.shape={x.shape}")
    if y.shape != (len(x),):
        raise ValueError(f"Expected one label per row, y of shape ({len(x)},). Received: y.shape={y.shape}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie in (0, 1). Received: test_fraction={test_fraction!r}")
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = min(max(1, round(test_fraction * len(x))), len(x) - 1)
    test, train = order[:n_test], order[n_test:]
    return x[train], y[train].astype("int64"), x[test], y[test].astype("int64")


def _rows(x, name, d=None, min_rows=2):
    """x as float64 rows (n, d), n >= min_rows, every value finite; else a ValueError naming the fix."""
    x = np.asarray(x, dtype="float64")
    if x.ndim != 2 or len(x) < min_rows:
        raise ValueError(f"Expected {name} as rows of shape (n, d) with n >= {min_rows}. "
                         f"Received: {name}.shape={x.shape}")
    if d is not None and x.shape[1] != d:
        raise ValueError(f"Expected {name} with {d} features (columns), as many as the other rows. "
                         f"Received: {name}.shape={x.shape}")
    bad = np.flatnonzero(~np.all(np.isfinite(x), axis=1))
    if len(bad):
        raise ValueError(f"Expected finite values in {name}: drop or impute the rows holding NaN or infinite values "
                         f"first. Received: {name} with such values in rows {bad[:10].tolist()}"
                         + (f" and {len(bad) - 10} more" if len(bad) > 10 else ""))
    return x


def sample_rows(vae, scaler, n, seed=None, noise=True):
    """New rows from a Gaussian VAE, in the table's own units.

    Draws z ~ N(0, I), decodes it to the Gaussian's mean μ(z) in standardised units, adds the
    decoder's own noise σ·ε (ε ~ N(0, I), σ = `vae.sigma`) unless noise=False, and maps the
    result back with the scaler's exact inverse, feature by feature.

    Args:
        vae: a trained `vae_keras.VAE` with the Gaussian likelihood, on rows (batch, d).
        scaler: the fitted `datasets.Standardizer` its training rows were standardised with.
        n: how many rows, a positive int.
        seed: seeds z and ε (None: unseeded).
        noise: add the decoder's noise (the model's samples) or not (its means only).

    Returns:
        float32 rows (n, d) in the table's units.
    """
    if not vae.likelihood.has_sigma:
        raise ValueError("sample_rows draws the decoder's Gaussian noise: train the VAE with likelihood='gaussian'. "
                         f"Received: a VAE with likelihood={vae.likelihood.name!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer. Received: n={n!r}")
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, vae.latent_dim)).astype("float32")
    rows = np.asarray(vae.decode(z), dtype="float64")
    if noise:
        rows = rows + np.asarray(vae.sigma, dtype="float64") * rng.standard_normal(rows.shape)
    return scaler.inverse_transform(rows)


def log_jacobian(scaler):
    """Σ_j log s_j: what standardising a row adds to its log-density, in nats.

    With u = (x − m)/s per feature, p_x(x) = p_u(u) · Π_j 1/s_j, so an NLL in nats of the
    standardised data plus this number is the NLL in nats of the table's own units.

    Args:
        scaler: a fitted per-feature `datasets.Standardizer` (std of shape (d,)).

    Returns:
        A float, in nats per row.
    """
    std = np.asarray(scaler.std, dtype="float64")
    if std.ndim != 1 or not np.all(std > 0):
        raise ValueError("Expected a per-feature scaler with positive std of shape (d,): fit it with "
                         f"Standardizer(per_feature=True). Received: scaler.std.shape={std.shape}")
    return float(np.sum(np.log(std)))


def gaussian_nll(x_train, x_test, covariance="full", per_row=False):
    """Mean −log p(x) of test rows under a Gaussian fitted to training rows by maximum likelihood.

    The yardstick a VAE's NLL should beat: "diagonal" models each feature on its own, "full"
    models every linear correlation too.

    Args:
        x_train: rows (n, d), every value finite, the Gaussian is fitted to: n >= 2, and
            n > d for covariance="full" (with fewer rows the covariance is singular).
        x_test: rows (m, d), m >= 1, every value finite, it is judged on.
        covariance: "full" or "diagonal".
        per_row: return each test row's −log p(x) instead of their mean.

    Returns:
        A float, in nats per row, in the units of the rows given; with per_row=True an array (m,).
    """
    from scipy.stats import multivariate_normal

    if covariance not in ("full", "diagonal"):
        raise ValueError(f"covariance must be 'full' or 'diagonal'. Received: covariance={covariance!r}")
    x_train = _rows(x_train, "x_train")
    x_test = _rows(x_test, "x_test", d=x_train.shape[1], min_rows=1)
    n, d = x_train.shape
    if covariance == "full" and n <= d:
        raise ValueError(f"A full covariance of {d} features needs more than {d} training rows, or it is singular "
                         "and the density is not defined: pass more rows, or covariance='diagonal'. "
                         f"Received: x_train.shape={x_train.shape}")
    cov = np.cov(x_train, rowvar=False, bias=True)
    constant = np.flatnonzero(np.diag(cov) == 0)
    if len(constant):
        raise ValueError("A Gaussian needs features that vary in the training rows: drop the constant features. "
                         f"Received: x_train with constant features {constant.tolist()}")
    if covariance == "diagonal":
        cov = np.diag(np.diag(cov))
    try:
        gaussian = multivariate_normal(x_train.mean(axis=0), cov)
    except np.linalg.LinAlgError:
        raise ValueError("The training rows' covariance is singular (some features are linear combinations of "
                         "others), so the density is not defined: use covariance='diagonal', or drop those features. "
                         f"Received: x_train.shape={x_train.shape}") from None
    nll = -np.atleast_1d(gaussian.logpdf(x_test))
    return nll if per_row else float(np.mean(nll))


def correlation_matrix(x, name="x"):
    """Pearson correlations between the features (columns) of rows x.

    Args:
        x: rows (n, d).

    Returns:
        A (d, d) array.
    """
    x = _rows(x, name)
    centred = x - x.mean(axis=0)
    std = centred.std(axis=0)
    if np.any(std == 0):
        raise ValueError("Correlations need features that vary: drop the constant features. "
                         f"Received: {name} with constant features {np.flatnonzero(std == 0).tolist()}")
    standard = centred / std
    return standard.T @ standard / len(x)


def correlation_gap(a, b):
    """Mean absolute difference between the correlation matrices of two tables, off the diagonal.

    Correlations have no units, so the gap is the same in standardised and original units.

    Args:
        a, b: rows (n_a, d) and (n_b, d) of the same features.

    Returns:
        A float in [0, 2].
    """
    a = _rows(a, "a")
    b = _rows(b, "b", d=a.shape[1])
    d = a.shape[1]
    if d < 2:
        raise ValueError(f"Correlations need at least 2 features (columns). Received: a.shape={a.shape}")
    difference = np.abs(correlation_matrix(a, "a") - correlation_matrix(b, "b"))
    return float(difference[~np.eye(d, dtype=bool)].mean())


def compare_marginals(real, generated, feature_names=None):
    """Feature by feature: how generated rows compare with real ones.

    Args:
        real: rows (n, d).
        generated: rows (m, d) of the same features, in the same units.
        feature_names: d names (default "0", "1", ...).

    Returns:
        A list of d dicts, one per feature, for `analysis.format_table`: "feature", "real mean",
        "generated mean", "real std", "generated std", "KS" (the two-sample Kolmogorov-Smirnov
        statistic, the largest gap between the two empirical CDFs, in [0, 1]) and "outside real
        range" (the share of generated values below the real minimum or above the real maximum).
    """
    from scipy.stats import ks_2samp

    real = _rows(real, "real")
    generated = _rows(generated, "generated", d=real.shape[1])
    names = [str(j) for j in range(real.shape[1])] if feature_names is None else list(feature_names)
    if len(names) != real.shape[1]:
        raise ValueError(f"Expected {real.shape[1]} feature names, one per column. Received: "
                         f"{len(names)} feature_names")
    rows = []
    for j, name in enumerate(names):
        r, g = real[:, j], generated[:, j]
        rows.append({"feature": name, "real mean": float(r.mean()), "generated mean": float(g.mean()),
                     "real std": float(r.std()), "generated std": float(g.std()),
                     "KS": float(ks_2samp(r, g).statistic),
                     "outside real range": float(np.mean((g < r.min()) | (g > r.max())))})
    return rows


def mean_ks(real, generated):
    """The mean over features of the two-sample Kolmogorov-Smirnov statistic: a float in [0, 1].

    Args:
        real, generated: rows (n, d) and (m, d) of the same features.

    Returns:
        A float; 0 when every feature's empirical distribution is the same in both.
    """
    return float(np.mean([row["KS"] for row in compare_marginals(real, generated)]))


__all__ = ["TABLES", "Table", "compare_marginals", "correlation_gap", "correlation_matrix", "gaussian_nll",
           "load_table", "log_jacobian", "mean_ks", "sample_rows", "split"]
