"""Answers to notebook 03's exercises, graded in tests/test_exercises.py.

Each code string replaces the whole solution cell. Right answers use other styles the task's
wording allows; wrong answers are mistakes students make on these tasks.
"""

# --- Exercise 1: the output size of a transposed convolution ----------------------------------

EX1_RIGHT = {
    "one formula with max": '''
def transpose_output_size(size, kernel_size, strides, padding):
    if padding == "same":
        return size * strides
    return size * strides + max(kernel_size - strides, 0)
''',
    "stamps laid out one by one": '''
def transpose_output_size(size, kernel_size, strides, padding):
    if padding == "same":
        return int(size * strides)
    end_of_last_stamp = 0
    for i in range(size):  # input pixel i stamps output pixels i * strides ... i * strides + kernel_size - 1
        end_of_last_stamp = max(end_of_last_stamp, i * strides + kernel_size)
    return int(max(end_of_last_stamp, size * strides))  # every input pixel keeps its strides output pixels
''',
    "a dictionary of paddings": '''
def transpose_output_size(size, kernel_size, strides, padding):
    sizes = {"same": size * strides, "valid": (size - 1) * strides + max(kernel_size, strides)}
    return sizes[padding]
''',
}

EX1_WRONG = {
    "R2: the valid formula for both paddings": '''
def transpose_output_size(size, kernel_size, strides, padding):
    return (size - 1) * strides + kernel_size
''',
    "R4: forgets kernels smaller than the stride": '''
def transpose_output_size(size, kernel_size, strides, padding):
    if padding == "same":
        return size * strides
    return (size - 1) * strides + kernel_size
''',
    "R2: the Conv2D formula instead of its inverse": '''
def transpose_output_size(size, kernel_size, strides, padding):
    if padding == "same":
        return -(-size // strides)
    return (size - kernel_size) // strides + 1
''',
    "R3: the last stamp counted from its end": '''
def transpose_output_size(size, kernel_size, strides, padding):
    if padding == "same":
        return size * strides
    return size * strides + kernel_size - 1
''',
    "R1: a float, where the task asks for an int": '''
def transpose_output_size(size, kernel_size, strides, padding):
    if padding == "same":
        return size * strides * 1.0
    return float(max((size - 1) * strides + kernel_size, size * strides))
''',
    "R5: asks a Keras layer": '''
def transpose_output_size(size, kernel_size, strides, padding):
    layer = keras.layers.Conv2DTranspose(1, kernel_size, strides=strides, padding=padding)
    return layer.compute_output_shape((None, size, size, 1))[1]
''',
    "R3: the last stamp's last index taken for the size (one short)": '''
def transpose_output_size(size, kernel_size, strides, padding):
    if padding == "same":
        return size * strides
    return max((size - 1) * strides + kernel_size - 1, size * strides)
''',
}

# --- Exercise 2: the Conv2DTranspose mirror of a strided encoder ------------------------------

