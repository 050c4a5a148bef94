"""The capstone's grader (notebook 07): calls the learner's `fit_table_vae(u_train, seed)` with the
held-out rows out of reach, watching every fit, and checks that `seed` reaches every random choice.

    graded = grader.graded_call(fit_table_vae, u_train, seed=1, table=table, u_test=u_test)
    graded["model"], graded["steps"], graded["seconds"]
    grader.check_seeded(graded, grader.graded_call(..., seed=1, cap=True),
                        grader.graded_call(..., seed=2, cap=True))

The held-out rows (R9): while the function runs, the notebook's `u_test` and `table.x_test` (the names in
the function's own globals) are stand-ins that fail on any use, and every array given to `fit`, `evaluate`,
`train_on_batch` and `test_on_batch` is compared with the held-out rows, so rows loaded again are found too.
"""

import dataclasses
import time
import warnings

import keras
import numpy as np

import vae_keras
from vae_keras.course import checks

WATCHED_STEPS = 2  # the weights are noted after this many batches; a capped call stops there
_METHODS = ("fit", "evaluate", "train_on_batch", "test_on_batch")


class HeldOut:
    """Stands in for held-out rows while the graded function runs: any use of it fails R9."""

    def __init__(self, name):
        self.name, self.used = name, False

    def refuse(self, *args, **kwargs):
        self.used = True
        raise AssertionError(
            f"R9: fit_table_vae used the held-out test rows ({self.name}); train and choose with u_train only")

    __array__ = __len__ = __iter__ = __getitem__ = refuse

    def __getattr__(self, name):
        return self.refuse()


class _Watch(keras.callbacks.Callback):
    """Notes a fit's first weights and its weights after WATCHED_STEPS batches; stops there when `cap`."""

    def __init__(self, record, cap):
        super().__init__()
        self.record, self.cap = record, cap

    def weights(self):
        return [np.array(keras.ops.convert_to_numpy(w)) for w in self.model.weights]

    def on_train_begin(self, logs=None):
        self.record.setdefault("first", self.weights())

    def on_train_batch_end(self, batch, logs=None):
        self.record["batches"] = self.record.get("batches", 0) + 1
        if self.record["batches"] == WATCHED_STEPS:
            self.record["after"] = self.weights()
        self.model.stop_training |= self.cap and self.record["batches"] >= WATCHED_STEPS


def _holds_rows(data, held_rows, stand_ins):
    """Fails R9 when `data` (a fit's arguments) holds a stand-in or any of the held-out rows' values."""
    for item in keras.tree.flatten(data):
        if isinstance(item, HeldOut):
            item.refuse()
        if hasattr(item, "shape") and len(item.shape) == 2 and item.shape[1] == held_rows[0].shape[1]:
            rows = np.asarray(keras.ops.convert_to_numpy(item), "float64")
            for held_out in held_rows:
                if np.isclose(rows[:, None, :], held_out[None], atol=1e-4).all(axis=2).any():
                    stand_ins[0].refuse()


def _bounded(model):
    """A VAE's likelihood of a bounded range (standardised rows take any real value), else None."""
    if isinstance(model, vae_keras.VAE) and (model.likelihood.binary
                                             or np.isfinite(model.likelihood.data_range).any()):
        return model.likelihood
    return None


