import io

from django.core.management import call_command

from bereikbaar.analytics import figures
from bereikbaar.analytics.demo import seed_demo
from bereikbaar.demo.load import load_demo


def test_the_demo_fills_every_chart(db, django_user_model):
    from bereikbaar.analytics.models import CsatResponse

    load_demo(contacts=60, conversations=200, out=io.StringIO())  # seeds analytics too
    assert CsatResponse.objects.count() > 20
    assert seed_demo() == {"csat": 0, "searches": 0, "callbacks": 0}  # once
    admin = django_user_model.objects.get(username="admin")
    for fig in figures.dashboard(admin, figures.Filters.last_days(90)):
        assert fig.rows, fig.key
    # the SLA chart speaks for the whole history, not just the few cases filed live at load
    sla = figures.sla(admin, figures.Filters.last_days(90))
    assert "routering" in sla.note
    measured = sum(row[2] for row in sla.rows)
    assert measured > 100, sla.rows
    assert 0 < sum(row[3] for row in sla.rows) < measured  # some in time, some late


def test_the_commands_generate_history_and_send_what_is_due(service, anna, alice):
    out = io.StringIO()
    call_command("analytics_history", conversations=30, searches=5, stdout=out)
    assert "conversations=30" in out.getvalue()
    out = io.StringIO()
    call_command("analytics_weekly", stdout=out)
    assert "summaries=0" in out.getvalue()
