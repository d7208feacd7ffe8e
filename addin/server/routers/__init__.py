"""xlwings Server includes ``routers.custom.router``: the jwmodel task pane's endpoints."""
