"""Answers to notebook 04's exercises, graded in tests/test_exercises.py.

Each code string replaces the whole solution cell. Right answers use other APIs and styles the
task's wording allows; wrong answers are mistakes students make on these tasks.
"""

# --- Exercise 1: sample the prior and decode ---------------------------------------------------

EX1_RIGHT = {
    "float32 draws straight from the generator, the latent size from decoder.inputs": '''
def generate(decoder, n, seed=None):
    z = np.random.default_rng(seed).standard_normal((n, decoder.inputs[0].shape[-1]), dtype=np.float32)
    return decoder.predict(z, verbose=0)
''',
    "Generator.normal and a direct call": '''
def generate(decoder, n, seed=None):
    rng = np.random.default_rng(seed)
    latent_dim = decoder.input_shape[1]
    z = rng.normal(loc=0.0, scale=1.0, size=(n, latent_dim)).astype(np.float32)
    return keras.ops.convert_to_numpy(decoder(z))
''',
    "keras.random.normal with the seed": '''
def generate(decoder, n, seed=None):
    z = keras.random.normal((n, decoder.input_shape[-1]), seed=seed)
    return np.asarray(decoder.predict(z, verbose=0))
''',
    "the legacy global generator, seeded, in batches": '''
def generate(decoder, n, seed=None):
    np.random.seed(seed)
    z = np.random.randn(n, decoder.input_shape[-1]).astype("float32")
    return np.concatenate([decoder.predict(z[i:i + 500], verbose=0) for i in range(0, n, 500)])
''',
}

EX1_WRONG = {
    "R3: uniform codes in [0, 1)": '''
def generate(decoder, n, seed=None):
    z = np.random.default_rng(seed).random((n, decoder.input_shape[-1])).astype("float32")
    return decoder.predict(z, verbose=0)
''',
    "R3: uniform codes scaled to mean 0 and standard deviation 1": '''
def generate(decoder, n, seed=None):
    u = np.random.default_rng(seed).random((n, decoder.input_shape[-1]))
    return decoder.predict((np.sqrt(3.0) * (2.0 * u - 1.0)).astype("float32"), verbose=0)
''',
    "R3: Laplace codes scaled to standard deviation 1": '''
def generate(decoder, n, seed=None):
    z = np.random.default_rng(seed).laplace(scale=1 / np.sqrt(2), size=(n, decoder.input_shape[-1]))
    return decoder.predict(z.astype("float32"), verbose=0)
''',
    "R3: one draw shared by every latent": '''
def generate(decoder, n, seed=None):
    z = np.random.default_rng(seed).standard_normal((n, 1)) * np.ones((1, decoder.input_shape[-1]))
    return decoder.predict(z.astype("float32"), verbose=0)
''',
    "R4: the seed ignored": '''
def generate(decoder, n, seed=None):
    z = np.random.default_rng().standard_normal((n, decoder.input_shape[-1])).astype("float32")
    return decoder.predict(z, verbose=0)
''',
    "R4: always seed 0": '''
def generate(decoder, n, seed=None):
    z = np.random.default_rng(0).standard_normal((n, decoder.input_shape[-1])).astype("float32")
    return decoder.predict(z, verbose=0)
''',
    "R4: seed=None taken as seed 0": '''
def generate(decoder, n, seed=None):
    z = np.random.default_rng(seed or 0).standard_normal((n, decoder.input_shape[-1])).astype("float32")
    return decoder.predict(z, verbose=0)
''',
    "R3: a fixed latent size of 3": '''
def generate(decoder, n, seed=None):
    z = np.random.default_rng(seed).standard_normal((n, 3)).astype("float32")
    return decoder.predict(z, verbose=0)
''',
    "R3: one code repeated n times": '''
def generate(decoder, n, seed=None):
    z = np.random.default_rng(seed).standard_normal(decoder.input_shape[-1]).astype("float32")
    return decoder.predict(np.tile(z, (n, 1)), verbose=0)
''',
    "R2: the outputs clipped to [0, 1]": '''
def generate(decoder, n, seed=None):
    z = np.random.default_rng(seed).standard_normal((n, decoder.input_shape[-1])).astype("float32")
    return np.clip(decoder.predict(z, verbose=0), 0.0, 1.0)
''',
    "R3: the variance taken for the standard deviation, N(0, 2)": '''
def generate(decoder, n, seed=None):
    z = np.random.default_rng(seed).normal(0.0, 2.0, size=(n, decoder.input_shape[-1])).astype("float32")
    return decoder.predict(z, verbose=0)
''',
    "R1: a list of images": '''
def generate(decoder, n, seed=None):
    z = np.random.default_rng(seed).standard_normal((n, decoder.input_shape[-1])).astype("float32")
    return list(decoder.predict(z, verbose=0))
''',
    "R1: the codes squeezed, which breaks n = 1": '''
def generate(decoder, n, seed=None):
    z = np.random.default_rng(seed).standard_normal((n, decoder.input_shape[-1])).astype("float32").squeeze()
    return decoder.predict(z, verbose=0)
''',
}

