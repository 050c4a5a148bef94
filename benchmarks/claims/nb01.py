"""Claims of notebooks/01_dense_decoder.ipynb, checked on a full-mode run by benchmarks/check_claims.py.

Each expression runs in the notebook's kernel after every cell has run, and returns (passed, value).
"""

# The digit of each image, read as the label of its nearest training image (pixel distance):
# a plain 1-nearest-neighbour classifier, enough to tell which digit a decoded image looks like.
NEAREST_DIGIT = ("(lambda images, X=x_train.reshape(len(x_train), -1): data.y_train[np.argmin("
                 "(X ** 2).sum(1)[None, :] - 2 * np.asarray(images).reshape(len(images), -1) @ X.T, axis=1)])")
# The 15 × 15 tiles of the latent grid of section "The decoder as a function", as (15, 15, 784).
TILES = ("np.asarray(manifold.axes[0].images[0].get_array()).reshape(15, 28, 15, 28)"
         ".transpose(0, 2, 1, 3).reshape(15, 15, 784)")
# True where a tile's nearest-digit label differs from a horizontal or vertical neighbour's.
BORDER = ("(lambda lab: np.pad(lab[:, 1:] != lab[:, :-1], ((0, 0), (0, 1))) | np.pad(lab[:, 1:] != lab[:, :-1], "
          "((0, 0), (1, 0))) | np.pad(lab[1:] != lab[:-1], ((0, 1), (0, 0))) | np.pad(lab[1:] != lab[:-1], ((1, 0), (0, 0))))")
# Mean per-pixel Bernoulli entropy of each tile, in nats: high when the decoder hedges.
ENTROPY = "(lambda p: -(p * np.log(p) + (1 - p) * np.log(1 - p)).mean(-1))(np.clip({tiles}, 1e-6, 1 - 1e-6))"

