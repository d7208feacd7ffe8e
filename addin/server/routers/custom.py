"""The jwmodel task pane's endpoints, included by xlwings Server (see jwaddin.server)."""

from jwaddin.server import router  # noqa: F401