# --- Exercise 2: a straight path in latent space ----------------------------------------------

EX2_RIGHT = {
    "a loop over t, stacked": '''
def interpolate(z_a, z_b, steps):
    z_a, z_b = np.asarray(z_a, dtype=float), np.asarray(z_b, dtype=float)
    return np.stack([(1 - t) * z_a + t * z_b for t in np.linspace(0, 1, steps)])
''',
    "outer products": '''
def interpolate(z_a, z_b, steps):
    t = np.linspace(0.0, 1.0, num=steps)
    return np.outer(1.0 - t, z_a) + np.outer(t, z_b)
''',
    "start plus a fraction of the difference, the ends set exactly": '''
def interpolate(z_a, z_b, steps):
    z_a, z_b = np.array(z_a, dtype="float64"), np.array(z_b, dtype="float64")
    path = z_a + (np.arange(steps) / (steps - 1))[:, None] * (z_b - z_a)
    path[0], path[-1] = z_a, z_b
    return path
''',
    "a linspace of the codes themselves": '''
def interpolate(z_a, z_b, steps):
    return np.linspace(np.asarray(z_a, dtype=float), np.asarray(z_b, dtype=float), steps)
''',
}

EX2_WRONG = {
    "R2: z_a + t (z_b - z_a), which misses z_b by rounding": '''
def interpolate(z_a, z_b, steps):
    z_a, z_b = np.asarray(z_a), np.asarray(z_b)
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return z_a + t * (z_b - z_a)
''',
    "R2: t stops short of 1": '''
def interpolate(z_a, z_b, steps):
    z_a, z_b = np.asarray(z_a), np.asarray(z_b)
    t = np.arange(steps)[:, None] / steps
    return (1.0 - t) * z_a + t * z_b
''',
    "R2: the weights swapped: from z_b to z_a": '''
def interpolate(z_a, z_b, steps):
    z_a, z_b = np.asarray(z_a), np.asarray(z_b)
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return t * z_a + (1.0 - t) * z_b
''',
    "R1: one step too many": '''
def interpolate(z_a, z_b, steps):
    z_a, z_b = np.asarray(z_a), np.asarray(z_b)
    t = np.linspace(0.0, 1.0, steps + 1)[:, None]
    return (1.0 - t) * z_a + t * z_b
''',
    "R3: evenly spaced in angle (slerp), not a straight line, the ends set exactly": '''
def interpolate(z_a, z_b, steps):
    z_a, z_b = np.asarray(z_a, dtype=float), np.asarray(z_b, dtype=float)
    omega = np.arccos(np.clip(z_a @ z_b / np.linalg.norm(z_a) / np.linalg.norm(z_b), -1, 1))
    t = np.linspace(0.0, 1.0, steps)[:, None]
    path = (np.sin((1 - t) * omega) * z_a + np.sin(t * omega) * z_b) / np.sin(omega)
    path[0], path[-1] = z_a, z_b
    return path
''',
    "R1: a list of codes": '''
def interpolate(z_a, z_b, steps):
    z_a, z_b = np.asarray(z_a, dtype=float), np.asarray(z_b, dtype=float)
    return [(1 - t) * z_a + t * z_b for t in np.linspace(0, 1, steps)]
''',
    "R1: lists not accepted": '''
def interpolate(z_a, z_b, steps):
    return np.stack([z_a * (1 - t) + z_b * t for t in np.linspace(0, 1, steps)])
''',
    "R3: spaced by t squared, not evenly": '''
def interpolate(z_a, z_b, steps):
    z_a, z_b = np.asarray(z_a, dtype=float), np.asarray(z_b, dtype=float)
    t = np.linspace(0.0, 1.0, steps)[:, None] ** 2
    return (1.0 - t) * z_a + t * z_b
''',
}

# --- Exercise 3: quality against diversity ----------------------------------------------------

