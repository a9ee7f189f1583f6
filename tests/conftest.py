"""Shared fixtures for the real-browser tests (tests/browser, tests/training).

Debian chromium through Playwright, and one JupyterLab on loopback per session.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def shots() -> Path:
    """Where screenshots go (``build/screenshots``, gitignored): look at them."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make test installs Debian's chromium when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """JupyterLab serving notebooks/ on 127.0.0.1 with a random token; yields (base_url, token)."""
    port, token = _free_port(), secrets.token_hex(16)
    state = tmp_path_factory.mktemp("jupyter")
    # Lab autosaves executed notebooks: serve a copy so the committed ones never change.
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(
        ROOT / "notebooks", work / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    (work / "data").symlink_to(ROOT / "data", target_is_directory=True)
    env = dict(os.environ)
    env.update(
        {
            "JUPYTER_CONFIG_DIR": str(state / "config"),
            "JUPYTER_DATA_DIR": str(state / "data"),
            "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
            "IPYTHONDIR": str(state / "ipython"),
            "INFRA_REVIEW_DB": str(state / "review.sqlite"),
        }
    )
    env.pop("INFRA_REVIEW_REPO", None)
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ServerApp.port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={work / 'notebooks'}",
        "--ServerApp.port_retries=0",
        "--LabApp.expose_app_in_browser=True",
        "--allow-root",
        "--LabApp.news_url=",
        "--ServerApp.disable_check_xsrf=False",
    ]
    log = (state / "lab.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
        if proc.poll() is not None:
            pytest.fail(f"jupyter lab exited early; see {state / 'lab.log'}")
    else:
        proc.terminate()
        pytest.fail("jupyter lab did not start within 90 s")
    yield base, token
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
