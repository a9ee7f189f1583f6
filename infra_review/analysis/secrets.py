"""Hardcoded-secret detection: known token formats, secret-like keys and Shannon entropy.

Three detectors, in the order a value is tried (the first match wins):

1. **Known token formats** anywhere in the value, whatever the key: AWS access key ids
   (``AKIA…``/``ASIA…``), PEM private keys (``-----BEGIN … PRIVATE KEY-----``), GitHub tokens
   (``ghp_``, ``gho_``, ``ghu_``, ``ghs_``, ``ghr_``, ``github_pat_``), Slack tokens
   (``xoxb-``/``xoxa-``/``xoxp-``/``xoxr-``/``xoxs-``) and webhooks, Stripe live/test secret
   keys (``sk_live_``, ``rk_live_``), Google API keys (``AIza…``), GCP service-account JSON
   (``"type": "service_account"`` with a ``private_key``) and JWTs.
2. **Secret-like key with a literal value**: the key (attribute, env var, variable name) looks
   like ``password``, ``secret``, ``token``, ``api_key``, ``private_key``, ``access_key``,
   ``client_secret``, ``connection_string``… and the value is a literal.  ``changeme`` *is* a
   hardcoded secret (it will be deployed).  Keys that merely *describe* a secret are not
   secret-like: ``password_length``, ``secret_arn``, ``token_ttl``, ``*_name``, ``*_id`` (but
   ``access_key_id`` / ``client_id``-style keys are judged by the token formats only),
   ``*_enabled``, ``*_version``, ``*_file``/``*_path``, ``*_policy``, ``kms_key_*``.
3. **High entropy without a keyword**, with detect-secrets' thresholds: a base64-alphabet word
   of ≥20 characters with Shannon entropy > 4.5, or a hex word of ≥32 characters with entropy
   > 3.0.  Keys that hold digests by design (``*sha*``, ``*hash*``, ``*digest*``,
   ``*checksum*``, ``*etag*``, ``*fingerprint*``, ``*thumbprint*``, ``*commit*``) are skipped.

Values that are **not** secrets (documented decisions):

- empty or whitespace-only strings, booleans, numbers (a number is never flagged: a numeric
  PIN is rare and numbers are mostly ports and sizes);
- references and templates: anything containing ``${``, ``{{``, ``$(``, or ``%{``, shell-style
  ``$NAME``; :class:`~infra_review.model.Unresolved` values (the caller skips them);
- obvious placeholders a human must replace before use: ``<REPLACE>``-style angle brackets,
  ``REPLACE_ME``, ``TODO``, ``xxx…``/``***``, ``null``/``none``/``undefined``;
- identifiers: ARNs (``arn:``), secret-manager / SSM paths (``/prod/db/password``), URLs
  without credentials, resource ids (``ami-0abc…``, ``sg-…``), UUIDs, key-vault references
  (``@Microsoft.KeyVault(…)``) and ``aws:kms``-style algorithm names.

A URL *with* credentials (``postgres://user:pw@host``) is a secret whatever its key.

>>> m = scan_value("password", "hunter2-prod")
>>> m.kind, m.redacted
('keyword', 'hu…(redacted, 12 chars)')
>>> scan_value("password", "${var.db_password}") is None
True
>>> scan_value("description", "AKIAIOSFODNN7EXAMPLE").kind
'aws_access_key_id'
>>> redact("AKIAIOSFODNN7EXAMPLE")
'AKIA…(redacted, 20 chars)'
"""

from __future__ import annotations

import base64
import functools
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from infra_review.model import Unresolved

__all__ = [
    "SecretMatch",
    "is_placeholder",
    "is_secret_key",
    "iter_secrets",
    "redact",
    "redact_lines",
    "scan_text",
    "scan_tokens",
    "scan_value",
    "shannon_entropy",
]

BASE64_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-"
HEX_CHARS = "0123456789abcdefABCDEF"
#: detect-secrets defaults (Yelp/detect-secrets PR #64).
BASE64_LIMIT = 4.5
HEX_LIMIT = 3.0
MIN_BASE64_LEN = 20
MIN_HEX_LEN = 32


