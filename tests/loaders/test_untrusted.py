"""Bad-input cases of UNTRUSTED_INPUT.md about the walk, decoding, isolation and coverage.

Fixtures are generated in ``tmp_path``.  A test-only format module (written next to the
repository, never inside it) is registered for the Terraform kinds, so these tests exercise
the loading machinery without depending on the real HCL loader; it echoes what it was given
into the graph, which lets the tests prove that content never read never shows up.
"""

from __future__ import annotations

import builtins
import json
import os
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from infra_review.loaders import formats
from infra_review.loaders.repo import Limits
from infra_review.model import DiagnosticCode, FileStatus
from infra_review.model.errors import IncompleteLoadError
from infra_review.pipeline import load_repo
from infra_review.report.json_contract import scan_document

FAKE_FORMAT = textwrap.dedent(
    '''
    """Test-only format: behaviour is chosen by markers in the file text."""
    import os
    import signal
    import time

    from infra_review.loaders.base import ParsedFile
    from infra_review.model import Diagnostic, DiagnosticCode, FileStatus, Resource, SourceLocation

    PARSER_VERSION = "test-1"

    def parse_file(rel_path, text, kind):
        if "SLEEP_FOREVER" in text:
            time.sleep(600)
        if "ALLOCATE" in text:
            hog = bytearray(64 * 1024**3)  # far beyond the worker's RLIMIT_AS
            return ParsedFile(rel_path, kind, data={"len": len(hog)})
        if "HUGE_RESULT" in text:
            return ParsedFile(rel_path, kind, data={"text": "x" * (3 * 1024 * 1024)})
        if "SIGKILL_SELF" in text:
            os.kill(os.getpid(), signal.SIGKILL)
        if "RAISE_WITH_CONTENT" in text:
            raise ValueError("could not parse: " + text)
        if "RECURSE" in text:
            def deep(n):
                return deep(n + 1) + 1
            deep(0)
        if "SYNTAX_ERROR" in text:
            line = text[: text.index("SYNTAX_ERROR")].count("\\n") + 1
            diag = Diagnostic(DiagnosticCode.PARSE_ERROR, rel_path, line, 3, "unexpected token")
            return ParsedFile(rel_path, kind, FileStatus.FAILED, None, [diag])
        if "HALF_BROKEN" in text:
            diag = Diagnostic(DiagnosticCode.PARTIAL, rel_path, 2, 0, "document 2 skipped; others kept")
            return ParsedFile(rel_path, kind, FileStatus.PARTIAL, {"text": text}, [diag])
        return ParsedFile(rel_path, kind, FileStatus.PARSED, {"text": text, "pid": os.getpid()})

    def build(files, rg):
        out = []
        for f in files:
            name = f.path.replace("/", "_").replace(".", "_")
            rg.add(Resource("fake." + name, "fake", attrs={"text": f.data["text"]},
                            source=SourceLocation(f.path, 1), format="fake"))
            if "UNRESOLVED_MODULE" in f.data["text"]:
                out.append(Diagnostic(DiagnosticCode.MODULE_UNRESOLVED, f.path, 1, 1, "leaves root"))
        return out
    '''
)


