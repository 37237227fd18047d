"""The project's settings with a bench-only URLconf (bench_urls), for the gunicorn that bench/events.py runs."""

from society.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
