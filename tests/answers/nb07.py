"""Answers to notebook 07's capstone, graded in tests/test_exercises.py.

Each code string replaces the whole solution cell. "right" answers are sound models the task's
wording allows (other builders, hand-written Keras models, other heads of σ, other sizes) and must
earn the points; "wrong" answers are mistakes students really make and must lose them.

The capstone's training budget is 1,000 gradient steps (the notebook's STEP_BUDGET), counted from
the iterations of every Keras optimizer made while the answer runs. With the 455 training rows, an
epoch in batches of b rows is ceil(455 / b) steps: 8 for b = 64, 15 for b = 32, 29 for b = 16.
One right answer spends the budget exactly (125 epochs of 8 steps), so that the boundary is tested
on whatever machine runs the suite: the limit is a count, not the clock.

Every wrong answer's label starts with the one requirement of the task (R1..R9) it breaks, and its
failing check names it. The seed checks (R8) call fit_table_vae twice more, stopped after two steps,
so they cost a model build each, not a training; the held-out rows (R9) are caught before any training.
"""

RIGHT = {
    "hand-written functional encoder and a nested Sequential decoder, scalar sigma, the global seed set from seed": '''
def fit_table_vae(u_train, seed):
    keras.utils.set_random_seed(seed)  # first: every layer built below draws its initial weights from it
    d, latent_dim = u_train.shape[1], 6
    x = keras.Input(shape=(d,))
    h = keras.layers.Dense(48, activation="tanh")(x)
    z_mean = keras.layers.Dense(latent_dim)(h)
    z_log_var = keras.layers.Dense(latent_dim)(h)
    z = layers.Sampling(seed=seed)([z_mean, z_log_var])
    encoder = keras.Model(x, [z_mean, z_log_var, z])
    body = keras.Sequential([keras.layers.Dense(48, activation="tanh"), keras.layers.Dense(96, activation="tanh")])
    code = keras.Input(shape=(latent_dim,))
    decoder = keras.Model(code, keras.layers.Dense(d)(body(code)))
    vae = vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="scalar", seed=seed)
    vae.compile(optimizer=keras.optimizers.Adam(2e-3))
    vae.fit(u_train, epochs=60, batch_size=32, verbose=0)  # 60 epochs of 15 steps: 900 of the 1,000
    return vae
''',
    "the library's builders, two latents, per-feature sigma, a cosine decay over the whole budget of 1,000 steps": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    encoder = encoders.build_dense_encoder(2, image_shape=(d,), hidden_units=(32, 16), activation="elu", seed=seed)
    decoder = decoders.build_dense_decoder(2, image_shape=(d,), hidden_units=(16, 32), activation="elu",
                                           head="linear", seed=seed)
    model = vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature", seed=seed)
    batch_size = 64
    steps_per_epoch = models.steps_per_epoch(len(u_train), batch_size)  # ceil(455 / 64) = 8
    epochs = 1000 // steps_per_epoch  # 125 epochs: exactly 1,000 steps, all of the budget
    models.compile_vae(model, learning_rate=models.cosine_decay(5e-3, epochs, steps_per_epoch))
    model.fit(u_train, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0)
    return model
''',
    "a subclassed decoder body inside a functional model, a fixed small sigma, eight latents, seeds from seed": '''
class WideBody(keras.Model):
    def __init__(self, d, seed):
        super().__init__()
        self.hidden = keras.layers.Dense(128, activation="relu", kernel_initializer=keras.initializers.HeNormal(seed))
        self.head = keras.layers.Dense(d, kernel_initializer=keras.initializers.GlorotUniform(seed + 1))

    def call(self, z):
        return self.head(self.hidden(z))


def fit_table_vae(u_train, seed):
    n_features = u_train.shape[1]
    seeds = np.random.default_rng(seed).integers(0, 2**20, size=3)  # one seed for each random choice
    encoder = encoders.build_dense_encoder(8, image_shape=(n_features,), hidden_units=(128,), seed=int(seeds[0]))
    code = keras.Input(shape=(8,))
    decoder = keras.Model(code, WideBody(n_features, int(seeds[1]))(code))
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="gaussian", sigma=0.3, seed=int(seeds[2])),
                             learning_rate=2e-3)
    vae.fit(u_train, epochs=50, batch_size=64, verbose=0)
    return vae