@pytest.fixture
def fake_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Register a fresh test-only format module for every Terraform kind; returns its name."""
    mods = tmp_path / "mods"
    mods.mkdir()
    name = f"irtest_fmt_{uuid.uuid4().hex[:10]}"
    (mods / f"{name}.py").write_text(FAKE_FORMAT)
    monkeypatch.syspath_prepend(str(mods))
    for kind in ("terraform", "terraform_json", "tfvars", "tfvars_json", "terraform_plan"):
        monkeypatch.setitem(formats.FORMAT_MODULES, kind, name)
    return name


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    return root


def _load(root: Path, **kw):
    kw.setdefault("cache", False)
    return load_repo(root, **kw)


def _dump(result) -> str:
    """Everything a load exposes, as one string (to prove content never appears)."""
    doc = scan_document(result)
    attrs = [dict(r.attrs) for r in result.graph.all()]
    return (
        json.dumps(doc, default=str)
        + json.dumps(attrs, default=str)
        + json.dumps(result.graph.repo, default=str)
    )


def _codes(rec) -> list[str]:
    return [str(d.code) for d in rec.diagnostics]


# -- symlinks, FIFOs, permissions --------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    out = tmp_path / "outside"
    (out / "dir").mkdir(parents=True)
    (out / "secret.tf").write_text('password = "TOPSECRET-FILE-TOKEN"\n')
    (out / "dir" / "main.tf").write_text('password = "TOPSECRET-DIR-TOKEN"\n')
    return out


def test_symlinks_out_of_the_root_are_never_read(repo, outside, fake_format, monkeypatch):
    (repo / "main.tf").write_text("ok = 1\n")
    (repo / "leak.tf").symlink_to(outside / "secret.tf")
    (repo / "rel_leak.tf").symlink_to("../outside/secret.tf")
    (repo / "modules").symlink_to(outside / "dir", target_is_directory=True)
    opened: list[str] = []
    real_open = os.open

    def recording_open(path, flags, *a, **k):
        opened.append(os.fspath(path))
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(os, "open", recording_open)
    result = _load(repo)
    for path in ("leak.tf", "rel_leak.tf"):
        rec = result.file(path)
        assert rec.status is FileStatus.SKIPPED
        assert rec.reason == "symlink outside root"
        assert _codes(rec) == ["SYMLINK_SKIPPED"]
    mods = result.file("modules")
    assert mods.status is FileStatus.SKIPPED
    assert _codes(mods) == ["SYMLINK_SKIPPED"]
    assert result.file("main.tf").status is FileStatus.PARSED
    assert not any(str(outside) in p for p in opened)
    dumped = _dump(result)
    assert "TOPSECRET" not in dumped
    assert not result.complete  # skipped for a problem: the reviewer must see it


def test_symlink_inside_root_is_loaded_under_its_own_path(repo, fake_format):
    (repo / "common").mkdir()
    (repo / "common" / "variables.tf").write_text("shared = 1\n")
    (repo / "env").mkdir()
    (repo / "env" / "variables.tf").symlink_to("../common/variables.tf")
    result = _load(repo)
    assert result.file("common/variables.tf").status is FileStatus.PARSED
    assert result.file("env/variables.tf").status is FileStatus.PARSED
    assert {"fake.common_variables_tf", "fake.env_variables_tf"} <= set(result.graph.g.nodes)
    assert result.complete


def test_symlink_loops_and_dangling_links(repo, fake_format):
    (repo / "a.tf").symlink_to("b.tf")
    (repo / "b.tf").symlink_to("a.tf")
    (repo / "gone.tf").symlink_to("does-not-exist.tf")
    (repo / "sub").mkdir()
    (repo / "sub" / "loop").symlink_to("..", target_is_directory=True)
    (repo / "sub" / "main.tf").write_text("x = 1\n")
    result = _load(repo)
    for path in ("a.tf", "b.tf", "gone.tf"):
        rec = result.file(path)
        assert (rec.status, rec.reason) == (FileStatus.SKIPPED, "dangling symlink")
        assert _codes(rec) == ["SYMLINK_SKIPPED"]
    loop = result.file("sub/loop")
    assert (loop.status, loop.reason) == (FileStatus.SKIPPED, "directory symlink (not followed)")
    assert result.file("sub/main.tf").status is FileStatus.PARSED
    assert [r.path for r in result.files].count("sub/main.tf") == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_fifo_named_like_terraform_is_never_opened(repo, fake_format):
    os.mkfifo(repo / "x.tf")
    (repo / "main.tf").write_text("ok = 1\n")
    result = _load(repo)  # a naive open() would block here forever
    rec = result.file("x.tf")
    assert rec.status is FileStatus.SKIPPED
    assert _codes(rec) == ["NOT_REGULAR"]
    assert "FIFO" in rec.diagnostics[0].message
    assert result.file("main.tf").status is FileStatus.PARSED


def test_unreadable_file_is_reported_and_others_load(repo, fake_format, monkeypatch):
    # chmod 000 does not stop root, so deny the read the way the kernel would.
    (repo / "locked.tf").write_text("x = 1\n")
    (repo / "main.tf").write_text("y = 2\n")
    os.chmod(repo / "locked.tf", 0)
    real_open = os.open

    def deny(path, flags, *a, **k):
        if os.fspath(path).endswith("locked.tf"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(os, "open", deny)
    result = _load(repo)
    rec = result.file("locked.tf")
    assert rec.status is FileStatus.FAILED
    assert rec.reason == "unreadable"
    assert _codes(rec) == ["UNREADABLE"]
    assert result.file("main.tf").status is FileStatus.PARSED
    with pytest.raises(IncompleteLoadError, match=r"locked\.tf"):
        _load(repo, strict=True)


# -- size caps and budget --------------------------------------------------------------------


def test_over_cap_file_is_never_opened(repo, fake_format, monkeypatch):
    big = repo / "big.tf"
    with big.open("wb") as fh:  # sparse: 1 MiB + 1 byte without writing it all
        fh.truncate(1024 * 1024 + 1)
    big_yaml = repo / "big.yaml"
    with big_yaml.open("wb") as fh:
        fh.truncate(5 * 1024 * 1024 + 1)
    (repo / "main.tf").write_text("ok = 1\n")
    opened: list[str] = []
    real_os_open, real_open = os.open, builtins.open

    def rec_os_open(path, flags, *a, **k):
        opened.append(os.fspath(path))
        return real_os_open(path, flags, *a, **k)

    def rec_open(file, *a, **k):
        if isinstance(file, str | os.PathLike):
            opened.append(os.fspath(file))
        return real_open(file, *a, **k)

    monkeypatch.setattr(os, "open", rec_os_open)
    monkeypatch.setattr(builtins, "open", rec_open)
    result = _load(repo)
    monkeypatch.undo()
    for path in ("big.tf", "big.yaml"):
        rec = result.file(path)
        assert rec.status is FileStatus.SKIPPED
        assert rec.reason == "too large"
        assert _codes(rec) == ["TOO_LARGE"]
        assert "cap" in rec.diagnostics[0].message
    assert not any(p.endswith(("big.tf", "big.yaml")) for p in opened)
    assert any(p.endswith("main.tf") for p in opened)
    assert result.file("main.tf").status is FileStatus.PARSED


def test_repository_budget(repo, fake_format):
    for name in ("a.tf", "b.tf", "c.tf"):
        (repo / name).write_text("x" * 40 + "\n")
    result = _load(repo, limits=Limits(repo_budget_bytes=100))
    statuses = {r.path: (r.status, r.reason) for r in result.files}
    assert statuses["a.tf"] == (FileStatus.PARSED, "")
    assert statuses["b.tf"] == (FileStatus.PARSED, "")
    assert statuses["c.tf"] == (FileStatus.SKIPPED, "repository budget exceeded")
    assert _codes(result.file("c.tf")) == ["BUDGET_EXCEEDED"]


# -- encodings -------------------------------------------------------------------------------


def test_encodings(repo, fake_format):
    (repo / "bin.tf").write_bytes(b"\x7fELF\x00\x00\x01" + bytes(range(256)))
    (repo / "nul.tf").write_bytes(b'name = "a"\n\x00\n')
    (repo / "bom8.tf").write_bytes(b'\xef\xbb\xbfname = "bom"\n')
    (repo / "bom16.tf").write_bytes('name = "utf16"\n'.encode("utf-16"))
    (repo / "latin1.tf").write_bytes('name = "caf\u00e9"\n'.encode("latin-1"))
    (repo / "crlf.tf").write_bytes(b"a = 1\r\nb = 2\rc = 3\r\n")
    result = _load(repo)
    assert _codes(result.file("bin.tf")) == ["BINARY"]
    assert _codes(result.file("nul.tf")) == ["BINARY"]
    assert result.file("bin.tf").status is FileStatus.FAILED
    latin = result.file("latin1.tf")
    assert latin.status is FileStatus.FAILED
    assert _codes(latin) == ["DECODE_ERROR"]
    assert "byte offset 11" in latin.diagnostics[0].message
    texts = {r.file: r.attrs["text"] for r in result.graph.all()}
    assert texts["bom8.tf"] == 'name = "bom"\n'  # BOM stripped
    assert texts["bom16.tf"] == 'name = "utf16"\n'
    assert _codes(result.file("bom16.tf")) == ["ENCODING_WARNING"]
    assert result.file("bom16.tf").status is FileStatus.PARSED
    assert texts["crlf.tf"] == "a = 1\nb = 2\nc = 3\n"
    assert "latin1.tf" not in texts
    assert "bin.tf" not in texts


# -- isolation -------------------------------------------------------------------------------


def test_slow_parser_times_out_and_the_load_continues(repo, fake_format):
    (repo / "slow.tf").write_text("SLEEP_FOREVER\n")
    (repo / "good.tf").write_text("ok = 1\n")
    result = _load(repo, limits=Limits(timeout_s=1.0))
    slow = result.file("slow.tf")
    assert (slow.status, slow.reason) == (FileStatus.FAILED, "timeout")
    assert _codes(slow) == ["TIMEOUT"]
    assert "1 s" in slow.diagnostics[0].message
    assert result.file("good.tf").status is FileStatus.PARSED
    (repo / "slow.tf").unlink()
    again = _load(repo)  # the killed worker was replaced: the pool still works
    assert again.file("good.tf").status is FileStatus.PARSED
    assert again.complete


def test_allocating_parser_hits_the_memory_cap(repo, fake_format):
    before = sys.getrecursionlimit()
    (repo / "hog.tf").write_text("ALLOCATE\n")
    (repo / "killer.tf").write_text("SIGKILL_SELF\n")
    (repo / "deep.tf").write_text("RECURSE\n")
    (repo / "good.tf").write_text("ok = 1\n")
    result = _load(repo)
    hog = result.file("hog.tf")
    assert (hog.status, _codes(hog)) == (FileStatus.FAILED, ["RESOURCE_LIMIT"])
    killer = result.file("killer.tf")
    assert (killer.status, _codes(killer)) == (FileStatus.FAILED, ["RESOURCE_LIMIT"])
    assert "SIGKILL" in killer.diagnostics[0].message
    deep = result.file("deep.tf")
    assert (deep.status, _codes(deep)) == (FileStatus.FAILED, ["DEPTH_LIMIT"])
    assert result.file("good.tf").status is FileStatus.PARSED
    assert sys.getrecursionlimit() == before
    parsed_pids = {r.attrs["text"] for r in result.graph.all()}
    assert parsed_pids == {"ok = 1\n"}


def test_parser_exception_message_never_leaks_content(repo, fake_format):
    (repo / "boom.tf").write_text('RAISE_WITH_CONTENT token = "hunter2-SECRET"\n')
    result = _load(repo)
    rec = result.file("boom.tf")
    assert rec.status is FileStatus.FAILED
    assert _codes(rec) == ["PARSE_ERROR"]
    assert "ValueError" in rec.diagnostics[0].message
    assert "hunter2" not in _dump(result)
    assert all(len(d.message) <= 300 for d in result.diagnostics)


def test_parsing_happens_in_another_process(repo, fake_format):
    (repo / "main.tf").write_text("ok = 1\n")
    result = _load(repo)
    assert result.stats["parsed"] == 1
    assert result.stats["workers"] >= 1
    # isolate=False is the trusted-fixture path: same results, parsed here.
    local = _load(repo, isolate=False)
    assert [r.address for r in local.graph.all()] == [r.address for r in result.graph.all()]


# -- coverage ----------------------------------------------------------------------------------


def test_terraform_dir_is_skipped(repo, fake_format):
    (repo / ".terraform" / "modules" / "vpc").mkdir(parents=True)
    (repo / ".terraform" / "modules" / "vpc" / "main.tf").write_text("HIDDEN_MODULE = 1\n")
    (repo / ".git").mkdir()
    (repo / ".git" / "config").write_text("[core]\n\tfsmonitor = touch /tmp/pwned\n")
    (repo / "main.tf").write_text("ok = 1\n")
    result = _load(repo)
    assert result.file(".terraform").reason == "ignored directory"
    assert result.file(".git").reason == "ignored directory"
    assert result.file(".terraform/modules/vpc/main.tf") is None
    assert "HIDDEN_MODULE" not in _dump(result)
    assert result.coverage["by_reason"]["ignored directory"] == 2
    assert result.complete


def test_coverage_counts_match_the_fixture(repo, fake_format):
    (repo / "main.tf").write_text("ok = 1\n")
    (repo / "vars.tfvars").write_text("region = 1\n")
    (repo / "broken.tf").write_text("a = 1\nSYNTAX_ERROR\n")
    (repo / "half.tf.json").write_text("HALF_BROKEN\n")
    (repo / "latin1.tf").write_bytes(b"x = \xe9\n")
    (repo / "README.md").write_text("# hi\n")
    (repo / "ci.yml").write_text("name: ci\non: push\n")
    (repo / "node_modules" / "x").mkdir(parents=True)
    (repo / "node_modules" / "x" / "index.js").write_text("//\n")
    (repo / "out.tf").symlink_to("/etc/hostname")
    cov = _load(repo).coverage
    assert cov == {
        "files_total": 9,
        "parsed": 2,
        "partial": 1,
        "skipped": 4,
        "failed": 2,
        "by_reason": {
            "decode error": 1,
            "ignored directory": 1,
            "not an IaC file": 2,
            "parse error": 1,
            "partially parsed": 1,
            "symlink outside root": 1,
        },
        "problems": 4,
    }


def test_format_diagnostics_flow_into_coverage(repo, fake_format):
    (repo / "broken.tf").write_text("a = 1\nb = 2\nSYNTAX_ERROR\n")
    (repo / "half.tf").write_text("HALF_BROKEN\n")
    (repo / "mod.tf").write_text("UNRESOLVED_MODULE\n")
    result = _load(repo)
    broken = result.file("broken.tf")
    assert (broken.status, broken.reason) == (FileStatus.FAILED, "parse error")
    d = broken.diagnostics[0]
    assert (d.code, d.file, d.line, d.column) == (DiagnosticCode.PARSE_ERROR, "broken.tf", 3, 3)
    half = result.file("half.tf")
    assert (half.status, _codes(half)) == (FileStatus.PARTIAL, ["PARTIAL"])
    assert "fake.half_tf" in result.graph  # partial files are still built
    mod = result.file("mod.tf")
    assert mod.status is FileStatus.PARSED
    assert _codes(mod) == ["MODULE_UNRESOLVED"]
    assert {d.code for d in result.diagnostics} >= {DiagnosticCode.PARSE_ERROR, DiagnosticCode.PARTIAL}


def test_one_bad_file_never_stops_the_others(repo, fake_format):
    (repo / "a_slow.tf").write_text("SLEEP_FOREVER\n")
    (repo / "b_hog.tf").write_text("ALLOCATE\n")
    (repo / "c_bin.tf").write_bytes(b"\x00" * 32)
    (repo / "d_raise.tf").write_text("RAISE_WITH_CONTENT\n")
    for i in range(6):
        (repo / f"good{i}.tf").write_text(f"n = {i}\n")
    result = _load(repo, limits=Limits(timeout_s=1.0))
    assert [r.path for r in result.files if r.status is FileStatus.PARSED] == [
        f"good{i}.tf" for i in range(6)
    ]
    assert result.coverage["failed"] == 4
    with pytest.raises(IncompleteLoadError):
        _load(repo, strict=True, limits=Limits(timeout_s=1.0))


def test_strict_passes_on_a_clean_repository(repo, fake_format):
    (repo / "main.tf").write_text("ok = 1\n")
    (repo / "notes.txt").write_text("hello\n")
    result = _load(repo, strict=True)
    assert result.complete
    assert result.coverage["parsed"] == 1


def test_missing_format_module_skips_its_files(repo, fake_format, monkeypatch):
    monkeypatch.setitem(formats.FORMAT_MODULES, "dockerfile", "infra_review.loaders.not_written_yet")
    (repo / "Dockerfile").write_text("FROM alpine\n")
    (repo / "main.tf").write_text("ok = 1\n")
    result = _load(repo)
    rec = result.file("Dockerfile")
    assert (rec.status, rec.reason) == (FileStatus.SKIPPED, "no loader for dockerfile yet")
    assert result.file("main.tf").status is FileStatus.PARSED


def test_loader_returning_unsafe_objects_is_refused(repo, tmp_path, monkeypatch):
    mods = tmp_path / "mods2"
    mods.mkdir()
    name = f"irtest_bad_{uuid.uuid4().hex[:8]}"
    (mods / f"{name}.py").write_text(
        "import subprocess\nfrom infra_review.loaders.base import ParsedFile\n"
        "def parse_file(rel_path, text, kind):\n"
        "    return ParsedFile(rel_path, kind, data={'x': subprocess.Popen})\n"
        "def build(files, rg):\n    return []\n"
    )
    monkeypatch.syspath_prepend(str(mods))
    monkeypatch.setitem(formats.FORMAT_MODULES, "terraform", name)
    (repo / "main.tf").write_text("ok = 1\n")
    rec = _load(repo).file("main.tf")
    assert rec.status is FileStatus.FAILED
    assert "non-plain data" in rec.diagnostics[0].message


def test_diagnostic_paths_are_relative_and_printable(repo, fake_format):
    weird = os.fsdecode(b"we\xffird.tf")
    (repo / weird).write_text("SYNTAX_ERROR\n")
    (repo / "nl\nname.tf").write_text("SYNTAX_ERROR\n")
    result = _load(repo)
    paths = sorted(r.path for r in result.files)
    assert paths == ["nl\nname.tf", "we\\xffird.tf"]
    json.dumps(scan_document(result))  # encodable
    assert all(not d.file.startswith("/") for d in result.diagnostics)


_FRESH: list[int] = []


def _fresh_pool_limits(**kw) -> Limits:
    """Limits whose memory cap selects a pool of its own (pools are per memory limit)."""
    limits = Limits(worker_memory_bytes=1536 * 1024 * 1024 + uuid.uuid4().int % 4096 * 4096, **kw)
    _FRESH.append(limits.worker_memory_bytes)
    return limits


@pytest.fixture(autouse=True)
def _stop_fresh_pools():
    """Pools made for one test are stopped after it (the shared pool stays for speed)."""
    yield
    from infra_review.loaders.safety.isolation import shutdown_pools

    while _FRESH:
        shutdown_pools(_FRESH.pop())


def test_interrupted_load_leaves_the_pool_clean(repo, fake_format, monkeypatch):
    from infra_review.loaders.safety import isolation

    limits = _fresh_pool_limits()
    (repo / "a.tf").write_text("STALE\n")

    def interrupting_wait(conns, timeout=None):
        raise KeyboardInterrupt

    real_wait = isolation.wait
    monkeypatch.setattr(isolation, "wait", interrupting_wait)
    with pytest.raises(KeyboardInterrupt):
        _load(repo, limits=limits)
    monkeypatch.setattr(isolation, "wait", real_wait)
    (repo / "a.tf").write_text("fresh = 1\n")
    (repo / "b.tf").write_text("other = 2\n")
    result = _load(repo, limits=limits)
    texts = {r.file: r.attrs["text"] for r in result.graph.all()}
    assert texts == {"a.tf": "fresh = 1\n", "b.tf": "other = 2\n"}


def test_no_parser_process_means_failed_files_not_a_crash(repo, fake_format, monkeypatch):
    import subprocess

    def no_processes(*a, **k):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(subprocess, "Popen", no_processes)
    (repo / "main.tf").write_text("ok = 1\n")
    result = _load(repo, limits=_fresh_pool_limits())
    rec = result.file("main.tf")
    assert (rec.status, _codes(rec)) == (FileStatus.FAILED, ["RESOURCE_LIMIT"])
    assert "could not start a parser process" in rec.diagnostics[0].message


def test_json_and_yaml_data_are_sniffed_cheaply(repo, fake_format):
    big = '{"items": [' + ",".join(['{"id": 1, "name": "fixture"}'] * 40000) + "]}"
    assert 1_000_000 < len(big) < 5 * 1024 * 1024
    (repo / "data.json").write_text(big)
    (repo / "bad.yaml").write_bytes(b"apiVersion: v1\nkind: ConfigMap\ndata:\n  k: caf\xe9\n")
    (repo / "main.tf").write_text("ok = 1\n")
    result = _load(repo, limits=Limits(repo_budget_bytes=1024))
    data = result.file("data.json")
    assert (data.status, data.reason, data.diagnostics) == (FileStatus.SKIPPED, "not an IaC file", ())
    assert result.stats["sniffed_bytes"] <= 256 * 1024 + 100  # only a prefix of the data file
    assert result.file("main.tf").status is FileStatus.PARSED  # data files do not eat the budget
    bad = result.file("bad.yaml")
    assert (bad.kind, bad.status, _codes(bad)) == ("kubernetes", FileStatus.FAILED, ["DECODE_ERROR"])


def test_workers_never_import_from_the_reviewed_repository(tmp_path, fake_format, monkeypatch):
    from infra_review.loaders.safety.isolation import get_pool

    limits = _fresh_pool_limits()
    repo_a = tmp_path / "a"
    repo_b = tmp_path / "b"
    (repo_b / "lib").mkdir(parents=True)
    repo_a.mkdir()
    (repo_a / "main.tf").write_text("ok = 1\n")
    (repo_b / "main.tf").write_text("ok = 2\n")
    monkeypatch.syspath_prepend(str(repo_b / "lib"))  # e.g. a script run from inside repo b
    _load(repo_a, limits=limits)
    pool = get_pool(limits.worker_memory_bytes)
    before = {w.proc.pid for w in pool.workers}
    assert any(str(repo_b / "lib") in w.known_paths for w in pool.workers)
    result = _load(repo_b, limits=limits)
    assert result.file("main.tf").status is FileStatus.PARSED
    assert not {w.proc.pid for w in pool.workers} & before
    assert not any(str(repo_b / "lib") in w.known_paths for w in pool.workers)


def test_oversized_parse_results_are_refused(repo, fake_format, monkeypatch):
    from infra_review.loaders.safety import isolation

    monkeypatch.setattr(isolation, "MAX_RESULT_BYTES", 1024 * 1024)
    (repo / "huge.tf").write_text("HUGE_RESULT\n")
    (repo / "good.tf").write_text("ok = 1\n")
    result = _load(repo)
    huge = result.file("huge.tf")
    assert (huge.status, _codes(huge)) == (FileStatus.FAILED, ["RESOURCE_LIMIT"])
    assert "larger than 1 MiB" in huge.diagnostics[0].message
    assert result.file("good.tf").status is FileStatus.PARSED


def test_idle_workers_exit_and_are_replaced(repo, fake_format, monkeypatch):
    import time

    from infra_review.loaders.safety import isolation

    monkeypatch.setattr(isolation, "WORKER_IDLE_EXIT_S", 0.3)
    limits = _fresh_pool_limits()
    (repo / "main.tf").write_text("ok = 1\n")
    _load(repo, limits=limits)
    pool = isolation.get_pool(limits.worker_memory_bytes)
    first = {w.proc.pid for w in pool.workers}
    deadline = time.monotonic() + 30
    while any(w.proc.poll() is None for w in pool.workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(w.proc.poll() == 0 for w in pool.workers)  # exited on their own, cleanly
    # Even a worker that looks alive but has gone costs the file nothing: it is requeued.
    monkeypatch.setattr(isolation._Worker, "alive", lambda self: True)
    (repo / "main.tf").write_text("ok = 2\n")
    result = _load(repo, limits=limits)
    assert result.file("main.tf").status is FileStatus.PARSED
    assert not {w.proc.pid for w in pool.workers} & first


@pytest.mark.parametrize(
    ("data", "text", "codes"),
    [
        (b"a = 1\n", "a = 1\n", []),
        (b"\xef\xbb\xbfa = 1\r\n", "a = 1\n", []),
        ("a = 1\n".encode("utf-16-le"), None, ["BINARY"]),  # no BOM: NULs, not guessed
        (b"\xff\xfe" + "a = 1\n".encode("utf-16-le"), "a = 1\n", ["ENCODING_WARNING"]),
        (b"\xfe\xff" + "a = 1\n".encode("utf-16-be"), "a = 1\n", ["ENCODING_WARNING"]),
        (b"\xff\xfe\x00\x00" + "a = 1\n".encode("utf-32-le"), "a = 1\n", ["ENCODING_WARNING"]),
        (b"\x00\x00\xfe\xff" + "a = 1\n".encode("utf-32-be"), "a = 1\n", ["ENCODING_WARNING"]),
        (b"\xff\xfe" + b"\x00\xd8", None, ["DECODE_ERROR"]),  # lone surrogate after a BOM
        (b"\xff\xfe" + "a\x00b".encode("utf-16-le"), None, ["BINARY"]),
        (b"ok\n\xc3\x28\n", None, ["DECODE_ERROR"]),
        (b"", "", []),
    ],
)
def test_decode_rules(data, text, codes):
    from infra_review.loaders.safety.decode import decode_bytes

    out = decode_bytes(data, "x.tf")
    assert out.text == text
    assert [str(d.code) for d in out.diagnostics] == codes
    assert all(d.file == "x.tf" and len(d.message) <= 300 for d in out.diagnostics)
