"""Issue 11 §1: the evaluator never guesses.  Each case gives the graph it must produce."""

from __future__ import annotations

from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.loaders.terraform import builder as terraform
from infra_review.model import FileStatus, Unresolved


def build(
    files: dict[str, str], extra: dict[str, str] | None = None, *, listing: bool = True
) -> ResourceGraph:
    """Parse and build ``files`` (rel path → HCL); ``extra`` are other readable files."""
    readable = {**files, **(extra or {})}
    parsed = []
    for rel, text in files.items():
        pf = terraform.parse_file(rel, text, "terraform")
        assert pf.status == FileStatus.PARSED, (rel, pf.diagnostics)
        parsed.append(pf)
    rg = ResourceGraph()
    terraform.build(
        parsed, rg, read_text=readable.get, list_files=(lambda: list(readable)) if listing else None
    )
    return rg


def addrs(rg: ResourceGraph) -> set[str]:
    return {n.address for n in rg.all()}


def attr(rg: ResourceGraph, addr: str, name: str) -> Any:
    return rg.get(addr).attrs[name]


def targets(rg: ResourceGraph, src: str) -> set[str]:
    return {e.target for e in rg.edges(["ref"]) if e.source == src}


# -- 1. try()/can() fall back only on a failure over known values --------------------------------
MOD = {"mod/main.tf": 'resource "aws_instance" "y" {\n  ami = "a"\n}\n'}


def test_try_over_unknown_file_keeps_module_count_unknown() -> None:
    rg = build(
        {
            "main.tf": """
variable "dir" {}
locals {
  cfg = try(yamldecode(file("${var.dir}/x.yaml")), {})
}
module "m" {
  source = "./mod"
  count  = lookup(local.cfg, "enabled", false) ? 1 : 0
}
""",
            **MOD,
        }
    )
    assert isinstance(attr(rg, "local.cfg", "value"), Unresolved)
    # never 0: the one instance is kept, marked unexpanded
    assert addrs(rg) >= {"module.m", "module.m.aws_instance.y"}
    assert rg.get("module.m").meta["expanded"] is False


def test_try_falls_back_on_known_failure_and_on_missing_file() -> None:
    rg = build(
        {
            "main.tf": """
locals {
  cfg   = { a = 1 }
  miss  = try(local.cfg.b, "fb")
  hit   = try(local.cfg.a, "fb")
  nofile = try(file("${path.module}/absent.yaml"), "none")
  yes   = can(local.cfg.a)
  no    = can(local.cfg.b)
}
"""
        }
    )
    assert attr(rg, "local.miss", "value") == "fb"
    assert attr(rg, "local.hit", "value") == 1
    assert attr(rg, "local.nofile", "value") == "none"
    assert attr(rg, "local.yes", "value") is True
    assert attr(rg, "local.no", "value") is False


def test_try_and_can_over_unknowns_are_unresolved() -> None:
    rg = build(
        {
            "main.tf": """
variable "v" {}
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
locals {
  unset   = try(var.v.x, "fb")
  outside = try(file("/etc/passwd"), "fb")
  nofn    = try(someday(1), "fb")
  partial = try({ a = aws_vpc.v.id }, {})
  c_unset = can(var.v.x)
  c_file  = can(file("../up.txt"))
}
"""
        }
    )
    for name in ("unset", "outside", "nofn", "partial", "c_unset", "c_file"):
        assert isinstance(attr(rg, f"local.{name}", "value"), Unresolved), name
    assert attr(rg, "local.partial", "value").refs == ("aws_vpc.v",)


