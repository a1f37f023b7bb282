from django.urls import path

from bereikbaar.helpcenter import views

app_name = "helpcenter"

urlpatterns = [
    path("help/", views.index, name="index"),
    path("help/zoeken/", views.search_view, name="search"),
    path("help/artikel/<slug:slug>/", views.article, name="article"),
    path("help/artikel/<slug:slug>/stem/", views.vote, name="vote"),
]
