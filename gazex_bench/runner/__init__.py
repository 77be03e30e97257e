"""Evaluation harness: predict → score → aggregate, with resumable run directories."""
