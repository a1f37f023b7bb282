"""A URLconf that mounts the analytics router on its own API, so its tests do not depend on
the router being listed in bereikbaar.api.v1 yet."""

from django.urls import include, path
from ninja import NinjaAPI

from bereikbaar.analytics.api import analytics_router
from bereikbaar.api import errors
from bereikbaar.api.auth import BearerAuth

api = NinjaAPI(urls_namespace="analytics-test-api", auth=BearerAuth(), docs_url="/docs")
errors.install(api)
api.add_router("/analytics", analytics_router)

urlpatterns = [
    path("test-api/v1/", api.urls),
    path("", include("bereikbaar.urls")),
]