@dataclass(frozen=True, slots=True)
class SecretMatch:
    """One detected secret.  Never holds the secret itself, only a redacted form.

    ``kind`` is the detector (``aws_access_key_id``, ``private_key``, ``github_token``,
    ``slack_token``, ``stripe_key``, ``google_api_key``, ``gcp_service_account``, ``jwt``,
    ``url_credentials``, ``keyword``, ``high_entropy_base64``, ``high_entropy_hex``);
    ``key`` the key it was found under; ``redacted`` the value as :func:`redact` shows it;
    ``length`` the value's length; ``entropy`` its Shannon entropy (rounded).
    """

    kind: str
    key: str
    redacted: str
    length: int
    entropy: float = 0.0
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "value": self.redacted,
            "length": self.length,
            "entropy": self.entropy,
            "description": self.description,
        }


# -- token formats ---------------------------------------------------------------------------
_TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("private_key", re.compile(r"-----BEGIN[ A-Z0-9_-]*PRIVATE KEY( BLOCK)?-----"), "PEM private key"),
    (
        "aws_access_key_id",
        re.compile(r"(?<![A-Z0-9])(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|AIPA)[A-Z0-9]{16}(?![A-Z0-9])"),
        "AWS access key id",
    ),
    (
        "github_token",
        re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"),
        "GitHub token",
    ),
    ("slack_token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), "Slack token"),
    (
        "slack_webhook",
        re.compile(r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+"),
        "Slack webhook URL",
    ),
    ("stripe_key", re.compile(r"\b[rs]k_(live|test)_[A-Za-z0-9]{16,}"), "Stripe secret key"),
    ("google_api_key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"), "Google API key"),
    (
        "gcp_service_account",
        re.compile(r'"type"\s*:\s*"service_account"[\s\S]*"private_key"'),
        "GCP service-account key JSON",
    ),
    (
        "jwt",
        re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
        "JSON web token",
    ),
    (
        "url_credentials",
        re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@]+:([^\s/@]{3,})@[^\s/]+"),
        "URL with embedded password",
    ),
)

#: One pass over a value decides whether any token pattern can match (most values: no).
_ANY_TOKEN = re.compile("|".join(f"(?:{p.pattern})" for _, p, _ in _TOKEN_PATTERNS))

# -- keys ------------------------------------------------------------------------------------
_SECRET_WORDS = re.compile(
    r"(pass(word|wd|phrase)|(^|_|-)pass$|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|"
    r"secret[_-]?key|auth[_-]?key|credential|client[_-]?secret|connection[_-]?string|conn[_-]?str|"
    r"master[_-]?password|signing[_-]?key|encryption[_-]?key|webhook[_-]?url|dsn|bearer)",
    re.IGNORECASE,
)
# A key *describing* a secret rather than holding one.
_DESCRIPTIVE_KEY = re.compile(
    r"(_|-|\b)(length|len|min|max|ttl|expir\w*|duration|arn|name|id|ids|enabled|version|versions|"
    r"file|files|path|paths|policy|rotation\w*|type|kind|count|prefix|suffix|format|hint|reset\w*|required|"
    r"require\w*|reuse\w*|age|lifetime|mode|validity\w*|source|ref|arn_\w+|kms\w*|secret_ref|"
    r"wo_version|location|url_path|header\w*|endpoint|uri|manager|store|vault\w*|parameter_name|"
    r"key_name|key_pair|keypair|output|http_tokens)$",
    re.IGNORECASE,
)
_DESCRIPTIVE_PREFIX = re.compile(
    r"^(manage_|generate_|create_|use_|enable_|disable_|random_|kms_|aws_kms|require_|allow_|"
    r"minimum_|min_|max_|max_password|password_policy|secret_name|token_endpoint)",
    re.IGNORECASE,
)
# Keys naming a Kubernetes Secret or a key inside one (Helm values, operators):
# ``existingSecret``, ``adminPasswordKey``, ``passwordSecretKey``, ``tokenSecret``; lists of
# secret names (Compose service ``secrets: [db-password]``, ``imagePullSecrets``).
_SECRET_REFERENCE = re.compile(
    r"(^existing_|(^|_)secrets$|^(password|passwd|token|credentials?|certificates?|tls|auth)_secret$|"
    r"(password|passwd|token|credentials?)_(secret_)?key$|_(password|passwd|token|credentials?)_secret$)",
    re.IGNORECASE,
)
_DIGEST_KEY = re.compile(r"(sha|hash|digest|checksum|etag|fingerprint|thumbprint|commit|md5)", re.IGNORECASE)
# identifiers are often long hex words (S3 canonical user ids, Azure tenant/subscription ids
# without dashes, hashes used as names): entropy alone does not make them secrets
_ID_KEY = re.compile(r"(^|_)(ids?|uuid|guid|owner)$", re.IGNORECASE)

