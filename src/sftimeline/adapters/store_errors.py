"""The store's errors: what the service layer turns into messages for users (never a
traceback). A module of their own so that the service can recognise them without
importing the store (service/base.py looks them up among the loaded modules)."""

from __future__ import annotations


class StoreError(Exception):
    """Base of the store's errors (shown to users without a traceback)."""


class StoreUnavailable(StoreError):
    """The database cannot be opened or reached."""


class InvalidStoreURL(StoreError):
    """The store URL cannot name a store (a bad schema name, an unknown scheme)."""


class NoStore(StoreError):
    """Nothing is stored at the URL, and the caller asked not to create a store there."""

    def __init__(self, url: str) -> None:
        super().__init__(f"no store at {url!r}; import records first")


class UnknownFamily(StoreError, KeyError):
    """No records were ever imported for this family code."""

    def __init__(self, family: str) -> None:
        self.family = family
        super().__init__(f"unknown family {family!r}: no records imported for it")

    def __str__(self) -> str:
        return str(self.args[0])
