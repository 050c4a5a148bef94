"""Answers to notebook 01's exercises, graded in tests/test_exercises.py.

Each code string replaces the whole solution cell. "right" answers are written the ways the task
allows (other APIs, styles, dtypes); "wrong" ones are the mistakes students make on that task.
"""

EX1_RIGHT = {
    "Sequential, ReLU in the Dense layers": '''
def build_widening_decoder(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(784, activation="sigmoid"),
        keras.layers.Reshape((28, 28, 1)),
    ])
''',
    "separate LeakyReLU and Activation layers, widths 64 -> 128 -> 512": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.LeakyReLU(negative_slope=0.2)(keras.layers.Dense(64)(z))
    h = keras.layers.Activation("tanh")(keras.layers.Dense(128)(h))
    h = keras.layers.ReLU()(keras.layers.Dense(512)(h))
    h = keras.layers.Activation("sigmoid")(keras.layers.Dense(784)(h))
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    "activations called as functions, equal widths": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.activations.elu(keras.layers.Dense(256)(z))
    h = keras.activations.gelu(keras.layers.Dense(256)(h))
    h = keras.layers.Dense(28 * 28, activation=keras.activations.sigmoid)(h)
    return keras.Model(inputs=z, outputs=keras.layers.Reshape(target_shape=(28, 28, 1))(h))
''',
}

EX1_WRONG = {
    "no non-linearity in the hidden layers": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(128)(z)
    h = keras.layers.Dense(256)(h)
    h = keras.layers.Dense(784, activation="sigmoid")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    "the second hidden layer is linear": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(128, activation="relu")(z)
    h = keras.layers.Dense(256, activation="linear")(h)
    h = keras.layers.Dense(784, activation="sigmoid")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    "layers that narrow, like an encoder": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(512, activation="relu")(z)
    h = keras.layers.Dense(256, activation="relu")(h)
    h = keras.layers.Dense(784, activation="sigmoid")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    "a ReLU output head instead of a sigmoid": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(128, activation="relu")(z)
    h = keras.layers.Dense(256, activation="relu")(h)
    h = keras.layers.Dense(784, activation="relu")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    "only one hidden layer": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(256, activation="relu")(z)
    h = keras.layers.Dense(784, activation="sigmoid")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    "no Reshape: flat 784-vectors": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(128, activation="relu")(z)
    h = keras.layers.Dense(256, activation="relu")(h)
    return keras.Model(z, keras.layers.Dense(784, activation="sigmoid")(h))
''',
    "the library's decoder": '''
def build_widening_decoder(latent_dim):
    return decoders.build_dense_decoder(latent_dim, hidden_units=(128, 256))
''',
}

EX2_RIGHT = {
    "the square root of the variance": '''
def reparameterize(z_mean, z_log_var, epsilon):
    return z_mean + ops.sqrt(ops.exp(z_log_var)) * epsilon
''',
    "NumPy, exp of half the log-variance": '''
def reparameterize(z_mean, z_log_var, epsilon):
    return np.asarray(z_mean) + np.exp(np.asarray(z_log_var) / 2) * np.asarray(epsilon)
''',
    "ops.add and ops.multiply, in float64": '''
def reparameterize(z_mean, z_log_var, epsilon):
    z_mean, z_log_var, epsilon = (ops.cast(t, "float64") for t in (z_mean, z_log_var, epsilon))
    sigma = ops.exp(ops.multiply(0.5, z_log_var))
    return ops.add(z_mean, ops.multiply(sigma, epsilon))
''',
}

