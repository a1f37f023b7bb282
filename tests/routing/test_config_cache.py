"""Teams, routing rules and SLA policies are cached per process, and a change to any of them
takes effect on the very next message: saved here, saved in another process, or rolled back."""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bereikbaar.routing import config
from bereikbaar.routing.models import RoutingRule, SlaPolicy, Team

from .conftest import write


def other_process_commits() -> None:
    """What another process's save leaves behind for this one: a new token, no signal here."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE routing_configversion SET token = 'elsewhere' WHERE id = 1")


def test_a_changed_rule_takes_effect_on_the_next_message(team):
    billing = Team.objects.create(name="Billing", slug="billing")
    rule = RoutingRule.objects.create(name="facturen", team=billing, keywords=["factuur"])
    assert write("ans", "Mijn factuur klopt niet").team == billing

    rule.keywords = ["rekening"]
    rule.save()
    assert write("bob", "Mijn factuur klopt niet").team == team
    assert write("cas", "Mijn rekening klopt niet").team == billing

    rule.delete()
    assert write("dirk", "Mijn rekening klopt niet").team == team


def test_the_rules_are_read_once_not_for_every_message(team):
    billing = Team.objects.create(name="Billing", slug="billing")
    RoutingRule.objects.create(name="facturen", team=billing, keywords=["factuur"])
    write("ans", "Mijn factuur klopt niet")
    with CaptureQueriesContext(connection) as queries:
        assert write("bob", "Mijn factuur klopt niet").team == billing
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "routing_routingrule" not in sql
    assert "routing_slapolicy" not in sql


def test_a_change_made_by_another_process_is_seen_on_the_next_message(team):
    billing = Team.objects.create(name="Billing", slug="billing")
    rule = RoutingRule.objects.create(name="facturen", team=billing, keywords=["factuur"])
    assert write("ans", "Mijn factuur klopt niet").team == billing

    RoutingRule.objects.filter(pk=rule.pk).update(active=False)  # no signal in this process
    other_process_commits()
    assert write("bob", "Mijn factuur klopt niet").team == team


def test_a_rolled_back_change_is_never_used(team):
    billing = Team.objects.create(name="Billing", slug="billing")
    try:
        with transaction.atomic():
            RoutingRule.objects.create(name="facturen", team=billing, keywords=["factuur"])
            assert write("ans", "Mijn factuur klopt niet").team == billing
            raise RuntimeError("rollback")
    except RuntimeError:
        pass
    assert write("bob", "Mijn factuur klopt niet").team == team


def test_a_changed_sla_policy_sets_the_next_deadline(team):
    policy = SlaPolicy.objects.create(
        name="mail", channel="email", first_response_minutes=60, business_hours=False
    )
    first = write("ans", "Hallo")
    due = first.routing.first_response_due - first.routing.first_inbound_at
    assert due.total_seconds() == 3600

    policy.first_response_minutes = 30
    policy.save()
    second = write("bob", "Hallo")
    due = second.routing.first_response_due - second.routing.first_inbound_at
    assert due.total_seconds() == 1800


def test_a_new_default_team_gets_the_next_new_case(team):
    assert write("ans").team == team
    team.is_default = False
    team.save()
    kassa = Team.objects.create(name="Kassa", slug="kassa", is_default=True)
    assert write("bob").team == kassa
    assert config.current().default_team == kassa
