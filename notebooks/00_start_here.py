# %% [markdown]
# # Start here: load the repository
#
# This workbench walks an infrastructure-as-code repository through the eight review areas of
# the infrastructure persona — IaC practices, containers, deployment, networking & security,
# monitoring, backup & recovery, cost — and its red flags. This first notebook loads the
# repository into one resource graph (Terraform, Kubernetes manifests, Dockerfiles and Compose
# files together), tells you what could and could not be read, and gives the overall picture.
#
# Set `REPO` in the next cell (or start with `infra-review lab PATH`), then *Run → Run All Cells*.

# %% tags=["parameters"]
import os

REPO = os.environ.get("INFRA_REVIEW_REPO") or "../data/examples/three-tier-aws"  # repository under review
DB = ""  # review database; empty: $INFRA_REVIEW_DB or ~/.local/share/infra_review/reviews.sqlite
REVIEWER = os.environ.get("INFRA_REVIEW_REVIEWER", "")  # your name, recorded with each verdict

# %%
from infra_review.views import workbench as wb

ws = wb.open_workspace(REPO, db=DB, reviewer=REVIEWER)

# %% [markdown]
# ## Coverage
#
# Every file under the root is accounted for: parsed, skipped (and why) or failed (and why).
# Nothing is executed, downloaded or followed outside the root. If anything failed, the banner
# says *incomplete coverage*: the findings do not cover those files.

# %%
wb.show_coverage(ws)

# %% [markdown]
# ## Inventory

# %%
wb.show_inventory(ws)

# %% [markdown]
# ## Findings by area and severity
#
# Open (unsuppressed) failing findings. Red flags come first in every report.

# %%
wb.findings_overview(ws)

# %%
wb.top_findings(ws)

# %% [markdown]
# ## Where to go next
#
# | notebook | what it walks |
# |---|---|
# | `08_red_flags` | the persona's red flags, most severe first |
# | `01_iac_practices` … `07_cost` | one persona area each, item by item, with a verdict per item |
# | `10_network_segmentation` | the segmentation map: pick a VPC, tier or port; exposure paths |
# | `11_spof_explorer` | single points of failure; pick a resource and see its blast radius |
# | `99_sign_off` | the review's state, open items, export |
#
# ## Review progress

# %%
wb.progress(ws)
