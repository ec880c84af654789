"""sftimeline: an event-sourced temporal engine for Supporting Families outcome claims."""

__version__ = "0.1.0"
