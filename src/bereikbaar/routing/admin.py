from django.contrib import admin

from bereikbaar.routing.models import (
    AgentProfile,
    CaseRouting,
    MessageSignals,
    RoutingRule,
    SlaBreach,
    SlaPolicy,
    Team,
)

admin.site.register(Team)
admin.site.register(AgentProfile)
admin.site.register(RoutingRule)
admin.site.register(SlaPolicy)
admin.site.register(SlaBreach)
admin.site.register(CaseRouting)
admin.site.register(MessageSignals)
