from django.urls import path

from bereikbaar.channels.sms import views

app_name = "sms"

urlpatterns = [
    path("sms", views.sms, name="sms"),
    path("sms/status", views.sms, name="status"),
]
