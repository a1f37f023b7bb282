"""Articles with revisions, synonyms, and the records that measure deflection."""

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bereikbaar.helpcenter.render import render_markdown


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        PUBLISHED = "published", _("gepubliceerd")

    LANGUAGES = [("nl", "Nederlands"), ("en", "English")]

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("tekst (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    language = models.CharField(_("taal"), max_length=2, choices=LANGUAGES, default="nl")
    category = models.CharField(_("categorie"), max_length=80, blank=True)
    tags = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Pre-processed tokens (folded, stemmed, compound parts added), space-separated: what
    # both search engines index, so SQLite and PostgreSQL see the same words.
    search_title = models.TextField(editable=False, blank=True)
    search_body = models.TextField(editable=False, blank=True)
    search_length = models.PositiveIntegerField(editable=False, default=0)

    class Meta:
        ordering = ["category", "title"]
        indexes = [models.Index(fields=["language", "status"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, author=None, note: str = "", **kwargs) -> None:
        """Render, re-index and keep a revision, all in one transaction."""
        from bereikbaar.helpcenter import search

        self.body_html = render_markdown(self.body)
        self.search_title, self.search_body = search.index_fields(self)
        self.search_length = len(self.search_title.split()) + len(self.search_body.split())
        with transaction.atomic():
            super().save(*args, **kwargs)
            last = self.revisions.order_by("-id").first()
            if last is None or (last.title, last.body, last.tags, last.category) != (
                self.title,
                self.body,
                self.tags,
                self.category,
            ):
                ArticleRevision.objects.create(
                    article=self,
                    title=self.title,
                    body=self.body,
                    tags=self.tags,
                    category=self.category,
                    author=author,
                    note=note[:200],
                )
            search.backend().reindex(self)

    def get_absolute_url(self) -> str:
        return reverse("helpcenter:article", args=[self.slug])

    def delete(self, *args, **kwargs):
        from bereikbaar.helpcenter import search

        with transaction.atomic():
            search.backend().remove(self.pk)
            return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ArticleMeaning(models.Model):
    """An article's meaning vector (helpcenter/meaning.py), in a table of its own so the
    articles' rows stay narrow for the full-text engines; `of` is the hash of the text it was
    computed from, so an edited article is simply computed again when next ranked."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="meaning"
    )
    vector = models.BinaryField()
    of = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"meaning of article {self.article_id}"


class ArticleRevision(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    category = models.CharField(max_length=80, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.article.slug} @ {self.created_at:%Y-%m-%d %H:%M}"


class Synonym(models.Model):
    """Words customers use for the same thing: ``term`` and ``synonyms`` (comma-separated)
    form one set; a search for any of them also finds the others. Phrases are allowed."""

    term = models.CharField(_("term"), max_length=100)
    synonyms = models.TextField(_("synoniemen (komma-gescheiden)"))
    language = models.CharField(max_length=2, choices=Article.LANGUAGES, default="nl")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "term"]

    def __str__(self) -> str:
        return f"{self.term}: {self.synonyms}"


class SearchQuery(models.Model):
    """One search, and whether a contact followed within 30 minutes."""

    visitor = models.CharField(max_length=64, blank=True, db_index=True)
    query = models.CharField(max_length=200)
    language = models.CharField(max_length=2, default="nl")
    source = models.CharField(max_length=16, default="web")  # web, api, widget
    results_count = models.PositiveIntegerField(default=0)
    top_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    contacted_at = models.DateTimeField(null=True, blank=True)
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.query!r} ({self.results_count})"


class HelpEvent(models.Model):
    """What a visitor did in the help centre: opened a result, voted, asked for a person."""

    class Kind(models.TextChoices):
        VIEW = "view", _("bekeken")
        CLICK = "click", _("resultaat geopend")
        HELPFUL = "helpful", _("hielp")
        NOT_HELPFUL = "not_helpful", _("hielp niet")
        CONTACT = "contact", _("wilde een mens spreken")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    search = models.ForeignKey(
        SearchQuery, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    visitor = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    contacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["article", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.article_id}"


def _invalidate_search(sender, **kwargs) -> None:
    from bereikbaar.helpcenter import search

    search.invalidate()


for _model in (Article, Synonym):
    post_save.connect(
        _invalidate_search, sender=_model, dispatch_uid=f"hc-search-{_model.__name__}"
    )
    post_delete.connect(
        _invalidate_search, sender=_model, dispatch_uid=f"hc-search-del-{_model.__name__}"
    )