EX3_RIGHT = {
    "a loop over samples, pairs from the upper triangle": '''
def quality_and_diversity(samples, reference):
    flat = np.asarray(samples, dtype=np.float64).reshape(len(samples), -1)
    real = np.asarray(reference, dtype=np.float64).reshape(len(reference), -1)
    nearest = [np.linalg.norm(real - row, axis=1).min() for row in flat]
    pairs = [np.linalg.norm(flat[i + 1:] - flat[i], axis=1) for i in range(len(flat) - 1)]
    return float(np.mean(nearest)), float(np.concatenate(pairs).mean())


def compare_models(models, reference, n, seed):
    results = {}
    for key, model in models.items():
        results[key] = quality_and_diversity(model.generate(n, seed=seed), reference)
    return results
''',
    "broadcasting in chunks of 16 samples, the full matrix without its diagonal": '''
def quality_and_diversity(samples, reference):
    flat = np.asarray(samples, dtype="float32").reshape(len(samples), -1).astype("float64")
    real = np.asarray(reference, dtype="float64").reshape(len(reference), -1)

    def distances(rows, others):
        return np.concatenate([np.sqrt(((rows[i:i + 16, None, :] - others[None, :, :]) ** 2).sum(axis=-1))
                               for i in range(0, len(rows), 16)])

    n = len(flat)
    between = distances(flat, flat)
    return distances(flat, real).min(axis=1).mean(), between.sum() / (n * (n - 1))


def compare_models(models, reference, n, seed):
    return {key: tuple(quality_and_diversity(models[key].generate(n, seed=seed), reference)) for key in models}
''',
    "squares expanded with einsum, a loop over pairs of rows": '''
def quality_and_diversity(samples, reference):
    x = np.asarray(samples, dtype="float64").reshape(len(samples), -1)
    r = np.asarray(reference, dtype="float64").reshape(len(reference), -1)
    squared = np.einsum("ij,ij->i", x, x)[:, None] + np.einsum("ij,ij->i", r, r)[None, :] - 2 * x @ r.T
    quality = np.sqrt(np.clip(squared.min(axis=1), 0, None)).mean()
    total, count = 0.0, 0
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            total += np.sqrt(np.sum((x[i] - x[j]) ** 2))
            count += 1
    return quality, total / count


def compare_models(models, reference, n, seed):
    return dict((key, quality_and_diversity(model.generate(n, seed=seed), reference)) for key, model in models.items())
''',
}

_COMPARE = '''

def compare_models(models, reference, n, seed):
    return {key: quality_and_diversity(model.generate(n, seed=seed), reference) for key, model in models.items()}
'''

