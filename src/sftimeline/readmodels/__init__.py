"""Read models: SQL tables kept current from events, answering without re-evaluating."""
