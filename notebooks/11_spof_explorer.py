# %% [markdown]
# # Single points of failure and blast radius
#
# Where does this system break, and how much breaks with it? The tool finds single points of
# failure statically — a tier in one availability zone, one NAT gateway serving every AZ, a
# standalone instance taking traffic, a single-AZ database, a one-node cache, capacity of one,
# single-replica workloads, resources whose loss cuts the entry points off from the app or
# data tier, a single region — and for each one computes its **blast radius**: everything
# that depends on it at runtime (subnets, routes, security groups, load-balancer targets,
# database consumers, KMS keys, IAM roles), by tier, type and availability zone.
#
# Pick any resource in the explorer to see what fails with it.

# %% tags=["parameters"]
import os

REPO = os.environ.get("INFRA_REVIEW_REPO") or "../data/examples/three-tier-aws"  # repository under review
DB = ""  # review database; empty: $INFRA_REVIEW_DB or ~/.local/share/infra_review/reviews.sqlite
REVIEWER = os.environ.get("INFRA_REVIEW_REVIEWER", "")  # your name, recorded with each verdict

# %%
from infra_review.views import workbench as wb

ws = wb.open_workspace(REPO, db=DB, reviewer=REVIEWER)

# %% [markdown]
# ## Single points of failure, ranked by blast radius

# %%
wb.spof_summary(ws)

# %% [markdown]
# ## Availability-zone spread per tier

# %%
wb.az_spread_figure(ws)

# %% [markdown]
# ## Topology with SPOFs marked
#
# The runtime topology; SPOFs are drawn large and red, the most severe one's blast radius is
# highlighted.

# %%
wb.topology_figure(ws)

# %% [markdown]
# ## Explore the blast radius of any resource

# %% tags=["nbval-ignore-output"]
wb.spof_explorer(ws)
