"""Inbox routes: login/logout, the list, one conversation, its fragments and its actions,
contacts, and the help articles agents manage."""

from django.contrib.auth import views as auth_views
from django.urls import path

from bereikbaar.inbox import (
    actions,
    article_views,
    contact_views,
    original_views,
    preferences_views,
    views,
)

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
    path("conversations/<int:pk>/links/", contact_views.case_links, name="case_links"),
    path(
        "conversations/<int:pk>/messages/<int:message_pk>/original/",
        original_views.message_original,
        name="message_original",
    ),
    path(
        "conversations/<int:pk>/messages/<int:message_pk>/original/html",
        original_views.message_original_html,
        name="message_original_html",
    ),
    path("conversations/<int:pk>/link/", contact_views.case_link, name="case_link"),
    path("links/<int:link_pk>/unlink/", contact_views.case_unlink, name="case_unlink"),
    path("contacts/<int:pk>/", contact_views.contact_detail, name="contact"),
    path("contacts/<int:pk>/merge/", contact_views.contact_merge, name="contact_merge"),
    path("merges/<int:record_pk>/undo/", contact_views.contact_unmerge, name="contact_unmerge"),
    path("contacts/<int:pk>/export/", contact_views.contact_export, name="contact_export"),
    path("contacts/<int:pk>/erase/", contact_views.contact_erase, name="contact_erase"),
    path("voorkeuren/<str:token>/", preferences_views.preference_centre, name="preferences"),
    path("artikelen/", article_views.article_list, name="articles"),
    path("artikelen/nieuw/", article_views.article_edit, name="article_new"),
    path("artikelen/voorbeeld/", article_views.article_preview, name="article_preview"),
    path("artikelen/<int:pk>/", article_views.article_edit, name="article_edit"),
    path("artikelen/<int:pk>/revisies/", article_views.article_history, name="article_history"),
    path(
        "artikelen/<int:pk>/revisies/<int:revision_pk>/terugzetten/",
        article_views.article_restore,
        name="article_restore",
    ),
    path("artikelen/<int:pk>/verwijderen/", article_views.article_delete, name="article_delete"),
    path("synoniemen/", article_views.synonym_list, name="synonyms"),
    path("synoniemen/<int:pk>/", article_views.synonym_list, name="synonym_edit"),
    path("synoniemen/<int:pk>/verwijderen/", article_views.synonym_delete, name="synonym_delete"),
]
