"""The project's settings with a bench-only URLconf (bench_urls), for the gunicorn that harness.Gunicorn runs."""

from society.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
