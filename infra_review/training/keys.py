"""Answer keys stored so that opening an exercise folder does not spoil it.

A key is JSON (``exercise``, ``level``, ``flaws``), zlib-compressed, XOR'ed with a keystream
derived from a fixed salt and the exercise name, then base64-encoded under a one-line header
in ``data/training/<exercise>/answers.key``.  **This is spoiler protection, not security**:
anyone with this module can decode a key (``infra-review train key EXERCISE`` does, for
trainers).  It only keeps flaw titles, rule ids and resource addresses from being readable
when someone browses the folder, greps it, or opens it in an editor.

>>> data = {"exercise": "00-demo", "level": "beginner", "flaws": [
...     {"id": "f1", "title": "Bucket is public", "resources": ["aws_s3_bucket.b"],
...      "area": "red_flags", "severity": "critical", "why": "Anyone can read it.",
...      "detected_by": "RED006"}]}
>>> text = encode_key(data)
>>> "Bucket" in text or "RED006" in text
False
>>> parse_key(decode_key(text)).flaws[0].title
'Bucket is public'
"""

from __future__ import annotations

import base64
import hashlib
import json
import textwrap
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra_review.model import Area

__all__ = [
    "KEY_FILE",
    "SEVERITY_WEIGHTS",
    "AnswerKey",
    "KeyFlaw",
    "decode_key",
    "encode_key",
    "parse_key",
    "read_key",
    "write_key",
]

KEY_FILE = "answers.key"
HEADER = "infra-review answer key v1 (obfuscated against spoilers; not encrypted)"
_SALT = b"infra-review/training/spoiler-guard/v1"

#: Weight of a flaw by severity in the score (see :mod:`infra_review.training.scoring`).
SEVERITY_WEIGHTS: dict[str, float] = {"critical": 5.0, "high": 3.0, "medium": 2.0, "low": 1.0, "info": 0.5}
#: Review areas a flaw can belong to, in the model's order.
AREAS = tuple(a.value for a in Area)


