"""What a handler needs from the app: its one store, held for one service call at a time
(the event store's connection and cache are not meant to be shared by threads; a
council's analysts are a handful of people, not a crowd)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from fastapi import Request

from sftimeline.service import framework as load_framework

if TYPE_CHECKING:
    from sftimeline.policies.loader import Framework
    from sftimeline.service import Store


@contextmanager
def store_of(request: Request) -> Iterator[Store]:
    """The app's store, under the app's lock."""
    with request.app.state.lock:
        yield request.app.state.store


def framework_of(request: Request, framework: str) -> Framework:
    """A packaged framework by id, loaded once per server: loading parses and compiles its
    YAML (tens of milliseconds), which would otherwise dominate every decision's answer.
    Packaged definitions do not change while the server runs; an unknown id is the
    service's error (404, its message) and is not remembered."""
    loaded: dict[str, Framework] = request.app.state.frameworks
    found = loaded.get(framework)
    if found is None:
        found = loaded[framework] = load_framework(framework)
    return found
