"""Adapters at the edge: persistence (SQLite / PostgreSQL) and readers."""
