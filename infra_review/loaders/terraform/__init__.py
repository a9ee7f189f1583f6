"""Terraform: ``.tf`` (python-hcl2), ``.tf.json``, ``*.tfvars`` and plan JSON into the resource model.

``parse`` turns a file into blocks, ``expr``/``evaluate`` evaluate HCL expressions statically
(unknowns stay :class:`~infra_review.model.Unresolved`), ``builder`` scopes, expands and emits
resources, ``plan`` reads ``terraform show -json``.
"""
