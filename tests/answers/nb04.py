"""Answers to notebook 04's exercises, graded in tests/test_exercises.py.

Each code string replaces the whole solution cell. Right answers use other APIs and styles the
task's wording allows; wrong answers are mistakes students make on these tasks.
"""

# --- Exercise 1: sample the prior and decode ---------------------------------------------------

EX1_RIGHT = {
    "float32 draws straight from the generator (other numbers than the solution's)": '''
def generate(decoder, n, latent_dim, seed=None):
    z = np.random.default_rng(seed).standard_normal((n, latent_dim), dtype=np.float32)
    return decoder.predict(z, verbose=0)
''',
    "Generator.normal and a direct call": '''
def generate(decoder, n, latent_dim, seed=None):
    rng = np.random.default_rng(seed)
    z = rng.normal(loc=0.0, scale=1.0, size=(n, latent_dim)).astype(np.float32)
    return keras.ops.convert_to_numpy(decoder(z))
''',
    "keras.random.normal with the seed": '''
def generate(decoder, n, latent_dim, seed=None):
    z = keras.random.normal((n, latent_dim), seed=seed)
    return np.asarray(decoder.predict(z, verbose=0))
''',
    "the legacy global generator, seeded": '''
def generate(decoder, n, latent_dim, seed=None):
    np.random.seed(seed)
    z = np.random.randn(n, latent_dim).astype("float32")
    return decoder.predict(z, verbose=0)
''',
}

EX1_WRONG = {
    "uniform codes in [0, 1)": '''
def generate(decoder, n, latent_dim, seed=None):
    z = np.random.default_rng(seed).random((n, latent_dim)).astype("float32")
    return decoder.predict(z, verbose=0)
''',
    "the seed ignored": '''
def generate(decoder, n, latent_dim, seed=None):
    z = np.random.default_rng().standard_normal((n, latent_dim)).astype("float32")
    return decoder.predict(z, verbose=0)
''',
    "always seed 0": '''
def generate(decoder, n, latent_dim, seed=None):
    z = np.random.default_rng(0).standard_normal((n, latent_dim)).astype("float32")
    return decoder.predict(z, verbose=0)
''',
    "codes the size of an image, (n, 784)": '''
def generate(decoder, n, latent_dim, seed=None):
    z = np.random.default_rng(seed).standard_normal((n, 28 * 28)).astype("float32")
    return decoder.predict(z, verbose=0)
''',
    "one code repeated n times": '''
def generate(decoder, n, latent_dim, seed=None):
    z = np.random.default_rng(seed).standard_normal(latent_dim).astype("float32")
    return decoder.predict(np.tile(z, (n, 1)), verbose=0)
''',
    "keras.random.normal without the seed": '''
def generate(decoder, n, latent_dim, seed=None):
    return keras.ops.convert_to_numpy(decoder(keras.random.normal((n, latent_dim))))
''',
    "the variance taken for the standard deviation, N(0, 2)": '''
def generate(decoder, n, latent_dim, seed=None):
    z = np.random.default_rng(seed).normal(0.0, 2.0, size=(n, latent_dim)).astype("float32")
    return decoder.predict(z, verbose=0)
''',
}

# --- Exercise 2: a straight path in latent space ----------------------------------------------

EX2_RIGHT = {
    "a loop over t, stacked": '''
def interpolate(z_a, z_b, steps):
    z_a, z_b = np.asarray(z_a, dtype=float), np.asarray(z_b, dtype=float)
    if z_a.shape != z_b.shape or steps < 2:
        raise ValueError("z_a and z_b need the same shape, and a path at least 2 steps")
    return np.stack([(1 - t) * z_a + t * z_b for t in np.linspace(0, 1, steps)])
''',
    "outer products": '''
def interpolate(z_a, z_b, steps):
    if np.shape(z_a) != np.shape(z_b):
        raise ValueError(f"different shapes {np.shape(z_a)} and {np.shape(z_b)}")
    if steps < 2:
        raise ValueError("steps must be at least 2")
    t = np.linspace(0.0, 1.0, num=steps)
    return np.outer(1.0 - t, z_a) + np.outer(t, z_b)
''',
}

