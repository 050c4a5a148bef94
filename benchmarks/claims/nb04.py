"""Claims of notebooks/04_generating_new_data.ipynb, checked on a full-mode run by benchmarks/check_claims.py.

Each expression runs in the notebook's kernel after every cell has run, and returns (passed, value).
"""

# The digit an image looks like: the label of its nearest training image (a 1-nearest-neighbour classifier).
NEAREST_DIGIT = ("(lambda images, X=data.x_train.reshape(len(data.x_train), -1): data.y_train[np.argmin("
                 "(X ** 2).sum(1)[None, :] - 2 * np.asarray(images).reshape(len(images), -1) @ X.T, axis=1)])")
# Each image's distance to its nearest test image of `reference` (Q of one image).
EACH_Q = "(lambda images: np.array([analysis.nearest_distance(image[None], reference) for image in images]))"
# Mean per-pixel Bernoulli entropy of images, in nats: higher for blurrier (more hedged) images.
ENTROPY = ("(lambda images: float((lambda p: -(p * np.log(p) + (1 - p) * np.log(1 - p)).mean())("
           "np.clip(np.asarray(images, dtype='float64'), 1e-6, 1 - 1e-6))))")
# The 15 × 15 tiles of section 3's latent grid, as (15, 15, 784).
TILES = ("np.asarray(manifold.axes[0].images[0].get_array()).reshape(15, 28, 15, 28)"
         ".transpose(0, 2, 1, 3).reshape(15, 15, 784)")
# The decoded frames of section 2's walk (the same 10 codes as the figure), and the row of the sweep table.
FRAMES = "vae.decode(walk).reshape(10, -1)"
ROW = "(lambda d, b: next(r for r in rows if r['latent_dim'] == d and r['beta'] == b))"
VAES = "[r for r in rows if r['latent_dim'] != 'real' and r['beta'] != '0']"
REAL = "next(r for r in rows if r['latent_dim'] == 'real')"
VAE_KEY, AE_KEY = "'VAE (β = 1)'", "'plain autoencoder (β = 0)'"

