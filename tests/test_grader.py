"""The capstone's grader: held-out rows out of reach, every fit watched, the seed followed (notebook 07's
answers, in tests/answers/nb07.py, grade it end to end)."""

import dataclasses

import keras
import numpy as np
import pytest

import vae_keras
from vae_keras import decoders, encoders, layers, models
from vae_keras.course import grader


@dataclasses.dataclass
class Table:
    x_train: np.ndarray
    x_test: np.ndarray


def rows(n, seed):
    return np.random.default_rng(seed).standard_normal((n, 5)).astype("float32")


U_TRAIN, U_TEST = rows(40, 0), rows(10, 1)
TABLE = Table(x_train=3.0 * U_TRAIN + 1.0, x_test=3.0 * U_TEST + 1.0)


def fit(u_train, seed, data=None, likelihood="gaussian", epochs=1, fixed_sampling=False):
    encoder = encoders.build_dense_encoder(2, image_shape=(5,), hidden_units=(8,), seed=seed)
    if fixed_sampling:  # the encoder's noise drawn from a fixed seed, whatever `seed` says
        x = keras.Input((5,))
        z_mean, z_log_var, _ = encoder(x)
        encoder = keras.Model(x, [z_mean, z_log_var, layers.Sampling(seed=0)([z_mean, z_log_var])])
    head = "linear" if likelihood == "gaussian" else "sigmoid"
    decoder = decoders.build_dense_decoder(2, image_shape=(5,), hidden_units=(8,), head=head, seed=seed)
    vae = vae_keras.VAE(encoder, decoder, likelihood=likelihood, seed=seed)
    models.compile_vae(vae)
    vae.fit(u_train if data is None else data, epochs=epochs, batch_size=10, verbose=0)
    return vae


def graded(function, seed=1, cap=False):
    return grader.graded_call(function, U_TRAIN, seed, table=TABLE, u_test=U_TEST, cap=cap)


def test_graded_call_returns_the_model_its_steps_and_its_first_weights():
    record = graded(fit)
    assert isinstance(record["model"], vae_keras.VAE)
    assert record["steps"] == 4  # one epoch of 40 rows in batches of 10
    assert record["seconds"] > 0
    assert len(record["first"]) == len(record["after"]) == len(record["model"].weights)
    assert not all(np.array_equal(a, b) for a, b in zip(record["first"], record["after"]))


def test_a_capped_call_stops_after_the_watched_steps():
    record = graded(lambda u, seed: fit(u, seed, epochs=5), cap=True)
    assert record["steps"] == grader.WATCHED_STEPS


def test_the_held_out_rows_are_out_of_reach_by_name():
    global u_test, table
    u_test, table = U_TEST, TABLE  # what the notebook's namespace holds

    def by_name(u_train, seed):
        return fit(np.concatenate([u_train, u_test]), seed)

    def by_table(u_train, seed):
        return fit(u_train, seed, data=np.asarray(table.x_test))

    for function in (by_name, by_table):
        record = graded(function)
        assert record["held_out_used"] and "model" not in record  # stopped at its first touch
        with pytest.raises(AssertionError, match="^fit_table_vae used the held-out test rows"):
            grader.check_held_out(record)
    assert u_test is U_TEST and table is TABLE  # put back


def test_the_held_out_rows_are_found_by_value_in_any_fit():
    again = U_TEST.copy()  # loaded again: other arrays, the same rows
    for function in (lambda u, seed: fit(np.concatenate([u, again[:1]]), seed),
                     lambda u, seed: fit(u, seed, data=TABLE.x_test.copy())):
        with pytest.raises(AssertionError, match="^fit_table_vae used the held-out test rows"):
            grader.check_held_out(graded(function))
    grader.check_held_out(graded(lambda u, seed: fit(u + 1e-2, seed)))  # near the training rows: nothing to refuse


def test_a_likelihood_of_bounded_values_fails_r3_when_it_trains():
    record = graded(lambda u, seed: fit(u, seed, likelihood="bernoulli"))
    assert record["steps"] == 0  # stopped before its first step
    with pytest.raises(AssertionError, match="^fit_table_vae trains a 'bernoulli' likelihood"):
        grader.check_likelihood(record)
    good = graded(fit)
    grader.check_likelihood(good)
    grader.check_held_out(good)
    grader.check_ran(good)


def test_an_answers_own_error_goes_through():
    def broken(u_train, seed):
        raise ValueError("my bug")

    record = graded(broken)
    grader.check_held_out(record)
    with pytest.raises(ValueError, match="my bug"):
        grader.check_ran(record)


def test_check_seeded_accepts_a_seeded_answer():
    grader.check_seeded(graded(fit), graded(fit, cap=True), graded(fit, seed=2, cap=True))


def test_check_seeded_refuses_an_answer_that_ignores_its_seed():
    def unseeded(u_train, seed):
        return fit(u_train, None)

    with pytest.raises(AssertionError, match="starts from the same values with seed=1 and seed=2"):
        grader.check_seeded(graded(unseeded), graded(unseeded, cap=True), graded(unseeded, seed=2, cap=True))


def test_check_seeded_refuses_a_fixed_seed_for_the_sampling_noise():
    def fixed(u_train, seed):
        return fit(u_train, seed, fixed_sampling=True)

    with pytest.raises(AssertionError, match="random generator .* starts from the same state with seed=1 and seed=2"):
        grader.check_seeded(graded(fixed), graded(fixed, cap=True), graded(fixed, seed=2, cap=True))


def test_check_seeded_refuses_noise_drawn_from_the_operating_system():
    def drawn(u_train, seed):
        return fit(u_train, int(np.random.default_rng().integers(2**20)))

    with pytest.raises(AssertionError, match="called twice with seed=1"):
        grader.check_seeded(graded(drawn), graded(drawn, cap=True), graded(drawn, seed=2, cap=True))
