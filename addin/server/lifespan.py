"""Loaded by xlwings Server when it starts: refuses to start without authentication unless it is
explicitly configured for local use (jwaddin.server.authentication), and says which is in force."""

import logging
from contextlib import asynccontextmanager

from jwaddin.server import authentication
from xlwings_server.config import settings

IN_FORCE = authentication(settings)  # raises ServerSetupError: the server does not start


@asynccontextmanager
async def lifespan(app):
    logging.getLogger("jwaddin").warning("jwmodel add-in: authentication %s", IN_FORCE)
    yield