# -- 2. null comparisons of known containers ------------------------------------------------------
def test_known_container_is_not_null_whatever_its_leaves() -> None:
    rg = build(
        {
            "main.tf": """
variable "x" {}
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
locals {
  cfg = { a = aws_vpc.v.id }
  ne  = local.cfg != null
  eq  = null == [var.x]
  unk = var.x != null
}
resource "aws_subnet" "s" {
  for_each   = local.cfg != null ? local.cfg : {}
  vpc_id     = each.value
  cidr_block = "10.0.1.0/24"
}
"""
        }
    )
    assert attr(rg, "local.ne", "value") is True
    assert attr(rg, "local.eq", "value") is False
    assert isinstance(attr(rg, "local.unk", "value"), Unresolved)
    assert 'aws_subnet.s["a"]' in addrs(rg)
    assert "aws_vpc.v" in targets(rg, 'aws_subnet.s["a"]')


# -- 3. resource.TYPE.NAME -----------------------------------------------------------------------
def test_explicit_resource_prefix_is_a_reference() -> None:
    rg = build(
        {
            "main.tf": """
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "s" {
  vpc_id     = resource.aws_vpc.v.id
  cidr_block = "10.0.1.0/24"
}
"""
        }
    )
    v = attr(rg, "aws_subnet.s", "vpc_id")
    assert isinstance(v, Unresolved)
    assert v.refs == ("aws_vpc.v",)
    assert targets(rg, "aws_subnet.s") == {"aws_vpc.v"}


# -- 4. nested splats and splats after indexes ---------------------------------------------------
def test_nested_splat_after_index_parses_and_evaluates() -> None:
    rg = build(
        {
            "main.tf": """
resource "aws_eks_node_group" "this" {
  count = 1
  node_group_name = "ng"
}
locals {
  asg   = try(flatten(aws_eks_node_group.this[0].resources[*].autoscaling_groups[*].name), [])
  known = flatten([{ g = [{ n = "a" }, { n = "b" }] }, { g = [{ n = "c" }] }][*].g[*].n)
}
"""
        }
    )
    asg = attr(rg, "local.asg", "value")
    assert isinstance(asg, Unresolved)
    assert asg.refs == ("aws_eks_node_group.this[0]",)
    assert attr(rg, "local.known", "value") == ["a", "b", "c"]
    assert "aws_eks_node_group.this[0]" in targets(rg, "local.asg")


# -- 5. path functions and fileset (confined to the root) ----------------------------------------
PATHS = """
locals {
  home    = pathexpand("~/.ssh/id_rsa")
  plain   = pathexpand("conf/x.yaml")
  abs_abs = abspath("/a/b/../c")
  abs_rel = abspath("conf")
  dir     = dirname("conf/sub/x.yaml")
  dir1    = dirname("x.yaml")
  base    = basename("conf/sub/x.yaml")
  base2   = basename("conf/sub/")
  pols    = fileset("${path.module}/policies", "*.json")
  deep    = fileset(path.module, "policies/**/*.{json,yaml}")
  up      = fileset("${path.module}/../..", "*")
  sib     = fileset("${path.module}/../other", "*")
  unk     = fileset(var.d, "*")
  docs    = [for f in fileset("${path.module}/policies", "*.json") :
    jsondecode(file("${path.module}/policies/${f}"))]
}
variable "d" {}
"""
POLICY_FILES = {
    "app/policies/a.json": '{"a": 1}',
    "app/policies/b.json": '{"b": 2}',
    "app/policies/n/c.yaml": "c: 3",
    "app/policies/readme.md": "x",
    "other/z.json": "{}",
}


def test_path_functions_evaluate_where_known() -> None:
    rg = build({"app/main.tf": PATHS}, POLICY_FILES)

    def val(name: str) -> Any:
        return attr(rg, f"app//local.{name}" if rg.get(f"app//local.{name}") else f"local.{name}", "value")

    assert isinstance(val("home"), Unresolved)
    assert val("plain") == "conf/x.yaml"
    assert val("abs_abs") == "/a/c"
    assert isinstance(val("abs_rel"), Unresolved)
    assert val("dir") == "conf/sub"
    assert val("dir1") == "."
    assert val("base") == "x.yaml"
    assert val("base2") == "sub"
    assert val("pols") == ["a.json", "b.json"]
    assert val("deep") == ["policies/a.json", "policies/b.json", "policies/n/c.yaml"]
    assert val("docs") == [{"a": 1}, {"b": 2}]
    assert val("sib") == ["z.json"]
    for name in ("up", "unk"):
        assert isinstance(val(name), Unresolved), name


