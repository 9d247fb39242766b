"""Benchmarks for mesbook; ``article_loop`` doubles as the tests' reference implementation."""
