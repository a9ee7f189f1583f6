# %% [markdown]
# # Red Flags
#
# The persona's red flags: problems serious enough to stop a rollout. Each one here groups the findings of the areas behind it, with a severity floor.
#
# **How to use this notebook.** Run all cells (*Run → Run All Cells*). For each checklist item below
# you get what the tool found — findings with `file:line`, the evidence and the source — and,
# where no rule can decide, a *question for the reviewer* with what the repository shows. Then
# record a verdict: **pass** (meets the practice), **concern** (partly, or needs follow-up),
# **fail** (does not meet it) or **n/a**, with a note. Each *Record* is saved at once in the
# review database, so a kernel restart or a second notebook open on the same review loses
# nothing. Findings can be marked *accept risk*, *false positive* or *will fix*.

# %% tags=["parameters"]
import os

AREA = "red_flags"  # the review area this notebook walks (one of infra_review.model.Area)
REPO = os.environ.get("INFRA_REVIEW_REPO") or "../data/examples/three-tier-aws"  # repository under review
DB = ""  # review database; empty: $INFRA_REVIEW_DB or ~/.local/share/infra_review/reviews.sqlite
REVIEWER = os.environ.get("INFRA_REVIEW_REVIEWER", "")  # your name, recorded with each verdict

# %%
from infra_review.views import workbench as wb

ws = wb.open_workspace(REPO, db=DB, reviewer=REVIEWER)

# %% [markdown]
# ## What the tool found, item by item

# %%
wb.area_summary(ws, AREA)

# %% [markdown]
# ## Checklist and verdicts

# %% tags=["nbval-ignore-output"]
controls = wb.checklist_view(ws, AREA)

# %% [markdown]
# ## Progress

# %%
wb.progress(ws)
