"""Red flags (RED001–RED010): meta-rules that group area findings, floor their severity and add checks.

One module per theme: :mod:`.change_control` (RED001 manual changes, RED002 version control),
:mod:`.secrets` (RED003), :mod:`.production` (RED004 monitoring, RED005 backups),
:mod:`.exposure` (RED006 public data), :mod:`.permissions` (RED007 IAM),
:mod:`.container_limits` (RED008), :mod:`.spofs` (RED009), :mod:`.documentation` (RED010).

Red flags produce their own findings.  Where RULES.md §8 says a flag aggregates other areas
(CTR005–007 into RED003, BAK001 into RED005, MON006/MON009 as flag conditions, IAC006/IAC013 as
context), the flag *declares* the rules it aggregates (``@rule(..., aggregates=(...))``) and
the review hands it their hits (see :mod:`infra_review.rules._registry`); shared predicates
come from :mod:`infra_review.analysis`.  No red flag calls or imports another rule.

Repository-level findings use :func:`infra_review.analysis.repo_layout.repo_anchor` (the root
``terraform`` block, else a root provider or resource, else ``repo:.``); a finding about one
file (an untracked ``.tf``, a committed ``.env``) is attached to the anchor with the file's path
as ``attribute`` and location.
"""

from __future__ import annotations

from infra_review.rules.red_flags import (  # noqa: F401  (imported for registration)
    change_control,
    container_limits,
    documentation,
    exposure,
    permissions,
    production,
    secrets,
    spofs,
)

__all__: list[str] = []
