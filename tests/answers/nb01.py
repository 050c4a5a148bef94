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
    "functional, separate LeakyReLU and Activation layers, widths 64 -> 128 -> 512": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.LeakyReLU(negative_slope=0.2)(keras.layers.Dense(64)(z))
    h = keras.layers.Activation("tanh")(keras.layers.Dense(128)(h))
    h = keras.layers.ReLU()(keras.layers.Dense(512)(h))
    h = keras.layers.Activation("sigmoid")(keras.layers.Dense(784)(h))
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    "functional, activations called as functions, equal widths": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.activations.elu(keras.layers.Dense(256)(z))
    h = keras.activations.gelu(keras.layers.Dense(256)(h))
    h = keras.layers.Dense(28 * 28, activation=keras.activations.sigmoid)(h)
    return keras.Model(inputs=z, outputs=keras.layers.Reshape(target_shape=(28, 28, 1))(h))
''',
    "nested Sequential blocks, a separate sigmoid layer after the head": '''
def build_widening_decoder(latent_dim):
    hidden = keras.Sequential([keras.layers.Dense(100), keras.layers.LeakyReLU(), keras.layers.Dense(300),
                               keras.layers.Activation("swish")], name="hidden")
    head = keras.Sequential([keras.layers.Dense(784), keras.layers.Activation("sigmoid"),
                             keras.layers.Reshape((28, 28, 1))], name="head")
    return keras.Sequential([keras.Input((latent_dim,)), hidden, head])
''',
    "the head's sigmoid called as a function": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="tanh")(z)
    h = keras.layers.Dense(64, activation="relu")(h)
    h = keras.layers.Dense(400, activation="relu")(h)
    pixels = ops.sigmoid(keras.layers.Dense(784)(h))
    return keras.Model(z, ops.reshape(pixels, (-1, 28, 28, 1)))
''',
    "functional, a BatchNormalization between each Dense layer and its ReLU": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.ReLU()(keras.layers.BatchNormalization()(keras.layers.Dense(128)(z)))
    h = keras.layers.ReLU()(keras.layers.BatchNormalization()(keras.layers.Dense(256)(h)))
    h = keras.layers.Dense(784, activation="sigmoid")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    "subclassed keras.Model, layers as attributes": '''
class WideningDecoder(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = [keras.layers.Dense(200, activation="relu"), keras.layers.Dense(400, activation="tanh")]
        self.head = keras.layers.Dense(784, activation="sigmoid")
        self.to_image = keras.layers.Reshape((28, 28, 1))

    def call(self, z):
        for layer in self.hidden:
            z = layer(z)
        return self.to_image(self.head(z))


def build_widening_decoder(latent_dim):
    decoder = WideningDecoder()
    decoder(ops.zeros((1, latent_dim)))
    return decoder
''',
    "subclassed keras.Model, unbuilt, the sigmoid called in call()": '''
class Decoder(keras.Model):
    def __init__(self, latent_dim):
        super().__init__()
        self.latent_dim = latent_dim
        self.first, self.second = keras.layers.Dense(64), keras.layers.Dense(256)
        self.logits = keras.layers.Dense(784)

    def call(self, z):
        h = keras.activations.leaky_relu(self.first(z))
        h = keras.activations.silu(self.second(h))
        return ops.reshape(ops.sigmoid(self.logits(h)), (-1, 28, 28, 1))


def build_widening_decoder(latent_dim):
    return Decoder(latent_dim)
''',
}

EX1_WRONG = {
    "R2: no non-linearity in the hidden layers": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(128)(z)
    h = keras.layers.Dense(256)(h)
    h = keras.layers.Dense(784, activation="sigmoid")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    "R2: the second hidden layer is linear": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(128, activation="relu")(z)
    h = keras.layers.Dense(256, activation="linear")(h)
    h = keras.layers.Dense(784, activation="sigmoid")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    "R3: layers that narrow, like an encoder": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(512, activation="relu")(z)
    h = keras.layers.Dense(256, activation="relu")(h)
    h = keras.layers.Dense(784, activation="sigmoid")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    "R4: a ReLU output head instead of a sigmoid": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(128, activation="relu")(z)
    h = keras.layers.Dense(256, activation="relu")(h)
    h = keras.layers.Dense(784, activation="relu")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    "R2: only one hidden layer": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(256, activation="relu")(z)
    h = keras.layers.Dense(784, activation="sigmoid")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    "R1: no Reshape: flat 784-vectors": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(128, activation="relu")(z)
    h = keras.layers.Dense(256, activation="relu")(h)
    return keras.Model(z, keras.layers.Dense(784, activation="sigmoid")(h))
''',
    "R7: the library's decoder": '''
def build_widening_decoder(latent_dim):
    return decoders.build_dense_decoder(latent_dim, hidden_units=(128, 256))
''',
    "R4: a hard sigmoid head: in [0, 1], but not a sigmoid": '''
def build_widening_decoder(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(784, activation="hard_sigmoid"),
        keras.layers.Reshape((28, 28, 1)),
    ])
