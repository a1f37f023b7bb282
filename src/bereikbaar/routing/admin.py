from django.contrib import admin

from bereikbaar.routing.models import AgentProfile, Team

admin.site.register(Team)
admin.site.register(AgentProfile)
