"""Credentials: Open Badges 3.0 documents, signed with eddsa-jcs-2022 and verified offline."""

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command

from credentials import badges, jcs, keys, multibase, proofs, services
from credentials.models import IssuedCredential
from credentials.proofs import Status

from .conftest import led_session, series_attended

NEW_KEY = """-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIDXzM4cPV4tH2Fz6uQ9jt+DV07dHUD+9Ze+De+7/HXhr
-----END PRIVATE KEY-----"""
SCHEMA = json.loads((Path(__file__).parent / "ob_v3p0_achievementcredential_schema.json").read_text())


def issue_all(member) -> list[IssuedCredential]:
    return [services.issue_credential(member=member, achievement=a) for a in badges.earned(member)]


@pytest.fixture
def session_credential(host):
    led_session(host, title="Transformers from scratch")
    return issue_all(host)[0]


def test_jcs_sorts_names_and_writes_no_whitespace():
    value = {"b": [1, True, None], "a": {"z": "é\n", "é": 1.5, "\u20ac": 2.0}, "\U0001f600": 0}

    assert jcs.canonical(value) == '{"a":{"z":"é\\n","é":1.5,"€":2},"b":[1,true,null],"😀":0}'.encode()


def test_jcs_writes_numbers_as_ecmascript_does():
    assert jcs.canonical([1e21, 1e-7, 0.1, -0.0, 100.0]) == b"[1e+21,1e-7,0.1,0,100]"


def test_base58btc_round_trips_and_keeps_leading_zeros():
    data = b"\0\0hello world"

    assert multibase.decode(multibase.encode(data)) == data
    assert multibase.base58btc(b"hello world") == "StV1DL6CwTryKyV"


def test_a_multikey_starts_with_z6mk():
    key = Ed25519PrivateKey.generate().public_key()

    assert keys.public_multibase(key).startswith("z6Mk")


@pytest.mark.django_db
def test_every_kind_of_credential_follows_the_open_badges_3_schema(host):
    led_session(host)
    series_attended(host)

    credentials = issue_all(host)

    assert sorted(credential.kind for credential in credentials) == ["series_completed", "session_led"]
    for credential in credentials:
        jsonschema.validate(credential.document, SCHEMA, cls=jsonschema.Draft201909Validator)


@pytest.mark.django_db
def test_a_session_credential_says_who_led_what_when(session_credential, settings):
    document = session_credential.document

    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["@context"] == badges.CONTEXTS
    assert document["id"] == f"{settings.SITE_URL}/credentials/{session_credential.pk}/"
    assert document["issuer"]["id"] == f"{settings.SITE_URL}/"
    assert document["name"] == "Led “Transformers from scratch”"
    assert document["credentialSubject"]["identifier"][0]["identityHash"] == "Ada Lovelace"
    assert "6 members attended" in document["description"]
    assert document["proof"][0]["cryptosuite"] == "eddsa-jcs-2022"
    assert document["proof"][0]["verificationMethod"] == keys.current_key_id()


@pytest.mark.django_db
def test_a_credential_verifies_offline_with_the_published_keys(session_credential):
    text = json.dumps(session_credential.document)

    verdict = proofs.verify(text, keys.published_keys())

    assert verdict.status == Status.GENUINE
    assert proofs.statement(verdict.credential).person == "Ada Lovelace"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["credentialSubject"]["identifier"][0].update(identityHash="Mallory"),
        lambda d: d.update(validFrom="2020-01-01T00:00:00Z"),
        lambda d: d["credentialSubject"].update(activityStartDate="2020-01-01T10:00:00Z"),
        lambda d: d["credentialSubject"]["achievement"].update(name="Led the whole society"),
        lambda d: d["proof"][0].update(created="2020-01-01T00:00:00Z"),
        lambda d: d["proof"][0].update(proofValue="z" + "1" * 80),
        lambda d: d["proof"][0].update(proofValue="not multibase"),
    ],
    ids=["name", "date", "activity date", "achievement", "proof date", "signature", "garbled signature"],
)
def test_a_changed_credential_is_not_genuine(session_credential, change):
    tampered = copy.deepcopy(session_credential.document)
    change(tampered)

    assert proofs.verify(tampered, keys.published_keys()).status == Status.NOT_GENUINE
    assert services.check(json.dumps(tampered)).status == Status.NOT_GENUINE


