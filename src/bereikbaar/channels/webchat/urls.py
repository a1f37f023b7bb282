from django.urls import path

from bereikbaar.channels.webchat import views

app_name = "webchat"

urlpatterns = [
    path("widget.js", views.widget_js, name="widget"),
    path("chat/", views.chat_page, name="chat"),
    path("chat/upload", views.upload, name="upload"),
    path("demo/site/", views.demo_site, name="demo_site"),
]