EX2_WRONG = {
    "z_a + t (z_b - z_a), which misses z_b by rounding": '''
def interpolate(z_a, z_b, steps):
    z_a, z_b = np.asarray(z_a), np.asarray(z_b)
    if z_a.shape != z_b.shape or steps < 2:
        raise ValueError("bad input")
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return z_a + t * (z_b - z_a)
''',
    "t stops short of 1": '''
def interpolate(z_a, z_b, steps):
    z_a, z_b = np.asarray(z_a), np.asarray(z_b)
    if z_a.shape != z_b.shape or steps < 2:
        raise ValueError("bad input")
    t = np.arange(steps)[:, None] / steps
    return (1.0 - t) * z_a + t * z_b
''',
    "no ValueError for bad input": '''
def interpolate(z_a, z_b, steps):
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return (1.0 - t) * np.asarray(z_a) + t * np.asarray(z_b)
''',
    "the weights swapped: from z_b to z_a": '''
def interpolate(z_a, z_b, steps):
    z_a, z_b = np.asarray(z_a), np.asarray(z_b)
    if z_a.shape != z_b.shape or steps < 2:
        raise ValueError("bad input")
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return t * z_a + (1.0 - t) * z_b
''',
}

# --- Exercise 3: a Gaussian fitted to the autoencoder's codes ---------------------------------

EX3_RIGHT = {
    "Generator.normal with loc and scale": '''
def sample_fitted_gaussian(codes, n, seed=None):
    codes = np.asarray(codes)
    rng = np.random.default_rng(seed)
    return rng.normal(loc=codes.mean(axis=0), scale=codes.std(axis=0), size=(n, codes.shape[1]))
''',
    "a full covariance matrix": '''
def sample_fitted_gaussian(codes, n, seed=None):
    codes = np.asarray(codes, dtype="float64")
    covariance = np.cov(codes, rowvar=False)
    return np.random.default_rng(seed).multivariate_normal(codes.mean(axis=0), covariance, size=n)
''',
    "scipy.stats with the sample standard deviation, float32": '''
from scipy import stats

def sample_fitted_gaussian(codes, n, seed=None):
    codes = np.asarray(codes, dtype="float32")
    mean, std = codes.mean(axis=0), codes.std(axis=0, ddof=1)
    draws = stats.norm.rvs(loc=mean, scale=std, size=(n, len(mean)), random_state=np.random.default_rng(seed))
    return draws.astype("float32")
''',
}

EX3_WRONG = {
    "the prior N(0, I), not fitted": '''
def sample_fitted_gaussian(codes, n, seed=None):
    return np.random.default_rng(seed).standard_normal((n, np.shape(codes)[1]))
''',
    "the variance taken for the standard deviation": '''
def sample_fitted_gaussian(codes, n, seed=None):
    codes = np.asarray(codes)
    return codes.mean(axis=0) + codes.var(axis=0) * np.random.default_rng(seed).standard_normal((n, codes.shape[1]))
''',
    "statistics over the wrong axis": '''
def sample_fitted_gaussian(codes, n, seed=None):
    codes = np.asarray(codes)
    mean, std = codes.mean(axis=1, keepdims=True), codes.std(axis=1, keepdims=True)
    return mean + std * np.random.default_rng(seed).standard_normal((n, codes.shape[1]))
''',
    "one spread for all latents": '''
def sample_fitted_gaussian(codes, n, seed=None):
    codes = np.asarray(codes)
    return codes.mean(axis=0) + codes.std() * np.random.default_rng(seed).standard_normal((n, codes.shape[1]))
''',
    "the codes resampled, not a Gaussian": '''
def sample_fitted_gaussian(codes, n, seed=None):
    codes = np.asarray(codes)
    return codes[np.random.default_rng(seed).integers(0, len(codes), size=n)]
''',
    "uniform draws scaled by the fit": '''
def sample_fitted_gaussian(codes, n, seed=None):
    codes = np.asarray(codes)
    return codes.mean(axis=0) + codes.std(axis=0) * np.random.default_rng(seed).random((n, codes.shape[1]))
''',
    "the seed ignored": '''
def sample_fitted_gaussian(codes, n, seed=None):
    codes = np.asarray(codes)
    return np.random.default_rng().normal(codes.mean(axis=0), codes.std(axis=0), size=(n, codes.shape[1]))
''',
}

ANSWERS = {
    "nb04_ex1": {"right": EX1_RIGHT, "wrong": EX1_WRONG},
    "nb04_ex2": {"right": EX2_RIGHT, "wrong": EX2_WRONG},
    "nb04_ex3": {"right": EX3_RIGHT, "wrong": EX3_WRONG},
}
