"""Notebook 06's claims: each sentence of its text or model answers that a number of the run decides, and the
expression, evaluated in the notebook's kernel after a full-mode run, that checks it (see check_claims.py)."""

_CORR = "tabular.correlation_matrix"
_PAIRS = "[(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]"

CLAIMS = [
    ("c9: no overfitting shows: at epoch 200 the test loss ends close to the training loss (within 0.1 nats "
     "per row) or below it; 36 test rows",
     '(lambda t, v: (v - t < 0.1 and epochs == 200 and len(u_test) == 36, '
     'f"training {t:.2f}, test {v:.2f} nats per row; {len(u_test)} test rows"))'
     '(history.history["loss"][-1], history.history["val_loss"][-1])'),
    ("c9: the test loss is still falling at epoch 200: lower than 50 epochs before",
     '(lambda v: (v[-1] < v[-50], f"validation loss {v[-50]:.2f} at epoch {len(v) - 49}, {v[-1]:.2f} at epoch '
     '{len(v)}"))(history.history["val_loss"])'),
    ("c12: the block of positively correlated features (total phenols, flavanoids, proanthocyanins, OD280/OD315) "
     "is positive in both matrices",
     f'(lambda idx, r, g: (all(r[a, b] > 0.3 and g[a, b] > 0.3 for a in idx for b in idx if a < b), '
     f'f"smallest: real {{min(r[a, b] for a in idx for b in idx if a < b):.2f}}, generated '
     f'{{min(g[a, b] for a in idx for b in idx if a < b):.2f}}"))'
     f'([names.index(n) for n in ("total_phenols", "flavanoids", "proanthocyanins", "od280/od315_of_diluted_wines")], '
     f'{_CORR}(table.x_train), {_CORR}(generated))'),
    ("c12: hue against malic acid is negative in both matrices",
     f'(lambda a, b, r, g: (r[a, b] < 0 and g[a, b] < 0, f"real {{r[a, b]:.2f}}, generated {{g[a, b]:.2f}}"))'
     f'(names.index("hue"), names.index("malic_acid"), {_CORR}(table.x_train), {_CORR}(generated))'),
    ("c13: the largest gap in the difference panel is a few tenths, faint on a ±1 scale: the panel has its own",
     f'(lambda d: (0.1 < d < 0.6, f"largest |Δ| {{d:.2f}}"))'
     f'(float(max(abs({_CORR}(generated)[i, j] - {_CORR}(table.x_train)[i, j]) for i, j in {_PAIRS})))'),
    ("c15 model answer: at the pair with the largest gap, the model's correlation is too weak",
     f'(lambda r, g: (lambda i, j: (abs(g[i, j]) < abs(r[i, j]), f"{{names[i]}} × {{names[j]}}: real {{r[i, j]:.2f}}, '
     f'generated {{g[i, j]:.2f}}"))(*max({_PAIRS}, key=lambda p: abs(g[p] - r[p]))))'
     f'({_CORR}(table.x_train), {_CORR}(generated))'),
    ("c14, c15: independent noise per feature only weakens correlations: for every pair, |ρ| of the generated rows "
     "is at most that of the decoder's means (up to 0.05 of sampling noise)",
     f'(lambda g, m: (lambda excess: (excess < 0.05, f"largest |ρ_generated| − |ρ_means|: {{excess:.3f}}"))'
     f'(max(abs(g[p]) - abs(m[p]) for p in {_PAIRS})))({_CORR}(generated), {_CORR}(means_only))'),
    ("c22: after the long training, σ_j is close to the rms reconstruction error of every feature (within 0.1)",
     '(lambda d: (d < 0.1, f"largest |σ − rms error| {d:.3f}; σ from {sigma.min():.2f} to {sigma.max():.2f}"))'
     '(float(np.max(np.abs(sigma - rms_error))))'),
    ("c24: the decoder's means alone are too concentrated: their mean KS distance is larger than the generated rows'",
     '(ks["decoder means only"] > ks["generated rows"], {label: round(float(v), 3) for label, v in ks.items()})'),
    ("c24: the Gaussian noise puts tails where real values cannot go: some generated values are negative, "
     "though every real value is positive",
     '(lambda negative: ((table.x_train > 0).all() and negative > 0, f"{negative} negative generated values, in "'
     'f"{[names[j] for j in np.flatnonzero((generated < 0).any(axis=0))]}"))(int((generated < 0).sum()))'),
    ("c26: the VAE beats the diagonal Gaussian (its NLL is lower)",
     '(lambda diag: (nll < diag, f"VAE NLL {nll:.2f}, diagonal Gaussian {diag:.2f}, full Gaussian '
     '{float(per_row.mean()):.2f} nats per row"))(tabular.gaussian_nll(u_train, u_test, "diagonal"))'),
    ("c30: the importance-weighted NLL is at or below -ELBO",
     '(nll <= -elbo + 0.5, f"NLL {nll:.2f}, -ELBO {-elbo:.2f}")'),
    ("README (5-minute budget): the whole notebook took under 300 s of CPU time in its kernel",
     '(lambda cpu: (cpu < 300, f"{cpu:.0f} s of CPU time"))(__import__("time").process_time())'),
]
