"""The /api/v1 NinjaAPI: routers per domain, bearer auth by default, one error shape."""

from ninja import NinjaAPI

from bereikbaar.api import errors
from bereikbaar.api.auth import BearerAuth
from bereikbaar.api.inbound import router as inbound_router

api = NinjaAPI(
    title="bereikbaar API",
    version="1",
    urls_namespace="api-v1",
    auth=BearerAuth(),
    docs_url="/docs",
)
errors.install(api)
api.add_router("/", inbound_router)
