import pytest

from bereikbaar.helpcenter.models import Article


@pytest.fixture
def make_article(db):
    def make(slug, title, body="", language="nl", status="published", **kw):
        a = Article(slug=slug, title=title, body=body, language=language, status=status, **kw)
        a.save()
        return a

    return make
