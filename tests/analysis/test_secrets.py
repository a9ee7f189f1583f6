import pytest

from infra_review.analysis.secrets import (
    is_placeholder,
    is_secret_key,
    iter_secrets,
    redact,
    scan_text,
    scan_value,
    shannon_entropy,
)
from infra_review.model import Unresolved

AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # AWS documentation example


@pytest.mark.parametrize(
    ("key", "value", "kind"),
    [
        ("access_key", "AKIAIOSFODNN7EXAMPLE", "aws_access_key_id"),
        ("note", "key is AKIAIOSFODNN7EXAMPLE here", "aws_access_key_id"),
        ("user_data", "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n", "private_key"),
        ("x", "ghp_" + "a1B2c3D4e5" * 4, "github_token"),
        ("x", "xoxb-123456789012-abcdefghijkl", "slack_token"),
        ("x", "sk_live_" + "a1b2C3d4E5f6G7h8", "stripe_key"),
        ("x", "AIza" + "SyA1234567890abcdefghijklmnopqrstuv", "google_api_key"),
        ("url", "postgres://admin:S3cretPass@db.internal:5432/app", "url_credentials"),
        ("secret_key", AWS_SECRET, "keyword"),
        ("master_password", "changeme", "keyword"),
        ("DB_PASSWORD", "hunter2", "keyword"),
        ("clientSecret", "abc123def", "keyword"),
        ("some_value", AWS_SECRET, "high_entropy_base64"),
        (
            "some_value",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "high_entropy_hex",
        ),
    ],
)
def test_detects(key, value, kind):
    m = scan_value(key, value)
    assert m is not None
    assert m.kind == kind
    # the match never carries the secret, only at most a 4-character prefix
    assert value not in m.redacted
    assert value[4:12] not in m.redacted or len(value) < 12
    assert str(m.to_dict()).find(value) == -1


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("password", ""),
        ("password", "   "),
        ("password", "${var.db_password}"),
        ("password", "{{ .Values.password }}"),
        ("password", "$DB_PASSWORD"),
        ("password", "<REPLACE>"),
        ("password", "REPLACE_ME"),
        ("password", "********"),
        ("secret_arn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"),
        ("password_secret", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"),
        ("password_length", "32"),
        ("manage_master_user_password", "true"),
        ("token_ttl", "3600"),
        ("secret_name", "prod/db/password"),
        ("password_ssm_path", "/prod/db/password"),
        ("ami", "ami-0c55b159cbfafe1f0"),
        ("source_code_hash", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        ("image", "nginx@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        ("bypass", "AzureServices"),
        ("description", "The password for the database"),
        ("url", "https://example.com/path"),
        ("id", "123e4567-e89b-12d3-a456-426614174000"),
    ],
)
def test_ignores(key, value):
    assert scan_value(key, value) is None


def test_non_strings_are_never_secrets():
    assert scan_value("password", 12345) is None
    assert scan_value("password", True) is None
    assert scan_value("password", Unresolved("var.p")) is None
    found = list(iter_secrets({"user_data": Unresolved('"export KEY=AKIAIOSFODNN7EXAMPLE ${var.x}"')}))
    assert [(p, m.kind) for p, m in found] == [("user_data", "aws_access_key_id")]
    assert scan_value("password", None) is None


def test_redact_prefix_and_length():
    assert redact("short") == "…(redacted, 5 chars)"
    assert redact("0123456789ab") == "01…(redacted, 12 chars)"
    assert redact(AWS_SECRET) == "wJal…(redacted, 40 chars)"
    assert redact("-----BEGIN RSA PRIVATE KEY-----\nxyz").startswith("…(redacted")


def test_secret_key_names():
    assert is_secret_key("environment[0].variables.DB_PASSWORD")
    assert is_secret_key("auth_token")
    assert is_secret_key("secret_string")
    assert not is_secret_key("passthrough")
    assert not is_secret_key("kms_key_id")
    assert not is_secret_key("public_key")
    assert is_placeholder("${aws_db_instance.x.password}")


def test_entropy_thresholds():
    assert shannon_entropy(AWS_SECRET) > 4.5
    assert shannon_entropy("aaaaaaaaaaaaaaaaaaaaaaaa") == 0.0


def test_iter_secrets_paths_and_name_value_pairs():
    value = {
        "variables": {"API_KEY": "k3y-value-1234", "LOG_LEVEL": "debug"},
        "env": [{"name": "DB_PASSWORD", "value": "hunter2"}, {"name": "HOST", "value": "db"}],
        "skip": Unresolved("var.x"),
        "nested": [[{"token": "abc-123-xyz"}]],
    }
    found = {p: m.kind for p, m in iter_secrets(value, "environment")}
    assert found == {
        "environment.variables.API_KEY": "keyword",
        "environment.env[0].value": "keyword",
        "environment.nested[0][0].token": "keyword",
    }


def test_scan_text_lines():
    text = "# DB_PASSWORD=commented\nexport DB_PASSWORD='s3cr3t!'\nHOST=db\nkey: AKIAIOSFODNN7EXAMPLE\n"
    assert [(n, m.kind) for n, m in scan_text(text)] == [(2, "keyword"), (4, "aws_access_key_id")]


def test_a_single_line_over_512_characters_is_scanned_without_recursion():
    """Seen in terraform-aws-eks, terraform-azurerm-aks and terraform-google-network: RecursionError."""
    from infra_review.analysis.secrets import scan_value

    long_line = "description = " + "word " * 200
    assert scan_value("description", long_line) is None
    with_token = "x " * 300 + "AKIAIOSFODNN7EXAMPLE"
    found = scan_value("notes", with_token)
    assert found is not None
    assert found.kind == "aws_access_key_id"


def test_base64_of_readable_text_is_judged_by_what_it_encodes():
    """terraform-aws-eks renders user_data with base64encode(): entropy of the encoding is no secret."""
    import base64

    from infra_review.analysis.secrets import scan_value

    script = base64.b64encode(b"#!/bin/bash\nexport CLUSTER=prod-eks-01\n/etc/eks/bootstrap.sh\n").decode()
    assert scan_value("user_data", script) is None
    leaked = base64.b64encode(b"#!/bin/bash\nexport AWS_KEY=AKIAIOSFODNN7EXAMPLE\n").decode()
    found = scan_value("user_data", leaked)
    assert found is not None
    assert found.kind == "aws_access_key_id"
