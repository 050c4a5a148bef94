"""Answers to notebook 06's exercises, graded in tests/test_exercises.py.

Each code string replaces the whole solution cell. "right" answers are correct ways the task's
wording allows (other APIs, dtypes, styles) and must earn the points; "wrong" answers are mistakes
students really make on the task and must lose them. Each wrong answer's label starts with the requirement
of the task (R1, R2, ...) that it breaks, and its first failing check names that requirement.
"""

GENERATE_ROWS_RIGHT = {
    "keras.random with a SeedGenerator, the decoder called directly": '''
def generate_rows(vae, scaler, n, seed=None):
    generator = keras.random.SeedGenerator(seed)
    z = keras.random.normal((n, vae.latent_dim), seed=generator)
    mu = vae.decoder(z)
    u = mu + keras.ops.exp(vae.log_sigma) * keras.random.normal(keras.ops.shape(mu), seed=generator)
    return keras.ops.convert_to_numpy(u) * scaler.std + scaler.mean
''',
    "the Gaussian written in the table's units": '''
def generate_rows(vae, scaler, n, seed=None):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, vae.latent_dim)).astype("float32")
    mean = vae.decode(z) * scaler.std + scaler.mean
    return rng.normal(mean, vae.sigma * scaler.std)
''',
    "keras.random with integer seeds, one for the codes and another for the noise": '''
def generate_rows(vae, scaler, n, seed=None):
    z = keras.random.normal((n, vae.latent_dim), seed=seed)
    mu = keras.ops.convert_to_numpy(vae.decoder(z))
    noise_seed = None if seed is None else seed + 1
    eps = keras.ops.convert_to_numpy(keras.random.normal(mu.shape, seed=noise_seed))
    return (mu + vae.sigma * eps) * scaler.std + scaler.mean
''',
    "NumPy's legacy RandomState, float64 throughout": '''
def generate_rows(vae, scaler, n, seed=None):
    state = np.random.RandomState(seed)
    z = state.randn(n, vae.latent_dim)
    mu = np.asarray(vae.decode(z.astype("float32")), dtype="float64")
    noise = np.asarray(vae.sigma, dtype="float64") * state.randn(*mu.shape)
    return np.asarray(scaler.inverse_transform(mu + noise), dtype="float64")
''',
}

GENERATE_ROWS_WRONG = {
    "R4: the decoder's means only, no noise": '''
def generate_rows(vae, scaler, n, seed=None):
    z = np.random.default_rng(seed).standard_normal((n, vae.latent_dim)).astype("float32")
    return scaler.inverse_transform(vae.decode(z))
''',
    "R4: noise not scaled by sigma": '''
def generate_rows(vae, scaler, n, seed=None):
    rng = np.random.default_rng(seed)
    mu = vae.decode(rng.standard_normal((n, vae.latent_dim)).astype("float32"))
    return scaler.inverse_transform(mu + rng.standard_normal(mu.shape))
''',
    "R4: noise added in the table's units, not scaled by std": '''
def generate_rows(vae, scaler, n, seed=None):
    rng = np.random.default_rng(seed)
    mu = vae.decode(rng.standard_normal((n, vae.latent_dim)).astype("float32"))
    return scaler.inverse_transform(mu) + vae.sigma * rng.standard_normal(mu.shape)
''',
    "R2: one scale for the whole table": '''
def generate_rows(vae, scaler, n, seed=None):
    rng = np.random.default_rng(seed)
    mu = vae.decode(rng.standard_normal((n, vae.latent_dim)).astype("float32"))
    u = mu + vae.sigma * rng.standard_normal(mu.shape)
    return u * np.mean(scaler.std) + np.mean(scaler.mean)
''',
    "R2: forgets to go back to the table's units": '''
def generate_rows(vae, scaler, n, seed=None):
    rng = np.random.default_rng(seed)
    mu = vae.decode(rng.standard_normal((n, vae.latent_dim)).astype("float32"))
    return mu + vae.sigma * rng.standard_normal(mu.shape)
''',
    "R3: z from a uniform distribution": '''
def generate_rows(vae, scaler, n, seed=None):
    rng = np.random.default_rng(seed)
    mu = vae.decode(rng.random((n, vae.latent_dim)).astype("float32"))
    return scaler.inverse_transform(mu + vae.sigma * rng.standard_normal(mu.shape))
''',
    "R5: the noise unseeded": '''
def generate_rows(vae, scaler, n, seed=None):
    z = np.random.default_rng(seed).standard_normal((n, vae.latent_dim)).astype("float32")
    mu = vae.decode(z)
    return scaler.inverse_transform(mu + vae.sigma * np.random.default_rng().standard_normal(mu.shape))
''',
    "R4: one noise draw shared by all features": '''
def generate_rows(vae, scaler, n, seed=None):
    rng = np.random.default_rng(seed)
    mu = vae.decode(rng.standard_normal((n, vae.latent_dim)).astype("float32"))
    eps = rng.standard_normal((n, 1))  # broadcast: every feature of a row gets the same epsilon
    return scaler.inverse_transform(mu + vae.sigma * eps)
''',
    "R3: a fresh z for each feature": '''
def generate_rows(vae, scaler, n, seed=None):
    rng = np.random.default_rng(seed)
    d = len(scaler.mean)
    u = np.empty((n, d))
    for j in range(d):
        mu = vae.decode(rng.standard_normal((n, vae.latent_dim)).astype("float32"))
        u[:, j] = mu[:, j] + vae.sigma[j] * rng.standard_normal(n)
    return scaler.inverse_transform(u)
''',
    "R3: each column shuffled on its own": '''
def generate_rows(vae, scaler, n, seed=None):
    rng = np.random.default_rng(seed)
    mu = vae.decode(rng.standard_normal((n, vae.latent_dim)).astype("float32"))
    u = np.asarray(mu + vae.sigma * rng.standard_normal(mu.shape))
    u = np.stack([rng.permutation(column) for column in u.T], axis=1)
    return scaler.inverse_transform(u)
''',
    "R4: uniform noise with the right spread": '''
def generate_rows(vae, scaler, n, seed=None):
    rng = np.random.default_rng(seed)
    mu = vae.decode(rng.standard_normal((n, vae.latent_dim)).astype("float32"))
    eps = rng.uniform(-np.sqrt(3), np.sqrt(3), size=mu.shape)  # mean 0, variance 1, but not Gaussian
    return scaler.inverse_transform(mu + vae.sigma * eps)
''',
    "R6: the library's sample_rows": '''
def generate_rows(vae, scaler, n, seed=None):
    return tabular.sample_rows(vae, scaler, n, seed=seed)
''',
}

