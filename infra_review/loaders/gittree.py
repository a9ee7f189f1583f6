"""A commit's tree, read from the git object store **without running git**, written safely.

Change review (``infra-review diff``) compares two trees of one repository.  Running ``git``
inside an untrusted repository can execute its configuration (``core.fsmonitor``, hooks), so
the commits are read with ``dulwich`` (pure Python, object reads only) and their trees are
materialised into a private temporary directory, to which the ordinary loader is then
pointed.  The loaders' safety rules apply to blobs read from the object store:

* **Size caps**: a blob larger than its kind's cap (:func:`~.formats.size_cap`; files of no IaC
  kind use the data cap) is not written (``TOO_LARGE``); once the tree's budget
  (:attr:`~.formats.Limits.repo_budget_bytes`) is spent, the rest are not written
  (``BUDGET_EXCEEDED``).  A blob's size is read from its loose-object or pack-entry header
  (a delta's from the first bytes of the delta) before it is inflated, so a compressed
  bomb is never expanded.  At most :data:`MAX_ENTRIES` entries are written.
* **Symlinks are never written** (``SYMLINK_SKIPPED``); **submodules** (gitlinks) are not
  followed (``UNSUPPORTED``).
* **Paths** with an empty, ``.``, ``..`` or ``.git`` component, a NUL or a backslash are
  refused (``UNREADABLE``); directories the walker ignores anyway (``.terraform``,
  ``node_modules``, …) are not written.
* Objects come from the repository's own ``.git`` only: a ``.git`` file or link, a
  ``commondir`` or ``alternates`` pointing at another object store is refused unless the
  caller trusts the repository (``follow_gitdir``).
* The tree gets a ``.git`` of its own with ``HEAD`` (the commit) and an ``index`` naming the
  commit's files, so that the loader's git facts (tracked files, head commit) describe the
  commit as a checkout would.
* An unknown ref, a missing object (often a shallow clone) or a path that is not a repository
  raise :class:`GitTreeError`, which carries a coded :class:`~infra_review.model.Diagnostic`.

>>> import tempfile
>>> try:
...     materialise(tempfile.mkdtemp(), "main")
... except GitTreeError as exc:
...     exc.diagnostic.code
<DiagnosticCode.UNREADABLE: 'UNREADABLE'>
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import struct
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from dulwich.errors import NotGitRepository
from dulwich.objects import Blob, Commit, Tree
from dulwich.objectspec import parse_commit
from dulwich.repo import Repo

from infra_review.loaders.formats import IGNORED_DIRS, SNIFF, Limits, detect_by_name, size_cap
from infra_review.model import Diagnostic, DiagnosticCode
from infra_review.model.errors import InfraReviewError

__all__ = [
    "MAX_ENTRIES",
    "CommitTree",
    "GitTreeError",
    "find_repo_root",
    "is_git_repo",
    "materialise",
    "safe_rel_path",
]

#: Most tree entries (files, links, submodules) materialised from one commit.
MAX_ENTRIES = 50_000
_MAX_DEPTH = 64
_FILE_MODE = 0o600


class GitTreeError(InfraReviewError):
    """A commit could not be read at all (not a repository, unknown ref, missing object)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic
        super().__init__(f"{diagnostic.code}: {diagnostic.message}")


@dataclass
class CommitTree:
    """A commit's tree written under ``root`` (a private temporary directory).

    Use as a context manager (or call :meth:`cleanup`) to delete the directory.
    ``diagnostics`` record every entry not written and why; ``files``/``bytes`` what was.
    """

    root: Path
    ref: str
    commit: str
    shallow: bool = False
    files: int = 0
    bytes: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Paths of the commit's files and links (what git tracks), written or not, with blob ids.
    tracked: dict[str, tuple[int, bytes]] = field(default_factory=dict)

    def cleanup(self) -> None:
        """Delete the materialised tree."""
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> CommitTree:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cleanup()


