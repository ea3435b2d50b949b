"""Benchmarks run by ``veracity bench``; their results go to benchmarks/RESULTS.md."""
