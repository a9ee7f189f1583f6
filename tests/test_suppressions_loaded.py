"""Inline suppressions on a repository loaded by the real loaders (Terraform, YAML, Dockerfile)."""

from __future__ import annotations

import pytest

from infra_review.model import Area, Severity
from infra_review.pipeline import load_repo
from infra_review.review.engine import review
from infra_review.rules import Hit, rule


def _every(rg):
    for r in rg.resources():
        yield Hit(r, f"{r.name} flagged")


_every.__doc__ = "Flags everything.\n\nRemediation\n-----------\nNone.\n"
EVERY = rule(
    "TST501", area=Area.IAC, severity=Severity.HIGH, title="every", checkov=["CKV_K8S_8"], register=False
)(_every).rule

TF = """\
terraform {
  backend "s3" {}
}

# infra-review:ignore=TST501 accepted: legacy bucket, migrating in Q3
resource "aws_s3_bucket" "suppressed" {
  bucket = "a"
}

resource "aws_s3_bucket" "active" {
  bucket = "b"
}
"""

YAML = """\
# infra-review:ignore=TST501 batch job, no traffic
apiVersion: batch/v1
kind: Job
metadata:
  name: quiet
spec:
  template:
    spec:
      containers: [{name: a, image: "a:1"}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkov-skipped
  # checkov:skip=CKV_K8S_8:liveness handled by the sidecar
spec:
  template:
    spec:
      containers: [{name: a, image: "a:1"}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: loud
spec:
  template:
    spec:
      containers: [{name: a, image: "a:1"}]
"""

DOCKERFILE = """\
# infra-review:ignore=TST501 base image pinned by digest elsewhere
FROM python:3.12-slim
USER app
"""


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.setenv("INFRA_REVIEW_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    (root / "svc").mkdir(parents=True)
    (root / "main.tf").write_text(TF)
    (root / "k8s.yaml").write_text(YAML)
    (root / "svc" / "Dockerfile").write_text(DOCKERFILE)
    return root


def test_suppressions_with_real_loader_lines(repo):
    result = load_repo(repo, cache=False, isolate=False)
    findings = review(result.graph, rules=[EVERY])
    by_name = {result.graph[f.address].name: f for f in findings}
    assert by_name["suppressed"].suppressed
    assert by_name["suppressed"].suppression_source == "inline:main.tf:5"
    assert not by_name["active"].suppressed
    assert by_name["quiet"].suppressed
    assert by_name["quiet"].suppression_reason == "batch job, no traffic"
    assert by_name["checkov-skipped"].suppressed
    assert by_name["checkov-skipped"].suppression_source.startswith("checkov:k8s.yaml:")
    assert not by_name["loud"].suppressed
    docker = [f for f in findings if f.address.startswith("docker:")]
    assert docker
    assert all(f.suppressed for f in docker)


def test_suppression_at_the_module_call(tmp_path, monkeypatch):
    monkeypatch.setenv("INFRA_REVIEW_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    (root / "modules" / "bucket").mkdir(parents=True)
    (root / "modules" / "bucket" / "main.tf").write_text(
        'resource "aws_s3_bucket" "this" {\n  bucket = "x"\n}\n'
    )
    (root / "main.tf").write_text(
        "# infra-review:ignore=TST501 vendored module, tracked upstream\n"
        'module "quiet" {\n  source = "./modules/bucket"\n}\n\n'
        'module "loud" {\n  source = "./modules/bucket"\n}\n'
    )
    result = load_repo(root, cache=False, isolate=False)
    by_addr = {f.address: f for f in review(result.graph, rules=[EVERY])}
    assert by_addr["module.quiet.aws_s3_bucket.this"].suppressed
    assert by_addr["module.quiet.aws_s3_bucket.this"].suppression_source == "inline:main.tf:1"
    assert not by_addr["module.loud.aws_s3_bucket.this"].suppressed
