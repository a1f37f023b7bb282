from django.contrib import admin

from bereikbaar.analytics.models import CsatResponse, CsatSurvey, SummarySubscription


@admin.register(CsatResponse)
class CsatResponseAdmin(admin.ModelAdmin):
    list_display = ["conversation", "score", "channel", "team", "agent", "needs_follow_up"]
    list_filter = ["score", "channel", "needs_follow_up"]
    raw_id_fields = ["survey", "conversation"]


@admin.register(CsatSurvey)
class CsatSurveyAdmin(admin.ModelAdmin):
    list_display = ["conversation", "channel", "status", "created_at"]
    list_filter = ["status", "channel"]
    raw_id_fields = ["conversation"]


@admin.register(SummarySubscription)
class SummarySubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "enabled", "last_sent_at"]
