"""Review rules, one module per area.  Importing this package registers every rule.

Modules are listed explicitly (no globbing, no ``import *``) so that it is always clear where a
rule comes from.  See :mod:`infra_review.rules._registry` for the ``@rule`` decorator.
"""

from __future__ import annotations

from infra_review.rules import (  # noqa: F401  (imported for registration)
    backup,
    containers,
    cost,
    deployment,
    encryption,
    guided,
    iac,
    iam_users,
    monitoring,
    network_security,
    red_flags,
    registry_images,
    spof,
)
from infra_review.rules._registry import GUIDED, RULES, GuidedQuestion, Hit, Rule, rule

# ``infra_review.rules.guided`` is the module of guided questions; register a new question with
# ``infra_review.rules._registry.guided``.
__all__ = ["GUIDED", "RULES", "GuidedQuestion", "Hit", "Rule", "guided", "rule"]