EX2_RIGHT = {
    "Sequential, one layer after another": '''
def build_transpose_decoder(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(7 * 7 * 32, activation="relu"),
        keras.layers.Reshape((7, 7, 32)),
        keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu"),
        keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu"),
        keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
    ])
''',
    "functional, separate activation layers, a stride-1 Conv2DTranspose head": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.ReLU()(keras.layers.Dense(64)(z))
    h = keras.layers.Dense(1568)(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    h = keras.layers.Activation("relu")(h)
    h = keras.layers.Conv2DTranspose(32, (3, 3), strides=(2, 2), padding="same")(h)
    h = keras.layers.LeakyReLU(0.1)(h)
    h = keras.layers.Conv2DTranspose(16, (3, 3), strides=(2, 2), padding="same")(h)
    h = keras.layers.ReLU()(h)
    h = keras.layers.Conv2DTranspose(1, 3, strides=1, padding="same")(h)
    return keras.Model(z, keras.layers.Activation("sigmoid")(h), name="mirror")
''',
    "a single Dense layer, blocks as nested Sequential models": '''
def build_transpose_decoder(latent_dim):
    def doubling(filters):
        return keras.Sequential([keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same"),
                                 keras.layers.ReLU()])

    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(1568, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 32))(h)
    h = doubling(16)(doubling(32)(h))
    head = keras.Sequential([keras.layers.Conv2D(1, 3, padding="same"), keras.layers.Activation("sigmoid")])
    return keras.Model(z, head(h))
''',
    "functional, 4×4 kernels that overlap evenly": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    h = keras.layers.Conv2DTranspose(32, 4, strides=2, padding="same", activation="relu")(h)
    h = keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "subclassed keras.Model, the layers as attributes": '''
class TransposeDecoder(keras.Model):
    def __init__(self, latent_dim):
        super().__init__()
        self.widen = keras.layers.Dense(64, activation="relu")
        self.to_map = keras.layers.Dense(7 * 7 * 32, activation="relu")
        self.reshape = keras.layers.Reshape((7, 7, 32))
        self.up_32 = keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")
        self.up_16 = keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")
        self.head = keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")

    def call(self, z):
        return self.head(self.up_16(self.up_32(self.reshape(self.to_map(self.widen(z))))))


def build_transpose_decoder(latent_dim):
    return TransposeDecoder(latent_dim)
''',
    "functional, BatchNormalization between each convolution and its ReLU": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(7 * 7 * 32)(z)
    h = keras.layers.ReLU()(keras.layers.BatchNormalization()(h))
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same", use_bias=False)(h)
        h = keras.layers.BatchNormalization()(h)
        h = keras.layers.ReLU()(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
}

EX2_WRONG = {
    "R1: a fixed latent size of 4": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(4,))
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R6: BatchNormalization in place of the ReLU": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same")(h)
        h = keras.layers.BatchNormalization()(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R7: the library's builder in one line": '''
def build_transpose_decoder(latent_dim):
    return decoders.build_conv_decoder(latent_dim, filters=(32, 16), dense_units=64, upsampling="transpose")
''',
    "R7: the library's builder imported under another name": '''
from vae_keras.decoders import build_conv_decoder as mirror

def build_transpose_decoder(latent_dim):
    return mirror(latent_dim, filters=(32, 16), dense_units=64)
''',
    "R4: the encoder's filters in the encoder's order": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (16, 32):
        h = keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R1: strides left at 1: the image stays 7×7": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.Conv2DTranspose(filters, 3, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R1: valid padding: 7 -> 15 -> 31": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.Conv2DTranspose(filters, 3, strides=2, activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R1: Conv2D where Conv2DTranspose belongs: 7 -> 4 -> 2": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.Conv2D(filters, 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R6: no activation in the hidden layers": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64)(z)
    h = keras.layers.Dense(7 * 7 * 32)(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R5: no sigmoid head": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same")(h))
''',
    "R3: UpSampling2D + Conv2D instead of transposed convolutions": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.UpSampling2D(2)(h)
        h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R3: 5×5 kernels, which the task does not allow": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.Conv2DTranspose(filters, 5, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R3: an extra stride-1 convolution between the blocks": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 32))(h)
    h = keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(h)
    h = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(h)
    h = keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R5: a 1×1 last convolution": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 1, activation="sigmoid")(h))
''',
    "R2: the encoder's first map, not its last: a 7×7×16 start": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(7 * 7 * 16, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 16))(h)
    for filters in (32, 16):
        h = keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R4: maps shaped like the encoder's: 14×14×16, then 28×28×16": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (16, 16):
        h = keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R2: a 14×14 start mirrored with one doubling": '''
def build_transpose_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(14 * 14 * 16, activation="relu")(h)
    h = keras.layers.Reshape((14, 14, 16))(h)
    h = keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
}

# --- Exercise 3: the UpSampling2D + Conv2D mirror of a max-pooling encoder --------------------

