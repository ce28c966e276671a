"""Helpers for tests/test_grade.py: submissions built from solutions/ and notebooks/."""
