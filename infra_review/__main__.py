"""``python -m infra_review`` is ``infra-review``."""

from infra_review.cli import main

raise SystemExit(main())
