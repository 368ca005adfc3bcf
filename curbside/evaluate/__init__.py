"""Evaluation: ranking metrics and the benchmarks' test collections (bench/ prints the figures)."""
