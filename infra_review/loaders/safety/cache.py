"""On-disk cache of per-file parse results, keyed by content hash, kind and loader version.

Stored outside the reviewed repository, in ``$INFRA_REVIEW_CACHE`` or
``$XDG_CACHE_HOME/infra_review`` (``~/.cache/infra_review``).  The directory must be owned by
us and not writable by group or others, else the cache is disabled: entries are pickles, which
we only ever read back through :func:`safe_loads` (an allow-list unpickler), and a corrupt or
unreadable entry is a miss.

>>> import tempfile
>>> from infra_review.loaders.base import ParsedFile
>>> c = ParseCache(tempfile.mkdtemp())
>>> k = c.key("main.tf", "terraform", "infra_review.loaders.terraform.builder", "3", "ab" * 32)
>>> c.get(k) is None
True
>>> c.put(k, ParsedFile("main.tf", "terraform", data={"resource": []}))
>>> c.get(k).data
{'resource': []}
"""

# ruff: noqa: PTH105, PTH108

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import io
import os
import pickle
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

from infra_review.loaders.base import ParsedFile

__all__ = ["CACHE_FORMAT", "ParseCache", "UnsafePickleError", "default_cache_dir", "safe_loads"]

#: Bumped when the on-disk layout or the ParsedFile shape changes.
CACHE_FORMAT = "1"

_SAFE_BUILTINS = frozenset(
    {
        "set",
        "frozenset",
        "bytearray",
        "complex",
        "slice",
        "range",
        "tuple",
        "list",
        "dict",
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "object",
    }
)
_SAFE_MODULES: dict[str, frozenset[str] | None] = {
    "builtins": _SAFE_BUILTINS,
    "collections": frozenset({"OrderedDict", "defaultdict", "deque", "Counter"}),
    "datetime": frozenset({"date", "datetime", "time", "timedelta", "timezone"}),
    "decimal": frozenset({"Decimal"}),
    "fractions": frozenset({"Fraction"}),
    "ipaddress": None,
    "pathlib": frozenset({"PurePath", "PurePosixPath", "PureWindowsPath"}),
    "copyreg": frozenset({"_reconstructor"}),
    "enum": frozenset({"Enum", "IntEnum", "StrEnum"}),
}


class UnsafePickleError(pickle.UnpicklingError):
    """A pickle referred to a class outside the allow-list."""


class _SafeUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, extra_modules: frozenset[str]) -> None:
        super().__init__(file)
        self._extra = extra_modules

    def find_class(self, module: str, name: str) -> Any:
        ours = module.startswith("infra_review.") or module in self._extra
        allowed = ours
        if not allowed and module in _SAFE_MODULES:
            names = _SAFE_MODULES[module]
            allowed = names is None or name in names
        if not allowed or (name.startswith("_") and name != "_reconstructor"):
            msg = f"refusing to unpickle {module}.{name}: parse results must be plain data"
            raise UnsafePickleError(msg)
        obj = super().find_class(module, name)
        # From our own modules only data classes and enums: no function or class with effects.
        if ours and not (
            isinstance(obj, type) and (dataclasses.is_dataclass(obj) or issubclass(obj, enum.Enum))
        ):
            msg = f"refusing to unpickle {module}.{name}: only dataclasses and enums are allowed"
            raise UnsafePickleError(msg)
        return obj


def safe_loads(data: bytes, extra_modules: frozenset[str] = frozenset()) -> Any:
    """``pickle.loads`` restricted to plain data, ``infra_review`` classes and ``extra_modules``.

    >>> safe_loads(pickle.dumps({"a": (1, 2.5, None)}))
    {'a': (1, 2.5, None)}
    >>> try:
    ...     safe_loads(pickle.dumps(os.system))
    ... except UnsafePickleError as exc:
    ...     print(exc)
    refusing to unpickle posix.system: parse results must be plain data
    """
    return _SafeUnpickler(io.BytesIO(data), extra_modules).load()


