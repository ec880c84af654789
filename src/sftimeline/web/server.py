"""Running the app under uvicorn: in the foreground (``sftimeline serve``), or in a thread
on a free loopback port (the browser tests and ``bench/http_bench.py``, which need a real
server and a real socket, as a user's browser or client sees it)."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


def is_loopback(host: str) -> bool:
    """``127.0.0.1``, ``::1`` or ``localhost``: reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(app: Any, host: str, port: int) -> None:
    """Serve until interrupted (Ctrl-C), logging each request as uvicorn does."""
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


class _QuietServer(uvicorn.Server):
    """A server that leaves the caller's signal handlers (pytest's, the benchmark's) alone."""

    def install_signal_handlers(self) -> None:
        return None


@contextmanager
def serving(app: Any, *, timeout: float = 20.0) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 at a port the OS picks; yield its base URL; stop after."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = _QuietServer(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    try:
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
