"""The /api/v1 NinjaAPI: routers per domain, bearer auth by default, one error shape."""

from asgiref.sync import iscoroutinefunction
from django.urls import URLPattern, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from bereikbaar.api import errors, openapi
from bereikbaar.api.auth import BearerAuth
from bereikbaar.api.contacts import router as contacts_router
from bereikbaar.api.conversations import router as conversations_router
from bereikbaar.api.health import router as health_router
from bereikbaar.api.identity import router as identity_router
from bereikbaar.api.inbound import router as inbound_router
from bereikbaar.helpcenter.api import help_router


class BereikbaarAPI(NinjaAPI):
    """NinjaAPI whose URL patterns answer JSON errors even where ninja itself does not: a wrong
    method (405), a body Django refuses to read (413) and a path that is no route (404)."""

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern) and not iscoroutinefunction(pattern.callback):
                pattern.callback = errors.json_errors(pattern.callback)
        urls.append(re_path(r"^.*$", csrf_exempt(errors.unknown_path), name="unknown"))
        return urls

    def get_openapi_schema(self, **kwargs):
        return openapi.document_errors(super().get_openapi_schema(**kwargs))


api = BereikbaarAPI(
    title="bereikbaar API",
    version="1",
    description=(
        "Send `Authorization: Bearer <token>` (`bereikbaar token create USERNAME`). "
        'Every error is `{"error": {"code", "message"}}` with a 4xx status.'
    ),
    urls_namespace="api-v1",
    auth=BearerAuth(),
    docs_url="/docs",
    parser=errors.ObjectParser(),
)
errors.install(api)
api.add_router("/", inbound_router)
api.add_router("/", contacts_router)
api.add_router("/", conversations_router)
api.add_router("/", identity_router)
api.add_router("/help", help_router)
api.add_router("/", health_router)
