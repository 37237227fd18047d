"""Object storage is configured by the S3_* variables, all or none: a half-made or
wrong configuration stops start-up with a message naming the variable."""

import pytest

from tests.society.test_settings import PRODUCTION_ENV, run_manage

S3_ENV = {
    "S3_BUCKET": "society-files",
    "S3_ENDPOINT_URL": "https://s3.eu-west-2.amazonaws.com",
    "S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "S3_SECRET_ACCESS_KEY": "secret",
}


def show(expression: str, env: dict[str, str]):
    return run_manage("shell", "--no-imports", "-c", f"from django.conf import settings; print({expression})", env=env)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"S3_BUCKET": "society-files"}, "S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY not set"),
        ({**S3_ENV, "S3_SECRET_ACCESS_KEY": ""}, "S3_SECRET_ACCESS_KEY not set: object storage needs all of"),
        ({**S3_ENV, "S3_ENDPOINT_URL": "s3.example.org"}, "S3_ENDPOINT_URL must be an http:// or https:// address"),
        ({"S3_PRESIGNED_SECONDS": "0"}, "S3_PRESIGNED_SECONDS must be from 1 to 3600"),
        ({"S3_PRESIGNED_SECONDS": "86400"}, "S3_PRESIGNED_SECONDS must be from 1 to 3600"),
        ({"S3_PRESIGNED_SECONDS": "5m"}, "S3_PRESIGNED_SECONDS must be a whole number, not '5m'"),
        ({"PRIVATE_MATERIALS_DELIVERY": "email"}, "PRIVATE_MATERIALS_DELIVERY must be redirect or stream"),
        (
            {"BACKUP_BUCKET": "society-backups"},
            "BACKUP_BUCKET is set but S3_BUCKET, S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY are not: "
            "the backups bucket is reached with object storage's endpoint and keys.",
        ),
        ({"BACKUP_BUCKET": "society-backups", "S3_BUCKET": "society-files"}, "S3_ENDPOINT_URL, S3_ACCESS_KEY_ID"),
    ],
    ids=[
        "bucket-alone",
        "no-secret",
        "endpoint-not-a-url",
        "zero-seconds",
        "a-day",
        "not-a-number",
        "delivery",
        "backup-bucket-alone",
        "backup-bucket-half-s3",
    ],
)
def test_a_wrong_object_storage_configuration_stops_start_up_naming_the_variable(given, message):
    result = run_manage("check", env={**PRODUCTION_ENV, **given})

    assert result.returncode != 0
    assert message in result.stderr


def test_with_every_s3_variable_set_the_files_go_to_the_bucket_and_pages_may_show_its_pictures():
    env = {**PRODUCTION_ENV, **S3_ENV, "S3_PUBLIC_URL": "https://files.example.org/"}

    result = show(
        "settings.STORAGES['default']['OPTIONS']['custom_domain'], settings.STORAGES['private']['OPTIONS']['location'],"
        " settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'][-1]",
        env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "files.example.org private https://files.example.org"
    assert run_manage("check", "--deploy", "--fail-level", "WARNING", env=env).returncode == 0


def test_backup_bucket_gets_its_own_storage_on_the_same_endpoint_under_backups():
    env = {**PRODUCTION_ENV, **S3_ENV, "BACKUP_BUCKET": "society-backups"}

    result = show(
        "*[settings.STORAGES['backups']['OPTIONS'][key] for key in "
        "('bucket_name', 'location', 'endpoint_url', 'access_key', 'querystring_auth')]",
        env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "society-backups backups https://s3.eu-west-2.amazonaws.com AKIAEXAMPLE True"
    assert show("'backups' in settings.STORAGES", {**PRODUCTION_ENV, **S3_ENV}).stdout.strip() == "False"


def test_without_s3_variables_the_files_stay_on_the_local_disk():
    result = show("settings.STORAGES['default']['BACKEND'], settings.STORAGES['private']['BACKEND']", PRODUCTION_ENV)

    assert result.stdout.strip() == "django.core.files.storage.FileSystemStorage workshops.storage.PrivateStorage"
