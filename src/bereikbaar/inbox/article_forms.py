"""Forms agents use to write help articles and synonym sets (validation only; saving and
re-indexing are the models' job)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bereikbaar.helpcenter.models import Article, Synonym


class ArticleForm(forms.ModelForm):
    tags_text = forms.CharField(
        label=_("Labels (komma-gescheiden)"), required=False, max_length=500
    )
    note = forms.CharField(
        label=_("Wat is er veranderd?"),
        required=False,
        max_length=200,
        help_text=_("Komt in de revisiegeschiedenis."),
    )

    class Meta:
        model = Article
        fields = ["title", "slug", "category", "language", "status", "body"]
        labels = {"slug": _("Adres (slug)"), "status": _("Status")}
        widgets = {"body": forms.Textarea(attrs={"rows": 18})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(self.instance.tags or [])

    def clean_tags_text(self) -> list[str]:
        seen: dict[str, None] = {}
        for tag in self.cleaned_data["tags_text"].split(","):
            tag = tag.strip()
            if tag:
                seen.setdefault(tag[:50], None)
        return list(seen)

    def save(self, author=None) -> Article:
        article = super().save(commit=False)
        article.tags = self.cleaned_data["tags_text"]
        article.save(author=author, note=self.cleaned_data.get("note") or "")
        return article


class SynonymForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ["term", "synonyms", "language"]
        labels = {"language": _("Taal")}

    def clean_synonyms(self) -> str:
        words = [w.strip() for w in self.cleaned_data["synonyms"].split(",") if w.strip()]
        if not words:
            raise forms.ValidationError(_("Geef minstens één synoniem."))
        return ", ".join(words)
