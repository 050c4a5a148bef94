"""Answers to notebook 01's exercises, graded in tests/test_exercises.py."""

ANSWERS = {}
