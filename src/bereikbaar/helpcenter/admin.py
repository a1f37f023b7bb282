"""Django admin for the help centre (the inbox UI for agents builds on the same models)."""

from django.contrib import admin

from bereikbaar.helpcenter.models import Article, ArticleRevision, HelpEvent, SearchQuery, Synonym


class RevisionInline(admin.TabularInline):
    model = ArticleRevision
    fields = ("created_at", "author", "title", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "category", "language", "status", "updated_at")
    list_filter = ("status", "language", "category")
    search_fields = ("title", "slug", "body")
    prepopulated_fields = {"slug": ("title",)}
    fields = ("title", "slug", "category", "language", "status", "tags", "body")
    inlines = [RevisionInline]

    def save_model(self, request, obj, form, change):
        obj.save(author=request.user, note="admin")


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ("article", "created_at", "author", "note")
    readonly_fields = ("article", "title", "body", "tags", "category", "author", "note")


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ("term", "synonyms", "language", "updated_at")
    list_filter = ("language",)
    search_fields = ("term", "synonyms")


@admin.register(SearchQuery)
class SearchQueryAdmin(admin.ModelAdmin):
    list_display = ("query", "results_count", "top_article", "source", "created_at", "contacted_at")
    list_filter = ("source", "language")
    search_fields = ("query",)
    readonly_fields = [f.name for f in SearchQuery._meta.fields]


@admin.register(HelpEvent)
class HelpEventAdmin(admin.ModelAdmin):
    list_display = ("kind", "article", "created_at", "contacted_at")
    list_filter = ("kind",)
    readonly_fields = [f.name for f in HelpEvent._meta.fields]