EX3_RIGHT = {
    "Sequential with separate activation layers": '''
def build_upsampling_decoder(latent_dim):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(64), keras.layers.ReLU(),
        keras.layers.Dense(7 * 7 * 32), keras.layers.ReLU(),
        keras.layers.Reshape((7, 7, 32)),
        keras.layers.UpSampling2D(size=(2, 2)),
        keras.layers.Conv2D(32, (3, 3), padding="same"), keras.layers.Activation("relu"),
        keras.layers.UpSampling2D(size=(2, 2)),
        keras.layers.Conv2D(16, (3, 3), padding="same"), keras.layers.Activation("relu"),
        keras.layers.Conv2D(1, (3, 3), padding="same"), keras.layers.Activation("sigmoid"),
        keras.layers.Reshape((28, 28, 1)),  # harmless: the shape is already (28, 28, 1)
    ])
''',
    "functional, layer by layer, activation functions as objects": '''
def build_upsampling_decoder(latent_dim):
    inputs = keras.Input((latent_dim,))
    x = keras.layers.Dense(64, activation=keras.activations.relu)(inputs)
    x = keras.layers.Dense(1568, activation=keras.activations.relu)(x)
    x = keras.layers.Reshape((7, 7, 32))(x)
    x = keras.layers.UpSampling2D()(x)
    x = keras.layers.Conv2D(32, 3, padding="same", activation=keras.activations.relu)(x)
    x = keras.layers.UpSampling2D()(x)
    x = keras.layers.Conv2D(16, 3, padding="same", activation=keras.activations.relu)(x)
    outputs = keras.layers.Conv2D(1, 3, padding="same", activation=keras.activations.sigmoid)(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="upsampling_decoder")
''',
    "one Dense layer, blocks as nested Sequential models": '''
def build_upsampling_decoder(latent_dim):
    def copy_then_convolve(filters):
        return keras.Sequential([keras.layers.UpSampling2D(2),
                                 keras.layers.Conv2D(filters, 3, padding="same", activation="relu")])

    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(7 * 7 * 32, activation="relu"),
        keras.layers.Reshape((7, 7, 32)),
        copy_then_convolve(32),
        copy_then_convolve(16),
        keras.Sequential([keras.layers.Conv2D(1, 3, padding="same"), keras.layers.Activation("sigmoid")]),
    ])
''',
    "functional, a single widening Dense layer": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.UpSampling2D(2)(h)
        h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "subclassed keras.Model, activations called as functions": '''
class UpsamplingDecoder(keras.Model):
    def __init__(self, latent_dim):
        super().__init__()
        self.widen = keras.layers.Dense(7 * 7 * 32)
        self.copies = [keras.layers.UpSampling2D(2, interpolation="nearest") for _ in range(2)]
        self.convolutions = [keras.layers.Conv2D(filters, 3, padding="same") for filters in (32, 16)]
        self.head = keras.layers.Conv2D(1, 3, padding="same")

    def call(self, z):
        h = keras.ops.reshape(keras.ops.relu(self.widen(z)), (-1, 7, 7, 32))
        for copy, convolution in zip(self.copies, self.convolutions):
            h = keras.ops.relu(convolution(copy(h)))
        return keras.ops.sigmoid(self.head(h))


def build_upsampling_decoder(latent_dim):
    return UpsamplingDecoder(latent_dim)
''',
    "functional, BatchNormalization between each convolution and its ReLU": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.UpSampling2D(2)(h)
        h = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(h)
        h = keras.layers.BatchNormalization()(h)
        h = keras.layers.Activation("relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
}

EX3_WRONG = {
    "R3: bilinear upsampling, which blends neighbours instead of copying": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.UpSampling2D(2, interpolation="bilinear")(h)
        h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R2: a 7×7×16 start": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(7 * 7 * 16, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 16))(h)
    for filters in (32, 16):
        h = keras.layers.UpSampling2D(2)(h)
        h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R8: LayerNormalization but no ReLU after the convolutions": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.UpSampling2D(2)(h)
        h = keras.layers.LayerNormalization()(keras.layers.Conv2D(filters, 3, padding="same")(h))
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R9: the library's builder in one line": '''
def build_upsampling_decoder(latent_dim):
    return decoders.build_conv_decoder(latent_dim, filters=(32, 16), dense_units=64, upsampling="upsample")
''',
    "R9: the library's builder through vae_keras": '''
import vae_keras.decoders


def build_upsampling_decoder(latent_dim):
    return vae_keras.decoders.build_conv_decoder(latent_dim, filters=(32, 16), dense_units=64,
                                                 upsampling="upsample", name="my_decoder")
''',
    "R3: Conv2DTranspose blocks": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R5: the encoder's filters in the encoder's order": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (16, 32):
        h = keras.layers.UpSampling2D(2)(h)
        h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R1: valid padding: the image shrinks after each convolution": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.UpSampling2D(2)(h)
        h = keras.layers.Conv2D(filters, 3, activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, activation="sigmoid")(h))
''',
    "R7: no sigmoid head": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.UpSampling2D(2)(h)
        h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same")(h))
''',
    "R8: no activation in the convolutions": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.UpSampling2D(2)(h)
        h = keras.layers.Conv2D(filters, 3, padding="same")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R4: convolve, then copy (the upsampling and the convolution swapped)": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
        h = keras.layers.UpSampling2D(2)(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R6: 5×5 kernels": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.UpSampling2D(2)(h)
        h = keras.layers.Conv2D(filters, 5, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 5, padding="same", activation="sigmoid")(h))
''',
    "R3: one copy by 4 instead of two by 2": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 32))(h)
    h = keras.layers.UpSampling2D(4)(h)
    h = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(h)
    h = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R4: a copy straight into the head: no 16-filter convolution at 28×28": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 32))(h)
    h = keras.layers.UpSampling2D(2)(h)
    h = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(h)
    h = keras.layers.UpSampling2D(2)(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R5: maps shaped like the encoder's: 14×14×16 after the first copy": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(64, activation="relu")(z)
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(h)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (16, 16):
        h = keras.layers.UpSampling2D(2)(h)
        h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h))
''',
    "R7: a tanh head: values in (-1, 1)": '''
def build_upsampling_decoder(latent_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(7 * 7 * 32, activation="relu")(z)
    h = keras.layers.Reshape((7, 7, 32))(h)
    for filters in (32, 16):
        h = keras.layers.UpSampling2D(2)(h)
        h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
    return keras.Model(z, keras.layers.Conv2D(1, 3, padding="same", activation="tanh")(h))
''',
}

ANSWERS = {
    "nb03_ex1": {"right": EX1_RIGHT, "wrong": EX1_WRONG},
    "nb03_ex2": {"right": EX2_RIGHT, "wrong": EX2_WRONG},
    "nb03_ex3": {"right": EX3_RIGHT, "wrong": EX3_WRONG},
}

HIDDEN_ONLY = {}  # every requirement of notebook 03 is checked visibly, on other inputs than the hidden tests'
