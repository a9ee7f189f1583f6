# %% [markdown]
# # Training: find the planted flaws
#
# Practise reviewing on a small repository with **known flaws**. Read the briefing, explore
# the system with the same pictures a reviewer uses (segmentation map, exposure paths,
# topology, SPOF explorer), and mark every flaw you suspect: the resource, the review area and
# a note. When you submit, you get a score and feedback on every flaw you missed, with why it
# matters and how to fix it. The tool's own findings stay hidden until then.
#
# **To practise:** set `EXERCISE` and your name in `TRAINEE` in the next cell, then run all
# cells and use the form under *Your suspicions*. `infra-review train list` (or the list
# printed below) shows the exercises, beginner to advanced.
#
# With `TRAINEE` empty the notebook runs in **demo mode**: it scores the scripted example in
# `SCRIPTED_SUBMISSION` (so you can see what feedback looks like) and records nothing. Demo
# feedback shows the answers of that exercise: pick a different one to practise.
#
# How suspicions are matched and scored (severity weights: critical 5, high 3, medium 2,
# low 1, info 0.5; a false alarm costs 1) is described under *Scoring* below.

# %% tags=["parameters"]
EXERCISE = "01-public-bucket-open-ssh"  # exercise name (or a unique prefix such as "05")
TRAINEE = ""  # your name; empty = demo mode (scripted submission, nothing recorded)
DB = ""  # review database for progress; "" = $INFRA_REVIEW_DB or ~/.local/share/infra_review/reviews.sqlite
SHOW_FINDINGS = False  # trainers: show the tool's findings before submission
REPO = ""  # optional: an exercise's repo/ selects it; any other repository is free practice (no score)
SCRIPTED_SUBMISSION = [  # demo mode only: scored without the form, never recorded
    {"resource": "aws_security_group.cms", "area": "network_security", "note": "SSH reachable from 0.0.0.0/0"},
    {"resource": "aws_s3_bucket_versioning.media", "area": "backup", "note": "versioning alone is not a backup"},
]

# %%
from infra_review.training import widgets as tw
from infra_review.training.exercises import list_exercises
from infra_review.views import workbench as wb

for ex in list_exercises():
    print(f"{ex.name:<28} {ex.level:<13} {ex.title}")

# %%
tr = tw.open_session(EXERCISE, repo=REPO, trainee=TRAINEE, db=DB, show_findings=SHOW_FINDINGS)

# %% [markdown]
# ## Briefing

# %%
tw.show_briefing(tr)

# %% [markdown]
# ## The tool's findings
#
# Hidden: a trainee finds things instead of reading them. They appear with your feedback.

# %%
tw.findings_panel(tr)

# %% [markdown]
# ## Exposure paths from the internet
#
# Every way a packet from the internet can reach a resource, hop by hop, with the ports that
# survive every hop.

# %%
wb.exposure_summary(tr.workspace)

# %% [markdown]
# ## Segmentation map
#
# VPCs, availability zones as columns, subnet tiers as rows, resources in their subnets and
# the flows allowed between them.

# %%
wb.segmentation_figure(tr.workspace)

# %% [markdown]
# ## Topology
#
# The runtime topology; the resource with the largest blast radius is highlighted.

# %%
tw.topology_figure(tr)

# %% [markdown]
# ## SPOF explorer
#
# Pick any resource: what fails with it?

# %% tags=["nbval-ignore-output"]
explorer = tw.spof_explorer(tr)

# %% [markdown]
# ## Your suspicions
#
# For every flaw: pick the resource (type to filter the list), the review area, write a
# note, and press **Add**. Use `(repository)` for problems of the repository as a whole (for
# example how state or providers are set up). Press **Submit** when you are done; you can
# submit again, and your best and latest scores are kept.

# %% tags=["nbval-ignore-output"]
form = tw.submission_form(tr)

# %% [markdown]
# ## Scoring
#
# A suspicion counts for a flaw when it names one of the flaw's resources (an address
# without its index, such as `aws_subnet.public`, also matches `aws_subnet.public[0]`), or,
# for flaws of the repository as a whole, `(repository)` with the flaw's area. Each suspicion
# counts for one flaw; when a resource has several flaws, the one in the area you chose
# counts first. A flaw filed under another area still counts as found. Naming an
# already-found flaw again costs nothing; a suspicion that matches no flaw is a false alarm.
# Score = (weight of found flaws − false alarms) / weight of all flaws.
#
# In demo mode the scripted submission is scored here.

# %%
result = tw.score_scripted(tr, SCRIPTED_SUBMISSION)

# %% [markdown]
# ## Feedback
#
# Every missed flaw with the rule's *Why it matters* and *Remediation* (or the explanation
# of the answer key where only a human can judge), and what the tool itself found.

# %% tags=["nbval-ignore-output"]
feedback = tw.feedback_view(tr)

# %% [markdown]
# ## For trainers: the cohort
#
# Best and latest score of every trainee on every exercise, from the same database as the
# reviews (also `infra-review train results`).

# %%
tw.cohort_view(DB)
