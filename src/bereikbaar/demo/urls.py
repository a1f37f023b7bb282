"""The customer simulator: play a customer on the API channel and see the agents' answers."""

from django.urls import path

from bereikbaar.demo import views

app_name = "demo"

urlpatterns = [
    path("", views.simulator, name="simulator"),
    path("berichten/", views.thread, name="thread"),
    path("callback", views.callback, name="callback"),
]
