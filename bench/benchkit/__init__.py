"""Shared helpers for the console benchmarks in ``bench/`` (not part of the console)."""
