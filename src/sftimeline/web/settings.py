"""What the server is told when it starts: which store, and whether it may write.

The store URL follows the CLI's rules (the same option and environment variable, resolved
by the ``serve`` command before the app is made), so ``sftimeline serve`` answers about the
same store as every other command. Writes need a bearer token: ``SFTIMELINE_API_TOKEN``.
Without one the server is read-only and says so (in ``/api``'s answer, on every page and in
the refusal of a write), rather than accepting writes from anyone who can reach the port.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

#: The environment variable holding the bearer token that allows writes.
TOKEN_ENV = "SFTIMELINE_API_TOKEN"


@dataclass(frozen=True, slots=True)
class Settings:
    """The server's configuration; immutable once the app is made."""

    store_url: str | None
    api_token: str | None = None

    @property
    def read_only(self) -> bool:
        """No token configured: every write is refused."""
        return not self.api_token

    @classmethod
    def from_env(cls, store_url: str | None) -> Settings:
        """``store_url`` as resolved by the caller; the token from the environment."""
        token = os.environ.get(TOKEN_ENV, "").strip() or None
        return cls(store_url=store_url, api_token=token)
