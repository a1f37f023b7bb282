from django.contrib import admin

from bereikbaar.contacts.models import Contact, Identity


class IdentityInline(admin.TabularInline):
    model = Identity
    extra = 0


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "language", "created_at"]
    search_fields = ["name", "identities__value"]
    inlines = [IdentityInline]