def _fail(message: str, path: str = "", code: DiagnosticCode = DiagnosticCode.UNREADABLE) -> GitTreeError:
    return GitTreeError(Diagnostic(code, path, message=message))


def is_git_repo(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` has a ``.git`` directory or is a bare repository (no git is run)."""
    p = Path(path)
    return (p / ".git").is_dir() or ((p / "objects").is_dir() and (p / "HEAD").is_file())


def safe_rel_path(raw: bytes) -> str | None:
    """The POSIX path of a tree entry, or ``None`` when it could escape or touch ``.git``.

    >>> safe_rel_path(b"modules/vpc/main.tf"), safe_rel_path(b"../etc/passwd")
    ('modules/vpc/main.tf', None)
    >>> safe_rel_path(b"/abs"), safe_rel_path(b"a/.GIT/config"), safe_rel_path(b"a\\\\b")
    (None, None, None)
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text or "\x00" in text or "\\" in text or text.startswith("/"):
        return None
    for part in text.split("/"):
        if part in {"", ".", ".."} or part.lower().rstrip(" .") == ".git":
            return None
    return text


def _external_gitdir(repo_path: str | os.PathLike[str]) -> str | None:
    """Why the repository's objects would be read from outside ``repo_path``, or ``None``."""
    root = Path(repo_path)
    dotgit = root / ".git"
    if dotgit.is_symlink():
        return ".git is a symbolic link"
    gitdir = dotgit if dotgit.is_dir() else root if is_git_repo(root) else None
    if dotgit.exists() and not dotgit.is_dir():
        return ".git is a file (linked worktree or submodule) pointing elsewhere"
    if gitdir is None:
        return None
    for name in ("commondir", "objects/info/alternates"):
        if (gitdir / name).exists():
            return f"{name} points at another object store"
    return None


def _open_repo(repo_path: str | os.PathLike[str], follow_gitdir: bool) -> Repo:
    if not follow_gitdir:
        why = _external_gitdir(repo_path)
        if why is not None:
            msg = f"not followed: {why} (pass follow_gitdir / --trust-gitdir for a repository you trust)"
            raise _fail(msg, str(repo_path))
    try:
        return Repo(str(repo_path))
    except NotGitRepository:
        msg = "not a git repository (no .git directory)"
        raise _fail(msg, str(repo_path)) from None
    except (OSError, ValueError) as exc:
        msg = f"git repository unreadable: {type(exc).__name__}"
        raise _fail(msg, str(repo_path)) from None


_ANCESTRY = re.compile(r"(?:~\d*|\^1?)+$")


def _resolve(repo: Repo, ref: str) -> Commit:
    """The commit ``ref`` names; ``~N`` and ``^`` suffixes follow first parents (``HEAD~2``)."""
    shallow = bool(_shallow(repo))
    hint = " (shallow clone: fetch more history)" if shallow else ""
    m = _ANCESTRY.search(ref) if len(ref) < 200 else None
    name, steps = (ref[: m.start()], m.group(0)) if m and m.start() > 0 else (ref, "")
    generations = sum(int(x[1:] or 1) if x.startswith("~") else 1 for x in re.findall(r"~\d*|\^1?", steps))
    try:
        commit = parse_commit(repo, name.encode("utf-8"))
        for _ in range(min(generations, 100_000)):
            if not commit.parents:
                msg = f"{ref[:80]!r} goes back further than the first commit{hint}"
                raise _fail(msg)
            commit = parse_commit(repo, commit.parents[0])
        return commit
    except KeyError:
        msg = f"unknown ref {ref[:80]!r}{hint}"
        raise _fail(msg) from None
    except GitTreeError:
        raise
    except Exception as exc:  # AmbiguousShortId, ValueError (a tree or blob), corrupt objects
        msg = f"ref {ref[:80]!r} is not a readable commit: {type(exc).__name__}{hint}"
        raise _fail(msg) from None


def _shallow(repo: Repo) -> set[bytes]:
    try:
        return set(repo.get_shallow())
    except (OSError, ValueError):
        return set()


def _loose_size(repo: Repo, sha: bytes) -> int | None:
    """The declared size of a loose object, read from its header without inflating the body."""
    base = getattr(repo.object_store, "path", None)
    if not base:
        return None
    hexsha = sha.decode("ascii")
    path = os.path.join(base, hexsha[:2], hexsha[2:])  # noqa: PTH118
    try:
        with open(path, "rb") as fh:
            head = zlib.decompressobj().decompress(fh.read(512), 64)
    except (OSError, zlib.error):
        return None
    try:
        return int(head.split(b"\x00", 1)[0].split(b" ", 1)[1])
    except (IndexError, ValueError):
        return None


def _varint(data: bytes, i: int) -> tuple[int, int]:
    """A little-endian base-128 integer at ``data[i:]`` (git's delta header): value, next index."""
    value = shift = 0
    while True:
        c = data[i]
        i += 1
        value |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return value, i


def _packed_size(repo: Repo, sha: bytes) -> int | None:
    """The size of a packed object (a delta's result size), from headers only.

    The pack entry header holds the size of a whole object; for a delta, the first bytes of
    the inflated delta hold the result size, so at most 32 bytes are inflated.
    """
    for pack in getattr(repo.object_store, "packs", ()):
        try:
            offset = pack.index.object_offset(sha)
            with open(pack.data.path, "rb") as fh:
                fh.seek(offset)
                head = fh.read(1024)
        except (KeyError, OSError, ValueError):
            continue
        try:
            c = head[0]
            kind, size, shift, i = (c >> 4) & 7, c & 15, 4, 1
            while c & 0x80:
                c = head[i]
                i += 1
                size |= (c & 0x7F) << shift
                shift += 7
            if kind in (1, 2, 3, 4):
                return size
            if kind == 6:  # OFS_DELTA: a base offset (big-endian base-128) before the data
                while head[i] & 0x80:
                    i += 1
                i += 1
            elif kind == 7:  # REF_DELTA: the base's 20-byte id before the data
                i += 20
            delta = zlib.decompressobj().decompress(head[i:], 32)
            _, j = _varint(delta, 0)
            return _varint(delta, j)[0]
        except (IndexError, zlib.error):
            return None
    return None


def _walk(repo: Repo, tree_sha: bytes, out: CommitTree) -> Iterator[tuple[str, int, bytes]]:
    """Yield ``(path, mode, sha)`` for every non-tree entry, iteratively, missing trees diagnosed."""
    stack: list[tuple[bytes, bytes, int]] = [(b"", tree_sha, 0)]
    while stack:
        prefix, sha, depth = stack.pop()
        try:
            tree = repo.object_store[sha]
        except KeyError:
            where = prefix.decode("utf-8", "replace") or "."
            msg = "tree object missing from the object store (shallow or partial clone?)"
            out.diagnostics.append(Diagnostic(DiagnosticCode.UNREADABLE, where, message=msg))
            continue
        if not isinstance(tree, Tree):
            continue
        for entry in sorted(tree.iteritems(), key=lambda e: e.path, reverse=True):
            path = prefix + b"/" + entry.path if prefix else entry.path
            if stat.S_ISDIR(entry.mode):
                name = entry.path.decode("utf-8", "replace")
                if name in IGNORED_DIRS and name != ".git":
                    continue
                if depth >= _MAX_DEPTH:
                    msg = f"directory deeper than {_MAX_DEPTH} levels not read"
                    out.diagnostics.append(Diagnostic(DiagnosticCode.DEPTH_LIMIT, name, message=msg))
                    continue
                if safe_rel_path(path) is None:
                    yield path.decode("utf-8", "replace"), entry.mode, entry.sha  # refused below
                    continue
                stack.append((path, entry.sha, depth + 1))
            else:
                yield path.decode("utf-8", "surrogateescape"), entry.mode, entry.sha


def _cap_for(rel: str, limits: Limits) -> int:
    kind = detect_by_name(rel)
    return size_cap(kind if kind not in {None, SNIFF} else "data", limits)


def _write(root: Path, rel: str, data: bytes) -> None:
    target = root.joinpath(*rel.split("/"))
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(target, flags, _FILE_MODE)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def _entry(repo: Repo, out: CommitTree, rel: str, mode: int, sha: bytes, limits: Limits) -> None:
    """Write one tree entry, or record why it was not written."""

    def note(code: DiagnosticCode, message: str) -> None:
        out.diagnostics.append(Diagnostic(code, rel[:300], message=message))

    safe = safe_rel_path(rel.encode("utf-8", "surrogateescape"))
    if safe is not None and (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        out.tracked[safe] = (mode, sha)
    if safe is None:
        note(DiagnosticCode.UNREADABLE, "path refused (empty, '.', '..' or '.git' component, or not UTF-8)")
    elif stat.S_ISLNK(mode):
        note(DiagnosticCode.SYMLINK_SKIPPED, "symbolic link in the commit: never written or followed")
    elif mode == 0o160000:
        note(DiagnosticCode.UNSUPPORTED, "submodule (gitlink): not followed")
    elif not stat.S_ISREG(mode):
        note(DiagnosticCode.NOT_REGULAR, f"tree entry of mode {mode:o} not written")
    elif out.files >= MAX_ENTRIES:
        note(DiagnosticCode.BUDGET_EXCEEDED, f"more than {MAX_ENTRIES} files in the commit")
    else:
        cap = _cap_for(safe, limits)
        declared = _loose_size(repo, sha)
        if declared is None:
            declared = _packed_size(repo, sha)
        if declared is not None and declared > cap:
            note(DiagnosticCode.TOO_LARGE, f"blob of {declared} bytes over the {cap}-byte cap: not read")
            return
        try:
            blob = repo.object_store[sha]
        except KeyError:
            note(DiagnosticCode.UNREADABLE, "blob missing from the object store (shallow or partial clone?)")
            return
        except Exception as exc:  # a corrupt object must not stop the tree
            note(DiagnosticCode.UNREADABLE, f"blob unreadable: {type(exc).__name__}")
            return
        data = blob.as_raw_string() if isinstance(blob, Blob) else None
        if data is None:
            note(DiagnosticCode.UNREADABLE, "tree entry is not a blob")
        elif len(data) > cap:
            note(DiagnosticCode.TOO_LARGE, f"blob of {len(data)} bytes over the {cap}-byte cap: not written")
        elif out.bytes + len(data) > limits.repo_budget_bytes:
            note(DiagnosticCode.BUDGET_EXCEEDED, "the tree's byte budget is spent: not written")
        else:
            _write(out.root, safe, data)
            out.files += 1
            out.bytes += len(data)


def _index_v2(tracked: dict[str, tuple[int, bytes]]) -> bytes:
    """A git index (version 2) naming ``tracked`` paths: zeroed stat data, the blob ids."""
    entries = []
    for path in sorted(tracked, key=lambda p: p.encode("utf-8", "surrogateescape")):
        mode, sha = tracked[path]
        name = path.encode("utf-8", "surrogateescape")
        head = struct.pack(">10I", 0, 0, 0, 0, 0, 0, mode, 0, 0, 0) + bytes.fromhex(sha.decode("ascii"))
        entry = head + struct.pack(">H", min(len(name), 0xFFF)) + name + b"\0"
        entries.append(entry + b"\0" * (-len(entry) % 8))
    body = b"DIRC" + struct.pack(">II", 2, len(entries)) + b"".join(entries)
    return body + hashlib.sha1(body, usedforsecurity=False).digest()


def _write_git_facts(out: CommitTree) -> None:
    """``.git/HEAD`` (the commit, detached) and ``.git/index`` (the tracked paths), so that the
    loader's git facts (:mod:`~infra_review.loaders.gitinfo`) describe the commit as a checkout."""
    gitdir = out.root / ".git"
    gitdir.mkdir(mode=0o700)
    _write(out.root, ".git/HEAD", out.commit.encode("ascii") + b"\n")
    _write(out.root, ".git/index", _index_v2(out.tracked))


def find_repo_root(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """The repository enclosing ``path`` (itself or a parent with a ``.git``) and ``path``
    relative to it (``""`` at the top), as git finds it; ``(path, "")`` when there is none.

    >>> find_repo_root("/nonexistent/infra")
    (PosixPath('/nonexistent/infra'), '')
    """
    start = Path(os.path.abspath(path))  # noqa: PTH100 (no symlink resolution: the path as given)
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists() or (candidate / ".git").is_symlink():
            rel = start.relative_to(candidate).as_posix()
            return candidate, "" if rel == "." else rel
    return start, ""


def _subtree(repo: Repo, tree_sha: bytes, subdir: str, out: CommitTree) -> bytes | None:
    """The id of directory ``subdir`` of the tree, or ``None`` (diagnosed) when it is absent."""
    for part in [p for p in subdir.split("/") if p]:
        try:
            tree = repo.object_store[tree_sha]
            mode, tree_sha = tree[part.encode("utf-8")]
        except KeyError:
            mode = 0
        if not stat.S_ISDIR(mode):
            msg = f"{subdir[:100]} is not a directory in this commit: nothing to review on this side"
            out.diagnostics.append(Diagnostic(DiagnosticCode.PARTIAL, "", message=msg))
            return None
    return tree_sha


def materialise(
    repo_path: str | os.PathLike[str],
    ref: str,
    *,
    dest: str | os.PathLike[str] | None = None,
    limits: Limits | None = None,
    follow_gitdir: bool = False,
    subdir: str = "",
) -> CommitTree:
    """Write the tree of commit ``ref`` of the repository at ``repo_path`` into a new directory.

    ``ref`` is ``HEAD``, a branch, a tag, ``refs/…`` or a full or short SHA, optionally
    followed by ``~N`` / ``^`` (first parents: ``HEAD~1``, ``main^^``).  ``dest`` (default: a new
    private temporary directory) must not exist or be empty.  Raises :class:`GitTreeError`
    when the repository or commit cannot be read; entries that cannot be written become
    diagnostics of the returned :class:`CommitTree`.

    Objects are read from ``repo_path/.git`` (or ``repo_path`` itself when bare) only: a
    ``.git`` file or symbolic link, a ``commondir`` or an ``objects/info/alternates`` would
    read another repository's objects, and is refused unless ``follow_gitdir`` (a repository
    you trust, such as a linked worktree of your own).

    ``subdir`` (``"infra/prod"``) writes only that directory of the commit, as the root; when
    the commit has no such directory the tree is empty and a ``PARTIAL`` diagnostic says so.
    """
    limits = limits or Limits()
    repo = _open_repo(repo_path, follow_gitdir)
    try:
        commit = _resolve(repo, ref)
        root = Path(dest) if dest is not None else Path(tempfile.mkdtemp(prefix="infra-review-tree-"))
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        if any(root.iterdir()):
            msg = "destination directory is not empty"
            raise _fail(msg, str(dest))
        shallow = _shallow(repo)
        out = CommitTree(root, ref, commit.id.decode("ascii"), shallow=bool(shallow))
        try:
            tree_sha = _subtree(repo, commit.tree, subdir, out)
            for rel, mode, sha in _walk(repo, tree_sha, out) if tree_sha else ():
                _entry(repo, out, rel, mode, sha, limits)
            _write_git_facts(out)
        except BaseException:
            out.cleanup()
            raise
        missing = any(d.message.startswith(("tree object missing", "blob missing")) for d in out.diagnostics)
        if shallow and missing:
            msg = "shallow clone: objects of this commit are missing"
            out.diagnostics.append(Diagnostic(DiagnosticCode.PARTIAL, "", message=msg))
        return out
    finally:
        repo.close()
