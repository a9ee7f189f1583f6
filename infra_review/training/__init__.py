"""Training mode: exercises with planted flaws, hidden answer keys, scoring and trainee progress.

Modules: :mod:`~infra_review.training.keys` (stored answer keys), :mod:`~.exercises`
(listing and loading exercises), :mod:`~.scoring` (matching a submission against a key),
:mod:`~.store` (trainee progress and drafts in the review database), :mod:`~.session` (one
trainee on one exercise, findings held back until submission) and :mod:`~.widgets` (the
notebook controls; imports ipywidgets and plotly, so it is never imported from here).
``infra-review train`` (:mod:`infra_review.cli.train`) is the terminal front end.
"""

from __future__ import annotations

__all__: list[str] = []
