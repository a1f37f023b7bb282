from django.urls import path

from bereikbaar.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("csv/<slug:key>/", views.figure_csv, name="csv"),
    path("summary/", views.summary_optin, name="summary"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("csat/<str:token>/", views.csat_survey, name="csat"),
]
