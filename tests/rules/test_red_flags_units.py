"""Focused tests of RED rules on hand-built graphs (repository facts, redaction, RBAC, S3 details)."""

import json

from infra_review.graph import ResourceGraph
from infra_review.loaders.safety.walk import confined_reader
from infra_review.model import Resource, Severity, SourceLocation, Status, Unresolved
from infra_review.model.facts import RepoFacts
from infra_review.review.engine import review
from infra_review.rules import RULES

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def _facts(repo):
    """What the loader would gather for a hand-written ``repo`` dict (paths, and files under ``root``)."""
    root = repo.get("root", "")
    reader = confined_reader(root, cap=1 << 20) if root else None
    return RepoFacts(root, tuple(repo.get("paths", ())), reader=reader)


def _rg(*res, repo=None):
    rg = ResourceGraph()
    for r in res:
        rg.add(r)
    rg.repo.update(repo or {})
    rg.facts = _facts(rg.repo)
    return rg


def _hits(rule_id, rg):
    return list(RULES[rule_id](rg))


TF = Resource("terraform", "terraform", block="terraform", source=SourceLocation("versions.tf", 1))
BUCKET = Resource(
    "aws_s3_bucket.b", "aws_s3_bucket", attrs={"bucket": "b"}, source=SourceLocation("main.tf", 3)
)


def test_red002_git_facts():
    repo = {
        "git": {"is_repo": True, "tracked": ["main.tf", ".gitignore"]},
        "paths": ["main.tf", "extra.tf", ".terraform.lock.hcl", ".gitignore"],
    }
    hits = _hits("RED002", _rg(TF, BUCKET, repo=repo))
    got = {(h.attribute, h.severity) for h in hits}
    assert ("extra.tf", None) in got
    assert (".terraform.lock.hcl", Severity.MEDIUM) in got
    assert all(h.resource.address == "terraform" for h in hits)
    assert next(h for h in hits if h.attribute == "extra.tf").location.file == "extra.tf"


def test_red002_gitignore_entries(tmp_path):
    (tmp_path / ".gitignore").write_text(".terraform/\n*.tfstate\n*.tfstate.*\n")
    repo = {
        "root": str(tmp_path),
        "git": {"is_repo": True, "tracked": ["main.tf", ".gitignore"]},
        "paths": ["main.tf", ".gitignore"],
    }
    assert _hits("RED002", _rg(TF, BUCKET, repo=repo)) == []
    (tmp_path / ".gitignore").write_text("node_modules/\n")
    (hit,) = _hits("RED002", _rg(TF, BUCKET, repo=repo))
    assert hit.evidence["missing"] == [".terraform/", "*.tfstate"]


def test_red002_not_a_repository_is_unknown_without_state():
    (hit,) = _hits("RED002", _rg(TF, BUCKET, repo={"git": {"is_repo": False}, "paths": ["main.tf"]}))
    assert hit.status is Status.UNKNOWN


def test_red003_provider_keys_redacted_everywhere():
    prov = Resource(
        "provider.aws",
        "aws",
        block="provider",
        attrs={"region": "eu-west-1", "access_key": "AKIAIOSFODNN7EXAMPLE", "secret_key": SECRET},
    )
    rg = _rg(prov)
    findings = review(rg, select=["RED003"])
    assert {f.attribute for f in findings} == {"access_key", "secret_key"}
    dumped = json.dumps([{"m": f.message, "e": f.evidence} for f in findings], default=str)
    assert SECRET not in dumped
    assert SECRET[4:] not in dumped
    assert "AKIAIOSFODNN7EXAMPLE" not in dumped
    assert all(f.severity is Severity.CRITICAL for f in findings)


def test_red003_not_downgraded_in_dev():
    db = Resource(
        "aws_db_instance.dev_db",
        "aws_db_instance",
        attrs={"password": "hunter2hunter2", "tags": {"environment": "dev"}},
    )
    (f,) = review(_rg(db), select=["RED003"])
    assert f.severity is Severity.CRITICAL


def test_red003_committed_env_file(tmp_path):
    (tmp_path / ".env").write_text("# local settings\nAPP_ENV=prod\nSTRIPE_KEY=sk_live_a1b2C3d4E5f6G7h8i9\n")
    (tmp_path / ".env.example").write_text("STRIPE_KEY=sk_live_a1b2C3d4E5f6G7h8i9\n")
    rg = _rg(TF, repo={"root": str(tmp_path), "paths": [".env", ".env.example", "main.tf"]})
    (hit,) = _hits("RED003", rg)
    assert hit.attribute == ".env"
    assert hit.location.line == 3
    assert "a1b2C3d4E5f6" not in hit.message


