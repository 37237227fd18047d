"""What the fault drills share: a Redis of their own, so that stopping it, or
the tasks the servers send to its default queue, touch nothing else."""

import pytest

from tests.integration.own_servers import redis_server


@pytest.fixture
def own_redis(redis_url):
    """A redis-server on a free port (needs what redis_url needs: a suite run with Redis)."""
    with redis_server() as server:
        yield server
