from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from bereikbaar.analytics.api import analytics_router
from bereikbaar.api.v1 import api

# analytics and api are both edges: the project, above both, mounts one into the other
api.add_router("/analytics", analytics_router)

urlpatterns = [
    # browsers ask for /favicon.ico on pages that name no icon (admin, API docs)
    path("favicon.ico", RedirectView.as_view(url=static("helpcenter/favicon.svg"))),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("simulator/", include("bereikbaar.demo.urls")),
    path("channels/whatsapp/", include("bereikbaar.channels.whatsapp.urls")),
    path("channels/", include("bereikbaar.channels.voice.urls")),
    path("contact/", include("bereikbaar.channels.voice.contact_urls")),
    path("channels/twilio/", include("bereikbaar.channels.sms.urls")),
    path("", include("bereikbaar.channels.webchat.urls")),
    path("", include("bereikbaar.helpcenter.urls")),
    path("", include("bereikbaar.contactpage.urls")),
    path("analytics/", include("bereikbaar.analytics.urls")),
    path("", include("bereikbaar.inbox.urls")),
]