def test_red003_local_and_module_input():
    loc = Resource("local.api_token", "local", block="local", attrs={"value": "tok-9f8e7d6c5b4a"})
    call = Resource(
        "module.db", "module", block="module", attrs={"source": "./db", "master_password": "P@ssw0rd1"}
    )
    assert {h.resource.address for h in _hits("RED003", _rg(loc, call))} == {"local.api_token", "module.db"}


def test_red006_account_level_block_covers_buckets():
    acct = Resource(
        "aws_s3_account_public_access_block.a",
        "aws_s3_account_public_access_block",
        attrs=dict.fromkeys(
            ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"),
            True,
        ),
    )
    assert _hits("RED006", _rg(BUCKET, acct)) == []
    (hit,) = _hits("RED006", _rg(BUCKET))
    assert hit.severity is Severity.HIGH


def test_red006_legacy_policy_and_document_link():
    doc = Resource(
        "data.aws_iam_policy_document.p",
        "aws_iam_policy_document",
        block="data",
        attrs={
            "statement": [
                {
                    "actions": ["s3:GetObject"],
                    "resources": ["*"],
                    "principals": [{"type": "*", "identifiers": ["*"]}],
                }
            ]
        },
    )
    b = Resource(
        "aws_s3_bucket.site",
        "aws_s3_bucket",
        attrs={
            "bucket": "site",
            "policy": Unresolved(
                "data.aws_iam_policy_document.p.json", refs=("data.aws_iam_policy_document.p",)
            ),
        },
    )
    (hit,) = _hits("RED006", _rg(doc, b))
    assert "Principal" in hit.message
    assert hit.status is Status.FAIL
    assert hit.evidence["statements"][0]["Action"] == ["s3:GetObject"]
    # the same public statement is not a RED007 finding (public S3 policies belong to RED006)
    assert _hits("RED007", _rg(doc, b)) == []


def test_red006_split_resources_linked_by_reference_not_name():
    b1 = Resource("aws_s3_bucket.a", "aws_s3_bucket", attrs={"bucket": "same-name"})
    acl = Resource(
        "aws_s3_bucket_acl.x",
        "aws_s3_bucket_acl",
        attrs={"bucket": Unresolved("aws_s3_bucket.a.id", refs=("aws_s3_bucket.a",)), "acl": "public-read"},
    )
    (hit,) = _hits("RED006", _rg(b1, acl))
    assert hit.attribute == "aws_s3_bucket_acl.x.acl"
    assert hit.severity is None


