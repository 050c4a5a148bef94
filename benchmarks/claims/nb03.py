"""Notebook 03's claims: each sentence of its text or model answers that a number of the run decides, and the
expression, evaluated in the notebook's kernel after a full-mode run, that checks it (see check_claims.py)."""

_MAPS = ('[step["output"] for step in checks.layer_steps({model}) '
         'if step["layer"] in ("Conv2D", "Conv2DTranspose")]')
_MIRROR = '(lambda maps: (all(m == [(14, 14, 32), (28, 28, 16), (28, 28, 1)] for m in maps), maps))([{maps}])'

CLAIMS = [
    ("c10, Exercise 1: for a kernel shorter than the stride (k = 1, s = 2), Keras's 'valid' output of 7 pixels "
     "is n·s = 14, not the (n − 1)s + k = 13 where the last stamp ends",
     '(lambda size: (size == 14, size))(keras.layers.Conv2DTranspose(1, 1, strides=2, padding="valid")'
     '.compute_output_shape((None, 7, 7, 1))[1])'),
    ("c10: for the decoders' k = 3, s = 2, 'same' doubles 7 to 14 and 'valid' gives 15",
     '(lambda sizes: (sizes == [14, 15], sizes))([keras.layers.Conv2DTranspose(1, 3, strides=2, padding=p)'
     '.compute_output_shape((None, 7, 7, 1))[1] for p in ("same", "valid")])'),
    ("c14, c25: Exercises 2 and 3 state one mirror rule; both solutions' convolutions give 14×14×32, "
     "28×28×16, 28×28×1",
     _MIRROR.format(maps=", ".join(_MAPS.format(model=m) for m in ("build_transpose_decoder(4)",
                                                                   "build_upsampling_decoder(4)")))),
    ("c2, c7: the trained convolutional decoders follow the same rule (32, then 16 filters): 14×14×32, 28×28×16, "
     "28×28×1",
     _MIRROR.format(maps=_MAPS.format(model="results[kind]['vae'].decoder") + ' for kind in ("transpose", "upsample")')),
    ("c24 model answer (a): 3×3 stamps 2 pixels apart give each interior pixel 1, 2 or 4 stamps",
     '(lambda values: (values == [1.0, 2.0, 4.0], values))(sorted(set(np.unique(list(overlaps.values())[0][1:-1, 1:-1]).tolist())))'),
    ("c24 model answer (a): after copying, every interior pixel sums 9 inputs: a constant stays constant",
     '(lambda values: (values == [9.0], values))(sorted(set(np.unique(list(overlaps.values())[1][1:-1, 1:-1]).tolist())))'),
    ("c24 model answer (b): a 4×4, stride-2 Conv2DTranspose of ones gives every interior pixel 4 stamps",
     '(lambda grid: (set(np.unique(grid[2:-2, 2:-2]).tolist()) == {4.0}, sorted(set(np.unique(grid[2:-2, 2:-2]).tolist()))))'
     '(ops.convert_to_numpy(keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", kernel_initializer="ones", '
     'use_bias=False)(np.ones((1, 6, 6, 1), "float32")))[0, ..., 0])'),
    ("c24 model answer (b), c38: even overlap is not enough: a free random 4×4 kernel turns ones into a "
     "checkerboard, the tied kernel into a constant",
     '(lambda tied, free: (np.ptp(tied) < 1e-5 and np.ptp(free) > 0.1, f"ranges: tied {np.ptp(tied):.1e}, '
     'free {np.ptp(free):.2f}"))(*outputs.values())'),
    ("c23: the untrained transpose decoder's Nyquist share is far above (more than 10×) the upsample decoder's",
     '(lambda a, b: (a > 10 * b, f"{a:.2%} against {b:.2%}"))(nyquist_share["untrained transpose"], '
     'nyquist_share["untrained upsample"])'),
    ("c23: the untrained transpose decoder's Nyquist share is far above (more than 10×) the test images'",
     '(lambda a, b: (a > 10 * b, f"{a:.2%} against {b:.2%}"))(nyquist_share["untrained transpose"], '
     'nyquist_share["test images"])'),
    ("c43: the untrained upsample decoder's Nyquist share is under 1%, the transpose decoder's about a quarter",
     '(lambda u, t: (u < 0.01 and 0.15 < t < 0.35, f"upsample {u:.2%}, transpose {t:.2%}"))'
     '(nyquist_share["untrained upsample"], nyquist_share["untrained transpose"])'),
    ("c43: the untrained transpose decoder's spectrum has bright spots halfway out (frequency index 7, period 4): "
     "more than 3× the upsample decoder's share of energy there",
     '(lambda share: (lambda t, u: (t > 3 * u, f"share on the period-4 rows and columns: transpose {t:.2%}, "'
     'f"upsample {u:.2%}"))(share(results["transpose"]["untrained"]), share(results["upsample"]["untrained"])))'
     '(lambda images: (lambda p: float(p[:, [7, 21], :].sum() + p[:, :, [7, 21]].sum()) / float(p.sum()))'
     '(analysis.power_spectrum(images)))'),
    ("c23, c43: after training, both decoders' Nyquist shares end far below the digits' (under half of them, "
     "hundredths of a percent): training removed the pattern the transpose decoder started with",
     '(lambda t, u, d: (t < 0.5 * d and u < 0.5 * d and max(t, u) < 0.001, '
     'f"transpose {t:.3%}, upsample {u:.3%}, test images {d:.2%}"))'
     '(nyquist_share["trained transpose"], nyquist_share["trained upsample"], nyquist_share["test images"])'),
    ("c43: after three epochs the transpose decoder has a worse validation -ELBO than the upsample decoder (the "
     "hypothesis the text names starts from this)",
     '(lambda v: (v["transpose"] > v["upsample"], f"validation -ELBO {v}"))'
     '({k: round(r["history"]["val_loss"][-1], 1) for k, r in results.items()})'),
    ("c31, c33: the two decoders have the same parameters; upsample has 4× the multiply-adds in its upsampling layers",
     '(transpose_decoder.count_params() == upsample_decoder.count_params() and multiply_adds["upsample_decoder"] '
     '== 4 * multiply_adds["transpose_decoder"], f"{transpose_decoder.count_params()} parameters each; "'
     'f"multiply-adds {multiply_adds}")'),
    ("c43: on a CPU the dense decoder is the fastest per epoch and upsample the slowest (CPU seconds per epoch; "
     "the clock's seconds shown beside them)",
     '(lambda cpu, wall: (cpu["dense"] < cpu["transpose"] < cpu["upsample"], f"CPU s per epoch {cpu}; clock {wall}"))'
     '({k: round(r["cpu_seconds_per_epoch"], 1) for k, r in results.items()}, '
     '{k: round(r["seconds_per_epoch"], 1) for k, r in results.items()})'),
    ("c48: every model's training loss fell from the first epoch to the last",
     '(lambda losses: (all(l[-1] < l[0] for l in losses.values()), losses))'
     '({k: [round(v, 1) for v in r["history"]["loss"]] for k, r in results.items()})'),
    ("c2, c19: the three trainings (10,000 images, 3 epochs each) took under 150 s of CPU time together, "
     "so under 150 s of an idle 2-core machine's clock",
     '(lambda cpu, wall: (cpu < 150, f"{cpu:.0f} s of CPU time; {wall:.0f} s on the clock of this run"))'
     '(sum(r["cpu_seconds_per_epoch"] for r in results.values()) * epochs, '
     'sum(r["seconds_per_epoch"] for r in results.values()) * epochs)'),
    ("README (5-minute budget): the whole notebook took under 300 s of CPU time in its kernel, so it fits in 5 "
     "minutes of an idle 2-core machine",
     '(lambda cpu: (cpu < 300, f"{cpu:.0f} s of CPU time"))(time.process_time())'),
]