CLAIMS = [
    # c7: the lesson in one figure.
    ("c7: both reconstruct well, the autoencoder (no KL term) even better",
     "(lambda v, a: (a < v < 1.5 * a, f'reconstruction_loss VAE {v:.1f}, autoencoder {a:.1f} nats'))("
     "vae.evaluate(x_test_binary, batch_size=500, verbose=0, return_dict=True)['reconstruction_loss'], "
     "autoencoder.evaluate(x_test_binary, batch_size=500, verbose=0, return_dict=True)['reconstruction_loss'])"),
    ("c7: the VAE's samples are closer to real digits (Q) than the autoencoder's",
     f"(lambda v, a: (v < a - 1, f'Q VAE {{v:.2f}}, autoencoder {{a:.2f}}'))("
     f"analysis.nearest_distance(prior_samples[{VAE_KEY}], reference), "
     f"analysis.nearest_distance(prior_samples[{AE_KEY}], reference))"),
    ("c7: the VAE's samples are all different",
     f"(lambda F: (lambda d: (d.min() > 1, f'closest pair {{d.min():.2f}} apart'))("
     f"np.linalg.norm(F[:, None] - F[None], axis=-1)[np.triu_indices(len(F), 1)]))("
     f"prior_samples[{VAE_KEY}].reshape(40, -1))"),
    ("c7: the VAE's samples are mostly recognisable digits, of most kinds: at least 8 digits among 40 (1-NN)",
     f"(lambda lab: (len(set(lab)) >= 8, sorted(__import__('collections').Counter(lab.tolist()).items())))("
     f"{NEAREST_DIGIT}(prior_samples[{VAE_KEY}]))"),
    ("c7: ... with some smudges: the VAE's farthest samples are as far from real digits as the autoencoder's closest",
     f"(lambda v, a: (v.max() > a.min(), f'VAE Q {{v.min():.2f}} .. {{v.max():.2f}}, autoencoder {{a.min():.2f}} .. {{a.max():.2f}}'))("
     f"{EACH_Q}(prior_samples[{VAE_KEY}]), {EACH_Q}(prior_samples[{AE_KEY}]))"),
    ("c7: the autoencoder's samples are grey hazes: its background (outer 4-pixel frame) is far brighter than the VAE's",
     f"(lambda frame: (lambda v, a: (a > 5 * v, f'mean background VAE {{v:.3f}}, autoencoder {{a:.3f}}'))("
     f"prior_samples[{VAE_KEY}][:, frame].mean(), prior_samples[{AE_KEY}][:, frame].mean()))("
     f"~np.pad(np.ones((20, 20), bool), 4))"),
    # Q1 (c10).
    ("Q1: the autoencoder's codes sit at their own scale and offset, far from N(0, I); the VAE's near it",
     "(lambda v, a, s: (a > 10 * v and s.min() > 2, f'distance_from_prior VAE {v:.3f}, AE {a:.2f}; AE stds {s.min():.1f} .. {s.max():.1f}'))("
     "analysis.distance_from_prior(codes['VAE, beta = 1']), analysis.distance_from_prior(codes['plain autoencoder, beta = 0']), "
     "codes['plain autoencoder, beta = 0'].std(axis=0))"),
    ("Q1: prior samples land where the autoencoder's decoder never trained: < 5 % of its training codes lie in "
     "the ball that holds 95 % of N(0, I)",
     "(lambda share: (share < 0.05, f'{share:.1%} inside'))(float(np.mean(np.linalg.norm(train_codes, axis=1) < "
     "np.sqrt(__import__('scipy.stats').stats.chi2.ppf(0.95, train_codes.shape[1])))))"),
    ("Q1 fix: a Gaussian fitted to the autoencoder's codes gives samples much closer to real digits",
     "(lambda t: (t[2]['Q (nearest real)'] < t[1]['Q (nearest real)'] - 1, "
     "f\"Q from the prior {t[1]['Q (nearest real)']:.2f}, from the fitted Gaussian {t[2]['Q (nearest real)']:.2f}\"))(table)"),
    # Section 2: the walk (c14, c17, c18).
    ("c17: the pixel blend midway shows both digits at once (each digit's strokes at least half as bright)",
     "(lambda xa, xb: (lambda blend: (blend[xa > 0.5].mean() >= 0.45 and blend[xb > 0.5].mean() >= 0.45, "
     "f'{blend[xa > 0.5].mean():.2f} on the 1, {blend[xb > 0.5].mean():.2f} on the 0'))(0.5 * (xa + xb)))("
     "data.x_test[a], data.x_test[b])"),
    ("c17: no clean morph: the 1 fades (its own pixels dim) while the 0 grows in (its pixels brighten)",
     f"(lambda F: (lambda one, zero: (lambda p1, p0: (p1[-1] < 0.5 * p1[0] and p0[-1] > 2 * p0[0], "
     f"f'on the 1: {{p1.round(2)}}; on the 0: {{p0.round(2)}}'))(F[:, one].mean(1), F[:, zero].mean(1)))("
     f"(F[0] > 0.5) & (F[-1] < 0.2), (F[-1] > 0.5) & (F[0] < 0.2)))({FRAMES})"),
    ("c17: blurred frames midway: the most blurred frame (mean pixel entropy) is a middle one, blurrier than both ends",
     f"(lambda F: (lambda H: (H[1:-1].max() > max(H[0], H[-1]), f'entropy per frame {{H.round(3)}}'))("
     f"np.array([{ENTROPY}(f) for f in F])))({FRAMES})"),
    ("c17: ... further from any real digit (Q of one frame, against the test images) than either end",
     f"(lambda q: (q[1:-1].max() > max(q[0], q[-1]), f'Q per frame {{q.round(2)}}'))({EACH_Q}({FRAMES}.reshape(10, 28, 28, 1)))"),
    ("c40: the middle of the walk runs closer to the origin than almost every training code (< 2 %)",
     "(lambda share: (share < 0.02, f'{share:.1%} of training codes are shorter than the walk shortest code'))("
     "float(np.mean(train_norms < np.linalg.norm(walk, axis=1).min())))"),
    ("c40: the walk's shortest code is in its middle, shorter than both ends",
     "(lambda r: (0 < int(np.argmin(r)) < 9 and r.min() < min(r[0], r[-1]), r.round(2)))(np.linalg.norm(walk, axis=1))"),
    # Section 3: the 2-D latent grid (c19, c20).
    ("c19: each tick gives the code of its tile (prior quantiles 2.5 % .. 97.5 %)",
     "(lambda got, want: (got == want, got))("
     "[t.get_text() for t in manifold.axes[0].get_xticklabels()], "
     "[f'{z:.2f}' for z in __import__('scipy.stats').stats.norm.ppf(np.linspace(0.025, 0.975, 15)).astype('float32')])"),
    ("c19: small changes between neighbours: neighbouring tiles far closer than random pairs",
     f"(lambda T: (lambda near, far: (near < 0.5 * far, f'neighbours {{near:.2f}}, random pairs {{far:.2f}}'))("
     f"np.r_[np.linalg.norm(T[:, 1:] - T[:, :-1], axis=-1).ravel(), np.linalg.norm(T[1:] - T[:-1], axis=-1).ravel()].mean(), "
     f"np.linalg.norm(T.reshape(225, 1, 784) - T.reshape(1, 225, 784), axis=-1)[np.triu_indices(225, 1)].mean()))({TILES})"),
    ("c19: regions unequal: a few digits (the 4 largest) own over half the tiles; the smallest region is at most 1/5 "
     "of the largest, or none",
     f"(lambda lab: (lambda counts: (sum(sorted(counts)[-4:]) > 0.5 * 225 and min(counts) <= max(counts) / 5, "
     f"dict(enumerate(counts))))([int((lab == k).sum()) for k in range(10)]))({NEAREST_DIGIT}({TILES}.reshape(225, 784)))"),
    # Section 4 (c23, c28, c30) and Question 2.
    ("c30: the autoencoder's samples lie furthest from real digits (the highest Q)",
     f"(lambda ae, others: (ae > max(others), f'autoencoder {{ae:.2f}}, the others at most {{max(others):.2f}}'))("
     f"{ROW}(16, '0')['Q (nearest real)'], [r['Q (nearest real)'] for r in {VAES}])"),
    ("c30: among the VAEs, the largest beta gives the smallest KL and the lowest D at each latent size",
     f"(lambda ok: (all(ok.values()), ok))({{d: min((r for r in {VAES} if r['latent_dim'] == d), key=lambda r: r['kl_loss'])['beta'] == '4' "
     f"and min((r for r in {VAES} if r['latent_dim'] == d), key=lambda r: r['D (diversity)'])['beta'] == '4' for d in (2, 16)}})"),
    ("c30: no model comes near the real digits' D (all below 80 % of it)",
     f"(lambda most, real: (most < 0.8 * real, f'highest model D {{most:.2f}}, real digits {{real:.2f}}'))("
     f"max(r['D (diversity)'] for r in rows if r['latent_dim'] != 'real'), {REAL}['D (diversity)'])"),
    ("Q2: 16 latents, beta = 0.5 and 1 have the highest D of all models, well below the real digits'",
     f"(lambda ranked: ({{(r['latent_dim'], r['beta']) for r in ranked[:2]}} == {{(16, '0.5'), (16, '1')}} and "
     f"ranked[0]['D (diversity)'] < 0.8 * {REAL}['D (diversity)'], "
     f"[(r['latent_dim'], r['beta'], round(r['D (diversity)'], 2)) for r in ranked[:3]]))("
     f"sorted((r for r in rows if r['latent_dim'] != 'real'), key=lambda r: -r['D (diversity)']))"),
    ("Q2: blurrier samples (2 latents; beta = 4) score as low a Q as 16 latents, beta = 0.5 and 1, or lower",
     f"(lambda q: (max(q[k] for k in [(2, '1'), (2, '4'), (16, '4')]) <= min(q[(16, '0.5')], q[(16, '1')]) + 0.02, q))("
     f"{{(d, b): round({ROW}(d, b)['Q (nearest real)'], 2) for d, b in [(2, '1'), (2, '4'), (16, '4'), (16, '0.5'), (16, '1')]}})"),
    ("Q2: ... and they are the blurrier ones (higher mean pixel entropy)",
     f"(lambda h: (all(h[k] > h[(16, 1.0)] for k in [(2, 1.0), (2, 4.0), (16, 4.0)]), h))("
     f"{{k: round({ENTROPY}(v), 3) for k, v in sweep_samples.items()}})"),
    ("Q2: every VAE's Q is about that of real digits (within 10 %)",
     f"(lambda real, q: (all(abs(x - real) <= 0.1 * real for x in q), f'real {{real:.2f}}, VAEs {{[round(x, 2) for x in q]}}'))("
     f"{REAL}['Q (nearest real)'], [r['Q (nearest real)'] for r in {VAES}])"),
    # Going deeper (c33 .. c44).
    ("c33: prior samples where the training codes are thin decode to poorer images (Q of the quarter of 400 prior "
     "samples with the lowest aggregate-posterior density q(z)/p(z) vs the highest)",
     "(lambda mu, lv, zp: (lambda r, q: (q[np.argsort(r)[:100]].mean() > q[np.argsort(r)[-100:]].mean(), "
     "f'Q {q[np.argsort(r)[:100]].mean():.2f} where q(z) is thin, {q[np.argsort(r)[-100:]].mean():.2f} where dense'))("
     "np.array([__import__('scipy.special').special.logsumexp(-0.5 * (((z - mu) ** 2) / np.exp(lv) + lv).sum(1)) "
     "+ 0.5 * (z ** 2).sum() for z in zp]), "
     "np.array([analysis.nearest_distance(image[None], reference) for image in vae.decode(zp)])))("
     "*vae.encode(datasets.binarize(data.x_train[:5000], seed=1))[:2], "
     "np.random.default_rng(11).standard_normal((400, 16)).astype('float32'))"),
    ("c33: the autoencoder's posterior width shrinks towards 0; the VAE's does not",
     "(lambda a, v: (a < 0.01 and v > 0.1, f'median sigma AE {a:.4f}, VAE {v:.3f}'))("
     "float(np.median(np.exp(0.5 * autoencoder.encode(x_test_binary)[1]))), "
     "float(np.median(np.exp(0.5 * vae.encode(x_test_binary)[1]))))"),
    ("c36: from the fitted Gaussian, sharp digits: lower pixel entropy than the autoencoder's and the VAE's prior samples",
     f"(lambda h: (h[2] < min(h[0], h[1]), [round(x, 3) for x in h]))([{ENTROPY}(v) for v in fitted_sets.values()])"),
    ("c36: ... closer to real digits (Q) and more varied (D) than its prior samples, more varied even than the VAE's",
     "(lambda v, a, f: (f['Q (nearest real)'] < a['Q (nearest real)'] and f['D (diversity)'] > a['D (diversity)'] "
     "and f['D (diversity)'] > v['D (diversity)'], [(round(r['Q (nearest real)'], 2), round(r['D (diversity)'], 2)) "
     "for r in (v, a, f)]))(*table[:3])"),
    ("c38: the 2-D cloud sits around the origin with a spread near one",
     "(lambda m, s: (bool(np.all(np.abs(m) < 0.5) and np.all((s > 0.8) & (s < 1.3))), (m.round(2), s.round(2))))("
     "z_mean_2d.mean(axis=0), z_mean_2d.std(axis=0))"),
    ("c38: ... but fills the prior unevenly: fewer than 95 % (but most) of the codes inside the 95 % circle",
     "(0.6 < inside < 0.95, f'{inside:.1%}')"),
    ("c38: several classes crowd the middle (>= 3 class centres within 0.75 of 0); one lies mostly outside the circle",
     "(lambda c, share: (int((np.linalg.norm(c, axis=1) < 0.75).sum()) >= 3 and share.min() < 0.5, "
     "f'centres within 0.75: {np.flatnonzero(np.linalg.norm(c, axis=1) < 0.75).tolist()}; inside share per class {share.round(2)}'))("
     "np.array([z_mean_2d[data.y_test == k].mean(0) for k in range(10)]), "
     "np.array([np.mean(np.linalg.norm(z_mean_2d[data.y_test == k], axis=1) < radius) for k in range(10)]))"),
    ("c38: the classes gather in regions matching the manifold: at a test image's code the 2-D decoder draws its digit "
     "(1-NN) for > 3x chance, >= 80 % for some classes",
     f"(lambda lab: (lambda per: (np.mean(lab == data.y_test) > 0.3 and per.max() >= 0.8, "
     f"f'{{np.mean(lab == data.y_test):.0%}} overall; per class {{per.round(2)}}'))("
     f"np.array([np.mean(lab[data.y_test == k] == k) for k in range(10)])))({NEAREST_DIGIT}(vae_2d.decode(z_mean_2d)))"),
    ("c42/c43: KL falls as beta rises, at either latent size (largest beta against the smallest)",
     f"(lambda ok: (all(ok.values()), ok))({{d: {ROW}(d, '4')['kl_loss'] < {ROW}(d, '0.5')['kl_loss'] for d in (2, 16)}})"),
    ("c44: the midpoint of two independent prior draws has 1/sqrt(2) = 0.71 times their norm (16 latents)",
     "(lambda z: (lambda ratio: (abs(ratio - 0.7071) < 0.01, round(ratio, 3)))("
     "np.linalg.norm((z[0] + z[1]) / 2, axis=1).mean() / np.linalg.norm(z[0], axis=1).mean()))("
     "np.random.default_rng(0).standard_normal((2, 100_000, 16)))"),
    ("c44: in 16 dimensions nearly every prior draw has a norm near 4 (90 % within 2.8 .. 5.2); few (< 10 %) are "
     "as short as 2.8",
     "(lambda r: (np.quantile(r, 0.05) > 2.8 and np.quantile(r, 0.95) < 5.2 and np.mean(r < 2.83) < 0.1, "
     "f'median {np.median(r):.2f}, 5-95 % {np.quantile(r, 0.05):.2f} .. {np.quantile(r, 0.95):.2f}, '"
     "f'shorter than 2.83: {np.mean(r < 2.83):.1%}'))(np.linalg.norm(np.random.default_rng(1).standard_normal((100_000, 16)), axis=1))"),
    ("c44: our walk between two posterior means dips the same way (its shortest code < 0.71 x its ends' mean norm)",
     "(lambda r: (r.min() < 0.71 * (r[0] + r[-1]) / 2, f'{r.min():.2f} against ends {r[0]:.2f}, {r[-1]:.2f}'))("
     "np.linalg.norm(walk, axis=1))"),
]