EX2_WRONG = {
    "exp of the log-variance: the variance, not sigma": '''
def reparameterize(z_mean, z_log_var, epsilon):
    return z_mean + ops.exp(z_log_var) * epsilon
''',
    "the square root of the log-variance": '''
def reparameterize(z_mean, z_log_var, epsilon):
    return z_mean + ops.sqrt(z_log_var) * epsilon
''',
    "the log-variance used as sigma": '''
def reparameterize(z_mean, z_log_var, epsilon):
    return z_mean + z_log_var * epsilon
''',
    "draws its own noise instead of using epsilon": '''
def reparameterize(z_mean, z_log_var, epsilon):
    return z_mean + ops.exp(0.5 * z_log_var) * keras.random.normal(ops.shape(z_mean))
''',
    "adds sigma and epsilon instead of multiplying": '''
def reparameterize(z_mean, z_log_var, epsilon):
    return z_mean + ops.exp(0.5 * z_log_var) + epsilon
''',
    "exp(-log_var / 2): one over sigma": '''
def reparameterize(z_mean, z_log_var, epsilon):
    return z_mean + ops.exp(-0.5 * z_log_var) * epsilon
''',
}

EX3_RIGHT = {
    "Keras's binary_crossentropy summed over the pixels": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    reconstruction = ops.sum(keras.losses.binary_crossentropy(x, x_hat), axis=(1, 2))
    kl = -0.5 * ops.sum(1 + z_log_var - z_mean ** 2 - ops.exp(z_log_var), axis=1)
    return reconstruction + kl
''',
    "NumPy, flattened images": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    x = np.asarray(x).reshape(len(x), -1)
    x_hat = np.asarray(x_hat).reshape(len(x), -1)
    reconstruction = -np.sum(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat), axis=1)
    variance = np.exp(z_log_var)
    kl = 0.5 * np.sum(np.square(z_mean) + variance - 1 - z_log_var, axis=1)
    return reconstruction + kl
''',
    "clipped probabilities and sigma squared": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    x_hat = ops.clip(x_hat, 1e-7, 1 - 1e-7)
    per_pixel = x * ops.log(x_hat) + (1 - x) * ops.log(1 - x_hat)
    reconstruction = -ops.sum(ops.reshape(per_pixel, (ops.shape(x)[0], -1)), axis=-1)
    sigma = ops.exp(z_log_var / 2)
    kl = ops.sum(0.5 * (ops.square(sigma) + ops.square(z_mean) - 1.0) - ops.log(sigma), axis=-1)
    return reconstruction + kl
''',
}

EX3_WRONG = {
    "the mean over the pixels (flattened binary_crossentropy)": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    flat = lambda t: ops.reshape(t, (ops.shape(t)[0], -1))
    reconstruction = keras.losses.binary_crossentropy(flat(x), flat(x_hat))
    kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    return reconstruction + kl
''',
    "reconstruction minus KL": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    reconstruction = -ops.sum(x * ops.log(x_hat) + (1 - x) * ops.log(1 - x_hat), axis=(1, 2, 3))
    kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    return reconstruction - kl
''',
    "the log-variance where the variance belongs": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    reconstruction = -ops.sum(x * ops.log(x_hat) + (1 - x) * ops.log(1 - x_hat), axis=(1, 2, 3))
    kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - z_log_var, axis=-1)
    return reconstruction + kl
''',
    "averaged over the batch": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    reconstruction = -ops.sum(x * ops.log(x_hat) + (1 - x) * ops.log(1 - x_hat), axis=(1, 2, 3))
    kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    return ops.mean(reconstruction + kl)
''',
    "forgets the (1 - x) log(1 - x_hat) term": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    reconstruction = -ops.sum(x * ops.log(x_hat), axis=(1, 2, 3))
    kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    return reconstruction + kl
''',
    "the library's losses": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    return losses.reconstruction_loss(x, x_hat, "bernoulli") + losses.kl_loss(z_mean, z_log_var)
''',
    "the library's functions, imported by name": '''
from vae_keras.losses import kl_loss, reconstruction_loss


def negative_elbo(x, x_hat, z_mean, z_log_var):
    return reconstruction_loss(x, x_hat) + kl_loss(z_mean, z_log_var)
''',
}

ANSWERS = {
    "nb01_ex1": {"right": EX1_RIGHT, "wrong": EX1_WRONG},
    "nb01_ex2": {"right": EX2_RIGHT, "wrong": EX2_WRONG},
    "nb01_ex3": {"right": EX3_RIGHT, "wrong": EX3_WRONG},
}