GENERATE_ROWS_RIGHT["the noise drawn before the codes, the table's units by hand"] = '''
def generate_rows(vae, scaler, n, seed=None):
    rng = np.random.default_rng(seed)
    eps = rng.standard_normal((n, len(scaler.std)))
    z = rng.standard_normal((n, vae.latent_dim)).astype("float32")
    return np.asarray(vae.decode(z) + vae.sigma * eps) * scaler.std + scaler.mean
'''

GENERATE_ROWS_WRONG["R1: returns a backend tensor, not a NumPy array"] = '''
def generate_rows(vae, scaler, n, seed=None):
    generator = keras.random.SeedGenerator(seed)
    mu = vae.decoder(keras.random.normal((n, vae.latent_dim), seed=generator))
    u = mu + keras.ops.exp(vae.log_sigma) * keras.random.normal(keras.ops.shape(mu), seed=generator)
    return u * scaler.std + scaler.mean
'''

GENERATE_ROWS_WRONG["R5: ignores the seed: always seed 0"] = '''
def generate_rows(vae, scaler, n, seed=None):
    rng = np.random.default_rng(0)
    mu = vae.decode(rng.standard_normal((n, vae.latent_dim)).astype("float32"))
    return scaler.inverse_transform(mu + vae.sigma * rng.standard_normal(mu.shape))
'''

NLL_RIGHT = {
    "a loop over the rows, the density's log written out": '''
import math


def nll_original_units(x, mu, sigma, mean, std):
    out = []
    for row, centre in zip(np.asarray(x, dtype="float64"), np.asarray(mu, dtype="float64")):
        scale = np.asarray(sigma) * np.asarray(std)
        location = centre * std + mean
        out.append(float(np.sum(np.log(scale) + 0.5 * math.log(2 * math.pi) + 0.5 * ((row - location) / scale) ** 2)))
    return np.array(out)
''',
    "the Gaussian in the table's units, scipy.stats": '''
from scipy.stats import norm


def nll_original_units(x, mu, sigma, mean, std):
    return -np.sum(norm.logpdf(x, loc=mu * std + mean, scale=sigma * std), axis=-1)
''',
    "the library's Gaussian likelihood plus the Jacobian": '''
def nll_original_units(x, mu, sigma, mean, std):
    u = (np.asarray(x, "float64") - mean) / std
    standardised = losses.reconstruction_loss(u, np.asarray(mu, "float64"), "gaussian", log_sigma=np.log(sigma))
    return keras.ops.convert_to_numpy(standardised) + np.sum(np.log(std))
''',
    "keras.ops in float32, the variance in the table's units, converted to NumPy": '''
def nll_original_units(x, mu, sigma, mean, std):
    ops = keras.ops
    x, mu = ops.cast(x, "float32"), ops.cast(mu, "float32")
    variance = ops.cast((sigma * std) ** 2, "float32")
    mean_x = mu * ops.cast(std, "float32") + ops.cast(mean, "float32")
    nll = ops.sum(0.5 * ops.square(x - mean_x) / variance + 0.5 * ops.log(2 * np.pi * variance), axis=-1)
    return ops.convert_to_numpy(nll)
''',
}