def graded_call(function, u_train, seed, table, u_test, cap=False):
    """Calls function(u_train.copy(), seed=seed) as the grader does.

    Keras's global seed is set to 0 first, so that only `seed` differs between calls. The names `table`
    and `u_test` in the function's globals are stand-ins while it runs; each fit is watched (R3, R9, the
    first weights) and, when `cap`, stopped after WATCHED_STEPS batches.

    A use of the held-out rows, or a fit of a bounded likelihood, stops the function at once; the record
    says so, and `check_held_out`, `check_likelihood` and `check_ran` turn it into a verdict.

    Returns:
        A dict: "model" (what it returned) or "error" (what it raised), "steps" (gradient steps of every
        Keras optimizer it made), "seconds", "first" and "after" (its weights when training began and after
        WATCHED_STEPS batches, lists of arrays), "seeds" (each `keras.random.SeedGenerator` made, with its
        first state), "held_out_used" (a bool), "bounded" (the bounded likelihood it trained, or None).
    """
    record, depth = {"seeds": [], "bounded": None}, [0]
    stand_ins = [HeldOut("u_test"), HeldOut("table.x_test")]
    held_rows = [np.asarray(u_test, "float64"), np.asarray(table.x_test, "float64")]

    def watched(method, name):
        def run(model, *args, **kwargs):
            if depth[0]:  # a call from inside Keras (fit's own evaluate): already watched
                return method(model, *args, **kwargs)
            _holds_rows((args, {k: v for k, v in kwargs.items() if k != "callbacks"}), held_rows, stand_ins)
            record["bounded"] = record["bounded"] or _bounded(model)
            if record["bounded"]:
                raise AssertionError("R3: fit_table_vae trains a likelihood of bounded values (stopped by the grader)")
            if cap:
                model.run_eagerly = True  # a few steps: no time spent tracing
            if name == "fit" and len(args) < 6:  # callbacks not given by position
                kwargs["callbacks"] = [*(kwargs.get("callbacks") or []), _Watch(record, cap)]
            depth[0] += 1
            try:
                return method(model, *args, **kwargs)
            finally:
                depth[0] -= 1
        return run

    patched = [(owner, name, owner.__dict__[name]) for owner in (keras.Model, vae_keras.VAE)
               for name in _METHODS if name in owner.__dict__]
    seed_init = keras.random.SeedGenerator.__init__

    def noting_seed(generator, *args, **kwargs):
        seed_init(generator, *args, **kwargs)
        record["seeds"].append((generator, np.array(keras.ops.convert_to_numpy(generator.state))))

    namespace = function.__globals__
    hidden = {"u_test": stand_ins[0], "table": dataclasses.replace(table, x_test=stand_ins[1])}
    saved = {name: namespace[name] for name in hidden if name in namespace}
    keras.utils.set_random_seed(0)
    try:
        namespace.update({name: hidden[name] for name in saved})
        for owner, name, method in patched:
            setattr(owner, name, watched(method, name))
        keras.random.SeedGenerator.__init__ = noting_seed
        with checks.GradientSteps() as steps, warnings.catch_warnings(record=True) as caught:
            start = time.perf_counter()
            try:
                record["model"] = function(u_train.copy(), seed=seed)
            except Exception as error:
                record["error"] = error
            record["seconds"] = time.perf_counter() - start
    finally:
        for owner, name, method in patched:
            setattr(owner, name, method)
        keras.random.SeedGenerator.__init__ = seed_init
        namespace.update(saved)
    for warning in dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught):
        print(f"fit_table_vae warned: {warning}")  # shown, not on stderr: the checks say what failed
    record["held_out_used"] = any(stand_in.used for stand_in in stand_ins)
    record["steps"] = steps.count(*([record["model"]] if "model" in record else []))
    return record


def check_held_out(graded):
    """R9: the graded call never reached the held-out rows."""
    assert not graded["held_out_used"], (
        "fit_table_vae used the held-out test rows (u_test or table.x_test, or the same rows loaded again): "
        "train, validate and choose with u_train only")


def check_likelihood(graded):
    """R3: the graded call trained no likelihood of a bounded range."""
    likelihood = graded["bounded"]
    assert likelihood is None, (
        f"fit_table_vae trains a {likelihood.name!r} likelihood, a density of values in {likelihood.data_range}, "
        "not of standardised rows, which take any real value")


def check_ran(graded):
    """Raises what the graded call raised, if anything."""
    if "error" in graded:
        raise graded["error"]


def _weights(model):
    return [np.array(keras.ops.convert_to_numpy(w)) for w in model.weights]


def check_seeded(graded, same, other):
    """R8: `same` (seed 1 again) starts and trains like `graded` (seed 1); `other` (seed 2) starts
    differently in every random weight and every random generator it used. Each is a graded_call's record;
    a model trained without `fit` is judged by the weights it returned."""
    names = [w.path for w in graded["model"].weights]
    first = {id(call): call.get("first") or _weights(call["model"]) for call in (graded, same, other)}
    for name, a, b in zip(names, first[id(graded)], first[id(same)]):
        assert np.array_equal(a, b), (
            f"called twice with seed=1, its weight {name} starts from different values: seed every random "
            "choice with `seed` (no unseeded initializer, generator or np.random.default_rng())")
    for (_, a), (_, b) in zip(graded["seeds"], same["seeds"]):
        assert np.array_equal(a, b), (
            "called twice with seed=1, a random generator (keras.random.SeedGenerator) starts from different "
            "states: give it a seed made from `seed`")
    for name, a, b in zip(names, graded.get("after", []), same.get("after", [])):
        assert np.allclose(a, b, rtol=1e-4, atol=1e-6), (
            f"called twice with seed=1, its weight {name} differs after {WATCHED_STEPS} steps: the sampling "
            "noise or the shuffling is not seeded by `seed`")
    for name, a, b in zip(names, first[id(graded)], first[id(other)]):
        assert np.ptp(a) == 0 or not np.array_equal(a, b), (
            f"its weight {name} starts from the same values with seed=1 and seed=2: its initializer ignores "
            "`seed` (a fixed seed, or none at all: the grader sets Keras's global seed the same for both)")
    for (_, a), (generator, b) in zip(graded["seeds"], other["seeds"]):
        used = not np.array_equal(np.asarray(keras.ops.convert_to_numpy(generator.state)), b)
        assert not used or not np.array_equal(a, b), (
            f"a random generator ({generator.name}, e.g. a Sampling layer's noise) starts from the same state "
            "with seed=1 and seed=2: give it a seed made from `seed`")