''',
    "R4: a softmax head: in [0, 1], but the pixels share one unit of probability": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(128, activation="relu")(z)
    h = keras.layers.Dense(256, activation="relu")(h)
    h = keras.layers.Dense(784, activation="softmax")(h)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(h))
''',
    "R3: a nested block that narrows": '''
def build_widening_decoder(latent_dim):
    hidden = keras.Sequential([keras.layers.Dense(512, activation="relu"), keras.layers.Dense(128, activation="relu")])
    return keras.Sequential([keras.Input((latent_dim,)), hidden, keras.layers.Dense(784, activation="sigmoid"),
                             keras.layers.Reshape((28, 28, 1))])
''',
    "R5: the sigmoid written as exp(t) / (1 + exp(t)): NaN for z far from 0": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(128, activation="relu")(z)
    h = keras.layers.Dense(256, activation="relu")(h)
    t = keras.layers.Dense(784)(h)
    pixels = ops.exp(t) / (1.0 + ops.exp(t))
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(pixels))
''',
    "R6: clips the pixels to [1e-7, 1 - 1e-7] after the head": '''
def build_widening_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(128, activation="relu")(z)
    h = keras.layers.Dense(256, activation="relu")(h)
    pixels = ops.clip(keras.layers.Dense(784, activation="sigmoid")(h), 1e-7, 1 - 1e-7)
    return keras.Model(z, keras.layers.Reshape((28, 28, 1))(pixels))
''',
    "R1: a subclassed model that returns flat 784-vectors": '''
class Decoder(keras.Model):
    def __init__(self):
        super().__init__()
        self.layers_in_order = [keras.layers.Dense(128, activation="relu"), keras.layers.Dense(256, activation="relu"),
                                keras.layers.Dense(784, activation="sigmoid")]

    def call(self, z):
        for layer in self.layers_in_order:
            z = layer(z)
        return z


def build_widening_decoder(latent_dim):
    return Decoder()
