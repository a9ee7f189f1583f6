"""A safe walk of an untrusted repository (UNTRUSTED_INPUT.md §3.9) and a safe file read.

- ``os.walk(followlinks=False)``: directory symlinks are recorded, never descended into.
- Regular files only: FIFOs, sockets and devices are recorded as NOT_REGULAR and never opened
  (a FIFO named ``x.tf`` would block a naive reader forever).
- File symlinks are resolved with ``realpath``: a target outside the root is SYMLINK_SKIPPED and
  never read (nor even ``stat``-ed); a dangling or looping link is SYMLINK_SKIPPED; a link to a
  file inside the root is loaded under the link's own path (Terraform reads it there too), and
  its bytes are read once per ``(st_dev, st_ino)``.
- ``.git``, ``.terraform``, ``node_modules``, ``.venv`` (see :data:`IGNORED_DIRS`) are skipped
  and recorded once each.
- Sizes are checked with ``lstat``/``fstat`` before reading; :func:`safe_read` opens with
  ``O_NOFOLLOW | O_NONBLOCK`` and re-checks that the file is the one that was walked.

Every path under the root ends up as exactly one :class:`Entry` (files inside an ignored
directory are represented by that directory's entry).
"""

# ruff: noqa: PTH114, PTH117, PTH118, PTH206

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field

from infra_review.loaders.formats import IGNORED_DIRS, SNIFF, detect_by_name
from infra_review.loaders.safety.decode import decode_bytes
from infra_review.model import Diagnostic, DiagnosticCode, FileStatus

__all__ = [
    "Entry",
    "ReadOutcome",
    "WalkResult",
    "confined_reader",
    "display_path",
    "is_within",
    "safe_read",
    "too_large_message",
    "walk_repo",
]

R_NOT_IAC = "not an IaC file"
R_IGNORED_DIR = "ignored directory"
R_SYMLINK_OUTSIDE = "symlink outside root"
R_SYMLINK_DANGLING = "dangling symlink"
R_DIR_SYMLINK = "directory symlink (not followed)"
R_NOT_REGULAR = "not a regular file"
R_UNREADABLE = "unreadable"

_VALUES_RE = re.compile(r"^values(?:[-._][\w.-]+)?\.ya?ml$")


@dataclass(slots=True)
class Entry:
    """One path under the root, as the walk saw it."""

    rel: str  # POSIX path relative to the root (display form; undecodable bytes escaped)
    path: str  # absolute path to open (the resolved target for an in-root symlink)
    kind: str | None  # detected kind, formats.SNIFF, or None (not IaC)
    size: int = 0
    ident: tuple[int, int] | None = None  # (st_dev, st_ino) of what will be read
    status: FileStatus | None = None  # set when the walk already decided (skips)
    reason: str = ""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    link_target: str = ""  # for symlinks inside the root: the target, relative to the root
    helm_template: bool = False  # under a chart's templates/ (skipped if it holds ``{{``)
    entry_type: str = "file"  # file | symlink | directory | other


@dataclass(slots=True)
class WalkResult:
    """Every entry, sorted by path, plus what the walk learnt about the repository."""

    root: str
    entries: list[Entry]
    chart_dirs: list[str]


