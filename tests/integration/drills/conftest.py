"""What the fault drills share: a Redis of their own (so stopping it, or the
tasks the servers send to its default queue, touch nothing else), and members
logged in with real sessions for the servers' clients."""

import pytest

from tests.integration.servers import redis_server


@pytest.fixture
def own_redis(redis_url):
    """A redis-server on a free port (the redis_url fixture: the suite has Redis)."""
    with redis_server() as server:
        yield server
