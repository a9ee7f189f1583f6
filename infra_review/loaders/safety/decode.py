"""Strict decoding of repository bytes into text (UNTRUSTED_INPUT.md §3.5).

- A UTF-8 BOM is stripped.
- UTF-16/32 are decoded only when a BOM says so, with an ENCODING_WARNING.
- Otherwise strict UTF-8; a failure is DECODE_ERROR with the byte offset (never ``replace``:
  a silently changed value is worse than a reported failure).
- A NUL byte in the first 8 KiB means BINARY.
- CRLF and lone CR become LF.

>>> decode_bytes(b"\\xef\\xbb\\xbfa = 1\\r\\nb = 2\\r", "x.tf").text
'a = 1\\nb = 2\\n'
>>> r = decode_bytes(b"name = \\"caf\\xe9\\"", "x.tf")
>>> r.text is None, r.diagnostics[0].code.value, r.diagnostics[0].message
(True, 'DECODE_ERROR', 'not valid UTF-8 at byte offset 11 (line 1); re-save the file as UTF-8')
>>> decode_bytes(b"\\x00\\x01ELF", "x.tf").diagnostics[0].code.value
'BINARY'
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from infra_review.model import Diagnostic, DiagnosticCode

__all__ = ["BINARY_SNIFF_BYTES", "Decoded", "decode_bytes", "normalise_newlines", "sniff_text"]

BINARY_SNIFF_BYTES = 8192

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 LE BOM.
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)


@dataclass(slots=True)
class Decoded:
    """The text (``None`` when undecodable) and what was noticed on the way."""

    text: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    encoding: str = "utf-8"

    @property
    def failed(self) -> bool:
        return self.text is None


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR → LF.

    >>> normalise_newlines("a\\r\\nb\\rc\\n")
    'a\\nb\\nc\\n'
    """
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes, rel_path: str) -> Decoded:
    """Decode one file's bytes under the rules of this module."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                msg = f"not valid {label} at byte offset {exc.start + len(bom)} despite its byte-order mark"
                return Decoded(None, [Diagnostic(DiagnosticCode.DECODE_ERROR, rel_path, message=msg)], codec)
            if "\x00" in text[:BINARY_SNIFF_BYTES]:
                msg = f"NUL character in the first {BINARY_SNIFF_BYTES} bytes: treated as binary"
                return Decoded(None, [Diagnostic(DiagnosticCode.BINARY, rel_path, message=msg)], codec)
            warn = Diagnostic(
                DiagnosticCode.ENCODING_WARNING,
                rel_path,
                message=f"decoded as {label} (byte-order mark); tools expecting UTF-8 may misread it",
            )
            return Decoded(normalise_newlines(text), [warn], codec)
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        msg = f"NUL byte in the first {BINARY_SNIFF_BYTES} bytes: treated as binary"
        return Decoded(None, [Diagnostic(DiagnosticCode.BINARY, rel_path, message=msg)])
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + skip
        line = data.count(b"\n", 0, offset) + 1
        msg = f"not valid UTF-8 at byte offset {offset} (line {line}); re-save the file as UTF-8"
        return Decoded(None, [Diagnostic(DiagnosticCode.DECODE_ERROR, rel_path, line=line, message=msg)])
    return Decoded(normalise_newlines(text))


def sniff_text(prefix: bytes) -> str:
    """A lenient decoding of a file's first bytes, only to guess its kind ("" for binary).

    The prefix may end inside a character, so invalid bytes are dropped here; the file is
    decoded strictly by :func:`decode_bytes` if it turns out to be IaC.

    >>> sniff_text(b"apiVersion: v1\\nkind: Pod\\n\\xe2\\x82")
    'apiVersion: v1\\nkind: Pod\\n'
    >>> sniff_text("kind: x".encode("utf-16")), sniff_text(b"\\x00\\x01")
    ('kind: x', '')
    """
    for bom, codec, _ in _BOMS:
        if prefix.startswith(bom):
            return prefix[len(bom) :].decode(codec, "ignore")
    if b"\x00" in prefix[:BINARY_SNIFF_BYTES]:
        return ""
    if prefix.startswith(codecs.BOM_UTF8):
        prefix = prefix[len(codecs.BOM_UTF8) :]
    return normalise_newlines(prefix.decode("utf-8", "ignore"))
