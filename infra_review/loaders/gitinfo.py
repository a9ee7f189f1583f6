"""Git facts of the reviewed repository, read from ``.git`` **without executing git**.

Running ``git`` inside an untrusted repository can execute its configuration
(``core.fsmonitor``, ``core.sshCommand``, hooks).  This module reads only three things, with
plain file reads: ``HEAD`` (branch or detached commit), the ref it points to (loose or in
``packed-refs``), and the index (tracked paths; versions 2, 3 and 4).  Only a ``.git``
*directory* directly under the root is read; a ``.git`` file (linked worktree, submodule) or a
symlink points outside the root and is not followed.  Any problem gives ``tracked: None`` and
a ``note``, never an exception.

>>> info = read_git_info("/nonexistent")
>>> info["is_repo"], info["tracked"]
(False, None)
"""

# ruff: noqa: PTH118

from __future__ import annotations

import os
import re
import stat
import struct
from typing import Any

__all__ = ["read_git_info", "read_index_paths"]

_MAX_INDEX_BYTES = 256 * 1024 * 1024
_MAX_SMALL = 1024 * 1024
_SHA_RE = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")


def _read_small(path: str, limit: int = _MAX_SMALL) -> bytes | None:
    """Read a regular file (no symlink, no FIFO) of at most ``limit`` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)[: limit + 1]
    except OSError:
        return None
    finally:
        os.close(fd)


def _resolve_ref(gitdir: str, ref: str) -> str | None:
    if not ref.startswith("refs/") or ".." in ref.split("/"):
        return None
    data = _read_small(os.path.join(gitdir, *ref.split("/")))
    if data is not None:
        value = data.decode("ascii", "replace").strip()
        if _SHA_RE.match(value):
            return value
    packed = _read_small(os.path.join(gitdir, "packed-refs"), 64 * _MAX_SMALL)
    if packed:
        for line in packed.decode("utf-8", "replace").splitlines():
            parts = line.split(" ", 1)
            if len(parts) == 2 and parts[1].strip() == ref and _SHA_RE.match(parts[0]):
                return parts[0]
    return None


def read_index_paths(data: bytes) -> list[str]:
    """Paths recorded in a git index file (versions 2, 3, 4), sorted.

    Raises ``ValueError`` on anything it does not understand.
    """
    if len(data) < 12 or data[:4] != b"DIRC":
        msg = "not a git index"
        raise ValueError(msg)
    version, count = struct.unpack(">II", data[4:12])
    if version not in (2, 3, 4):
        msg = f"unsupported index version {version}"
        raise ValueError(msg)
    pos = 12
    paths: list[str] = []
    prev = b""
    end = len(data) - 20  # trailing checksum
    for _ in range(count):
        start = pos
        if pos + 62 > end:
            msg = "truncated index"
            raise ValueError(msg)
        flags = struct.unpack(">H", data[pos + 60 : pos + 62])[0]
        pos += 62
        if flags & 0x4000:  # extended flags (version 3+)
            ext = struct.unpack(">H", data[pos : pos + 2])[0]
            pos += 2
            if ext & (1 << 14):  # skip-worktree sparse directory entries still name a path
                pass
        if version == 4:
            # prefix compression: varint N = bytes to drop from the previous path
            n = 0
            b = data[pos]
            pos += 1
            n = b & 0x7F
            while b & 0x80:
                b = data[pos]
                pos += 1
                n = ((n + 1) << 7) | (b & 0x7F)
            nul = data.index(b"\0", pos)
            suffix = data[pos:nul]
            pos = nul + 1
            if n > len(prev):
                msg = "corrupt index path compression"
                raise ValueError(msg)
            path = prev[: len(prev) - n] + suffix
        else:
            nul = data.index(b"\0", pos)
            path = data[pos:nul]
            entry_len = nul - start + 1
            pos = start + ((entry_len + 7) // 8) * 8
        prev = path
        stage = (flags >> 12) & 0x3
        if stage in (0, 2):  # one name per path even during a merge conflict
            paths.append(os.fsdecode(path))
    while pos + 8 <= end:  # extensions
        sig = data[pos : pos + 4]
        size = struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        if sig == b"link":  # split index: most entries live in a shared index file
            msg = "split index not supported"
            raise ValueError(msg)
        pos += 8 + size
    return sorted(set(paths))


_REMOTE_URL = re.compile(r'^\s*\[remote\s+"origin"\]\s*$((?:\n(?!\s*\[).*)*)', re.MULTILINE)
_URL_LINE = re.compile(r"^\s*url\s*=\s*(\S+)\s*$", re.MULTILINE)
_USERINFO = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*://)[^@/]*@", re.IGNORECASE)


def _origin_url(config: bytes | None) -> str | None:
    """The ``origin`` remote URL from ``.git/config`` text, credentials stripped.

    >>> _origin_url(b'[core]\\n\\tbare = false\\n[remote "origin"]\\n\\turl = https://tok@github.com/acme/infra.git\\n')
    'https://github.com/acme/infra.git'
    """
    if not config:
        return None
    text = config.decode("utf-8", "replace")
    section = _REMOTE_URL.search(text)
    if not section:
        return None
    url = _URL_LINE.search(section.group(1))
    return _USERINFO.sub(r"\g<scheme>", url.group(1))[:300] if url else None


def read_git_info(root: str) -> dict[str, Any]:
    """``{is_repo, head_commit, branch, tracked, origin, note}`` for the repository at ``root``."""
    info: dict[str, Any] = {
        "is_repo": False,
        "head_commit": None,
        "branch": None,
        "tracked": None,
        "origin": None,
        "note": "",
    }
    gitpath = os.path.join(root, ".git")
    try:
        st = os.lstat(gitpath)
    except OSError:
        return info
    info["is_repo"] = True
    if stat.S_ISLNK(st.st_mode) or stat.S_ISREG(st.st_mode):
        info["note"] = "linked worktree or submodule: its git metadata lives outside the root and is not read"
        return info
    if not stat.S_ISDIR(st.st_mode):
        info["is_repo"] = False
        return info
    try:
        head = _read_small(os.path.join(gitpath, "HEAD"))
        if head is not None:
            text = head.decode("utf-8", "replace").strip()
            if text.startswith("ref:"):
                ref = text[4:].strip()
                info["branch"] = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None
                info["head_commit"] = _resolve_ref(gitpath, ref)
            elif _SHA_RE.match(text):
                info["head_commit"] = text  # detached HEAD
        info["origin"] = _origin_url(_read_small(os.path.join(gitpath, "config")))
        index = _read_small(os.path.join(gitpath, "index"), _MAX_INDEX_BYTES)
        if index is None:
            info["tracked"] = [] if info["head_commit"] is None else None
            if info["tracked"] is None:
                info["note"] = "no readable git index"
        else:
            info["tracked"] = read_index_paths(index)
    except ValueError as exc:  # our own index reader's messages (no repository content)
        info["tracked"] = None
        info["note"] = f"git index not understood ({exc})"
    except Exception as exc:  # never let git metadata break a load
        info["tracked"] = None
        info["note"] = f"git metadata not understood ({type(exc).__name__})"
    return info
