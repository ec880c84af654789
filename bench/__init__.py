"""Benchmarks that print figures (never timed unit tests); ``python -m bench`` runs the suite."""