@pytest.mark.django_db
def test_a_credential_signed_by_another_key_is_not_ours(session_credential):
    unsigned = {name: value for name, value in session_credential.document.items() if name != "proof"}
    stranger = Ed25519PrivateKey.generate()
    their_id = keys.key_id(keys.public_multibase(stranger.public_key()))
    forged = proofs.sign(unsigned, private_key=stranger, verification_method=their_id, created=datetime.now(UTC))
    # The same key id as ours, but the stranger's signature:
    posing = proofs.sign(
        unsigned, private_key=stranger, verification_method=keys.current_key_id(), created=datetime.now(UTC)
    )

    assert services.check(forged).status == Status.UNKNOWN_KEY
    assert services.check(posing).status == Status.NOT_GENUINE


@pytest.mark.django_db
def test_after_a_key_rotation_old_credentials_still_verify(session_credential, settings):
    old_public = keys.public_multibase(keys.signing_key().public_key())
    settings.CREDENTIAL_SIGNING_KEY = NEW_KEY
    settings.CREDENTIAL_RETIRED_KEYS = [old_public]

    document = keys.key_document()
    listed = [method["publicKeyMultibase"] for method in document["verificationMethod"]]

    assert listed == [keys.public_multibase(keys.signing_key().public_key()), old_public]
    assert keys.current_key_id() != session_credential.document["proof"][0]["verificationMethod"]
    assert services.check(session_credential.document).status == Status.GENUINE

    settings.CREDENTIAL_RETIRED_KEYS = []

    assert services.check(session_credential.document).status == Status.UNKNOWN_KEY


@pytest.mark.django_db
def test_a_revoked_credential_is_reported_as_revoked(session_credential, host):
    services.revoke_credential(credential=session_credential, by=host)

    assert services.check(session_credential.document).status == Status.REVOKED
    # offline, the signature alone still holds: only the site knows it was withdrawn
    assert proofs.verify(session_credential.document, keys.published_keys()).status == Status.GENUINE


@pytest.mark.django_db
def test_issuing_again_gives_the_same_credential_until_it_is_revoked(session_credential, host):
    achievement = badges.earned(host)[0]

    assert services.issue_credential(member=host, achievement=achievement) == session_credential

    services.revoke_credential(credential=session_credential, by=host)
    again = services.issue_credential(member=host, achievement=achievement)

    assert again.pk != session_credential.pk
    assert IssuedCredential.objects.filter(member=host).count() == 2


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[1, 2]", '{"type": "VerifiableCredential"}', '{"a": NaN}', json.dumps({"proof": {}})],
)
def test_what_is_not_a_credential_is_said_so(text):
    """Not JSON, not an object, no proof, NaN (which JSON has no word for), an empty proof."""
    assert proofs.verify(text, {}).status == Status.NOT_A_CREDENTIAL


@pytest.mark.django_db
def test_nothing_is_issued_for_what_the_member_did_not_earn(host):
    with pytest.raises(services.CredentialError):
        services.issue_earned(member=host, ref="session_led:someone-elses-session")

    assert IssuedCredential.objects.count() == 0


@pytest.mark.django_db
def test_without_a_key_in_production_nothing_is_issued(host, settings):
    led_session(host)
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_DEVELOPMENT_KEY = False

    with pytest.raises(keys.KeyMissing):
        issue_all(host)

    assert IssuedCredential.objects.count() == 0
    assert keys.key_document()["verificationMethod"] == []


def test_the_development_key_is_derived_from_the_secret_key(settings):
    first = keys.public_multibase(keys.development_key().public_key())
    settings.SECRET_KEY = "another secret"

    assert keys.public_multibase(keys.development_key().public_key()) != first


def test_the_key_command_prints_a_key_the_settings_read(capsys, settings):
    call_command("credential_key")
    line = capsys.readouterr().out.splitlines()[0]
    settings.CREDENTIAL_SIGNING_KEY = line.removeprefix("CREDENTIAL_SIGNING_KEY=")

    assert line.startswith("CREDENTIAL_SIGNING_KEY=")
    assert keys.signing_key().public_key() is not None


@pytest.mark.django_db
def test_a_single_proof_object_verifies_as_well_as_a_set_of_one(session_credential):
    single = {**session_credential.document, "proof": session_credential.document["proof"][0]}

    assert services.check(single).status == Status.GENUINE


def test_a_key_that_cannot_be_read_is_reported_at_start(settings):
    from credentials.checks import check_credential_keys

    settings.CREDENTIAL_SIGNING_KEY = "not a key"
    settings.CREDENTIAL_RETIRED_KEYS = ["z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "zNotAKey"]

    assert [error.id for error in check_credential_keys(None)] == ["credentials.E001", "credentials.E002"]

    settings.CREDENTIAL_SIGNING_KEY = NEW_KEY
    settings.CREDENTIAL_RETIRED_KEYS = ["z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"]

    assert check_credential_keys(None) == []
