"""Parse phase of the Terraform loader: one file → plain, picklable blocks (runs in a worker).

``.tf``/``.tfvars`` go through python-hcl2 8.x (``hcl2.parses``): its IR gives the block
structure and the line numbers (``_meta``), and the source text of every attribute expression is
parsed by :mod:`~infra_review.loaders.terraform.expr` into a tuple AST.  ``.tf.json``/``.tfvars.json``
use :mod:`json`.  Plan JSON goes to :mod:`~infra_review.loaders.terraform.plan`.  See
:mod:`~infra_review.loaders.terraform.builder` for the data shape; nothing here raises.

>>> pf = parse_file("main.tf", 'resource "aws_s3_bucket" "b" {\\n  bucket = "logs"\\n}\\n', "terraform")
>>> blk = pf.data["blocks"][0]
>>> blk["type"], blk["labels"], blk["line"], blk["end_line"], blk["attrs"]["bucket"]["expr"]
('resource', ['aws_s3_bucket', 'b'], 1, 3, ('lit', 'logs'))
"""

from __future__ import annotations

import gc

from infra_review.loaders.base import ParsedFile
from infra_review.loaders.terraform.parse_hcl import parse_hcl
from infra_review.loaders.terraform.parse_json import parse_json
from infra_review.loaders.terraform.plan import parse_plan
from infra_review.model import Diagnostic, DiagnosticCode, FileStatus

__all__ = ["GC_PAUSE_MAX_CHARS", "parse_file"]

_HCL_KINDS = ("terraform", "tfvars")
_JSON_KINDS = ("terraform_json", "tfvars_json")


#: Files up to this many characters are parsed with the cyclic collector paused (see below).
GC_PAUSE_MAX_CHARS = 512 * 1024


def parse_file(rel_path: str, text: str, kind: str = "terraform") -> ParsedFile:
    """Parse one Terraform-family file into plain data; never raises.

    python-hcl2/lark allocate a tree of small objects per file, so the cyclic collector runs
    over and over during a parse (about a third of the parse time).  For files up to
    :data:`GC_PAUSE_MAX_CHARS` it is paused for the parse and the youngest generation (all
    that the parse allocated) is collected once afterwards, which frees the parser's cycles
    so peak memory stays as before.
    """
    if len(text) > GC_PAUSE_MAX_CHARS or not gc.isenabled():
        return _parse_file(rel_path, text, kind)
    gc.disable()
    try:
        return _parse_file(rel_path, text, kind)
    finally:
        gc.enable()
        gc.collect(0)


def _parse_file(rel_path: str, text: str, kind: str) -> ParsedFile:
    pf = ParsedFile(path=rel_path, kind=kind)
    if text.startswith("\ufeff"):  # the repository loader strips it; stay safe when called directly
        text = text[1:]
    try:
        if kind in _HCL_KINDS:
            parse_hcl(pf, text)
        elif kind in _JSON_KINDS:
            parse_json(pf, text)
        elif kind == "terraform_plan":
            parse_plan(pf, text)
        else:
            pf.status = FileStatus.SKIPPED
            pf.diagnostics.append(
                Diagnostic(DiagnosticCode.UNSUPPORTED, rel_path, 0, 0, f"not a Terraform kind: {kind[:40]}")
            )
    except RecursionError:
        pf.status, pf.data = FileStatus.FAILED, None
        pf.diagnostics.append(
            Diagnostic(DiagnosticCode.DEPTH_LIMIT, rel_path, 0, 0, "nesting too deep to parse")
        )
    except Exception as e:
        pf.status, pf.data = FileStatus.FAILED, None
        pf.diagnostics.append(
            Diagnostic(DiagnosticCode.PARSE_ERROR, rel_path, 0, 0, f"parser failed: {type(e).__name__}")
        )
    return pf
