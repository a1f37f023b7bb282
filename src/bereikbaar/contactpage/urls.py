from django.urls import path

from bereikbaar.contactpage import views

app_name = "contactpage"

urlpatterns = [
    path("contact/", views.contact, name="contact"),
]
