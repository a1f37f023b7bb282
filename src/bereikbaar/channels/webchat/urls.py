from django.urls import path

from bereikbaar.channels.webchat import views

app_name = "webchat"

urlpatterns = [
    path("widget.js", views.widget_js, name="widget"),
    path("chat/", views.chat_page, name="chat"),
    path("chat/upload", views.upload, name="upload"),
    path("chat/site", views.site_check, name="site_check"),
    path("demo/site/", views.demo_site, name="demo_site"),
]
