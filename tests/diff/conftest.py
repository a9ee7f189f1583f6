"""Fixtures of the change-review tests: small git repositories built with dulwich (no ``git``)."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from dulwich.objects import Blob, Commit, Tree
from dulwich.repo import Repo

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "three-tier-aws"
REG = 0o100644
LINK = 0o120000
GITLINK = 0o160000


def tree_of_dir(root: Path) -> dict[str, bytes]:
    """Every regular file under ``root`` as ``{posix path: bytes}``."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class GitRepo:
    """A repository whose commits are written straight into the object store.

    ``files`` maps a POSIX path to bytes (a regular file) or to ``(mode, bytes)`` (a symlink's
    target, a gitlink's commit id …); paths are taken literally, hostile ones included.
    """

    REG, LINK, GITLINK = REG, LINK, GITLINK

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.repo = Repo.init(str(path))
        self.head: bytes | None = None
        self._tick = 1_700_000_000

    def _tree(self, entries: Mapping[bytes, tuple[int, bytes]]) -> bytes:
        children: dict[bytes, dict[bytes, tuple[int, bytes]]] = {}
        tree = Tree()
        for name, (mode, payload) in entries.items():
            if b"/" in name.lstrip(b"/") and not name.startswith(b"/"):
                first, rest = name.split(b"/", 1)
                children.setdefault(first, {})[rest] = (mode, payload)
                continue
            if mode == GITLINK:
                tree.add(name, mode, payload)
                continue
            blob = Blob.from_string(payload)
            self.repo.object_store.add_object(blob)
            tree.add(name, mode, blob.id)
        for name, sub in children.items():
            tree.add(name, 0o040000, self._tree(sub))
        self.repo.object_store.add_object(tree)
        return tree.id

    def commit(
        self, files: Mapping[str, bytes | tuple[int, bytes]], message: str = "change", branch: str = "main"
    ) -> str:
        entries = {k.encode(): (v if isinstance(v, tuple) else (REG, v)) for k, v in files.items()}
        c = Commit()
        c.tree = self._tree(entries)
        c.parents = [self.head] if self.head else []
        c.author = c.committer = b"Test <test@example.com>"
        self._tick += 60
        c.author_time = c.commit_time = self._tick
        c.author_timezone = c.commit_timezone = 0
        c.encoding = b"UTF-8"
        c.message = message.encode()
        self.repo.object_store.add_object(c)
        self.repo.refs[b"refs/heads/" + branch.encode()] = c.id
        self.repo.refs.set_symbolic_ref(b"HEAD", b"refs/heads/" + branch.encode())
        self.head = c.id
        return c.id.decode()

    def tag(self, name: str, sha: str) -> None:
        self.repo.refs[b"refs/tags/" + name.encode()] = sha.encode()

    def checkout(self, files: Mapping[str, bytes]) -> None:
        """Write ``files`` as the working tree (replacing everything but ``.git``)."""
        for p in self.path.iterdir():
            if p.name != ".git":
                shutil.rmtree(p) if p.is_dir() else p.unlink()
        for rel, data in files.items():
            target = self.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


@pytest.fixture
def example_files() -> dict[str, bytes]:
    """The bundled three-tier example as ``{path: bytes}``."""
    return tree_of_dir(EXAMPLE)


@pytest.fixture
def make_repo(tmp_path: Path):
    """``make_repo(name="repo")`` → a new empty :class:`GitRepo` under ``tmp_path``."""

    def make(name: str = "repo") -> GitRepo:
        return GitRepo(tmp_path / name)

    return make
