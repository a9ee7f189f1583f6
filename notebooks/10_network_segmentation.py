# %% [markdown]
# # Network segmentation and internet exposure
#
# How is the system segmented, and what can the internet reach? The map shows each VPC with
# its availability zones as columns and subnet tiers as rows (edge/DMZ, app, data), resources
# placed in their subnets, the allowed flows between them labelled with ports, and the
# **exposure paths**: every way a packet from the internet can reach a resource, hop by hop —
# internet gateway, route table, subnet, network ACL, security group, load balancer listener,
# target group, targets — with the ports that survive every hop.
#
# Pick a VPC, a tier or a port below to focus the map; the table lists every path.

# %% tags=["parameters"]
import os

REPO = os.environ.get("INFRA_REVIEW_REPO") or "../data/examples/three-tier-aws"  # repository under review
DB = ""  # review database; empty: $INFRA_REVIEW_DB or ~/.local/share/infra_review/reviews.sqlite
REVIEWER = os.environ.get("INFRA_REVIEW_REVIEWER", "")  # your name, recorded with each verdict

# %%
from infra_review.views import workbench as wb

ws = wb.open_workspace(REPO, db=DB, reviewer=REVIEWER)

# %% [markdown]
# ## Exposure paths
#
# Shortest path from `INTERNET` to each reachable resource, its hop count and exposed ports.
# A data store within two hops, or an app server reachable without passing a load balancer,
# is a finding (NET013, NET015).

# %%
wb.exposure_summary(ws)

# %% [markdown]
# ## The segmentation map

# %%
wb.segmentation_figure(ws)

# %% [markdown]
# ## Explore: pick a VPC, a tier, a port

# %% tags=["nbval-ignore-output"]
wb.network_explorer(ws)

# %% [markdown]
# ## One path, hop by hop
#
# The first (most severe) exposure path drawn as a chain; hover a hop for its ports and
# source location.

# %%
wb.exposure_path_figure(ws, 0)
