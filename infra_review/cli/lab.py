"""``infra-review lab PATH``: JupyterLab on 127.0.0.1 with a token, the notebooks pointed at PATH.

The notebooks read ``INFRA_REVIEW_REPO`` in their parameters cell, so every notebook opened in
this Lab reviews PATH.  The server listens on loopback only and always requires a token.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

from infra_review.cli.report import notebooks_dir

__all__ = ["configure", "lab_command", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="repository to review")
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--token", default="", help="access token (default: a random one, printed)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument("--db", default="", help="review database (sets INFRA_REVIEW_DB)")


def lab_command(nb_dir: Path, port: int, token: str, *, open_browser: bool) -> list[str]:
    """The ``jupyter lab`` command line (loopback only, token required)."""
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={nb_dir}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}",
        "--ServerApp.port_retries=0",
    ]
    if not open_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def run(args: argparse.Namespace) -> int:
    root = Path(args.path).expanduser()
    if not root.is_dir():
        print(f"infra-review lab: {args.path}: not a directory", file=sys.stderr)
        return 2
    token = args.token or secrets.token_urlsafe(24)
    env = dict(os.environ, INFRA_REVIEW_REPO=str(root.resolve()))
    if args.db:
        env["INFRA_REVIEW_DB"] = str(Path(args.db).resolve())
    nb_dir = notebooks_dir()
    print(
        f"Reviewing {root.resolve()}\nOpen http://127.0.0.1:{args.port}/lab/tree/00_start_here.ipynb?token={token}",
        flush=True,
    )
    cmd = lab_command(nb_dir, args.port, token, open_browser=not args.no_browser)
    # Become the server (exec, not a child): Ctrl-C and `kill` reach JupyterLab directly.
    os.execve(cmd[0], cmd, env)
    return 0  # pragma: no cover - execve does not return
