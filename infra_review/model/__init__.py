"""The vocabulary below every layer: the resource model, coercion, environments, kinds, areas.

Nothing here imports a parser, the graph, an analysis or a rule.  :mod:`.core` holds the
dataclasses (``Resource``, ``Unresolved``, ``Finding``, …), :mod:`.errors` the one exception
base, :mod:`.persona` the checklist as data.

>>> from infra_review.model import Resource, Unresolved
>>> Resource("aws_instance.web", "aws_instance").kind
'aws_instance'
"""

from infra_review.model.core import *  # noqa: F403
from infra_review.model.core import __all__ as _core_all

__all__ = list(_core_all)