def display_path(path: str) -> str:
    """A printable, JSON-safe form of a path (undecodable bytes become ``\\xNN``).

    >>> display_path("ok/main.tf")
    'ok/main.tf'
    >>> display_path(os.fsdecode(b"bad\\xff.tf"))
    'bad\\\\xff.tf'
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


def is_within(path: str, root: str) -> bool:
    """True when ``path`` (already resolved) is ``root`` or below it.

    >>> is_within("/r/a/b.tf", "/r"), is_within("/rx/b.tf", "/r"), is_within("/etc", "/r")
    (True, False, False)
    """
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _rel(path: str, root: str) -> str:
    return display_path(os.path.relpath(path, root).replace(os.sep, "/"))


def walk_repo(root: str, *, ignored_dirs: frozenset[str] = IGNORED_DIRS) -> WalkResult:
    """Walk ``root`` (an already resolved directory) and classify every path under it."""
    entries: list[Entry] = []
    chart_dirs: list[str] = []

    def onerror(exc: OSError) -> None:
        where = exc.filename if isinstance(exc.filename, str) else root
        rel = _rel(where, root) if where != root else "."
        entries.append(
            Entry(
                rel,
                where,
                None,
                status=FileStatus.SKIPPED,
                reason=R_UNREADABLE,
                diagnostics=[
                    _diag(DiagnosticCode.UNREADABLE, rel, "directory cannot be listed (permission denied)")
                ],
                entry_type="directory",
            )
        )

    for dirpath, dirnames, filenames in os.walk(root, topdown=True, onerror=onerror, followlinks=False):
        dirnames.sort()
        keep: list[str] = []
        for name in dirnames:
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                entries.append(_symlink_entry(full, root, is_dir_hint=True))
            elif name in ignored_dirs:
                rel = _rel(full, root)
                entries.append(
                    Entry(
                        rel,
                        full,
                        None,
                        status=FileStatus.SKIPPED,
                        reason=R_IGNORED_DIR,
                        entry_type="directory",
                    )
                )
            else:
                keep.append(name)
        dirnames[:] = keep

        if "Chart.yaml" in filenames:
            chart_dirs.append(dirpath)
        in_chart_templates = any(is_within(dirpath, os.path.join(c, "templates")) for c in chart_dirs)
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            rel = _rel(full, root)
            try:
                st = os.lstat(full)
            except OSError as exc:
                entries.append(_unreadable(rel, full, exc))
                continue
            if stat.S_ISLNK(st.st_mode):
                entry = _symlink_entry(full, root, is_dir_hint=False)
            elif stat.S_ISREG(st.st_mode):
                entry = Entry(rel, full, detect_by_name(rel), size=st.st_size, ident=(st.st_dev, st.st_ino))
            else:
                entry = _not_regular(rel, full, st.st_mode)
            if entry.status is None:
                if dirpath in chart_dirs and _VALUES_RE.match(name):
                    entry.kind = "helm_values"
                elif in_chart_templates and entry.kind == SNIFF:
                    entry.helm_template = True
                if entry.kind is None:
                    entry.status, entry.reason = FileStatus.SKIPPED, R_NOT_IAC
            entries.append(entry)
    entries.sort(key=lambda e: e.rel)
    return WalkResult(root=root, entries=entries, chart_dirs=[_rel(c, root) for c in chart_dirs])


def _diag(code: DiagnosticCode, rel: str, message: str) -> Diagnostic:
    return Diagnostic(code, rel, message=message)


def _unreadable(rel: str, full: str, exc: OSError) -> Entry:
    what = "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or type(exc).__name__)
    return Entry(
        rel,
        full,
        detect_by_name(rel),
        status=FileStatus.FAILED,
        reason=R_UNREADABLE,
        diagnostics=[_diag(DiagnosticCode.UNREADABLE, rel, f"cannot read file ({what})")],
    )


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISDIR(mode):
        return "directory"
    return "special file"


def _not_regular(rel: str, full: str, mode: int) -> Entry:
    what = _file_type(mode)
    return Entry(
        rel,
        full,
        detect_by_name(rel),
        status=FileStatus.SKIPPED,
        reason=R_NOT_REGULAR,
        diagnostics=[_diag(DiagnosticCode.NOT_REGULAR, rel, f"not a regular file ({what}); never opened")],
        entry_type="other",
    )


def _symlink_entry(full: str, root: str, *, is_dir_hint: bool) -> Entry:
    rel = _rel(full, root)
    kind = None if is_dir_hint else detect_by_name(rel)
    target = os.path.realpath(full)
    if not is_within(target, root):
        # Never stat, open or read anything outside the root.
        return Entry(
            rel,
            full,
            kind,
            status=FileStatus.SKIPPED,
            reason=R_SYMLINK_OUTSIDE,
            diagnostics=[
                _diag(
                    DiagnosticCode.SYMLINK_SKIPPED, rel, "symlink points outside the reviewed root; not read"
                )
            ],
            entry_type="symlink",
        )
    try:
        st = os.lstat(target)
        if stat.S_ISLNK(st.st_mode):  # realpath could not resolve it: a loop
            msg = "symlink loop"
            raise OSError(msg)
    except OSError:
        return Entry(
            rel,
            full,
            kind,
            status=FileStatus.SKIPPED,
            reason=R_SYMLINK_DANGLING,
            diagnostics=[_diag(DiagnosticCode.SYMLINK_SKIPPED, rel, "dangling or looping symlink; not read")],
            entry_type="symlink",
        )
    target_rel = _rel(target, root)
    if stat.S_ISDIR(st.st_mode):
        return Entry(
            rel,
            full,
            None,
            status=FileStatus.SKIPPED,
            reason=R_DIR_SYMLINK,
            link_target=target_rel,
            entry_type="symlink",
        )
    if not stat.S_ISREG(st.st_mode):
        entry = _not_regular(rel, full, st.st_mode)
        entry.entry_type = "symlink"
        return entry
    return Entry(
        rel,
        target,
        kind,
        size=st.st_size,
        ident=(st.st_dev, st.st_ino),
        link_target=target_rel,
        entry_type="symlink",
    )


@dataclass(slots=True)
class ReadOutcome:
    """Bytes read, or the diagnostic that explains why not."""

    data: bytes | None
    code: DiagnosticCode | None = None
    message: str = ""


_O_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
)


def safe_read(
    path: str,
    *,
    cap: int,
    ident: tuple[int, int] | None = None,
    opener: Callable[[str, int], int] | None = None,
    limit: int | None = None,
) -> ReadOutcome:
    """Read at most ``cap`` bytes of the regular file at ``path``.

    The file is opened with ``O_NOFOLLOW | O_NONBLOCK`` (a FIFO swapped in after the walk
    cannot block), then ``fstat``-ed: it must still be a regular file, the same inode as the
    walk saw (``ident``), and no larger than ``cap``.  With ``limit``, only the first
    ``limit`` bytes are read (to sniff a kind); the size is still checked against ``cap``.
    """
    try:
        fd = (opener or os.open)(path, _O_FLAGS)
    except PermissionError:
        return ReadOutcome(None, DiagnosticCode.UNREADABLE, "cannot read file (permission denied)")
    except OSError as exc:
        return ReadOutcome(
            None, DiagnosticCode.UNREADABLE, f"cannot open file ({exc.strerror or type(exc).__name__})"
        )
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return ReadOutcome(None, DiagnosticCode.NOT_REGULAR, "not a regular file; not read")
        if ident is not None and (st.st_dev, st.st_ino) != ident:
            return ReadOutcome(
                None, DiagnosticCode.UNREADABLE, "file changed while the repository was loaded"
            )
        if st.st_size > cap:
            return ReadOutcome(None, DiagnosticCode.TOO_LARGE, too_large_message(st.st_size, cap))
        chunks: list[bytes] = []
        remaining = cap + 1 if limit is None else min(limit, cap + 1)
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if limit is not None:
            return ReadOutcome(data[:limit])
        if len(data) > cap:
            return ReadOutcome(None, DiagnosticCode.TOO_LARGE, too_large_message(len(data), cap))
        return ReadOutcome(data)
    except PermissionError:
        return ReadOutcome(None, DiagnosticCode.UNREADABLE, "cannot read file (permission denied)")
    except BlockingIOError:
        return ReadOutcome(None, DiagnosticCode.NOT_REGULAR, "file would block; not read")
    except OSError as exc:
        return ReadOutcome(
            None, DiagnosticCode.UNREADABLE, f"cannot read file ({exc.strerror or type(exc).__name__})"
        )
    finally:
        os.close(fd)


def too_large_message(size: int, cap: int) -> str:
    """The TOO_LARGE message (sizes only)."""
    return f"file is {_human(size)}, over the {_human(cap)} cap for its kind; not parsed"


def _human(n: int) -> str:
    """
    >>> _human(1024 * 1024), _human(1536), _human(12)
    ('1 MiB', '1.5 KiB', '12 B')
    """
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} B"


def confined_reader(
    root: str, *, cap: int, ignored_dirs: frozenset[str] = IGNORED_DIRS
) -> Callable[[str], str | None]:
    """A ``read_text(rel_path) -> str | None`` confined to ``root`` (for ``templatefile``/``file``).

    ``None`` for anything outside the root (``..``, absolute paths, symlinks leaving it),
    inside an ignored directory, not a regular file, over ``cap`` bytes, or not valid text.
    Results are memoised for the reader's lifetime (one load).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "user_data.sh").write_text("#!/bin/sh\\r\\necho hi\\r\\n")
    >>> read = confined_reader(str(d.resolve()), cap=1024)
    >>> read("user_data.sh"), read("../../etc/passwd"), read("/etc/passwd")
    ('#!/bin/sh\\necho hi\\n', None, None)
    """
    memo: dict[str, str | None] = {}

    def read_text(rel_path: str) -> str | None:
        if not isinstance(rel_path, str) or not rel_path or "\0" in rel_path:
            return None
        if rel_path in memo:
            return memo[rel_path]
        result: str | None = None
        norm = os.path.normpath(rel_path.replace("\\", "/"))
        parts = norm.split(os.sep)
        if not (
            os.path.isabs(norm) or norm == ".." or parts[0] == ".." or any(p in ignored_dirs for p in parts)
        ):
            target = os.path.realpath(os.path.join(root, norm))
            rel_target = os.path.relpath(target, root).split(os.sep)
            if is_within(target, root) and not any(p in ignored_dirs for p in rel_target):
                outcome = safe_read(target, cap=cap)
                if outcome.data is not None:
                    result = decode_bytes(outcome.data, rel_path).text
        memo[rel_path] = result
        return result

    return read_text
