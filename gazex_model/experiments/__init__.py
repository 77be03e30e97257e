"""Experiments with the model package (scripts, not tests)."""
