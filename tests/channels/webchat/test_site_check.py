"""G6 left-over: the widget learns that its site is refused (GET /chat/site), because a browser
hides the socket's 4403 behind a failed handshake and the widget would knock for ever."""

import pytest

pytestmark = pytest.mark.django_db

SHOP = "https://www.zonnestroom.example"
ELSEWHERE = "https://copycat.example"


def check(client, origin: str | None, lang: str = "nl"):
    headers = {"Origin": origin} if origin is not None else {}
    return client.get(f"/chat/site?lang={lang}", headers=headers)


def test_a_refused_site_gets_a_403_with_a_reason_in_its_language(client, settings):
    settings.BEREIKBAAR_WEBCHAT_ORIGINS = SHOP
    refused = check(client, ELSEWHERE)
    assert refused.status_code == 403
    assert refused.json() == {
        "error": "forbidden_origin",
        "message": "Deze chat hoort bij een andere website.",
    }
    assert refused["Access-Control-Allow-Origin"] == "*"  # the page on that site can read it
    assert refused["Cache-Control"] == "no-store"
    english = check(client, ELSEWHERE, lang="en")
    assert english.json()["message"] == "This chat belongs to another website."


def test_a_listed_site_any_site_without_a_list_and_our_own_pages_are_not_refused(client, settings):
    settings.BEREIKBAAR_WEBCHAT_ORIGINS = ""
    assert check(client, ELSEWHERE).status_code == 200
    settings.BEREIKBAAR_WEBCHAT_ORIGINS = SHOP
    listed = check(client, SHOP)
    assert listed.status_code == 200
    assert listed.json() == {"ok": True}
    assert listed["Access-Control-Allow-Origin"] == "*"
    assert check(client, "http://testserver").status_code == 200  # the /chat/ page itself
    # A same-origin fetch sends no Origin: not a refusal (the socket still checks its own).
    assert check(client, None).status_code == 200


def test_the_check_answers_get_only(client, settings):
    settings.BEREIKBAAR_WEBCHAT_ORIGINS = SHOP
    assert client.post("/chat/site", headers={"Origin": ELSEWHERE}).status_code == 405