def test_fileset_without_a_listing_is_unresolved() -> None:
    rg = build(
        {"main.tf": 'locals {\n  p = fileset(path.module, "*.json")\n}\n'}, {"a.json": "{}"}, listing=False
    )
    assert isinstance(attr(rg, "local.p", "value"), Unresolved)


# -- 7. a known condition contributes only its taken branch; a known key one instance ------------
def test_known_condition_and_known_key_give_precise_edges() -> None:
    rg = build(
        {
            "main.tf": """
variable "public" {
  default = false
}
variable "flag" {}
resource "aws_subnet" "this" {
  for_each   = { a = "10.0.1.0/24", b = "10.0.2.0/24" }
  cidr_block = each.value
}
resource "aws_subnet" "pub" {
  cidr_block = "10.0.9.0/24"
}
resource "aws_instance" "i" {
  for_each  = { a = 1, b = 2 }
  subnet_id = var.public ? aws_subnet.pub.id : aws_subnet.this[each.key].id
  ami       = var.flag ? aws_subnet.pub.id : "ami-1"
}
locals {
  pick = var.public ? aws_subnet.pub.id : aws_subnet.this["b"].id
}
"""
        }
    )
    t = targets(rg, 'aws_instance.i["a"]')
    assert 'aws_subnet.this["a"]' in t
    assert 'aws_subnet.this["b"]' not in t
    # the condition's own reference stays; the unknown condition keeps both branches
    assert "var.public" in t
    assert "aws_subnet.pub" in t  # from ami (condition unknown)
    assert targets(rg, "local.pick") == {"var.public", 'aws_subnet.this["b"]'}


# -- 6. count/for_each on module blocks ----------------------------------------------------------
def test_module_for_each_and_count_expand_their_resources() -> None:
    rg = build(
        {
            "main.tf": """
variable "unset" {}
module "fe" {
  source   = "./mod"
  for_each = toset(["a", "b"])
}
module "n" {
  source = "./mod"
  count  = 2
}
module "off" {
  source = "./mod"
  count  = 0
}
module "unk" {
  source   = "./mod"
  for_each = var.unset
}
resource "aws_eip" "e" {
  instance = module.fe["b"].id
}
""",
            "mod/main.tf": MOD["mod/main.tf"] + 'output "id" {\n  value = aws_instance.y.id\n}\n',
        }
    )
    a = addrs(rg)
    assert {'module.fe["a"].aws_instance.y', 'module.fe["b"].aws_instance.y'} <= a
    assert {"module.n[0].aws_instance.y", "module.n[1].aws_instance.y"} <= a
    assert not any(x.startswith(("module.off.", "module.off[")) for x in a)
    assert rg.get("module.off").meta["instances"] == 0
    # unknown for_each: one instance kept, marked unexpanded, never dropped
    assert "module.unk.aws_instance.y" in a
    assert rg.get("module.unk").meta["expanded"] is False
    assert 'module.fe["b"].output.id' in targets(rg, "aws_eip.e")
    assert 'module.fe["a"].output.id' not in targets(rg, "aws_eip.e")


def test_slice_of_an_unknown_list_has_a_known_length() -> None:
    rg = build(
        {
            "main.tf": """
data "aws_availability_zones" "available" {}
locals {
  azs = slice(data.aws_availability_zones.available.names, 0, 3)
}
resource "aws_subnet" "private" {
  count             = length([for k, v in local.azs : cidrsubnet("10.0.0.0/16", 4, k)])
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet("10.0.0.0/16", 4, count.index)
}
"""
        }
    )
    assert {"aws_subnet.private[0]", "aws_subnet.private[2]"} <= addrs(rg)
    az = attr(rg, "aws_subnet.private[2]", "availability_zone")
    assert isinstance(az, Unresolved)
    assert az.refs == ("data.aws_availability_zones.available",)
