"""CloudFormation ``Metadata`` suppressions reach the review (issue 13): Checkov skips through a
rule's Checkov ids, our own ignores by rule id, and never without a reason."""

from __future__ import annotations

from infra_review.pipeline import load_repo
from infra_review.review import review

TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  {name}:
    Type: AWS::EC2::SecurityGroup
    Metadata:
{metadata}
    Properties:
      GroupDescription: admin
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
"""


def _net007(tmp_path, metadata: str):
    (tmp_path / "stack.yaml").write_text(TEMPLATE.format(name="Admin", metadata=metadata))
    result = review(load_repo(tmp_path, cache=False, isolate=False).graph, select=["NET007"])
    return [f for f in result.findings if f.address.endswith("#Admin")]


def test_checkov_skip_in_metadata_suppresses_the_rule_claiming_that_id(tmp_path):
    (finding,) = _net007(
        tmp_path, '      checkov:\n        skip:\n          - id: CKV_AWS_24\n            comment: "VPN only"'
    )
    assert finding.suppressed
    assert finding.suppression_reason == "VPN only"
    assert finding.suppression_source.startswith("metadata checkov:stack.yaml:")


def test_our_own_ignore_needs_a_reason(tmp_path):
    (finding,) = _net007(tmp_path, "      infra_review:\n        ignore:\n          - id: NET007")
    assert not finding.suppressed
    assert "gives no reason" in finding.evidence["suppression_ignored"]


def test_cfn_nag_ids_are_not_ours(tmp_path):
    (finding,) = _net007(
        tmp_path, '      cfn_nag:\n        rules_to_suppress:\n          - id: W9\n            reason: "x"'
    )
    assert not finding.suppressed
