"""Projections: timelines as of a date and as known at a time; window primitives."""
