"""Mounted at /channels/: the CTI webhook, the Twilio voice line and the agents' call views."""

from django.urls import path

from bereikbaar.channels.voice import dial_views, panel, views, voice_line

app_name = "voice"

urlpatterns = [
    path("cti", views.cti, name="cti"),
    path("twilio/voice", voice_line.voice, name="twilio_voice"),
    path("voice/calls/<int:pk>/pop", panel.pop, name="pop"),
    path("voice/calls/<int:pk>/notes", panel.notes, name="notes"),
    path("voice/calls/<int:pk>/contact", panel.new_contact, name="new_contact"),
    path("voice/callbacks/", panel.callback_queue, name="callbacks"),
    path("voice/callbacks/<int:pk>/attempt", dial_views.callback_attempt, name="callback_attempt"),
    path("voice/dial", dial_views.dial_number, name="dial"),
    path("voice/wait", voice_line.wait_estimate, name="wait"),
]