@dataclass(frozen=True, slots=True)
class KeyFlaw:
    """One planted flaw: the resources involved, its area and severity, and who detects it."""

    id: str
    title: str
    resources: tuple[str, ...]
    area: str
    severity: str
    why: str
    detected_by: str  # a rule id, or "guided" when only a human can judge
    also_detected_by: tuple[str, ...] = ()

    @property
    def guided(self) -> bool:
        return self.detected_by == "guided"

    @property
    def weight(self) -> float:
        return SEVERITY_WEIGHTS[self.severity]

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Every rule that reports this flaw (none for a guided flaw)."""
        first = () if self.guided else (self.detected_by,)
        return first + tuple(r for r in self.also_detected_by if r not in first)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "resources": list(self.resources),
            "area": self.area,
            "severity": self.severity,
            "why": self.why,
            "detected_by": self.detected_by,
        }
        if self.also_detected_by:
            out["also_detected_by"] = list(self.also_detected_by)
        return out


@dataclass(frozen=True, slots=True)
class AnswerKey:
    """The decoded answer key of one exercise."""

    exercise: str
    level: str
    flaws: tuple[KeyFlaw, ...] = field(default_factory=tuple)

    @property
    def total_weight(self) -> float:
        return sum(f.weight for f in self.flaws)

    def flaw(self, flaw_id: str) -> KeyFlaw:
        for f in self.flaws:
            if f.id == flaw_id:
                return f
        msg = f"{self.exercise}: no flaw {flaw_id!r} in the key"
        raise KeyError(msg)

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "level": self.level, "flaws": [f.to_dict() for f in self.flaws]}


def parse_key(data: Mapping[str, Any]) -> AnswerKey:
    """Validate key data (as written by an exercise author) into an :class:`AnswerKey`."""
    try:
        exercise, level, raw_flaws = str(data["exercise"]), str(data["level"]), data["flaws"]
    except KeyError as exc:
        msg = f"answer key lacks {exc.args[0]!r}"
        raise ValueError(msg) from None
    if not isinstance(raw_flaws, list) or not raw_flaws:
        msg = f"{exercise}: an answer key lists at least one flaw"
        raise ValueError(msg)
    flaws = []
    for raw in raw_flaws:
        missing = {"id", "title", "resources", "area", "severity", "why", "detected_by"} - set(raw)
        if missing:
            msg = f"{exercise}: flaw {raw.get('id', '?')!r} lacks {', '.join(sorted(missing))}"
            raise ValueError(msg)
        if raw["severity"] not in SEVERITY_WEIGHTS:
            msg = f"{exercise}: flaw {raw['id']!r} has unknown severity {raw['severity']!r}"
            raise ValueError(msg)
        if raw["area"] not in AREAS:
            msg = f"{exercise}: flaw {raw['id']!r} has unknown area {raw['area']!r}"
            raise ValueError(msg)
        resources = raw["resources"]
        if not isinstance(resources, list) or not resources or not all(isinstance(r, str) for r in resources):
            msg = f"{exercise}: flaw {raw['id']!r} needs a non-empty list of resource addresses"
            raise ValueError(msg)
        flaws.append(
            KeyFlaw(
                id=str(raw["id"]),
                title=str(raw["title"]),
                resources=tuple(resources),
                area=str(raw["area"]),
                severity=str(raw["severity"]),
                why=" ".join(str(raw["why"]).split()),
                detected_by=str(raw["detected_by"]),
                also_detected_by=tuple(raw.get("also_detected_by") or ()),
            )
        )
    ids = [f.id for f in flaws]
    if len(ids) != len(set(ids)):
        msg = f"{exercise}: flaw ids must be unique"
        raise ValueError(msg)
    return AnswerKey(exercise, level, tuple(flaws))


def _keystream(exercise: str, n: int) -> bytes:
    out = bytearray()
    block = 0
    while len(out) < n:
        out += hashlib.sha256(_SALT + exercise.encode() + block.to_bytes(4, "big")).digest()
        block += 1
    return bytes(out[:n])


def _xor(data: bytes, exercise: str) -> bytes:
    return bytes(a ^ b for a, b in zip(data, _keystream(exercise, len(data)), strict=True))


def encode_key(data: Mapping[str, Any] | AnswerKey) -> str:
    """The stored text of a key (validated first); the exercise name seeds the keystream."""
    key = data if isinstance(data, AnswerKey) else parse_key(data)
    raw = zlib.compress(json.dumps(key.to_dict(), sort_keys=True, ensure_ascii=False).encode(), 9)
    body = base64.b64encode(_xor(raw, key.exercise)).decode("ascii")
    return f"{HEADER}\nexercise: {key.exercise}\n" + "\n".join(textwrap.wrap(body, 76)) + "\n"


def decode_key(text: str) -> dict[str, Any]:
    """The key data back from its stored text (raises ``ValueError`` on anything else)."""
    lines = text.strip().splitlines()
    if len(lines) < 3 or lines[0] != HEADER or not lines[1].startswith("exercise: "):
        msg = "not an infra-review answer key"
        raise ValueError(msg)
    exercise = lines[1].removeprefix("exercise: ").strip()
    try:
        raw = zlib.decompress(_xor(base64.b64decode("".join(lines[2:]), validate=True), exercise))
        data = json.loads(raw)
    except (ValueError, zlib.error) as exc:
        msg = f"answer key of {exercise!r} is corrupt ({type(exc).__name__})"
        raise ValueError(msg) from None
    if not isinstance(data, dict) or data.get("exercise") != exercise:
        msg = f"answer key of {exercise!r} does not match its header"
        raise ValueError(msg)
    return data


def read_key(exercise_dir: str | Path) -> AnswerKey:
    """Decode ``<exercise_dir>/answers.key``."""
    path = Path(exercise_dir) / KEY_FILE
    if not path.is_file():
        msg = f"{Path(exercise_dir).name}: no answer key ({KEY_FILE})"
        raise FileNotFoundError(msg)
    return parse_key(decode_key(path.read_text(encoding="ascii")))


def write_key(exercise_dir: str | Path, data: Mapping[str, Any] | AnswerKey) -> Path:
    """Encode and write ``<exercise_dir>/answers.key`` (for exercise authors)."""
    path = Path(exercise_dir) / KEY_FILE
    path.write_text(encode_key(data), encoding="ascii")
    return path
