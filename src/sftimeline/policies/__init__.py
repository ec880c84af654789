"""Policies: outcome frameworks as data, their evaluation, and the outcome process."""