EX3_WRONG = {
    "R5: every pixel difference at once": '''
def quality_and_diversity(samples, reference):
    flat = np.asarray(samples, dtype="float64").reshape(len(samples), -1)
    real = np.asarray(reference, dtype="float64").reshape(len(reference), -1)
    nearest = np.sqrt(((flat[:, None, :] - real[None, :, :]) ** 2).sum(axis=-1)).min(axis=1)
    between = np.sqrt(((flat[:, None, :] - flat[None, :, :]) ** 2).sum(axis=-1))
    return float(nearest.mean()), float(between[np.triu_indices(len(flat), 1)].mean())
''' + _COMPARE,
    "R3: each sample paired with itself too (the diagonal's zeros in the mean)": '''
def quality_and_diversity(samples, reference):
    flat = np.asarray(samples, dtype="float64").reshape(len(samples), -1)
    real = np.asarray(reference, dtype="float64").reshape(len(reference), -1)
    nearest = [np.linalg.norm(real - row, axis=1).min() for row in flat]
    between = [np.linalg.norm(flat - row, axis=1).mean() for row in flat]
    return float(np.mean(nearest)), float(np.mean(between))
''' + _COMPARE,
    "R4: scipy's cdist and pdist": '''
from scipy.spatial.distance import cdist, pdist

def quality_and_diversity(samples, reference):
    flat = np.asarray(samples, dtype="float64").reshape(len(samples), -1)
    real = np.asarray(reference, dtype="float64").reshape(len(reference), -1)
    return float(cdist(flat, real).min(axis=1).mean()), float(pdist(flat).mean())
''' + _COMPARE,
    "R4: the course's own measures": '''
def quality_and_diversity(samples, reference):
    return analysis.nearest_distance(samples, reference), analysis.diversity(samples)
''' + _COMPARE,
    "R2: the nearest sample to each reference image, not the other way round": '''
def quality_and_diversity(samples, reference):
    flat = np.asarray(samples, dtype="float64").reshape(len(samples), -1)
    real = np.asarray(reference, dtype="float64").reshape(len(reference), -1)
    nearest = [np.linalg.norm(flat - row, axis=1).min() for row in real]
    pairs = [np.linalg.norm(flat[i + 1:] - flat[i], axis=1) for i in range(len(flat) - 1)]
    return float(np.mean(nearest)), float(np.concatenate(pairs).mean())
''' + _COMPARE,
    "R2: squared distances": '''
def quality_and_diversity(samples, reference):
    flat = np.asarray(samples, dtype="float64").reshape(len(samples), -1)
    real = np.asarray(reference, dtype="float64").reshape(len(reference), -1)
    nearest = [((real - row) ** 2).sum(axis=1).min() for row in flat]
    pairs = [((flat[i + 1:] - flat[i]) ** 2).sum(axis=1) for i in range(len(flat) - 1)]
    return float(np.mean(nearest)), float(np.concatenate(pairs).mean())
''' + _COMPARE,
    "R2: squares expanded in float32 without clipping (NaN for copies)": '''
def quality_and_diversity(samples, reference):
    x = np.asarray(samples, dtype="float32").reshape(len(samples), -1)
    r = np.asarray(reference, dtype="float32").reshape(len(reference), -1)

    def distances(a, b):
        return np.sqrt((a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T)

    return float(distances(x, r).min(axis=1).mean()), float(distances(x, x)[np.triu_indices(len(x), 1)].mean())
''' + _COMPARE,
    "R6: compare_models draws new samples for each measure": '''
def quality_and_diversity(samples, reference):
    flat = np.asarray(samples, dtype="float64").reshape(len(samples), -1)
    real = np.asarray(reference, dtype="float64").reshape(len(reference), -1)
    nearest = [np.linalg.norm(real - row, axis=1).min() for row in flat]
    pairs = [np.linalg.norm(flat[i + 1:] - flat[i], axis=1) for i in range(len(flat) - 1)]
    return float(np.mean(nearest)), float(np.concatenate(pairs).mean())


def compare_models(models, reference, n, seed):
    return {key: (quality_and_diversity(model.generate(n), reference)[0],
                  quality_and_diversity(model.generate(n), reference)[1]) for key, model in models.items()}
''',
    "R1: the pair as a NumPy array, not a tuple of floats": '''
def quality_and_diversity(samples, reference):
    flat = np.asarray(samples, dtype="float64").reshape(len(samples), -1)
    real = np.asarray(reference, dtype="float64").reshape(len(reference), -1)
    nearest = [np.linalg.norm(real - row, axis=1).min() for row in flat]
    pairs = [np.linalg.norm(flat[i + 1:] - flat[i], axis=1) for i in range(len(flat) - 1)]
    return np.array([np.mean(nearest), np.concatenate(pairs).mean()])
''' + _COMPARE,
    "R4: math.dist from the standard library, for each pair": '''
from math import dist


def quality_and_diversity(samples, reference):
    flat = np.asarray(samples, dtype="float64").reshape(len(samples), -1)
    real = np.asarray(reference, dtype="float64").reshape(len(reference), -1)
    nearest = [min(dist(row, other) for other in real) for row in flat]
    pairs = [dist(flat[i], flat[j]) for i in range(len(flat)) for j in range(i + 1, len(flat))]
    return float(np.mean(nearest)), float(np.mean(pairs))
''' + _COMPARE,
    "R4: scikit-learn's euclidean_distances": '''
from sklearn.metrics.pairwise import euclidean_distances


def quality_and_diversity(samples, reference):
    flat = np.asarray(samples, dtype="float64").reshape(len(samples), -1)
    real = np.asarray(reference, dtype="float64").reshape(len(reference), -1)
    between = euclidean_distances(flat, flat)[np.triu_indices(len(flat), 1)]
    return float(euclidean_distances(flat, real).min(axis=1).mean()), float(between.mean())
''' + _COMPARE,
}

ANSWERS = {
    "nb04_ex1": {"right": EX1_RIGHT, "wrong": EX1_WRONG},
    "nb04_ex2": {"right": EX2_RIGHT, "wrong": EX2_WRONG},
    "nb04_ex3": {"right": EX3_RIGHT, "wrong": EX3_WRONG},
}

HIDDEN_ONLY = {}  # every requirement of notebook 04 is checked visibly, on other inputs than the hidden tests'
