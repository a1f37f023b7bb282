"""state.derive is a function of the set of facts: any order, any duplicates, same record."""

from hypothesis import given
from hypothesis import strategies as st

from bereikbaar.channels.voice import state

exts = st.sampled_from(["", "anna", "bert", "201"])
times = st.integers(min_value=0, max_value=600).map(float)
new = st.tuples(st.just("new"), st.tuples(times, exts).map(list))
answer = st.tuples(st.just("answer"), st.tuples(times, exts).map(list))
causes = st.sampled_from(["normal", "cancel", "noanswer", "busy", "failed", ""])
hangup = st.tuples(st.just("hangup"), st.tuples(times, exts, causes).map(list))
events = st.lists(st.one_of(new, answer, hangup), max_size=30)


def folded(items) -> state.Derived:
    facts = state.empty()
    for kind, fact in items:
        state.add(facts, kind, list(fact))
    return state.derive(facts)


@given(events, st.randoms())
def test_order_and_duplicates_do_not_matter(items, rnd):
    shuffled = items + items[: len(items) // 2]  # some arrive twice
    rnd.shuffle(shuffled)
    assert folded(shuffled) == folded(items)


@given(events)
def test_the_record_is_consistent(items):
    d = folded(items)
    if d.state == "ended":
        assert d.outcome
        assert d.ended_at is not None
        if d.answered_at is not None:
            assert d.ended_at >= d.answered_at
            assert d.outcome == "answered"
    else:
        assert d.outcome == ""


def test_a_hangup_before_the_answer_ends_answered():
    d = folded([("hangup", [50.0, "anna", "normal"]), ("answer", [10.0, "anna"])])
    assert (d.state, d.outcome, d.answered_ext) == ("ended", "answered", "anna")
