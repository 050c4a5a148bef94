"""Answers to notebook 02's exercises, graded in tests/test_exercises.py.

Each code string replaces the whole solution cell. "right" answers are written the ways the task
allows (other APIs, styles, spellings); "wrong" ones are the mistakes students make on that task.
"""

EX1_RIGHT = {
    "Sequential, the 'mse' alias": '''
def build_symmetric_decoder(latent_dim):
    decoder = keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(784, activation="tanh"),
        keras.layers.Reshape((28, 28, 1)),
    ])
    return decoder, "mse"
''',
    "LeakyReLU and a separate tanh Activation layer": '''
def build_symmetric_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.LeakyReLU()(keras.layers.Dense(256)(z))
    h = keras.layers.Dense(512, activation="gelu")(h)
    h = keras.layers.Activation("tanh")(keras.layers.Dense(28 * 28)(h))
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h)), "gaussian"
''',
    "the likelihood named through the head record": '''
def build_symmetric_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="elu")(z)
    h = keras.layers.Dense(784, activation=heads.HEADS["tanh"].name)(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h)), heads.HEADS["tanh"].likelihood
''',
}

EX1_WRONG = {
    "the [0, 1] recipe: sigmoid head and 'bce'": '''
def build_symmetric_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(256, activation="relu")(z)
    h = keras.layers.Dense(784, activation="sigmoid")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h)), "bce"
''',
    "tanh head with 'bce'": '''
def build_symmetric_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(256, activation="relu")(z)
    h = keras.layers.Dense(784, activation="tanh")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h)), "bce"
''',
    "tanh head with the continuous Bernoulli": '''
def build_symmetric_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(256, activation="relu")(z)
    h = keras.layers.Dense(784, activation="tanh")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h)), "continuous_bernoulli"
''',
    "a linear head for [-1, 1] data": '''
def build_symmetric_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(256, activation="relu")(z)
    h = keras.layers.Dense(784)(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h)), "gaussian"
''',
    "no hidden layer": '''
def build_symmetric_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(784, activation="tanh")(z)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h)), "gaussian"
''',
    "a hidden layer without a non-linearity": '''
def build_symmetric_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(256)(z)
    h = keras.layers.Dense(784, activation="tanh")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h)), "gaussian"
''',
    "the library's decoder": '''
def build_symmetric_decoder(latent_dim):
    return vae_keras.decoders.build_dense_decoder(latent_dim, hidden_units=(256,), head="tanh"), "gaussian"
''',
    "a likelihood name that does not exist": '''
def build_symmetric_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(256, activation="relu")(z)
    h = keras.layers.Dense(784, activation="tanh")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h)), "squared_error"
''',
}

EX2_RIGHT = {
    "multiply and add, float64": '''
def denormalise(x_std, mean, std):
    return np.asarray(x_std, dtype="float64") * std + mean
''',
    "in place, on a float32 copy": '''
def denormalise(x_std, mean, std):
    pixels = np.array(x_std, dtype="float32")
    pixels *= std
    pixels += mean
    return pixels
''',
    "keras.ops, back to NumPy": '''
def denormalise(x_std, mean, std):
    return ops.convert_to_numpy(ops.add(ops.multiply(ops.convert_to_tensor(x_std), std), mean))
''',
}

EX2_WRONG = {
    "the library's Standardizer, which the task rules out": '''
def denormalise(x_std, mean, std):
    return datasets.Standardizer(mean, std).inverse_transform(x_std)
''',
    "clips to [0, 1]": '''
def denormalise(x_std, mean, std):
    return np.clip(x_std * std + mean, 0.0, 1.0).astype("float32")
''',
    "swaps mean and std": '''
def denormalise(x_std, mean, std):
    return (x_std * mean + std).astype("float32")
''',
    "divides by std instead of multiplying": '''
def denormalise(x_std, mean, std):
    return (x_std / std + mean).astype("float32")
''',
    "standardises again": '''
def denormalise(x_std, mean, std):
    return ((x_std - mean) / std).astype("float32")
''',
    "forgets the mean": '''
def denormalise(x_std, mean, std):
    return (x_std * std).astype("float32")
''',
    "adds the mean before multiplying": '''
def denormalise(x_std, mean, std):
    return ((x_std + mean) * std).astype("float32")
''',
}

EX3_RIGHT = {
    "the narrowest head of heads.HEADS that holds the data": '''
def matched_head(x):
    low, high = np.min(x), np.max(x)
    fitting = [(head.output_range[1] - head.output_range[0], name) for name, head in heads.HEADS.items()
               if head.output_range[0] <= low and high <= head.output_range[1]]
    return min(fitting)[1]
''',
    "np.all on the comparisons": '''
def matched_head(x):
    x = np.asarray(x)
    if np.all((x >= 0) & (x <= 1)):
        return "sigmoid"
    if np.all(np.abs(x) <= 1):
        return "tanh"
    return "linear"
''',
}

EX3_WRONG = {
    "always the linear head, which holds everything": '''
def matched_head(x):
    return "linear"
''',
    "strict inequalities, which miss pixels of exactly 0 and 1": '''
def matched_head(x):
    low, high = np.min(x), np.max(x)
    if low > 0 and high < 1:
        return "sigmoid"
    if low > -1 and high < 1:
        return "tanh"
    return "linear"
''',
    "looks at the maximum only": '''
def matched_head(x):
    high = np.max(x)
    if high <= 1:
        return "sigmoid"
    return "linear"
''',
    "checks only the maximum for tanh": '''
def matched_head(x):
    low, high = np.min(x), np.max(x)
    if low >= 0 and high <= 1:
        return "sigmoid"
    if high <= 1:
        return "tanh"
    return "linear"
''',
    "tries the wider tanh range first": '''
def matched_head(x):
    low, high = np.min(x), np.max(x)
    if low >= -1 and high <= 1:
        return "tanh"
    if low >= 0 and high <= 1:
        return "sigmoid"
    return "linear"
''',
}

ANSWERS = {
    "nb02_ex1": {"right": EX1_RIGHT, "wrong": EX1_WRONG},
    "nb02_ex2": {"right": EX2_RIGHT, "wrong": EX2_WRONG},
    "nb02_ex3": {"right": EX3_RIGHT, "wrong": EX3_WRONG},
}
