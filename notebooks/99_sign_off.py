# %% [markdown]
# # Sign-off
#
# The state of this review: verdicts per checklist item, decisions on findings, what is still
# open. Export the review as JSON and Markdown to commit next to the reviewed code (the JSON
# imports back into any review database with `ReviewStore.import_json`).

# %% tags=["parameters"]
import os

REPO = os.environ.get("INFRA_REVIEW_REPO") or "../data/examples/three-tier-aws"  # repository under review
DB = ""  # review database; empty: $INFRA_REVIEW_DB or ~/.local/share/infra_review/reviews.sqlite
REVIEWER = os.environ.get("INFRA_REVIEW_REVIEWER", "")  # your name, recorded with each verdict
EXPORT_DIR = ""  # directory for review.json and review.md; empty: write nothing

# %%
from infra_review.views import workbench as wb

ws = wb.open_workspace(REPO, db=DB, reviewer=REVIEWER)

# %% [markdown]
# ## Progress and open items
#
# Open items are checklist items without a verdict, items judged *fail* or *concern*, and
# critical/high findings nobody has decided on yet.

# %%
wb.progress(ws)

# %%
wb.open_items(ws)

# %% [markdown]
# ## Sign off and export

# %% tags=["nbval-ignore-output"]
wb.sign_off_view(ws, export_dir=EXPORT_DIR)

# %%
wb.export_review(ws, EXPORT_DIR)