''',
}

LAYER_HEAD = '''
class Reparameterize(keras.layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
'''

EX2_RIGHT = {
    "keras.random.normal given the mean and the standard deviation": LAYER_HEAD + '''
        sigma = ops.exp(z_log_var / 2)
        return keras.random.normal(ops.shape(z_mean), mean=z_mean, stddev=sigma, seed=self.seed_generator)
''',
    "mu minus sigma times the noise, in float64": LAYER_HEAD + '''
        z_mean, z_log_var = ops.cast(z_mean, "float64"), ops.cast(z_log_var, "float64")
        noise = keras.random.normal(ops.shape(z_mean), dtype="float64", seed=self.seed_generator)
        return ops.subtract(z_mean, ops.multiply(ops.exp(ops.multiply(0.5, z_log_var)), noise))
''',
    "a helper of the student's own named sampling": '''
def sampling(mean, log_variance, noise):
    return mean + ops.exp(log_variance * 0.5) * noise


class Reparameterize(keras.layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        return sampling(z_mean, z_log_var, keras.random.normal(ops.shape(z_mean), seed=self.seed_generator))
''',
}

EX2_WRONG = {
    "R2: the variance used as the standard deviation": LAYER_HEAD + '''
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(z_log_var) * epsilon
''',
    "R2: uniform noise with mean 0 and standard deviation 1": LAYER_HEAD + '''
        epsilon = keras.random.uniform(ops.shape(z_mean), minval=-3 ** 0.5, maxval=3 ** 0.5, seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon
''',
    "R2: one noise value per example, shared by its latents": LAYER_HEAD + '''
        epsilon = keras.random.normal((ops.shape(z_mean)[0], 1), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon
''',
    "R3: an integer seed: the same noise at every call": LAYER_HEAD + '''
        epsilon = keras.random.normal(ops.shape(z_mean), seed=0)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon
''',
    "R3: z drawn with NumPy: unseeded (and no gradient reaches the inputs)": LAYER_HEAD + '''
        rng = np.random.default_rng()
        mean, sigma = ops.convert_to_numpy(z_mean), np.exp(0.5 * ops.convert_to_numpy(z_log_var))
        return ops.convert_to_tensor(rng.normal(mean, sigma).astype("float32"))
''',
    "R4: sigma behind stop_gradient: no gradient reaches z_log_var": LAYER_HEAD + '''
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.stop_gradient(ops.exp(0.5 * z_log_var)) * epsilon
''',
    "R5: sigma as the square root of exp(log-variance): overflows at a log-variance of 100": LAYER_HEAD + '''
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.sqrt(ops.exp(z_log_var)) * epsilon
''',
    "R6: the library's Sampling layer": LAYER_HEAD + '''
        return vae_keras.Sampling()(inputs)
''',
    "R3: no seed: fresh noise, but two layers with the same seed draw differently": LAYER_HEAD + '''
        epsilon = keras.random.normal(ops.shape(z_mean))
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon
''',
    "R5: the log-variance clipped to [-20, 20] for stability": LAYER_HEAD + '''
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * ops.clip(z_log_var, -20.0, 20.0)) * epsilon
''',
    "R1: returns [z_mean, z_log_var, z], as the encoder does": LAYER_HEAD + '''
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return [z_mean, z_log_var, z_mean + ops.exp(0.5 * z_log_var) * epsilon]
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
    "R2: the mean over the pixels (flattened binary_crossentropy)": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    flat = lambda t: ops.reshape(t, (ops.shape(t)[0], -1))
    reconstruction = keras.losses.binary_crossentropy(flat(x), flat(x_hat))
    kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    return reconstruction + kl
''',
    "R4: reconstruction minus KL": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    reconstruction = -ops.sum(x * ops.log(x_hat) + (1 - x) * ops.log(1 - x_hat), axis=(1, 2, 3))
    kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    return reconstruction - kl
''',
    "R3: the log-variance where the variance belongs": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    reconstruction = -ops.sum(x * ops.log(x_hat) + (1 - x) * ops.log(1 - x_hat), axis=(1, 2, 3))
    kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - z_log_var, axis=-1)
    return reconstruction + kl
''',
    "R1: averaged over the batch": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    reconstruction = -ops.sum(x * ops.log(x_hat) + (1 - x) * ops.log(1 - x_hat), axis=(1, 2, 3))
    kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    return ops.mean(reconstruction + kl)
''',
    "R2: forgets the (1 - x) log(1 - x_hat) term": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    reconstruction = -ops.sum(x * ops.log(x_hat), axis=(1, 2, 3))
    kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    return reconstruction + kl
''',
    "R6: the library's losses": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    return losses.reconstruction_loss(x, x_hat, "bernoulli") + losses.kl_loss(z_mean, z_log_var)
''',
    "R6: the library's functions, imported by name": '''
from vae_keras.losses import kl_loss, reconstruction_loss


def negative_elbo(x, x_hat, z_mean, z_log_var):
    return reconstruction_loss(x, x_hat) + kl_loss(z_mean, z_log_var)
''',
    "R3: the KL averaged over the latents": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    reconstruction = -ops.sum(x * ops.log(x_hat) + (1 - x) * ops.log(1 - x_hat), axis=(1, 2, 3))
    kl = -0.5 * ops.mean(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    return reconstruction + kl
''',
    "R5: x_hat clipped to [1e-3, 1 - 1e-3] for stability": '''
def negative_elbo(x, x_hat, z_mean, z_log_var):
    x_hat = ops.clip(x_hat, 1e-3, 1 - 1e-3)
    reconstruction = -ops.sum(x * ops.log(x_hat) + (1 - x) * ops.log(1 - x_hat), axis=(1, 2, 3))
    kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    return reconstruction + kl
''',
}

STEP_HEAD = """
import tensorflow as tf


class VAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

"""


def step(body, kl="ops.mean(ops.sum(-0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var)), axis=1))",
         loss="reconstruction_loss + kl_loss", weights="self.trainable_weights", logs="trackers", decode="z"):
    """A train_step in the keras-io style, with one part swapped for a mistake. logs: "trackers" (right),
    "batch" (the trackers updated, the batch's values returned) or "untracked" (the trackers never updated)."""
    update = """
        self.loss_tracker.update_state(loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
"""
    returned = {"trackers": update + """        return {m.name: m.result() for m in self.metrics}
""", "batch": update + """        return {"loss": loss, "reconstruction_loss": reconstruction_loss, "kl_loss": kl_loss}
""", "untracked": """
        return {"loss": loss, "reconstruction_loss": reconstruction_loss, "kl_loss": kl_loss}
"""}[logs]
    return STEP_HEAD + f"""
    def train_step(self, data):
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(data)
            x_hat = self.decoder({decode})
            {body}
            kl_loss = {kl}
            loss = {loss}
        grads = tape.gradient(loss, {weights})
        self.optimizer.apply_gradients(zip(grads, {weights}))
""" + returned


SUMMED_BCE = "reconstruction_loss = ops.mean(ops.sum(keras.losses.binary_crossentropy(data, x_hat), axis=(1, 2)))"
OWN_NEGATIVE_ELBO = """
def negative_elbo(x, x_hat, z_mean, z_log_var):
    reconstruction = -ops.sum(x * ops.log(x_hat) + (1.0 - x) * ops.log(1.0 - x_hat), axis=(1, 2, 3))
    kl = -0.5 * ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1)
    return reconstruction + kl
"""

EX4_RIGHT = {
    "keras-io style: binary_crossentropy summed, apply_gradients(zip(...))": step(SUMMED_BCE),
    "TensorFlow ops, flattened images, the two parts' weights listed": STEP_HEAD + """
    def train_step(self, data):
        x = keras.utils.unpack_x_y_sample_weight(data)[0]
        weights = self.encoder.trainable_weights + self.decoder.trainable_weights
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(x, training=True)
            p = tf.clip_by_value(tf.reshape(self.decoder(z, training=True), (tf.shape(x)[0], -1)), 1e-7, 1 - 1e-7)
            x = tf.reshape(x, tf.shape(p))
            per_image = -tf.reduce_sum(x * tf.math.log(p) + (1 - x) * tf.math.log(1 - p), axis=1)
            reconstruction_loss = tf.reduce_mean(per_image)
            variance = tf.exp(z_log_var)
            kl_loss = tf.reduce_mean(0.5 * tf.reduce_sum(tf.square(z_mean) + variance - 1.0 - z_log_var, axis=-1))
            loss = reconstruction_loss + kl_loss
        self.optimizer.apply(tape.gradient(loss, weights), weights)
        for tracker, value in zip(self.metrics, (loss, reconstruction_loss, kl_loss)):
            tracker.update_state(value)
        return {"loss": self.loss_tracker.result(), "reconstruction_loss": self.reconstruction_loss_tracker.result(),
                "kl_loss": self.kl_loss_tracker.result()}
""",
    "BinaryCrossentropy with reduction sum, divided by the batch size": step(
        "reconstruction_loss = keras.losses.BinaryCrossentropy(reduction='sum')(ops.reshape(data, (-1, 1)), "
        "ops.reshape(x_hat, (-1, 1))) / ops.cast(ops.shape(data)[0], 'float32')"),
}

EX4_WRONG = {
    "R1: the trackers are never updated: the batch's values returned": step(SUMMED_BCE, logs="untracked"),
    "R1: the trackers updated, but the batch's values returned": step(SUMMED_BCE, logs="batch"),
    "R2: the mean over the pixels, as a flattened binary_crossentropy gives": step(
        "reconstruction_loss = ops.mean(keras.losses.binary_crossentropy(ops.reshape(data, (ops.shape(data)[0], -1)), "
        "ops.reshape(x_hat, (ops.shape(x_hat)[0], -1))))"),
    "R2: the reconstruction decoded from z_mean, not from the sampled z": step(SUMMED_BCE, decode="z_mean"),
    "R3: averages the KL over the latents instead of summing": step(
        SUMMED_BCE, kl="ops.mean(-0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var)))"),
    "R3: a sign error inside the KL": step(
        SUMMED_BCE, kl="ops.mean(ops.sum(0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var)), axis=1))"),
    "R3: the KL computed from the sampled z instead of z_mean": step(
        SUMMED_BCE, kl="ops.mean(ops.sum(-0.5 * (1 + z_log_var - ops.square(z) - ops.exp(z_log_var)), axis=1))"),
    "R4: forgets the KL term in the loss": step(SUMMED_BCE, loss="reconstruction_loss"),
    "R4: a sign error: reconstruction minus KL": step(SUMMED_BCE, loss="reconstruction_loss - kl_loss"),
    "R5: updates only the decoder": step(SUMMED_BCE, weights="self.decoder.trainable_weights"),
    "R5: gradient ascent: the optimizer is given minus the gradients": step(SUMMED_BCE).replace(
        "grads = tape.gradient(loss, self.trainable_weights)",
        "grads = [-g for g in tape.gradient(loss, self.trainable_weights)]"),
    "R6: the loss from the student's own negative_elbo of Exercise 3": OWN_NEGATIVE_ELBO + step(
        SUMMED_BCE, loss="ops.mean(negative_elbo(data, x_hat, z_mean, z_log_var))"),
    "R6: the library's loss functions": step(
        "reconstruction_loss = ops.mean(vae_keras.losses.reconstruction_loss(data, x_hat, 'bernoulli'))",
        kl="ops.mean(vae_keras.losses.kl_loss(z_mean, z_log_var))"),
}

HIDDEN_ONLY = {}

ANSWERS = {
    "nb01_ex1": {"right": EX1_RIGHT, "wrong": EX1_WRONG},
    "nb01_ex2": {"right": EX2_RIGHT, "wrong": EX2_WRONG},
    "nb01_ex3": {"right": EX3_RIGHT, "wrong": EX3_WRONG},
    "nb01_ex4": {"right": EX4_RIGHT, "wrong": EX4_WRONG},
}