def test_red007_trust_with_condition_and_k8s_rbac():
    cond = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Principal": {"Federated": "*"},
                "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:a/b:ref:x"}},
            }
        ]
    }
    role = Resource("aws_iam_role.gh", "aws_iam_role", attrs={"assume_role_policy": json.dumps(cond)})
    cr = Resource(
        "k8s:rbac.authorization.k8s.io/ClusterRole/_cluster/god",
        "k8s:ClusterRole",
        block="k8s",
        attrs={"rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]},
    )
    crb = Resource(
        "k8s:rbac.authorization.k8s.io/ClusterRoleBinding/_cluster/ci",
        "k8s:ClusterRoleBinding",
        block="k8s",
        attrs={
            "roleRef": {"kind": "ClusterRole", "name": "cluster-admin"},
            "subjects": [{"kind": "ServiceAccount", "name": "ci", "namespace": "ci"}],
        },
    )
    hits = _hits("RED007", _rg(role, cr, crb))
    assert {h.resource.kind for h in hits} == {"k8s:ClusterRole", "k8s:ClusterRoleBinding"}


def test_red007_gcp_public_member_at_project():
    m = Resource(
        "google_project_iam_member.x",
        "google_project_iam_member",
        attrs={"role": "roles/viewer", "member": "allAuthenticatedUsers"},
    )
    (hit,) = _hits("RED007", _rg(m))
    assert hit.severity is None
    assert "allAuthenticatedUsers" in hit.message


def test_red005_backup_plan_selection_covers():
    class FakeHit:
        pass

    db = Resource("aws_db_instance.db", "aws_db_instance", attrs={"backup_retention_period": 0})
    sel = Resource(
        "aws_backup_selection.s",
        "aws_backup_selection",
        attrs={"resources": [Unresolved("aws_db_instance.db.arn", refs=("aws_db_instance.db",))]},
    )
    if "BAK001" not in RULES:
        return
    rg = _rg(db)
    assert [h.resource.address for h in _hits("RED005", rg)] == ["aws_db_instance.db"]
    assert _hits("RED005", _rg(db, sel)) == []


def test_red008_limitrange_lowers_severity():
    dep = Resource(
        "k8s:apps/Deployment/shop/api",
        "k8s:Deployment",
        block="k8s",
        meta={"namespace": "shop"},
        attrs={"spec": {"template": {"spec": {"containers": [{"name": "api", "image": "x:1"}]}}}},
    )
    lr = Resource(
        "k8s:core/LimitRange/shop/mem",
        "k8s:LimitRange",
        block="k8s",
        meta={"namespace": "shop"},
        attrs={"spec": {"limits": [{"type": "Container", "default": {"memory": "512Mi"}}]}},
    )
    (hit,) = _hits("RED008", _rg(dep))
    assert hit.severity is None
    (hit,) = _hits("RED008", _rg(dep, lr))
    assert hit.severity is Severity.MEDIUM


def test_red010_root_readme_and_runbooks():
    repo = {"has_readme": False, "paths": ["main.tf"]}
    hits = _hits("RED010", _rg(TF, BUCKET, repo=repo))
    assert {h.message for h in hits} == {
        "repository has no root README",
        "no runbooks in the repository (docs/runbooks, runbooks/)",
    }
    repo = {"has_readme": True, "paths": ["main.tf", "README.md", "docs/runbooks/db.md"]}
    assert _hits("RED010", _rg(TF, BUCKET, repo=repo)) == []


def test_red003_var_file_not_auto_loaded(tmp_path):
    (tmp_path / "envs").mkdir()
    (tmp_path / "envs" / "prod.tfvars").write_text(
        'region = "eu-west-1"\n\ndb_password = "Prod-Secret-2024!"\n'
    )
    rg = _rg(TF, repo={"root": str(tmp_path), "paths": ["envs/prod.tfvars", "main.tf"]})
    (hit,) = _hits("RED003", rg)
    assert hit.resource.address == "terraform"
    assert (hit.location.file, hit.location.line) == ("envs/prod.tfvars", 3)
    assert "Prod-Secret" not in hit.message


def test_red006_count_instances_linked_exactly():
    flags = dict.fromkeys(
        ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"), True
    )
    b0 = Resource(
        "aws_s3_bucket.m[0]",
        "aws_s3_bucket",
        attrs={"bucket": "m-0"},
        meta={"base_address": "aws_s3_bucket.m"},
    )
    b1 = Resource(
        "aws_s3_bucket.m[1]",
        "aws_s3_bucket",
        attrs={"bucket": "m-1"},
        meta={"base_address": "aws_s3_bucket.m"},
    )
    pab = Resource(
        "aws_s3_bucket_public_access_block.p",
        "aws_s3_bucket_public_access_block",
        attrs={"bucket": Unresolved("aws_s3_bucket.m[0].id", refs=("aws_s3_bucket.m[0]",)), **flags},
    )
    rg = _rg(b0, b1, pab)
    # the loader may add coarse edges to every instance; the exact refs win
    rg.add_edge(pab.address, b0.address, "ref", attr="bucket")
    rg.add_edge(pab.address, b1.address, "ref", attr="bucket")
    assert [h.resource.address for h in _hits("RED006", rg)] == ["aws_s3_bucket.m[1]"]
    # a reference to the whole collection (unexpanded count) covers every instance
    pab_all = Resource(
        "aws_s3_bucket_public_access_block.q",
        "aws_s3_bucket_public_access_block",
        attrs={"bucket": Unresolved("aws_s3_bucket.m.id", refs=("aws_s3_bucket.m",)), **flags},
    )
    assert _hits("RED006", _rg(b0, b1, pab_all)) == []


def test_red006_bucket_owner_enforced_disables_acls():
    b = Resource("aws_s3_bucket.s", "aws_s3_bucket", attrs={"bucket": "s", "acl": "public-read"})
    oc = Resource(
        "aws_s3_bucket_ownership_controls.s",
        "aws_s3_bucket_ownership_controls",
        attrs={
            "bucket": Unresolved("aws_s3_bucket.s.id", refs=("aws_s3_bucket.s",)),
            "rule": [{"object_ownership": "BucketOwnerEnforced"}],
        },
    )
    (hit,) = _hits("RED006", _rg(b, oc))
    assert hit.attribute == "public_access_block"  # only the missing block remains
    assert hit.severity is Severity.HIGH


def test_red007_public_lambda_permission():
    open_ = Resource(
        "aws_lambda_permission.o",
        "aws_lambda_permission",
        attrs={"action": "lambda:InvokeFunction", "principal": "*"},
    )
    scoped = Resource(
        "aws_lambda_permission.s",
        "aws_lambda_permission",
        attrs={"action": "lambda:InvokeFunction", "principal": "*", "source_account": "123456789012"},
    )
    assert [h.resource.address for h in _hits("RED007", _rg(open_, scoped))] == ["aws_lambda_permission.o"]
