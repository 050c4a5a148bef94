"""Claims of notebook 07 (the capstone), checked by benchmarks/check_claims.py on a full-mode run.

Each expression runs in the notebook's kernel after the whole notebook ran, so it sees the
instructor's solution as the test cell graded it: `capstone` (the returned VAE), `capstone_steps`
(the gradient steps the test cell counted), `seconds`, `capstone_elbo` (the ELBO of the test rows,
seed 0), `baseline` and `full` (the two Gaussians' test NLLs), and the limits MARGIN, STEP_BUDGET and
HANG_GUARD_S. Each returns (passed, value).
"""

CLAIMS = [
    # The task text (requirement R4) and the limits.
    ("R4: on the 455 training rows, 60 epochs in batches of 64 are 480 gradient steps",
     "(len(u_train) == 455 and 60 * models.steps_per_epoch(len(u_train), 64) == 480, "
     "f'{len(u_train)} rows, {60 * models.steps_per_epoch(len(u_train), 64)} steps')"),
    ("R4: the budget is 1,000 gradient steps and the guard against a hang 8 minutes",
     "(STEP_BUDGET == 1000 and HANG_GUARD_S == 480.0, f'{STEP_BUDGET} steps, {HANG_GUARD_S:.0f} s')"),
    ("R4: 1,000 steps in batches of 64 take well under a minute (the solution's time per step "
     "times 1,000, tracing included)",
     "(seconds * STEP_BUDGET / capstone_steps < 60, f'{seconds * STEP_BUDGET / capstone_steps:.1f} s')"),
    ("R4: the guard only stops a hang: it is at least 10 times a budget-sized run of the "
     "solution's design",
     "(HANG_GUARD_S >= 10 * seconds * STEP_BUDGET / capstone_steps, "
     "f'{seconds * STEP_BUDGET / capstone_steps:.1f} s for 1,000 steps, guard {HANG_GUARD_S:.0f} s, "
     "{HANG_GUARD_S / (seconds * STEP_BUDGET / capstone_steps):.1f}x')"),
    ("R4: the test cell counts the solution's steps from its optimizer (model.optimizer.iterations)",
     "(capstone_steps == int(capstone.optimizer.iterations), "
     "f'{capstone_steps} counted, {int(capstone.optimizer.iterations)} on capstone.optimizer')"),
    # The model answer.
    ("Model answer: 60 epochs in batches of 64 are 480 gradient steps, under half of the 1,000-step budget",
     "(capstone_steps == 480 and capstone_steps < STEP_BUDGET / 2, f'{capstone_steps} of {STEP_BUDGET}')"),
    ("Model answer: the solution's -ELBO clears the threshold (baseline - 10) by several nats (at least 5)",
     "((baseline - MARGIN) - (-capstone_elbo) >= 5, "
     "f'-ELBO {-capstone_elbo:.2f}, threshold {baseline - MARGIN:.2f}, by {(baseline - MARGIN) + capstone_elbo:.2f}')"),
    ("Model answer: the -ELBO is 20 to 23 nats per row (to the nearest nat)",
     "(19.5 <= -capstone_elbo < 23.5, f'{-capstone_elbo:.2f}')"),
    ("Model answer: the -ELBO sits between the two Gaussians (below the diagonal, above the full)",
     "(full < -capstone_elbo < baseline, f'full {full:.2f} < -ELBO {-capstone_elbo:.2f} < diagonal {baseline:.2f}')"),
    ("Model answer: 17 to 20 nats below the diagonal Gaussian (to the nearest nat)",
     "(16.5 <= baseline + capstone_elbo < 20.5, f'{baseline + capstone_elbo:.2f} nats below')"),
    ("Model answer: 10 to 13 nats above the full Gaussian (to the nearest nat)",
     "(9.5 <= -capstone_elbo - full < 13.5, f'{-capstone_elbo - full:.2f} nats above')"),
    ("Model answer and c03: the full Gaussian has 30 + 465 parameters",
     "(u_train.shape[1] == 30 and 30 * 31 // 2 == 465, f'{u_train.shape[1]} means, "
     "{u_train.shape[1] * (u_train.shape[1] + 1) // 2} covariances')"),
    ("Model answer: radius, perimeter and area are almost perfectly correlated (every pair above 0.98)",
     "(lambda c: (c[np.triu_indices(3, 1)].min() > 0.98, np.round(c[np.triu_indices(3, 1)], 3).tolist()))("
     "np.corrcoef(table.x_train[:, [table.feature_names.index(f'mean {name}') "
     "for name in ('radius', 'perimeter', 'area')]].T))"),
    ("Model answer: without overfitting much: the -ELBO on the training rows is within 3 nats of the test rows'",
     "(lambda train: (abs(train - capstone_elbo) <= 3, f'train {-train:.2f}, test {-capstone_elbo:.2f}'))("
     "evaluation.elbo(capstone, u_train))"),
]
