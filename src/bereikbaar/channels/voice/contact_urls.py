"""Mounted at /contact/: the callback form of the public contact page (the page is the help
centre's)."""

from django.urls import path

from bereikbaar.channels.voice import contact_form

app_name = "voice_contact"

urlpatterns = [path("callback/", contact_form.request_from_page, name="callback")]
