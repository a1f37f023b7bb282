"""Inbox routes: login/logout, the list, one conversation, its fragments and its actions."""

from django.contrib.auth import views as auth_views
from django.urls import path

from bereikbaar.inbox import actions, views

app_name = "inbox"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="inbox/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.conversation_list, name="list"),
    path("fragments/list/", views.list_fragment, name="list_fragment"),
    path("conversations/<int:pk>/", views.conversation_detail, name="detail"),
    path("conversations/<int:pk>/timeline/", views.timeline_fragment, name="timeline"),
    path("conversations/<int:pk>/reply/", actions.reply_view, name="reply"),
    path("conversations/<int:pk>/note/", actions.note_view, name="note"),
    path("conversations/<int:pk>/assign/", actions.assign_view, name="assign"),
    path("conversations/<int:pk>/status/", actions.status_view, name="status"),
    path("conversations/<int:pk>/tags/", actions.tags_view, name="tags"),
]
