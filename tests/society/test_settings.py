import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x8#m2Lq!v9Zr4Tw7Kp1Yd6Hs3Nf0Bc5Ge8Jx2Ua7Qi4Ro1Vl6Ey9Wt3Mz0Pk5Sb",
    "ALLOWED_HOSTS": "society.example.ac.uk",
    "SITE_URL": "https://society.example.ac.uk",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_missing_secret_key_stops_start_up_with_a_clear_message():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_bad_boolean_setting_is_refused_by_name():
    result = run_manage("check", env={**PRODUCTION_ENV, "DEBUG": "maybe"})

    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


@pytest.mark.parametrize("value", ["08/01", "02-30", "13-01", "august"])
def test_bad_academic_year_start_is_refused_by_name(value):
    result = run_manage("check", env={**PRODUCTION_ENV, "ACADEMIC_YEAR_START": value})

    assert result.returncode != 0
    assert f"ACADEMIC_YEAR_START must be a day of the year as MM-DD (e.g. 08-01), not {value!r}" in result.stderr


def test_deploy_check_passes_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_pages_forbid_inline_script_and_other_origins(client):
    response = client.get(reverse("events:home"))

    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert (response.status_code, response.content) == (200, b"ok\n")
    assert "no-cache" in response["Cache-Control"]
