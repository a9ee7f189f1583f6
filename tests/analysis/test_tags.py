from infra_review.analysis.tags import effective_tags, is_taggable, missing_keys, normalise_key
from infra_review.graph import ResourceGraph
from infra_review.model import Resource, Unresolved


def _rg(*res):
    rg = ResourceGraph()
    for r in res:
        rg.add(r)
    return rg


def test_default_tags_per_alias():
    rg = _rg(
        Resource("provider.aws", "aws", block="provider", attrs={"default_tags": [{"tags": {"owner": "a"}}]}),
        Resource("provider.aws.west", "aws", block="provider", attrs={"region": "us-west-2"}),
        Resource("aws_vpc.east", "aws_vpc", provider="aws"),
        Resource("module.m.aws_vpc.west", "aws_vpc", provider="aws.west", module="module.m"),
    )
    assert effective_tags(rg, rg["aws_vpc.east"]).tags == {"owner": "a"}
    assert effective_tags(rg, rg["module.m.aws_vpc.west"]).tags == {}


def test_resource_tags_win_and_sources():
    rg = _rg(
        Resource(
            "provider.aws",
            "aws",
            block="provider",
            attrs={"default_tags": [{"tags": {"env": "prod", "o": "x"}}]},
        ),
        Resource("aws_vpc.v", "aws_vpc", provider="aws", attrs={"tags": {"env": "dev"}}),
    )
    et = effective_tags(rg, rg["aws_vpc.v"])
    assert et.tags == {"env": "dev", "o": "x"}
    assert et.sources == {"env": "resource", "o": "provider.aws"}


def test_unknown_parts():
    rg = _rg(
        Resource(
            "provider.aws", "aws", block="provider", attrs={"default_tags": [{"tags": Unresolved("var.t")}]}
        ),
        Resource("aws_vpc.v", "aws_vpc", provider="aws", attrs={"tags": Unresolved("local.tags")}),
    )
    et = effective_tags(rg, rg["aws_vpc.v"])
    assert et.is_unknown
    assert set(et.unknown) == {"provider.aws.default_tags", "tags"}


def test_asg_tag_blocks_and_no_default_tags():
    rg = _rg(
        Resource("provider.aws", "aws", block="provider", attrs={"default_tags": [{"tags": {"owner": "a"}}]}),
        Resource(
            "aws_autoscaling_group.g",
            "aws_autoscaling_group",
            provider="aws",
            attrs={"tag": [{"key": "Environment", "value": "prod", "propagate_at_launch": True}]},
        ),
    )
    assert effective_tags(rg, rg["aws_autoscaling_group.g"]).tags == {"Environment": "prod"}


def test_google_labels_and_default_labels():
    rg = _rg(
        Resource("provider.google", "google", block="provider", attrs={"default_labels": {"owner": "a"}}),
        Resource(
            "google_storage_bucket.b",
            "google_storage_bucket",
            provider="google",
            attrs={"labels": {"env": "x"}},
        ),
    )
    assert effective_tags(rg, rg["google_storage_bucket.b"]).tags == {"owner": "a", "env": "x"}


def test_missing_keys_normalised_and_empty_values():
    rg = _rg(
        Resource(
            "aws_vpc.v",
            "aws_vpc",
            attrs={"tags": {"CostCenter": "42", "Owner": "", "env": Unresolved("var.e")}},
        )
    )
    et = effective_tags(rg, rg["aws_vpc.v"])
    assert missing_keys(et, ["owner", "environment", "cost-center"], {"environment": ["env"]}) == ["owner"]
    assert normalise_key("cost_center") == normalise_key("Cost-Center")


def test_taggable():
    assert is_taggable(Resource("aws_vpc.v", "aws_vpc"))
    assert is_taggable(Resource("aws_foo.v", "aws_foo", attrs={"tags": {}}))
    assert not is_taggable(Resource("aws_route.r", "aws_route"))
    assert not is_taggable(Resource("var.x", "variable", block="variable"))
