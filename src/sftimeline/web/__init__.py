"""The web view and HTTP API (``sftimeline serve``): FastAPI on the service layer.

``create_app(Settings(...))`` makes the ASGI app; ``sftimeline.web.server`` runs it.
"""

from sftimeline.web.app import create_app
from sftimeline.web.settings import Settings

__all__ = ["Settings", "create_app"]
