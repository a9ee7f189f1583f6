import json

from infra_review.analysis.iam import (
    assess,
    assess_statement,
    azure_role_definitions,
    gcp_bindings,
    managed_policy_attachments,
    parse_policy_json,
    policy_documents,
    statements_from_document_block,
)
from infra_review.graph import ResourceGraph
from infra_review.model import Resource, Severity, Unresolved


def _rg(*res):
    rg = ResourceGraph()
    for r in res:
        rg.add(r)
    return rg


ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def test_three_sources_normalise_alike():
    heredoc = json.dumps(ADMIN, indent=2)
    doc_block = {"statement": [{"effect": "Allow", "actions": ["*"], "resources": ["*"]}]}
    rg = _rg(
        Resource("aws_iam_policy.json_string", "aws_iam_policy", attrs={"policy": heredoc}),
        Resource("aws_iam_role_policy.jsonencode", "aws_iam_role_policy", attrs={"policy": ADMIN}),
        Resource(
            "data.aws_iam_policy_document.doc", "aws_iam_policy_document", block="data", attrs=doc_block
        ),
    )
    docs = {d.address: d for d in policy_documents(rg)}
    assert set(docs) == {
        "aws_iam_policy.json_string",
        "aws_iam_role_policy.jsonencode",
        "data.aws_iam_policy_document.doc",
    }
    for d in docs.values():
        ((_stmt, issues),) = assess(d)
        assert [i.code for i in issues] == ["admin"]
        assert issues[0].severity is Severity.CRITICAL
        assert issues[0].known
    assert docs["data.aws_iam_policy_document.doc"].statements[0].path == "statement[0]"
    assert docs["aws_iam_policy.json_string"].statements[0].path == "policy.Statement[0]"


def test_linked_document_is_assessed_once_with_use_kind():
    ref = Unresolved("data.aws_iam_policy_document.trust.json", refs=("data.aws_iam_policy_document.trust",))
    rg = _rg(
        Resource(
            "data.aws_iam_policy_document.trust",
            "aws_iam_policy_document",
            block="data",
            attrs={
                "statement": [
                    {"actions": ["sts:AssumeRole"], "principals": [{"type": "AWS", "identifiers": ["*"]}]}
                ]
            },
        ),
        Resource("aws_iam_role.r", "aws_iam_role", attrs={"assume_role_policy": ref}),
    )
    docs = policy_documents(rg)
    assert [(d.address, d.kind, d.used_by) for d in docs] == [
        ("data.aws_iam_policy_document.trust", "trust", (("aws_iam_role.r", "assume_role_policy"),))
    ]
    ((_, issues),) = assess(docs[0])
    assert [(i.code, i.severity) for i in issues] == [("public_principal", Severity.CRITICAL)]


def test_trust_with_condition_is_fine():
    s = parse_policy_json(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}},
                }
            ]
        }
    )
    assert assess_statement(s[0], "trust") == []


def test_unknown_policy_value():
    rg = _rg(Resource("aws_iam_policy.p", "aws_iam_policy", attrs={"policy": Unresolved('file("p.json")')}))
    (d,) = policy_documents(rg)
    assert d.unknown
    assert d.statements == ()


def test_template_json_with_interpolations():
    tpl = Unresolved('{"Statement":[{"Effect":"Allow","Action":["${var.action}"],"Resource":"*"}]}')
    (s,) = parse_policy_json(tpl)
    issues = assess_statement(s)
    assert [(i.code, i.known) for i in issues] == [("unknown_actions", False)]


