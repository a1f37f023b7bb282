import pytest

from bereikbaar.analytics import history
from tests.conftest import make_agent

PARAMS = history.Params(conversations=600, searches=300)


@pytest.fixture
def lead(service, billing):
    """A team lead in both teams (not an admin)."""
    return make_agent("lotte", service, billing)


@pytest.fixture
def generated(service, billing, alice):
    agents = [make_agent("gijs", service), make_agent("hanna", billing)]
    counts = history.generate(PARAMS, [service, billing], agents, seed=11)
    return counts
