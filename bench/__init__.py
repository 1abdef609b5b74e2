"""Benchmarks (`make bench`).  Not tests: they measure, they assert nothing."""