CLAIMS = [
    # c6: the reconstruction term is a -log p(x|z); the loss, the -ELBO, an upper bound on -log p(x).
    ("c6: the negative ELBO is an upper bound on -log p(x) (importance-weighted NLL, k = 100, 500 test images, "
     "below it)",
     "(lambda nll, loss: (nll < loss, f'NLL {nll:.1f} < -ELBO {loss:.1f} nats'))("
     "__import__('vae_keras.evaluation', fromlist=['_']).importance_weighted_nll(vae, x_test_binary[:500], k=100, seed=0), "
     "vae.evaluate(x_test_binary[:500], verbose=0, return_dict=True)['loss'])"),
    # c22: what to look for while training.
    ("c22: the loss falls on training and test data",
     "(logs['loss'][-1] < logs['loss'][0] and logs['val_loss'][-1] < logs['val_loss'][0], "
     "f\"loss {logs['loss'][0]:.1f} -> {logs['loss'][-1]:.1f}, val_loss {logs['val_loss'][0]:.1f} -> "
     "{logs['val_loss'][-1]:.1f}\")"),
    ("c22: the drop is all in the reconstruction term (it falls at least as much as the loss)",
     "(lambda drop, rec: (rec >= 0.95 * drop, f'loss fell {drop:.1f}, reconstruction_loss {rec:.1f} nats'))("
     "logs['loss'][0] - logs['loss'][-1], logs['reconstruction_loss'][0] - logs['reconstruction_loss'][-1])"),
    ("c22: the KL term stays a few nats, a small part (< 10 %) of the loss",
     "(1 <= logs['kl_loss'][-1] <= 15 and logs['kl_loss'][-1] / logs['loss'][-1] < 0.1, "
     "f\"kl_loss {logs['kl_loss'][-1]:.2f} of loss {logs['loss'][-1]:.1f}\")"),
    # c25/c26: the latent grid.
    ("c25/c26: each tick gives the z its tile was decoded at (prior quantiles 2.5 % .. 97.5 %)",
     "(lambda got, want: (got == want, got))("
     "[t.get_text() for t in manifold.axes[0].get_xticklabels()], "
     "[f'{z:.2f}' for z in __import__('scipy.stats').stats.norm.ppf(np.linspace(0.025, 0.975, 15)).astype('float32')])"),
    ("c25: the tiles lie closer together near 0 than near the edges",
     "(lambda z: (z[8] - z[7] < z[-1] - z[-2], f'step near 0 {z[8] - z[7]:.2f}, at the edge {z[-1] - z[-2]:.2f}'))("
     "__import__('scipy.stats').stats.norm.ppf(np.linspace(0.025, 0.975, 15)))"),
    ("c25: regions of one digit each: the tiles show (nearly) every digit, and most neighbours show the same one",
     f"(lambda lab: (len(set(lab.ravel())) >= 8 and np.mean(np.r_[(lab[:, 1:] == lab[:, :-1]).ravel(), "
     f"(lab[1:] == lab[:-1]).ravel()]) >= 0.6, f'{{len(set(lab.ravel()))}} digits; neighbours alike ' "
     f"f'{{np.mean(np.r_[(lab[:, 1:] == lab[:, :-1]).ravel(), (lab[1:] == lab[:-1]).ravel()]):.0%}}'))("
     f"{NEAREST_DIGIT}({TILES}.reshape(225, 784)).reshape(15, 15))"),
    ("Q1 (a): neighbouring tiles look alike: much closer (pixel distance) than two tiles picked at random",
     f"(lambda T: (lambda near, far: (near < 0.5 * far, f'neighbours {{near:.2f}}, random pairs {{far:.2f}}'))("
     f"np.r_[np.linalg.norm(T[:, 1:] - T[:, :-1], axis=-1).ravel(), np.linalg.norm(T[1:] - T[:-1], axis=-1).ravel()].mean(), "
     f"np.linalg.norm(T.reshape(225, 1, 784) - T.reshape(1, 225, 784), axis=-1)[np.triu_indices(225, 1)].mean()))({TILES})"),
    ("Q1 (b): tiles on a border between two digits hedge: higher per-pixel entropy than tiles inside a region",
     f"(lambda T: (lambda border, H: (H[border].mean() > H[~border].mean(), "
     f"f'entropy {{H[border].mean():.3f}} on {{border.sum()}} border tiles, {{H[~border].mean():.3f}} inside'))("
     f"{BORDER}({NEAREST_DIGIT}(T.reshape(225, 784)).reshape(15, 15)), {ENTROPY.format(tiles='T')}))({TILES})"),
    # c30/c31: reconstructions.
    ("c30: the two sampled rows look the same: they differ far less (< 1/5) than two digits' reconstructions",
     "(draw_gap < 0.2 * digit_gap, f'{draw_gap:.4f} against {digit_gap:.3f} per pixel')"),
    ("c30: ... and like the row from mu",
     "(lambda gap: (gap < 0.2 * digit_gap, f'{gap:.4f} against {digit_gap:.3f} per pixel'))("
     "float(np.abs(from_sample - from_mean).mean()))"),
    ("c30: the posterior's typical sigma is a few hundredths",
     "(posterior_sigma < 0.1, round(posterior_sigma, 3))"),
    ("c30: the means are spread over about ±1 (standard deviation 0.7 to 1.5 per latent)",
     "(bool(np.all((test_means.std(axis=0) > 0.7) & (test_means.std(axis=0) < 1.5))), test_means.std(axis=0).round(2))"),
    ("c30: every reconstruction is blurred: a large share (> 25 %) of each one's inked pixels is grey (0.1 to 0.9)",
     "(lambda share: (share.min() > 0.25, share.round(2)))("
     "(((from_mean > 0.1) & (from_mean < 0.9)).reshape(10, -1).sum(1) / (from_mean > 0.1).reshape(10, -1).sum(1)))"),
    ("c30: some reconstructions come out as another digit, from mu as from a draw",
     f"(lambda mean, draw: ((mean != data.y_test[:10]).any() and (draw == mean).mean() >= 0.8, "
     f"f'true {{data.y_test[:10]}}, from mu {{mean}}, from a draw {{draw}}'))("
     f"{NEAREST_DIGIT}(from_mean), {NEAREST_DIGIT}(from_sample))"),
    # c35/c36: binary draws.
    ("c35: two binary draws differ only at grey pixels, and do differ there",
     "(lambda differ: (differ.any() and bool(np.all((x_test[:10][differ] > 0) & (x_test[:10][differ] < 1))), "
     "f'{differ.sum()} pixels differ, all grey'))(x_test_binary[:10] != another_draw)"),
    ("c35: the share of binarized pixels on matches the mean grey level",
     "(abs(x_test_binary.mean() - x_test.mean()) < 0.005, f'{x_test_binary.mean():.4f} vs {x_test.mean():.4f}')"),
    # c37/c38: the loss before training.
    ("c37: before training, the reconstruction loss is close to 784 log 2 and the KL near 0",
     "(abs(untrained['reconstruction_loss'] - 784 * np.log(2)) < 0.02 * 784 * np.log(2) and untrained['kl_loss'] < 1, "
     "{k: round(v, 2) for k, v in untrained.items()})"),
    # c39/c40: the mirror image.
    ("c40: the encoder prints 784 -> 512 -> 256 -> (2 means, 2 log-variances); the decoder mirrors it",
     "(encoder_widths == [784, 512, 256] and code_widths == {'z_mean': 2, 'z_log_var': 2} "
     "and decoder_widths == [2, 256, 512, 784], (encoder_widths, code_widths, decoder_widths))"),
    # c41/c42: the non-linearity.
    ("c41: two affine maps against one differ by rounding only; with a ReLU between, by far more",
     "(lambda one, relu: (one < 1e-4 and relu > 1e-2, f'{one:.1e}, {relu:.1e}'))("
     "np.abs(two_affine_maps - one_affine_map).max(), np.abs(relu_between - one_affine_map).max())"),
    ("c41: both residuals of the ReLU decoder are far above rounding (> 1e-3)",
     "(min(residuals) > 1e-3, [round(r, 3) for r in residuals])"),
    # c44/c45: activations.
    ("c44: LeakyReLU's negative slope is 0.2 for the function, 0.3 for the layer",
     "(np.isclose(slopes['leaky_relu function (default)'], 0.2) and np.isclose(slopes['LeakyReLU layer (default)'], 0.3), "
     "{k: round(v, 3) for k, v in slopes.items()})"),
    # c47/c48: the library's sampling layer.
    ("c47: Sampling's draws give back mu = (1, -2) and sigma = (0.5, 1)",
     "(np.allclose(z.mean(axis=0), [1, -2], atol=0.03) and np.allclose(z.std(axis=0), [0.5, 1], atol=0.03), "
     "(z.mean(axis=0).round(3), z.std(axis=0).round(3)))"),
]
