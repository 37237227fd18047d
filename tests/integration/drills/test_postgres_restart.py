"""Drill: PostgreSQL restarted during traffic. While it is down, requests get the
friendly 503 page (never a 500, never a trace); once it is back the same gunicorn
processes serve again, unrestarted; every registration answered as done is there."""

import itertools
import json
import os
import subprocess
import sys
import threading

import psycopg2
import pytest

from tests.integration.own_servers import postgres_cluster
from tests.integration.servers import gunicorn
from tests.integration.worker import ROOT, wait_until

from . import DEADLINE

pytestmark = pytest.mark.drill

MEMBERS = 40
CLIENTS = 4
MAX_REQUESTS_PER_CLIENT = 1500  # a bound: the drill stops them long before
LEAKS = ("Traceback", "OperationalError", "psycopg", "postgres", "Server Error (500)")


def arrange(database_url: str) -> dict:
    """The event and the logged-in members, written into the drill's database."""
    found = subprocess.run(
        [sys.executable, "-m", "tests.integration.drills.people", "restart-drill", str(MEMBERS)],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "society.settings"},
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return json.loads(found.stdout)


class Traffic:
    """CLIENTS threads, each in turn registering the next member and reading the
    event page, until stopped; every answer kept as (member, what, status, body)."""

    def __init__(self, server, *, event: str, members: list):
        self.results: list[tuple[int, str, int, bytes]] = []
        self._next_member = itertools.cycle(members)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._client, args=(server, event)) for _ in range(CLIENTS)]

    def _client(self, server, event: str) -> None:
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if self._stop.is_set():
                return
            with self._lock:
                user_id, session = next(self._next_member)
            status, body = server.post_as(session, f"/events/{event}/register/")
            self._keep(user_id, "register", status, body)
            status, body = server.get(f"/events/{event}/")
            self._keep(user_id, "page", status, body)

    def _keep(self, *result) -> None:
        with self._lock:
            self.results.append(result)

    def count(self, status: int, *, since: int = 0) -> int:
        with self._lock:
            return sum(1 for result in self.results[since:] if result[2] == status)

    def __enter__(self) -> "Traffic":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=DEADLINE)


def registered_members(database_url: str, event: str) -> set[int]:
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.user_id FROM events_registration r JOIN events_event e ON e.id = r.event_id WHERE e.slug = %s",
            [event],
        )
        found = {user_id for (user_id,) in cursor.fetchall()}
    connection.close()
    return found


def test_postgres_restart_during_traffic_is_a_friendly_503_then_the_same_processes_serve(own_redis):
    with postgres_cluster() as cluster:
        arranged = arrange(cluster.url())
        env = {"DATABASE_URL": cluster.url(), "REDIS_URL": own_redis.url}
        with gunicorn(env=env) as server:
            booted = server.workers_booted()
            with Traffic(server, event=arranged["event"], members=arranged["members"]) as traffic:
                wait_until(
                    lambda: traffic.count(302) >= 10, timeout=DEADLINE, message="no registration went through before"
                )
                cluster.stop()
                wait_until(
                    lambda: traffic.count(503) >= 10, timeout=DEADLINE, message="no request met the stopped database"
                )
                cluster.start()
                back = len(traffic.results)
                wait_until(
                    lambda: traffic.count(302, since=back) >= 10 and traffic.count(200, since=back) >= 10,
                    timeout=DEADLINE,
                    message=f"the servers did not serve again:\n{server.output()}",
                )
            results = traffic.results
            still_up = server.process.poll() is None
            booted_since = server.workers_booted() - booted
            health = server.get("/healthz?shallow=1")[0]

        done = {user_id for user_id, what, status, _ in results if what == "register" and status == 302}
        kept = registered_members(cluster.url(), arranged["event"])

    statuses = {status for _, _, status, _ in results}
    assert statuses <= {200, 302, 503}, f"unexpected answers: {statuses - {200, 302, 503}}"
    unavailable = [body.decode() for _, _, status, body in results if status == 503]
    assert all("Back in a moment" in body for body in unavailable)
    assert [leak for leak in LEAKS if any(leak in body for body in unavailable)] == []
    assert (still_up, booted_since, health) == (True, 0, 200)  # the same processes, serving
    assert done <= kept  # nothing answered as done was lost