''',
}

_SOLUTION = '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=SEED)
    decoder = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="linear", seed=SEED)
    vae = vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature", seed=SEED)
    models.compile_vae(vae, learning_rate=3e-3)
    FIT
    return vae
'''
_FIT = "vae.fit(u_train, epochs=60, batch_size=64, verbose=0)"


def _solution(seed="seed", fit=_FIT):
    """The instructor's design with its seeds or its fit replaced: a wrong answer that breaks one thing."""
    return _SOLUTION.replace("SEED", seed).replace("FIT", fit)


# A fifth latent the rows never use: the encoder pins its posterior at 0 with a tiny spread (log-variance -6,
# 2.5 nats of KL), so the held-out ELBO hardly notices what the decoder does with it; codes drawn from the
# prior N(0, I), as generation draws them, reach it in full.
_UNUSED_LATENT = '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    inner = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    x = keras.Input(shape=(d,))
    mean, log_var, _ = inner(x)
    mean = keras.layers.Lambda(lambda m: keras.ops.pad(m, [[0, 0], [0, 1]]))(mean)
    log_var = keras.layers.Lambda(lambda v: keras.ops.pad(v, [[0, 0], [0, 1]], constant_values=-6.0))(log_var)
    encoder = keras.Model(x, [mean, log_var, layers.Sampling(seed=seed + 1)([mean, log_var])])
    body = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="linear", seed=seed)
    code = keras.Input(shape=(5,))
    rows = body(keras.layers.Lambda(lambda c: c[:, :4])(code))
    decoder = keras.Model(code, keras.layers.Lambda(lambda t: t[0] + EXTRA)([rows, code]))
    vae = vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature", seed=seed)
    models.compile_vae(vae, learning_rate=3e-3)
    vae.fit(u_train, epochs=60, batch_size=64, verbose=0)
    return vae
'''

WRONG = {
    "R1: returns what fit returns (its History), not the model": _solution(
        fit="return vae.fit(u_train, epochs=60, batch_size=64, verbose=0)"),
    "R2: the wrong output shape, one column short": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1] - 1  # drops the last column, in and out
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    decoder = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="linear", seed=seed)
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature",
                                           seed=seed), learning_rate=3e-3)
    vae.fit(u_train[:, :d], epochs=5, batch_size=64, verbose=0)  # it fails on its shape, however long it trains
    return vae
''',
    "R2: a decoder that ignores z": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    code = keras.Input(shape=(4,))
    constant = keras.layers.Lambda(lambda z: keras.ops.ones_like(z[:, :1]))(code)
    head = keras.layers.Dense(d, kernel_initializer=keras.initializers.GlorotUniform(seed))
    decoder = keras.Model(code, head(constant))
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature",
                                           seed=seed), learning_rate=3e-3)
    vae.fit(u_train, epochs=60, batch_size=64, verbose=0)
    return vae
''',
    "R3: a sigmoid head with a Bernoulli likelihood on standardised rows": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    decoder = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="sigmoid", seed=seed)
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="bernoulli", seed=seed))
    vae.fit(u_train, epochs=60, batch_size=64, verbose=0)
    return vae
''',
    "R3: min-max scaled to [0, 1] inside, continuous Bernoulli (the model no longer fits the rows it is given)": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    low, high = u_train.min(axis=0), u_train.max(axis=0)
    scaled = (u_train - low) / (high - low)
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    decoder = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="sigmoid", seed=seed)
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="continuous_bernoulli", seed=seed))
    vae.fit(scaled, epochs=5, batch_size=64, verbose=0)  # it fails on its likelihood, however long it trains
    return vae