NLL_WRONG = {
    "R3: the log of a product of densities (underflows)": '''
from scipy.stats import norm


def nll_original_units(x, mu, sigma, mean, std):
    density = np.prod(norm.pdf(x, loc=mu * std + mean, scale=sigma * std), axis=-1)
    return -np.log(density)
''',
    "R2: forgets the change of variables (standardised nats)": '''
def nll_original_units(x, mu, sigma, mean, std):
    u = (np.asarray(x, dtype="float64") - mean) / std
    return np.sum(0.5 * ((u - mu) / sigma) ** 2 + np.log(sigma) + 0.5 * np.log(2 * np.pi), axis=-1)
''',
    "R2: subtracts the Jacobian instead of adding it": '''
def nll_original_units(x, mu, sigma, mean, std):
    u = (np.asarray(x, dtype="float64") - mean) / std
    per_feature = 0.5 * ((u - mu) / sigma) ** 2 + np.log(sigma) + 0.5 * np.log(2 * np.pi)
    return np.sum(per_feature, axis=-1) - np.sum(np.log(std))
''',
    "R2: maps sigma like a value, sigma * std + mean": '''
from scipy.stats import norm


def nll_original_units(x, mu, sigma, mean, std):
    return -np.sum(norm.logpdf(x, loc=mu * std + mean, scale=np.abs(sigma * std + mean)), axis=-1)
''',
    "R2: sigma taken as the variance": '''
def nll_original_units(x, mu, sigma, mean, std):
    u = (np.asarray(x, dtype="float64") - mean) / std
    per_feature = 0.5 * (u - mu) ** 2 / sigma + 0.5 * np.log(2 * np.pi * sigma)
    return np.sum(per_feature, axis=-1) + np.sum(np.log(std))
''',
    "R2: drops the constant 1/2 log 2 pi": '''
def nll_original_units(x, mu, sigma, mean, std):
    u = (np.asarray(x, dtype="float64") - mean) / std
    return np.sum(0.5 * ((u - mu) / sigma) ** 2 + np.log(sigma), axis=-1) + np.sum(np.log(std))
''',
    "R2: the mean over the features, not the sum": '''
def nll_original_units(x, mu, sigma, mean, std):
    u = (np.asarray(x, dtype="float64") - mean) / std
    per_feature = 0.5 * ((u - mu) / sigma) ** 2 + np.log(sigma) + 0.5 * np.log(2 * np.pi)
    return np.mean(per_feature, axis=-1) + np.sum(np.log(std))
''',
    "R1: one number for all rows": '''
def nll_original_units(x, mu, sigma, mean, std):
    u = (np.asarray(x, dtype="float64") - mean) / std
    per_feature = 0.5 * ((u - mu) / sigma) ** 2 + np.log(sigma) + 0.5 * np.log(2 * np.pi)
    return np.sum(per_feature) + len(u) * np.sum(np.log(std))
''',
}

NLL_RIGHT["the Jacobian as the log-determinant of a diagonal matrix"] = '''
def nll_original_units(x, mu, sigma, mean, std):
    u = (x - mean) / std
    per_row = np.sum(0.5 * ((u - mu) / sigma) ** 2 + np.log(sigma), axis=1) + 0.5 * x.shape[1] * np.log(2 * np.pi)
    _, log_det = np.linalg.slogdet(np.diag(1 / std))  # log |du/dx|
    return per_row - log_det
'''

NLL_WRONG["R1: returns a backend tensor, not a NumPy array"] = '''
def nll_original_units(x, mu, sigma, mean, std):
    ops = keras.ops
    scale = ops.convert_to_tensor(sigma * std)
    z = (ops.convert_to_tensor(x) - (mu * std + mean)) / scale
    return ops.sum(0.5 * ops.square(z) + ops.log(scale) + 0.5 * np.log(2 * np.pi), axis=-1)
'''

NLL_WRONG["R3: adds 1e-6 to the variance, for safety"] = '''
def nll_original_units(x, mu, sigma, mean, std):
    variance = (sigma * std) ** 2 + 1e-6
    per_feature = 0.5 * (x - (mu * std + mean)) ** 2 / variance + 0.5 * np.log(2 * np.pi * variance)
    return np.sum(per_feature, axis=-1)
'''

# Requirements checked only by hidden tests, and why (none here: each has a visible check).
HIDDEN_ONLY = {"nb06_ex1": {}, "nb06_ex2": {}}

ANSWERS = {
    "nb06_ex1": {"right": GENERATE_ROWS_RIGHT, "wrong": GENERATE_ROWS_WRONG},
    "nb06_ex2": {"right": NLL_RIGHT, "wrong": NLL_WRONG},
}