def test_statement_checks():
    def codes(**kw):
        from infra_review.analysis.iam import Statement

        return [(i.code, i.severity.label) for i in assess_statement(Statement(**kw))]

    assert codes(actions=("s3:*",), resources=("*",)) == [("service_wildcard", "high")]
    assert codes(actions=("s3:*",), resources=("arn:aws:s3:::b/*",)) == []
    assert codes(not_actions=("iam:*",), resources=("*",)) == [("not_action", "high")]
    assert codes(actions=("iam:PassRole", "ec2:RunInstances"), resources=("*",)) == [("escalation", "high")]
    assert codes(actions=("iam:Attach*",), resources=("*",)) == [("escalation", "high")]
    assert codes(actions=("iam:PassRole",), resources=("arn:aws:iam::1:role/app",)) == []
    assert codes(actions=("*",), resources=("arn:aws:s3:::b",)) == [("wildcard_action", "high")]
    assert codes(actions=("s3:GetObject",), resources=("*",)) == []
    assert codes(effect=Unresolved("var.e"), actions=("*",), resources=("*",)) == [("admin", "critical")]


def test_document_block_conditions_and_source_documents():
    attrs = {
        "statement": [
            {
                "effect": "Allow",
                "actions": ["s3:GetObject"],
                "resources": ["*"],
                "condition": [{"test": "StringEquals", "variable": "aws:SourceVpc", "values": ["vpc-1"]}],
            }
        ],
        "source_policy_documents": [json.dumps(ADMIN)],
    }
    stmts = statements_from_document_block(attrs)
    assert len(stmts) == 2
    assert stmts[0].condition
    assert stmts[1].path == "source_policy_documents[0].Statement[0]"


def test_inline_policy_and_attachments():
    rg = _rg(
        Resource(
            "aws_iam_role.r",
            "aws_iam_role",
            attrs={
                "inline_policy": [{"name": "x", "policy": json.dumps(ADMIN)}],
                "managed_policy_arns": ["arn:aws:iam::aws:policy/AdministratorAccess"],
            },
        ),
        Resource(
            "aws_iam_role_policy_attachment.a",
            "aws_iam_role_policy_attachment",
            attrs={"policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
        ),
    )
    assert [(d.attribute, d.kind) for d in policy_documents(rg)] == [("inline_policy[0].policy", "identity")]
    atts = [(r.address, a, v) for r, a, v in managed_policy_attachments(rg)]
    assert ("aws_iam_role.r", "managed_policy_arns[0]", "arn:aws:iam::aws:policy/AdministratorAccess") in atts
    assert (
        "aws_iam_role_policy_attachment.a",
        "policy_arn",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    ) in atts


def test_gcp_and_azure_bindings():
    rg = _rg(
        Resource(
            "google_project_iam_member.m",
            "google_project_iam_member",
            attrs={"role": "roles/owner", "member": "user:a@b.c"},
        ),
        Resource(
            "google_storage_bucket_iam_binding.b",
            "google_storage_bucket_iam_binding",
            attrs={"role": "roles/storage.objectViewer", "members": ["allUsers"]},
        ),
        Resource(
            "data.google_iam_policy.p",
            "google_iam_policy",
            block="data",
            attrs={"binding": [{"role": "roles/editor", "members": ["allAuthenticatedUsers"]}]},
        ),
        Resource(
            "google_project_iam_policy.pp",
            "google_project_iam_policy",
            attrs={
                "policy_data": Unresolved(
                    "data.google_iam_policy.p.policy_data", refs=("data.google_iam_policy.p",)
                )
            },
        ),
        Resource(
            "azurerm_role_definition.r",
            "azurerm_role_definition",
            attrs={"name": "god", "permissions": [{"actions": ["*"], "not_actions": []}]},
        ),
    )
    b = {(x.resource.address, x.attribute): (x.role, x.members, x.scope) for x in gcp_bindings(rg)}
    assert b[("google_project_iam_member.m", "member")] == ("roles/owner", ("user:a@b.c",), "project")
    assert b[("google_storage_bucket_iam_binding.b", "members")][2] == "bucket"
    assert b[("data.google_iam_policy.p", "binding[0].members")] == (
        "roles/editor",
        ("allAuthenticatedUsers",),
        "project",
    )
    (az,) = azure_role_definitions(rg)
    assert az.members == ("*",)
    assert az.attribute == "permissions[0].actions"
