"""Rules of the ``spof`` area (SPOF01–SPOF09, RULES.md §10).

Each rule is a thin wrapper over :mod:`infra_review.analysis.spof`: the analysis decides and
gathers the evidence (AZs, which NAT serves which subnets, what an articulation point
disconnects); the rule adds the blast radius of the node
(:func:`infra_review.analysis.blast.blast_radius`) to the evidence, so a reviewer sees what
breaks with it.  RED009 ranks these findings by that blast radius.
"""

from __future__ import annotations

from collections.abc import Iterator

from infra_review.analysis.blast import blast_radius
from infra_review.analysis.spof import find_spofs
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Severity, Status
from infra_review.rules._registry import Hit, rule

__all__: list[str] = []


def _hits(rg: ResourceGraph, rule_id: str) -> Iterator[Hit]:
    for s in find_spofs(rg, [rule_id]):
        node = rg.get(s.address)
        if node is None:
            continue
        evidence = dict(s.evidence)
        if s.status == "FAIL":
            br = blast_radius(rg, s.address)
            evidence["blast_radius"] = {
                "down": len(br.down),
                "degraded": len(br.degraded),
                "by_tier": br.by_tier,
                "by_type": br.by_type,
                "azs": list(br.azs),
                "entry_points": list(br.entry_points),
                "data_stores": list(br.data_stores),
                "score": br.score,
                "tree": br.tree,
            }
        yield Hit(
            node,
            s.message,
            attribute=s.attribute,
            status=Status(s.status),
            evidence=evidence,
            severity=s.severity,
        )


@rule("SPOF01", area=Area.SPOF, severity=Severity.HIGH, title="Tier runs in a single availability zone")
def single_az_tier(rg: ResourceGraph) -> Iterator[Hit]:
    """Per VPC and tier, the subnets the tier's resources use (ASGs, load balancers, DB/cache
    subnet groups, node groups, instances) span exactly one availability zone.  AZs come from
    ``availability_zone``/``availability_zone_id``, or from the index into
    ``data.aws_availability_zones``; unknown AZs give UNKNOWN.  Reported on the VPC with
    ``attribute = "tier=<tier>"``.

    Why it matters
    --------------
    An AZ outage takes the whole tier, and with it the service, down.

    Remediation
    -----------
    Give the tier a subnet in at least two (better three) AZs and spread its groups over them.

    Example
    -------
    .. code-block:: hcl

        vpc_zone_identifier = [aws_subnet.app["a"].id, aws_subnet.app["b"].id, aws_subnet.app["c"].id]
    """
    yield from _hits(rg, "SPOF01")


@rule("SPOF02", area=Area.SPOF, severity=Severity.MEDIUM, title="One NAT gateway serves several AZs")
def shared_nat(rg: ResourceGraph) -> Iterator[Hit]:
    """Private subnets in two or more AZs send ``0.0.0.0/0`` to the same zonal
    ``aws_nat_gateway`` (``availability_mode = "regional"`` is exempt); or a remote VPC module
    is called with ``single_nat_gateway = true``.

    Why it matters
    --------------
    When the NAT's AZ fails, every private subnet loses egress: package installs, external
    APIs, AWS endpoints without VPC endpoints.

    Remediation
    -----------
    One NAT gateway per AZ, each private route table routing to the NAT of its own AZ
    (``one_nat_gateway_per_az = true`` in the community module).

    Example
    -------
    .. code-block:: hcl

        resource "aws_nat_gateway" "az" {
          for_each  = aws_subnet.public
          subnet_id = each.value.id
        }
    """
    yield from _hits(rg, "SPOF02")


@rule("SPOF03", area=Area.SPOF, severity=Severity.HIGH, title="Standalone instance serves traffic")
def standalone_instance(rg: ResourceGraph) -> Iterator[Hit]:
    """An ``aws_instance`` (not in an auto scaling group) that is the only target of a target
    group, the sole value of a Route 53 record, holds an Elastic IP, or is internet-reachable on
    a non-admin port.  Bastions and NAT instances are not reported.

    Why it matters
    --------------
    A single instance fails with its host, its AZ and every reboot; nothing replaces it.

    Remediation
    -----------
    Run the service in an auto scaling group (min 2, several AZs) behind a load balancer.

    Example
    -------
    .. code-block:: hcl

        resource "aws_autoscaling_group" "admin" {
          min_size            = 2
          vpc_zone_identifier = module.vpc.private_subnets
          target_group_arns   = [aws_lb_target_group.admin.arn]
        }
    """
    yield from _hits(rg, "SPOF03")


@rule("SPOF04", area=Area.SPOF, severity=Severity.HIGH, title="Single-AZ database", checkov=("CKV_AWS_157",))
def single_az_database(rg: ResourceGraph) -> Iterator[Hit]:
    """``aws_db_instance.multi_az`` is not true and ``replicate_source_db`` is unset; an
    ``aws_rds_cluster`` (DocDB, Neptune) with exactly one cluster instance.

    Why it matters
    --------------
    An AZ or host failure means a restore from backup: minutes to hours of downtime and the
    data written since the last backup.

    Remediation
    -----------
    ``multi_az = true`` (or a Multi-AZ DB cluster); at least two Aurora instances in different AZs.

    Example
    -------
    .. code-block:: hcl

        resource "aws_db_instance" "main" {
          multi_az = true
        }
    """
    yield from _hits(rg, "SPOF04")