''',
    "R4: built and compiled, but never trained": _solution(fit="pass"),
    "R4: counts epochs, not steps: 40 epochs in batches of 16 are 1,160 gradient steps, past the budget":
        _solution(fit="vae.fit(u_train, epochs=40, batch_size=16, verbose=0)"),
    "R4: two phases, recompiled in between: the returned optimizer shows 570 steps, the two together 1,140": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    decoder = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="linear", seed=seed)
    vae = vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature", seed=seed)
    for learning_rate in (3e-3, 1e-3):  # a fresh optimizer each time: its count starts again from 0
        models.compile_vae(vae, learning_rate=learning_rate)
        vae.fit(u_train, epochs=10, batch_size=8, verbose=0)  # 10 epochs of 57 steps
    return vae
''',
    "R5: sigma fixed at 1: a hidden beta far too large": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    decoder = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="linear", seed=seed)
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="gaussian", sigma=1.0, seed=seed),
                             learning_rate=3e-3)
    vae.fit(u_train, epochs=60, batch_size=64, verbose=0)
    return vae
''',
    "R5: a model of the table's own units, not of standardised rows (its training diverges)": '''
def fit_table_vae(u_train, seed):
    rows = scaler.inverse_transform(u_train)
    d = rows.shape[1]
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    decoder = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="linear", seed=seed)
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature",
                                           seed=seed), learning_rate=3e-3)
    vae.fit(rows, epochs=60, batch_size=64, verbose=0)
    return vae
''',
    "R6: a latent the rows never use, squared by the decoder: codes from the prior give rows far out of range":
        _UNUSED_LATENT.replace("EXTRA", "20.0 * t[1][:, 4:] ** 2"),
    "R7: a latent the rows never use, added with alternating signs: generated features vary against each other":
        _UNUSED_LATENT.replace(
            "EXTRA", "1.5 * t[1][:, 4:] * keras.ops.convert_to_tensor(np.resize([1.0, -1.0], d), 'float32')"),
    "R8: unseeded: every layer and generator takes Keras's global seed": _solution(seed="None"),
    "R8: a fixed seed inside (Sampling(seed=0)) for the sampling noise, whatever seed it is given": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    inner = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    x = keras.Input(shape=(d,))
    mean, log_var, _ = inner(x)
    encoder = keras.Model(x, [mean, log_var, layers.Sampling(seed=0)([mean, log_var])])  # the layers follow seed
    decoder = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="linear", seed=seed)
    vae = vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature", seed=seed)
    models.compile_vae(vae, learning_rate=3e-3)
    vae.fit(u_train, epochs=60, batch_size=64, verbose=0)
    return vae
''',
    "R9: trained on the test rows, appended to its own": _solution(
        fit="vae.fit(np.concatenate([u_train, u_test]), epochs=60, batch_size=64, verbose=0)"),
    "R9: the test rows as validation data": _solution(
        fit="vae.fit(u_train, validation_data=u_test, epochs=60, batch_size=64, verbose=0)"),
    "R9: the test rows loaded again, for early stopping on them": '''
def fit_table_vae(u_train, seed):
    again = tabular.load_table("breast_cancer", test_fraction=0.2, seed=0)
    check = heads.HEADS["linear"].scaler(again.x_train, per_feature=True).transform(again.x_test)
    d = u_train.shape[1]
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    decoder = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="linear", seed=seed)
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature",
                                           seed=seed), learning_rate=3e-3)
    stop = keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True)
    vae.fit(u_train, validation_data=check, callbacks=[stop], epochs=60, batch_size=64, verbose=0)
    return vae
''',
}

ANSWERS = {"nb07_ex1": {"right": RIGHT, "wrong": WRONG}}

HIDDEN_ONLY = {}
