"""A real S3 API on this machine: moto's server on a free port for the session, a
fresh bucket for each test (with the bucket policy the README asks for), and
STORAGES pointed at it exactly as production builds them from the S3_* variables."""

import json
import logging
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import boto3
import pytest
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto.server import ThreadedMotoServer

from society import settings as project_settings
from tests.integration.servers import free_port

ACCESS_KEY, SECRET_KEY = "society-test", "society-test-secret"


def public_pictures_policy(bucket: str) -> dict:
    """The README's bucket policy: anyone may read media/, nobody private/ without a signature."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicPictures",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/media/*",
            }
        ],
    }


@dataclass
class Fetched:
    status: int
    headers: dict
    body: bytes


def fetch(url: str) -> Fetched:
    """A plain GET, as a browser would make it: no credentials, no SDK."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (http URLs the test made)
            return Fetched(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as refused:
        return Fetched(refused.code, {k.lower(): v for k, v in refused.headers.items()}, refused.read())


@dataclass
class Bucket:
    name: str
    endpoint: str
    client: object

    @property
    def env(self) -> dict[str, str]:
        """The variables a deployment sets to use this bucket."""
        return {
            "S3_BUCKET": self.name,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def keys(self, prefix: str = "") -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def remove(self) -> None:
        """Empty the bucket and delete it."""
        for key in self.keys():
            self.client.delete_object(Bucket=self.name, Key=key)
        self.client.delete_bucket(Bucket=self.name)


def signature_holds(link: str, *, secret_key: str = SECRET_KEY, region: str = "us-east-1") -> bool:
    """Whether a presigned link's SigV4 signature is the one `secret_key` gives for
    everything else in it (its X-Amz-Date and X-Amz-Expires included), computed again
    with botocore: what S3 checks before it looks at the expiry."""
    parts = urlsplit(link)
    query = parse_qsl(parts.query, keep_blank_values=True)
    found = dict(query)
    unsigned = [(key, value) for key, value in query if key != "X-Amz-Signature"]
    request = AWSRequest(method="GET", url=urlunsplit(parts._replace(query=urlencode(unsigned, quote_via=quote))))
    request.context["timestamp"] = found["X-Amz-Date"]
    auth = S3SigV4QueryAuth(Credentials(ACCESS_KEY, secret_key), "s3", region, expires=int(found["X-Amz-Expires"]))
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    return expected == found["X-Amz-Signature"]


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto in server mode: the S3 API over HTTP on 127.0.0.1, on a free port."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(scope="session")
def s3_client(s3_endpoint):
    """The tests' own view of the bucket, as its owner."""
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )


@pytest.fixture
def bucket(s3_endpoint, s3_client, settings, monkeypatch) -> Bucket:
    """A new bucket with the public-pictures policy; the default and private storages on it."""
    client = s3_client
    made = Bucket(f"society-{uuid.uuid4().hex[:12]}", s3_endpoint, client)
    client.create_bucket(Bucket=made.name)
    client.put_bucket_policy(Bucket=made.name, Policy=json.dumps(public_pictures_policy(made.name)))
    use_bucket(made, settings, monkeypatch)
    return made


def use_bucket(bucket: Bucket, settings, monkeypatch, **extra_env: str) -> None:
    """STORAGES as the settings build them from the S3_* variables (and `extra_env`)."""
    for name, value in {**bucket.env, **extra_env}.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, **project_settings.s3_storages()}
