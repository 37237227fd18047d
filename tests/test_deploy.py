"""deploy/ says what the code and the README say: the example environment names only
variables the settings read and the README documents, the systemd units and compose.yaml
run the Procfile's processes with one beat, and nginx's locations are the settings'.
(tests/integration/test_nginx.py runs deploy/nginx.conf itself.)"""

import configparser
import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
README = (ROOT / "README.md").read_text()
SETTINGS = (ROOT / "society" / "settings.py").read_text()


def example_environment() -> dict[str, str]:
    """The variables of deploy/society.env.example, with their example values."""
    lines = (DEPLOY / "society.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line)


def unit_command(name: str) -> str:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # systemd's keys are case-sensitive
    unit.read(DEPLOY / f"{name}.service")
    return unit["Service"]["ExecStart"]


def core(command: str) -> str:
    """`gunicorn society.wsgi` or `celery -A society worker`: what runs, not its options."""
    return re.match(r"(?:\S*/)?(gunicorn society\.wsgi|celery -A society \w+)", command).group(1)


def test_the_example_environment_names_only_variables_the_settings_read_and_the_readme_documents():
    names = example_environment()

    assert {name for name in names if f'"{name}"' not in SETTINGS} == set()
    assert {name for name in names if f"`{name}`" not in README} == set()


def test_the_example_environment_sets_what_production_needs_and_nginx_expects():
    names = example_environment()

    needed = {"SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST"}
    assert needed <= set(names)
    assert names["SENDFILE_HEADER"] == "X-Accel-Redirect"
    assert names["TRUSTED_PROXY_COUNT"] == "1"
    assert "DEBUG" not in names  # off unless set


def test_nginx_serves_the_locations_the_settings_name():
    conf = (DEPLOY / "nginx.conf").read_text()

    for location in (settings.STATIC_URL, settings.MEDIA_URL, settings.SENDFILE_PREFIX):
        assert f"location {location} {{" in conf
    limit = max(settings.MATERIAL_MAX_MB.values()) + 10
    assert f"client_max_body_size {limit}m;" in conf
    assert (ROOT / "static" / "errors" / "413.html").exists()


def test_the_systemd_units_run_the_procfiles_processes():
    processes = procfile()

    for unit, process in (("society-web", "web"), ("society-worker", "worker"), ("society-beat", "beat")):
        assert core(unit_command(unit)) == core(processes[process])
    assert "EXACTLY ONE" in (DEPLOY / "society-beat.service").read_text()


def test_compose_runs_web_workers_and_one_beat_on_postgresql_and_redis():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    processes = procfile()

    assert set(services) == {"release", "web", "worker", "beat", "db", "redis"}
    for name in ("web", "worker", "beat"):
        assert core(services[name]["command"]) == core(processes[name])
        assert services[name]["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        assert services[name]["depends_on"]["release"] == {"condition": "service_completed_successfully"}
        assert services[name]["env_file"] == "society.env"
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert (DEPLOY / "Dockerfile").exists()
