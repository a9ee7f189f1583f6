"""Training mode: exercises with planted flaws, hidden answer keys, scoring and trainee progress.

Modules: :mod:`~infra_review.training.keys` (stored answer keys), :mod:`~.exercises`
(listing and loading exercises), :mod:`~.scoring` (matching a submission against a key),
:mod:`~.store` (trainee progress in the review database) and :mod:`~.widgets` (the notebook
controls; imports ipywidgets, so it is never imported from here).
"""

from __future__ import annotations

__all__: list[str] = []