# -- values that are not secrets -------------------------------------------------------------
_TEMPLATE = re.compile(r"\$\{|\{\{|\$\(|%\{|^\$[A-Za-z_][A-Za-z0-9_]*$")
_PLACEHOLDER = re.compile(
    r"^(<[^<>]*>|\[[^\[\]]*\]|\{\s*\}|~|\*+|x{3,}|\.{3,}|-+|_+|replace[_-]?me|to[_-]?do|tbd|fixme|null|nil|none|"
    r"undefined|n/?a|your[_-].*|example|dummy|placeholder|redacted|masked|true|false|yes|no|on|off|"
    r"required|optional|enabled|disabled|auto|default|inherit|managed|sensitive|secret|password)$",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(
    r"^(arn:|@microsoft\.keyvault\(|projects/[^/]+/secrets/|https?://[^@\s]*$|s3://|gs://|"
    r"(ami|sg|subnet|vpc|i|vol|snap|eni|igw|nat|rtb|acl|eipalloc|eipassoc|tgw|tgw-attach|pcx|vpce|lt|fs|fsmt|"
    r"fsap|rtbassoc|dopt|pl|cgw|vgw|vpn|r|sir|sfr|ssm|ocid|kp|ipam)-[0-9a-f]{8,17}$|"  # AWS resource ids
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|"  # UUID
    r"aws:kms|aes256|sha256:|alias/|/)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z0-9+/=_-]+")
_WS = re.compile(r"\s")
_DIGEST = re.compile(r"(?i)sha(1|224|256|384|512):[0-9a-f]+")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def shannon_entropy(data: str, charset: str = BASE64_CHARS) -> float:
    """Shannon entropy (bits per character) of ``data`` over the characters in ``charset``.

    >>> round(shannon_entropy("aaaa"), 2)
    0.0
    >>> round(shannon_entropy("abcd"), 2)
    2.0
    """
    if not data:
        return 0.0
    counts = Counter(c for c in data if c in charset)
    n = len(data)
    return 0.0 - sum((k / n) * math.log2(k / n) for k in counts.values()) + 0.0


def redact(value: Any) -> str:
    """A safe display form: at most a 4-character prefix (none for short values) and the length.

    Long values (≥16 characters) keep 4 characters, medium ones (≥10) keep 2, shorter ones
    none: a short secret must not be guessable from its prefix.  PEM blocks keep no prefix.

    >>> redact("hunter2")
    '…(redacted, 7 chars)'
    >>> redact("ghp_0123456789abcdefghijklmnopqrstuvwxyz")
    'ghp_…(redacted, 40 chars)'
    """
    text = str(value)
    n = len(text)
    if text.lstrip().startswith("-----BEGIN"):
        keep = 0
    elif n >= 16:
        keep = 4
    elif n >= 10:
        keep = 2
    else:
        keep = 0
    prefix = text[:keep] if "\n" not in text[:keep] else ""
    return f"{prefix}…(redacted, {n} chars)"


def _leaf(key: str) -> str:
    """Last non-index component of an attribute path, camelCase turned into lower snake_case.

    >>> _leaf("grant[1].id"), _leaf("spec.ownerId")
    ('id', 'owner_id')
    """
    parts = re.split(r"[.\[\]/]", key.strip().strip("[]"))
    leaf = next((p for p in reversed(parts) if p and not p.isdigit()), key)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", leaf).lower()


@functools.lru_cache(maxsize=8192)
def is_secret_key(key: str) -> bool:
    """True when ``key`` names a value that *is* a secret (not one that describes a secret).

    >>> [is_secret_key(k) for k in ("master_password", "DB_PASSWORD", "password_length",
    ...                              "secret_arn", "api_key", "manage_master_user_password")]
    [True, True, False, False, True, False]

    Helm-chart keys that *name* a Kubernetes Secret or a key inside one are references:

    >>> [is_secret_key(k) for k in ("auth.existingSecret", "secretKeys.adminPasswordKey",
    ...                              "tokenSecret", "secrets[0]", "secret_key", "client_secret")]
    [False, False, False, False, True, True]
    """
    last = re.split(r"[.\[\]/]", key.strip().strip("[]"))
    leaf = next((p for p in reversed(last) if p and not p.isdigit()), key)
    leaf = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", leaf)  # camelCase → snake_case
    if not _SECRET_WORDS.search(leaf):
        return False
    return not (
        _DESCRIPTIVE_KEY.search(leaf) or _DESCRIPTIVE_PREFIX.search(leaf) or _SECRET_REFERENCE.search(leaf)
    )


def is_placeholder(value: str) -> bool:
    """True for values that are references, templates, placeholders or identifiers.

    >>> [is_placeholder(v) for v in ("", "${var.x}", "<REPLACE>", "arn:aws:iam::1:role/x",
    ...                               "changeme", "/prod/db/password", "{}", "~")]
    [True, True, True, True, False, True, True, True]
    """
    v = value.strip()
    if not v:
        return True
    if _TEMPLATE.search(v):
        return True
    return bool(_PLACEHOLDER.match(v) or _IDENTIFIER.match(v))


def scan_tokens(key: str, text: str) -> SecretMatch | None:
    """Known token formats only (no keyword, no entropy): safe on templates and free text.

    >>> scan_tokens("expr", 'format("%s", "AKIAIOSFODNN7EXAMPLE")').kind
    'aws_access_key_id'
    >>> scan_tokens("url", "postgres://app:${var.pw}@db/app") is None
    True
    """
    if not _ANY_TOKEN.search(text):
        return None
    for kind, pattern, desc in _TOKEN_PATTERNS:
        m = pattern.search(text)
        if m:
            if kind == "url_credentials" and is_placeholder(m.group(1)):
                continue
            secret = m.group(0)
            return SecretMatch(
                kind, key, redact(secret), len(secret), round(shannon_entropy(secret), 2), desc
            )
    return None


def scan_value(key: str, value: Any) -> SecretMatch | None:
    """Judge one key/value pair; return a :class:`SecretMatch` or ``None``.

    ``value`` may be anything; only strings can match (``Unresolved``, numbers, booleans,
    containers give ``None`` — walk containers with :func:`iter_secrets`).

    >>> scan_value("DB_PASSWORD", "changeme").kind
    'keyword'
    >>> scan_value("token_ttl", "3600") is None
    True
    >>> scan_value("user_data", "-----BEGIN RSA PRIVATE KEY-----\\nMIIE...").kind
    'private_key'
    >>> scan_value("extraConfig.auth", 'c.Authenticator.password = "s3cr3t-pw"\\n').kind
    'keyword'
    """
    if not isinstance(value, str) or isinstance(value, bool):
        return None
    return _scan_str(str(key), value)


@functools.lru_cache(maxsize=65536)
def _scan_str(key: str, text: str) -> SecretMatch | None:
    """:func:`scan_value` for a string (memoised: repositories repeat the same pairs a lot)."""
    stripped = text.strip()
    if not stripped:
        return None
    token = scan_tokens(key, text)
    if token is not None:
        return token
    if is_placeholder(stripped):
        return None
    multiline = "\n" in stripped or len(stripped) > 512
    if multiline or "\n" in text:
        # free text (scripts, user_data, heredocs, a one-line config file in a YAML block
        # scalar such as Helm ``extraConfig``): token formats above, then KEY=value lines;
        # entropy alone on free text is too noisy (checksums, digests, encoded blobs)
        for _, m in scan_text(stripped):
            if m.kind == "keyword":
                return m
        if multiline:
            return None
    if is_secret_key(key):
        return SecretMatch(
            "keyword",
            key,
            redact(stripped),
            len(stripped),
            round(shannon_entropy(stripped), 2),
            f"literal value for secret-like key {key!r}",
        )
    if _DIGEST_KEY.search(key) or _ID_KEY.search(_leaf(key)):
        return None
    if _WS.search(stripped):
        return None  # several words: only token formats and keywords apply
    text = _DIGEST.sub("", text)  # image/content digests
    for word in _WORD.findall(text):
        if len(word) >= MIN_HEX_LEN and all(c in HEX_CHARS for c in word):
            ent = shannon_entropy(word, HEX_CHARS)
            if ent > HEX_LIMIT:
                return SecretMatch(
                    "high_entropy_hex", key, redact(word), len(word), round(ent, 2), "high-entropy hex string"
                )
        elif (
            len(word) >= MIN_BASE64_LEN and any(c.isdigit() for c in word) and any(c.isalpha() for c in word)
        ):
            if encodes_text(word):  # judge what is encoded, not the entropy of the encoding
                inner = scan_text(_b64_text(word) or "")
                if inner:
                    return inner[0][1]
                continue
            ent = shannon_entropy(word)
            if ent > BASE64_LIMIT:
                return SecretMatch(
                    "high_entropy_base64",
                    key,
                    redact(word),
                    len(word),
                    round(ent, 2),
                    "high-entropy base64 string",
                )
    return None


def _b64_text(word: str) -> str | None:
    padded = word + "=" * (-len(word) % 4)
    try:
        return base64.b64decode(padded, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def encodes_text(word: str) -> bool:
    """True when ``word`` is base64 of readable text (``base64encode(user_data)``), not key material.

    Such a string is high-entropy only because it is encoded; what it encodes is judged by the
    rules that read the plain value (scripts, cloud-init), never by entropy.

    >>> encodes_text("IyEvYmluL2Jhc2gKZWNobyAiaGVsbG8gd29ybGQiCg=="), encodes_text("x8Kq2Zt7mVw3Lp9Q")
    (True, False)
    """
    text = _b64_text(word)
    if text is None:
        return False
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text)
    return len(text) >= 8 and printable / len(text) > 0.95


def iter_secrets(value: Any, path: str = "") -> Iterator[tuple[str, SecretMatch]]:
    """Walk a normalised attribute value recursively; yield ``(attribute_path, match)``.

    Dict keys extend the path with ``.key``, list items with ``[i]``; the key used for
    keyword matching is the nearest dict key (so ``environment[0].variables.DB_PASSWORD``
    is judged under ``DB_PASSWORD``).  A ``{"name": "DB_PASSWORD", "value": "x"}`` pair (ECS
    ``environment``, Kubernetes ``env``) is judged under its ``name``.  :class:`Unresolved`
    values are skipped.

    >>> [(p, m.kind) for p, m in iter_secrets({"env": [{"name": "API_TOKEN", "value": "s3cr3t!"}]})]
    [('env[0].value', 'keyword')]
    """
    stack: list[tuple[str, str, Any]] = [(path, path.rsplit(".", 1)[-1], value)]
    while stack:
        p, key, v = stack.pop()
        tv = type(v)
        if tv is str:
            m = scan_value(key, v)
            if m is not None:
                yield p, m
            continue
        if tv is Unresolved:
            # the expression text of an unknown value may still embed a literal token
            m = scan_tokens(key, v.expr)
            if m is not None:
                yield p, m
            continue
        if tv is bool or tv is int or tv is float or v is None:
            continue
        if isinstance(v, Mapping):
            name = v.get("name", v.get("Name"))
            items = list(v.items())
            for k, child in reversed(items):
                ks = str(k)
                child_key = ks
                if ks in ("value", "Value") and isinstance(name, str) and _ENV_NAME.match(name):
                    child_key = name
                stack.append((f"{p}.{ks}" if p else ks, child_key, child))
        elif isinstance(v, (list, tuple)):
            for i in range(len(v) - 1, -1, -1):
                stack.append((f"{p}[{i}]", key, v[i]))
        elif isinstance(v, str):
            m = scan_value(key, v)
            if m is not None:
                yield p, m


_KV_LINE = re.compile(
    r"""^\s*(?:export\s+|-\s+)?["']?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?:=|:)\s*(?P<val>.+?)\s*$"""
)


def scan_text(text: str) -> list[tuple[int, SecretMatch]]:
    """Scan generic text line by line (``.env``, compose, scripts); return ``(line, match)``.

    ``KEY=value`` / ``KEY: value`` lines are judged as key/value pairs (quotes stripped);
    every line is also searched for known token formats.

    >>> [(n, m.kind) for n, m in scan_text("A=1\\nDB_PASSWORD=changeme\\n")]
    [(2, 'keyword')]
    """
    out: list[tuple[int, SecretMatch]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith(("#", "//")):
            continue
        m = _KV_LINE.match(line)
        found = None
        if m:
            val = m.group("val").strip().rstrip(",")
            if len(val) >= 2 and val[0] == val[-1] and val[0] in "\"'":
                val = val[1:-1]
            found = scan_value(m.group("key"), val)
        if found is None:
            # a long line is free text already: only token formats (judging it as a value would
            # come straight back here, a recursion without end on one line over 512 characters)
            found = scan_tokens("", line) if len(line.strip()) > 512 else scan_value("", line)
            if found is not None and found.kind.startswith("high_entropy"):
                found = None  # entropy alone on free text is too noisy
        if found is not None:
            out.append((n, found))
    return out


_INSTRUCTION = re.compile(r"^\s*(?:ENV|ARG)\s+", re.IGNORECASE)
_QUOTED = re.compile(r"""(?P<q>["'])(?P<body>(?:\\.|(?!(?P=q)).)*)(?P=q)""")


def redact_lines(lines: list[str], extra_keys: frozenset[str] = frozenset()) -> list[str]:
    """Source lines safe to display: values of lines that look like secrets are masked.

    A line is masked when :func:`scan_text` judges it a secret (keyword + value, token formats)
    or when its key is one of ``extra_keys`` (attributes a secret finding points at, such as
    ``value`` of an SSM SecureString).  Quoted strings on such a line are replaced by
    ``"«redacted»"``; a line without quotes keeps only its key.

    >>> redact_lines(['  name     = "db"', '  password = "hunter2-prod"'])
    ['  name     = "db"', '  password = "«redacted»"']
    >>> redact_lines(['  value = "pk-live-0000"'], frozenset({"value"}))
    ['  value = "«redacted»"']
    >>> redact_lines(["ENV SMTP_PASSWORD=Rep0rts-2024"])
    ['ENV SMTP_PASSWORD=«redacted»']
    """
    # Dockerfile ``ENV KEY=value`` / ``ARG KEY=value``: judge the assignment, not the instruction
    probes = [_INSTRUCTION.sub("", line) for line in lines]
    flagged = {n for n, _ in scan_text("\n".join(probes))}
    out = []
    for n, (line, probe) in enumerate(zip(lines, probes, strict=True), 1):
        m = _KV_LINE.match(probe)
        key = m.group("key").rsplit(".", 1)[-1] if m else ""
        if n in flagged or (key and key in extra_keys):
            masked = _QUOTED.sub(lambda q: f"{q.group('q')}«redacted»{q.group('q')}", line)
            if masked == line:
                offset = len(line) - len(probe)
                if m:
                    masked = line[: offset + m.start("val")] + "«redacted»"
                else:
                    masked = "«line redacted: possible secret»"
            out.append(masked)
        else:
            out.append(line)
    return out
