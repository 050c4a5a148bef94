"""Notebook 05's claims: each sentence of its text or model answers that a number of the run decides, and the
expression, evaluated in the notebook's kernel after a full-mode run, that checks it (see check_claims.py)."""

CLAIMS = [
    ("c13, c17 (a): the NLL falls below -ELBO as k grows, by less with each tenfold k",
     '(all(a > b > 0 for a, b in zip(drops, drops[1:])), f"drops per tenfold k {[round(d, 2) for d in drops]} nats")'),
    ("c15, c17 (a), c22: each tenfold k gains about half as much as the one before (ratios between 0.3 and 0.7), "
     "not the tenth a 1/k gap would give",
     '(all(0.3 <= r <= 0.7 for r in ratios), f"ratios {[round(r, 2) for r in ratios]}; '
     'drops {[round(d, 2) for d in drops]}")'),
    ("c15, c17 (c): every drop, the last included, is many (more than 5) Monte Carlo SEs wide: the curve is "
     "still falling at k = 1000",
     '(lambda widths: (min(widths) > 5, f"drop / (SE_a + SE_b): {[round(w, 1) for w in widths]}"))'
     '([(nll[a] - nll[b]) / (se[a] + se[b]) for a, b in zip(ks, ks[1:])])'),
    ("c17 (b): the fall from -ELBO to the largest k, a lower bound on the ELBO's gap, is positive",
     '(nll[1] - nll[ks[-1]] > 0, f"{nll[1] - nll[ks[-1]]:.2f} nats, k = 1 to {ks[-1]}")'),
    ("c23: the figure is on a few hundred test images, with k <= 1000",
     '(n_test <= 1000 and max(ks) <= 1000, f"{n_test} test images, k up to {max(ks)}")'),
    ("c23: the standard error over the images is far larger (more than 10×) than the Monte Carlo SE",
     '(top["image_se"] > 10 * top["mc_se"], f"image SE {top[\'image_se\']:.2f}, Monte Carlo SE {top[\'mc_se\']:.3f}")'),
    ("c27: a group of units in heavy use, with a variance near the prior's 1 (the largest between 0.5 and 2)",
     '(lambda v: (all(0.5 <= x <= 2 for x in v), f"largest variance per model {[round(x, 2) for x in v]}"))'
     '([float(np.max(np.var(m, axis=0))) for m in z_means.values()])'),
    ("c27: a tail of units that carry a little: in each model some units' variance lies between 0.01 and 0.1",
     '(lambda n: (all(c > 0 for c in n), f"units with variance in [0.01, 0.1] per model: {n}"))'
     '([int(np.sum((np.var(m, axis=0) >= 0.01) & (np.var(m, axis=0) < 0.1))) for m in z_means.values()])'),
    ("c29: after this short training, warm-up is behind: NLL with warm-up minus without is positive, by more than "
     "2 standard errors",
     '(lambda d, s: (d > 2 * s, f"{d:+.2f} ± {s:.2f} nats"))(difference.mean(), difference.std(ddof=1) / np.sqrt(n_test))'),
    ("c29, c32: the sharpened, crisper-looking copy is worse by many nats (more than 10) per image",
     '(sharp["nll"] - model["nll"] > 10, f"{sharp[\'nll\'] - model[\'nll\']:.1f} nats worse")'),
    ("c4: to fit in five minutes on two CPU cores, the whole notebook took under 300 s of CPU time in its kernel",
     '(lambda cpu: (cpu < 300, f"{cpu:.0f} s of CPU time, {epochs} epochs"))(__import__("time").process_time())'),
]
