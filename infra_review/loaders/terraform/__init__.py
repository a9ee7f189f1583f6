"""Terraform: ``.tf`` (python-hcl2), ``.tf.json``, ``*.tfvars`` and plan JSON into the resource model.

``builder`` is the format module (``parse_file``, ``build``); the rest, in the order a file
flows through it:

* parse (in a worker): ``parse`` dispatches by kind to ``parse_hcl`` (python-hcl2) and
  ``parse_json`` (``.tf.json``); ``expr`` parses expressions into tuple ASTs; ``plan`` reads
  ``terraform show -json``.
* evaluate: ``value`` (the value model: unknowns, references, conversions), ``functions``
  (the Terraform function library), ``evaluate`` (the ``Evaluator``); unknowns stay
  :class:`~infra_review.model.Unresolved`.
* build (main process): ``modules`` (blocks per directory, overrides, tfvars, roots),
  ``state`` (diagnostics, budgets, nodes and pending edges of one build), ``scope`` (module
  instances and evaluation contexts), ``resolve`` (variables, locals, outputs, objects, module
  calls), ``typeconv`` (variable type conversion), ``expand`` (``count``/``for_each``, module
  call expansion, providers), ``refs``/``edges`` (references into edges), ``body`` (block
  bodies) and ``emit`` (``Resource`` nodes).
"""
