"""Claims of notebooks/02_output_heads_and_losses.ipynb, checked on a full-mode run by benchmarks/check_claims.py.

Each expression runs in the notebook's kernel after every cell has run, and returns (passed, value).
"""

MATCHED = '("sigmoid", "tanh", "linear")'
# Per image, the standard deviation of its pixels: near 0 for a flat grey image, about 0.2 for a drawn digit.
SPREAD = "(lambda images: np.asarray(images, dtype='float64').reshape(len(images), -1).std(axis=1))"
# c31: a linear-head VAE on [0, 1] pixels with the figure's linear model's weights, its encoder's first
# layer and its decoder's last layer rescaled, sigma at the same 0.2 pixels; returns (largest output gap
# in pixels, spread and mean over images of the standardised model's -log p(x|z) minus the pixel model's,
# and -D log s, the constant they should differ by: D log sigma_std = D log sigma_pixels - D log s).
RESCALED = '''
def _rescaled_check():
    source, s, m = models["linear"], float(scalers["linear"].std), float(scalers["linear"].mean)
    target = vae_keras.build_vae(latent_dim=latent_dim, head="linear", likelihood="gaussian", sigma=sigma_pixels, seed=0)
    target.encoder.set_weights(source.encoder.get_weights())
    target.decoder.set_weights(source.decoder.get_weights())
    dense = lambda model: [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    first, last = dense(target.encoder)[0], [l for l in dense(target.decoder) if l.name == "logits"][0]
    w, b = first.get_weights()
    first.set_weights([w / s, b - (m / s) * w.sum(axis=0)])
    w, b = last.get_weights()
    last.set_weights([s * w, s * b + m])
    gap = np.abs(target.reconstruct(x_eval) - pixels["linear"]).max()
    z_mean = source.encode(scalers["linear"].transform(x_eval))[0]
    rec = lambda model, x: ops.convert_to_numpy(losses.reconstruction_loss(x, model.decode(z_mean), "gaussian", log_sigma=np.log(model.sigma)))
    loss_gap = rec(source, scalers["linear"].transform(x_eval)) - rec(target, x_eval)
    return float(gap), float(np.ptp(loss_gap)), float(np.mean(loss_gap)), -x_eval[0].size * np.log(s)
'''

CLAIMS = [
    # c6/c10: the table.
    ("c10: the matched heads' RMS errors are about equal (within 0.01 pixels)",
     "(lambda r: (max(r) - min(r) < 0.01, [round(v, 4) for v in r]))([rows[i]['RMS error (pixels)'] for i in range(3)])"),
    ("c10/c21: the matched models' KLs are alike, about 20 nats",
     "(lambda k: (min(k) > 15 and max(k) < 30 and max(k) - min(k) < 5, [round(v, 1) for v in k]))("
     "[rows[i]['KL (nats)'] for i in range(3)])"),
    ("c10/c21: the mismatched model's KL is a few nats (collapsed or nearly): under 10, under a third of each matched one's",
     "(lambda k, matched: (k < 10 and k < min(matched) / 3, f'{k:.2f} nats, matched {[round(v, 1) for v in matched]}'))("
     "rows[3]['KL (nats)'], [rows[i]['KL (nats)'] for i in range(3)])"),
    ("c8: the mismatch's background is a flat mid-grey: no pixel below 0.5, each image's median 0.5",
     "(lambda P: (P.min() >= 0.5 and np.allclose(np.median(P.reshape(len(P), -1), axis=1), 0.5, atol=0.01), "
     "f'min {P.min():.3f}, medians {np.median(P.reshape(len(P), -1), axis=1).round(3)}'))(pixels['mismatch'][:8])"),
    ("c8/c10: the last row's strokes are gone or faint: its 8 images' pixels vary under a quarter as much as the matched rows'",
     f"(lambda mis, matched: (mis.mean() < 0.25 * matched.mean(), f'mismatch per-image std {{mis.round(3)}} "
     f"(mean {{mis.mean():.3f}}), matched mean {{matched.mean():.3f}}'))({SPREAD}(pixels['mismatch'][:8]), "
     f"np.concatenate([{SPREAD}(pixels[n][:8]) for n in {MATCHED}]))"),
    ("c8: ... and its samples are grey too (under a third of the matched models' samples' variation)",
     f"(lambda mis, matched: (mis.mean() < matched.mean() / 3, f'{{mis.mean():.3f}} against {{matched.mean():.3f}}'))("
     f"{SPREAD}(samples['mismatch']), np.concatenate([{SPREAD}(samples[n]) for n in {MATCHED}]))"),
    ("c8: the mismatch's RMS error is far above the matched models' (the table's evidence)",
     "(rows[3]['RMS error (pixels)'] > 2 * max(rows[i]['RMS error (pixels)'] for i in range(3)), "
     "round(rows[3]['RMS error (pixels)'], 3))"),
    ("c10: a third of the linear head's values leave [0, 1]",
     "(0.2 < rows[2]['outside [0, 1]'] < 0.45, f\"{rows[2]['outside [0, 1]']:.1%}\")"),
    ("c10: ... most of them by less than 0.05 pixels",
     "(lambda L: (lambda outside, far: (far / outside < 0.5, f'{far / outside:.1%} of those outside are more than 0.05 out'))("
     "np.mean((L < 0) | (L > 1)), np.mean((L < -0.05) | (L > 1.05))))(pixels['linear'])"),
    ("c10: ... and fewer than 1 in 500 reach full colour (0.25 outside)",
     "(lambda share: (share < 1 / 500, f'{share:.3%}'))(np.mean((pixels['linear'] < -0.25) | (pixels['linear'] > 1.25)))"),
    # c21/c22: Keras's "mse".
    ("c21: Keras's 'mse' is the summed squared error divided by D = 784",
     "(abs(mse_ratio - 784) < 0.5, round(mse_ratio, 2))"),
    ("c21: 2 sigma^2 = D gives sigma of about 19.8",
     "(abs(np.sqrt(784 / 2) - 19.8) < 0.05, round(float(np.sqrt(784 / 2)), 2))"),
    # c29/c30: BCE against a target of -1.
    ("c29: BCE against x = -1 falls to log 1e-7, about -16.1, where the loss clips x_hat",
     "(abs(bce_curves[-1.0].min() - np.log(1e-7)) < 0.05, round(float(bce_curves[-1.0].min()), 2))"),
    ("c30: the figure shows every curve whole, its legend beside the axes",
     "(lambda fig: (lambda ax: (all(ax.get_ylim()[0] < c.min() and c.max() < ax.get_ylim()[1] for c in bce_curves.values()), "
     "[round(float(v), 1) for v in ax.get_ylim()]))(fig.axes[0]))(figures.plot_bce_curves(x_hat, bce_curves))"),
    # c31: the rescaled model.
    ("c31: rescaling the encoder's first and the decoder's last layer gives the linear model's outputs in pixels, "
     "and a loss that differs by the constant D log s",
     f"(exec({RESCALED!r}, globals()), (lambda gap, spread, mean, const: (gap < 1e-4 and spread < 1e-2 and "
     f"abs(mean - const) < 1e-2, f'outputs differ by {{gap:.1e}}; loss gap {{mean:.3f}} (spread {{spread:.1e}}), "
     f"-D log s = {{const:.3f}}'))(*_rescaled_check()))[1]"),
]
