"""Answers to notebook 07's capstone, graded in tests/test_exercises.py.

Each code string replaces the whole solution cell. "right" answers are sound models the task's
wording allows (other builders, hand-written Keras models, other heads of σ, other sizes) and must
earn the points; "wrong" answers are mistakes students really make and must lose them.

The capstone's training budget is 1,000 gradient steps (the notebook's STEP_BUDGET), counted from
the iterations of every Keras optimizer made while the answer runs. With the 455 training rows, an
epoch in batches of b rows is ceil(455 / b) steps: 8 for b = 64, 15 for b = 32, 29 for b = 16.
One right answer spends the budget exactly (125 epochs of 8 steps), so that the boundary is tested
on whatever machine runs the suite: the limit is a count, not the clock.
"""

RIGHT = {
    "hand-written functional encoder and a nested Sequential decoder, scalar sigma": '''
def fit_table_vae(u_train, seed):
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
    keras.utils.set_random_seed(seed)
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
    "a fixed, small sigma and eight latents": '''
def fit_table_vae(u_train, seed):
    n_features = u_train.shape[1]
    encoder = encoders.build_dense_encoder(8, image_shape=(n_features,), hidden_units=(128,), seed=seed)
    decoder = decoders.build_dense_decoder(8, image_shape=(n_features,), hidden_units=(128,), head="linear",
                                           seed=seed)
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="gaussian", sigma=0.3, seed=seed),
                             learning_rate=2e-3)
    vae.fit(u_train, epochs=50, batch_size=64, verbose=0)
    return vae
''',
}

WRONG = {
    "a sigmoid head with a Bernoulli likelihood on standardised rows": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    decoder = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="sigmoid", seed=seed)
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="bernoulli", seed=seed))
    vae.fit(u_train, epochs=60, batch_size=64, verbose=0)
    return vae
''',
    "min-max scaled to [0, 1] inside, continuous Bernoulli (the model no longer fits the rows it is given)": '''
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
    "built and compiled, but never trained": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    decoder = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="linear", seed=seed)
    return models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature",
                                            seed=seed))
''',
    "a decoder that ignores z": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    code = keras.Input(shape=(4,))
    constant = keras.layers.Lambda(lambda z: keras.ops.ones_like(z[:, :1]))(code)
    decoder = keras.Model(code, keras.layers.Dense(d)(constant))
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature",
                                           seed=seed), learning_rate=3e-3)
    vae.fit(u_train, epochs=60, batch_size=64, verbose=0)
    return vae
''',
    "the wrong output shape, one column short": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    decoder = decoders.build_dense_decoder(4, image_shape=(d - 1,), hidden_units=(64,), head="linear", seed=seed)
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature",
                                           seed=seed), learning_rate=3e-3)
    vae.fit(u_train[:, : d - 1], epochs=5, batch_size=64, verbose=0)  # it fails on its shape, however long it trains
    return vae
''',
    "sigma fixed at 1: a hidden beta far too large": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    decoder = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="linear", seed=seed)
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="gaussian", sigma=1.0, seed=seed),
                             learning_rate=3e-3)
    vae.fit(u_train, epochs=60, batch_size=64, verbose=0)
    return vae
''',
    "counts epochs, not steps: 40 epochs in batches of 16 are 1,160 gradient steps, past the budget": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    decoder = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="linear", seed=seed)
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature",
                                           seed=seed), learning_rate=3e-3)
    vae.fit(u_train, epochs=40, batch_size=16, verbose=0)
    return vae
''',
    "two phases, recompiled in between: the returned optimizer shows 570 steps, the two together 1,140": '''
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
    "trained on the test rows": '''
def fit_table_vae(u_train, seed):
    d = u_train.shape[1]
    encoder = encoders.build_dense_encoder(4, image_shape=(d,), hidden_units=(64,), seed=seed)
    decoder = decoders.build_dense_decoder(4, image_shape=(d,), hidden_units=(64,), head="linear", seed=seed)
    vae = models.compile_vae(vae_keras.VAE(encoder, decoder, likelihood="gaussian", learn_sigma="per_feature",
                                           seed=seed), learning_rate=3e-3)
    vae.fit(np.concatenate([u_train, u_test]), epochs=60, batch_size=64, verbose=0)
    return vae
''',
    "a model of the table's own units, not of standardised rows": '''
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
}

ANSWERS = {"nb07_ex1": {"right": RIGHT, "wrong": WRONG}}