def default_cache_dir() -> Path:
    """``$INFRA_REVIEW_CACHE``, else ``$XDG_CACHE_HOME/infra_review``, else ``~/.cache/infra_review``."""
    env = os.environ.get("INFRA_REVIEW_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "infra_review"
    try:
        return Path.home() / ".cache" / "infra_review"
    except (RuntimeError, KeyError):  # no home directory (some containers, system users)
        uid = os.getuid() if hasattr(os, "getuid") else "user"
        return Path(tempfile.gettempdir()) / f"infra_review-cache-{uid}"


def _private_dir(path: Path) -> bool:
    """Create ``path`` (0700) if needed; True when it is a directory only we can write."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode):
        return False
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return False
    return not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


class ParseCache:
    """Parse results on disk: one pickle per (path, kind, loader version, content hash)."""

    def __init__(
        self, directory: str | os.PathLike[str], extra_modules: frozenset[str] = frozenset()
    ) -> None:
        self.directory = Path(directory)
        self.extra_modules = extra_modules
        self.hits = 0
        self.misses = 0
        self.writes = 0
        self.enabled = _private_dir(self.directory / f"v{CACHE_FORMAT}")

    @classmethod
    def for_root(cls, root: str, extra_modules: frozenset[str] = frozenset()) -> ParseCache | None:
        """The default cache, or ``None`` when it would live inside ``root`` or is not private."""
        directory = default_cache_dir()
        resolved = os.path.realpath(directory)
        if resolved == root or resolved.startswith(root.rstrip(os.sep) + os.sep):
            return None  # never write into the reviewed repository
        cache = cls(resolved, extra_modules)
        return cache if cache.enabled else None

    @staticmethod
    def key(rel_path: str, kind: str, module: str, parser_version: str, sha256: str) -> str:
        """Cache key of one file's parse (the path is part of it: results carry locations)."""
        h = hashlib.sha256()
        for part in (CACHE_FORMAT, module, parser_version, kind, rel_path, sha256):
            h.update(part.encode("utf-8", "surrogateescape"))
            h.update(b"\0")
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / f"v{CACHE_FORMAT}" / key[:2] / f"{key}.pkl"

    def get(self, key: str) -> ParsedFile | None:
        """The cached result, or ``None`` (a corrupt or foreign entry counts as a miss)."""
        if not self.enabled:
            return None
        path = self._path(key)
        try:
            with path.open("rb") as fh:
                value = safe_loads(fh.read(), self.extra_modules)
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception:  # corrupt, truncated, foreign classes: a miss; drop the entry
            self.misses += 1
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        if not isinstance(value, ParsedFile):
            self.misses += 1
            return None
        self.hits += 1
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept by prune()
        return value

    def put(self, key: str, parsed: ParsedFile) -> None:
        """Store a result atomically (write to a temporary file, then rename)."""
        if not self.enabled:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(mode=0o700, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pkl")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump(parsed, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return
        self.writes += 1

    def prune(
        self,
        *,
        max_bytes: int = 1 << 30,
        max_age_s: float = 30 * 86400,
        every_s: float = 86400,
        now: float | None = None,
    ) -> int:
        """Delete entries unused for ``max_age_s``, then the oldest beyond ``max_bytes``.

        Runs at most once per ``every_s`` (a marker file records the last run), so calling it
        after every load costs one ``stat``.  Returns the number of entries removed.
        """
        if not self.enabled:
            return 0
        base = self.directory / f"v{CACHE_FORMAT}"
        marker = base / ".last-prune"
        now = time.time() if now is None else now
        try:
            if now - marker.stat().st_mtime < every_s:
                return 0
        except FileNotFoundError:
            pass
        except OSError:
            return 0
        with contextlib.suppress(OSError):
            marker.touch()
            os.utime(marker, (now, now))
        entries: list[tuple[float, int, Path]] = []
        for sub in base.iterdir() if base.is_dir() else ():
            if not sub.is_dir() or sub.is_symlink():
                continue
            for path in sub.glob("*.pkl"):
                with contextlib.suppress(OSError):
                    st = path.lstat()
                    entries.append((st.st_mtime, st.st_size, path))
        removed = 0
        entries.sort()
        total = sum(size for _, size, _ in entries)
        for mtime, size, path in entries:
            if now - mtime < max_age_s and total <= max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
                total -= size
        return removed
