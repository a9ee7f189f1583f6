"""CloudFormation, SAM and CDK output (``cdk.out/*.template.json``) into the resource graph.

``decode`` (YAML short-form tags and JSON, through the safe YAML loader), ``evaluate``
(Parameters, Mappings, Conditions, intrinsic functions), ``mapping`` (the declarative type table
into the rules' attribute vocabulary), ``sam`` (the SAM transform) and ``build`` (the format
module: ``parse_file`` and ``build``).
"""
