"""Command modules of the ``sftimeline`` CLI; each has ``register(group)`` (see cli.py)."""