@rule("SPOF05", area=Area.SPOF, severity=Severity.MEDIUM, title="Single-node cache")
def single_node_cache(rg: ResourceGraph) -> Iterator[Hit]:
    """``aws_elasticache_cluster.num_cache_nodes = 1`` (memcached: ``az_mode`` not ``cross-az``);
    a replication group with fewer than two cache clusters, ``replicas_per_node_group = 0``,
    or automatic failover / Multi-AZ off.

    Why it matters
    --------------
    Sessions, carts and rate limits kept in one cache node vanish with it; a cold cache can
    also overload the database behind it.

    Remediation
    -----------
    A replication group with a replica in another AZ and automatic failover.

    Example
    -------
    .. code-block:: hcl

        resource "aws_elasticache_replication_group" "sessions" {
          num_cache_clusters         = 2
          automatic_failover_enabled = true
          multi_az_enabled           = true
        }
    """
    yield from _hits(rg, "SPOF05")


@rule("SPOF06", area=Area.SPOF, severity=Severity.MEDIUM, title="Capacity of one")
def capacity_of_one(rg: ResourceGraph) -> Iterator[Hit]:
    """An ASG with ``max_size = 1`` (medium) or ``min_size``/``desired_capacity = 1`` (low); an
    EKS node group with ``scaling_config.max_size = 1``; an ECS service with
    ``desired_count = 1`` and no ``aws_appautoscaling_target`` keeping ``min_capacity`` ≥ 2.

    Why it matters
    --------------
    With one instance or task, every replacement, deployment or AZ event is an outage.

    Remediation
    -----------
    Run at least two, spread over AZs, and let auto scaling add more.

    Example
    -------
    .. code-block:: hcl

        min_size = 2
        max_size = 6
    """
    yield from _hits(rg, "SPOF06")


@rule("SPOF07", area=Area.SPOF, severity=Severity.MEDIUM, title="Single-replica Kubernetes workload")
def single_replica_workload(rg: ResourceGraph) -> Iterator[Hit]:
    """A Deployment/StatefulSet whose ``replicas`` is 1 or absent and no HPA keeps
    ``minReplicas`` ≥ 2; two or more replicas without zone ``topologySpreadConstraints`` or
    ``podAntiAffinity`` are low.

    Why it matters
    --------------
    One pod means downtime on every node drain, eviction and rollout.

    Remediation
    -----------
    ``replicas: 2`` or more (or an HPA with ``minReplicas: 2``), spread over zones, with a PDB.

    Example
    -------
    .. code-block:: yaml

        spec:
          replicas: 3
          template:
            spec:
              topologySpreadConstraints:
                - maxSkew: 1
                  topologyKey: topology.kubernetes.io/zone
                  whenUnsatisfiable: ScheduleAnyway
    """
    yield from _hits(rg, "SPOF07")


@rule(
    "SPOF08",
    area=Area.SPOF,
    severity=Severity.HIGH,
    title="Articulation point of the runtime topology",
    checkov=("CKV2_AWS_50",),
)
def articulation_point(rg: ResourceGraph) -> Iterator[Hit]:
    """A node of the runtime topology (network, compute and data nodes joined by subnet, route,
    load-balancer and allowed-flow edges) whose removal disconnects every entry point
    (``INTERNET``, a load balancer, CloudFront) from app or data nodes.  By-design singletons
    (VPC, internet gateway, route tables, load balancers, target groups) are reported as
    ``structural`` at info.  The evidence lists what it disconnects.

    Why it matters
    --------------
    Everything behind a cut vertex depends on it alone; it is where a single failure becomes
    an outage.

    Remediation
    -----------
    Add a redundant path: a second instance/proxy in another AZ, a second NAT, a load balancer
    in front of a single host.

    Example
    -------
    .. code-block:: hcl

        # two proxies behind a load balancer instead of one
        resource "aws_autoscaling_group" "proxy" { min_size = 2 }
    """
    yield from _hits(rg, "SPOF08")


@rule("SPOF09", area=Area.SPOF, severity=Severity.INFO, title="Single region", checkov=("CKV_AWS_310",))
def single_region(rg: ResourceGraph) -> Iterator[Hit]:
    """Every AWS provider configuration uses one region and no cross-region replica exists
    (S3 replication, RDS global cluster or backup replication, DynamoDB replicas, ElastiCache
    global datastore).  Reported on the provider.

    Why it matters
    --------------
    A regional outage is rare but total; without a second region the recovery plan is "wait".

    Remediation
    -----------
    Decide the DR target: replicate data to a second region (and document the failover) when
    the RTO/RPO needs it.

    Example
    -------
    .. code-block:: hcl

        provider "aws" {
          alias  = "dr"
          region = "eu-central-1"
        }
    """
    yield from _hits(rg, "SPOF09")
