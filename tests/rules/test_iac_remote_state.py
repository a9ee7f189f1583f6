"""IAC010 on remote state between two roots of one repository (seen in aws-ia/terraform-aws-eks-blueprints).

``spokes`` reads ``hub``'s local state through ``${path.module}/../hub/terraform.tfstate``:
an output ``hub`` declares is fine, one it does not declare is reported, naming ``hub`` —
never the consumer's own root (a regression once made every read look like a read of itself).
"""

from __future__ import annotations

from infra_review.pipeline import load_repo
from infra_review.review import review


def test_remote_state_reads_are_matched_to_the_producing_root(tmp_path):
    (tmp_path / "hub").mkdir()
    (tmp_path / "spokes").mkdir()
    (tmp_path / "hub" / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-1"\n}\n\noutput "cluster_name" {\n  value = "hub"\n}\n'
    )
    (tmp_path / "spokes" / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-1"\n}\n\n'
        'data "terraform_remote_state" "hub" {\n  backend = "local"\n'
        '  config = {\n    path = "${path.module}/../hub/terraform.tfstate"\n  }\n}\n\n'
        'resource "aws_ssm_parameter" "ok" {\n  name  = "ok"\n  type  = "String"\n'
        "  value = data.terraform_remote_state.hub.outputs.cluster_name\n}\n\n"
        'resource "aws_ssm_parameter" "missing" {\n  name  = "missing"\n  type  = "String"\n'
        "  value = data.terraform_remote_state.hub.outputs.cluster_region\n}\n"
    )
    result = review(load_repo(tmp_path, cache=False, isolate=False).graph, select=["IAC010"])
    messages = {f.address: f.message for f in result.findings}
    assert list(messages) == ["spokes//aws_ssm_parameter.missing"]
    assert "`cluster_region`" in messages["spokes//aws_ssm_parameter.missing"]
    assert "root `hub` does not declare" in messages["spokes//aws_ssm_parameter.missing"]
