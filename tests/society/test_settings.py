import json
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
    response = client.get("/healthz?shallow=1")

    assert (response.status_code, response.content) == (200, b"ok\n")
    assert "no-cache" in response["Cache-Control"]


SHOW_LIMITS = (
    "import json; from django.conf import settings as s; print(json.dumps([s.ALLAUTH_TRUSTED_PROXY_COUNT, "
    "s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER, s.ACCOUNT_RATE_LIMITS['upload'], s.DATA_UPLOAD_MAX_MEMORY_SIZE, "
    "s.FILE_UPLOAD_MAX_MEMORY_SIZE, s.DATA_UPLOAD_MAX_NUMBER_FIELDS, s.DATA_UPLOAD_MAX_NUMBER_FILES]))"
)
MB = 1024 * 1024


def test_proxy_rate_and_body_limits_default_to_safe_values():
    result = run_manage("shell", "--no-imports", "-c", SHOW_LIMITS, env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [0, None, "30/h/user", 2 * MB, 2 * MB, 1000, 10]


def test_proxy_rate_and_body_limits_come_from_the_environment():
    env = {
        **PRODUCTION_ENV,
        "TRUSTED_PROXY_COUNT": "1",
        "UPLOAD_RATE_LIMIT": "10/15m",
        "DATA_UPLOAD_MAX_MB": "3",
        "FILE_UPLOAD_MEMORY_MB": "4",
        "DATA_UPLOAD_MAX_NUMBER_FIELDS": "2000",
        "DATA_UPLOAD_MAX_NUMBER_FILES": "5",
    }

    result = run_manage("shell", "--no-imports", "-c", SHOW_LIMITS, env=env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [1, None, "10/15m/user", 3 * MB, 4 * MB, 2000, 5]


def test_a_client_ip_header_comes_from_the_environment():
    result = run_manage(
        "shell", "--no-imports", "-c", SHOW_LIMITS, env={**PRODUCTION_ENV, "CLIENT_IP_HEADER": "CF-Connecting-IP"}
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[:2] == [0, "CF-Connecting-IP"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TRUSTED_PROXY_COUNT": "one"}, "TRUSTED_PROXY_COUNT must be a whole number, not 'one'."),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must be 0 or more, not -1."),
        (
            {"CLIENT_IP_HEADER": "X_Real IP"},
            "CLIENT_IP_HEADER must be an HTTP header's name such as X-Real-IP, not 'X_Real IP'.",
        ),
        (
            {"TRUSTED_PROXY_COUNT": "1", "CLIENT_IP_HEADER": "X-Real-IP"},
            "Set TRUSTED_PROXY_COUNT (proxies appending to X-Forwarded-For) or CLIENT_IP_HEADER",
        ),
        (
            {"UPLOAD_RATE_LIMIT": "30 per hour"},
            "UPLOAD_RATE_LIMIT must be a number per period such as 30/h, 10/15m or 100/d, not '30 per hour'.",
        ),
        ({"UPLOAD_RATE_LIMIT": "30/h/ip"}, "UPLOAD_RATE_LIMIT must be a number per period"),
        ({"DATA_UPLOAD_MAX_MB": "0"}, "DATA_UPLOAD_MAX_MB must be 1 or more, not 0."),
    ],
    ids=["count-not-a-number", "count-negative", "bad-header", "both", "rate-words", "rate-per-ip", "body-zero"],
)
def test_a_wrong_proxy_rate_or_body_limit_stops_start_up_with_a_clear_message(env, message):
    result = run_manage("check", env={**PRODUCTION_ENV, **env})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def site_url_with(env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env={**clean, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_links_follow_the_port_of_the_local_server_unless_site_url_is_set():
    assert site_url_with({}) == "http://127.0.0.1:8000"
    assert site_url_with({"PORT": "8765"}) == "http://127.0.0.1:8765"
    assert (
        site_url_with({"PORT": "8765", "SITE_URL": "https://society.example.ac.uk/"}) == "https://society.example.ac.uk"
    )
