"""Each family is an aggregate built from immutable events (eventsourcing)."""
