"""The parse cache: warm loads parse nothing; keys, corruption, location and permissions."""

from __future__ import annotations

import os
import pickle
import textwrap
import uuid
from pathlib import Path

import pytest

from infra_review.loaders import formats
from infra_review.loaders.base import ParsedFile
from infra_review.loaders.safety.cache import ParseCache, default_cache_dir
from infra_review.model import FileStatus
from infra_review.pipeline import load_repo

FORMAT = textwrap.dedent(
    """
    from infra_review.loaders.base import ParsedFile
    from infra_review.model import Resource, SourceLocation

    PARSER_VERSION = "{version}"

    def parse_file(rel_path, text, kind):
        if "ALLOCATE" in text:
            bytearray(64 * 1024**3)
        return ParsedFile(rel_path, kind, data={{"text": text}})

    def build(files, rg):
        for f in files:
            rg.add(Resource("fake." + f.path.replace("/", "_").replace(".", "_"), "fake",
                            attrs={{"text": f.data["text"]}}, source=SourceLocation(f.path, 1)))
        return []
    """
)


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    mods = tmp_path / "mods"
    mods.mkdir()
    name = f"irtest_cache_{uuid.uuid4().hex[:10]}"
    (mods / f"{name}.py").write_text(FORMAT.format(version="1"))
    monkeypatch.syspath_prepend(str(mods))
    for kind in ("terraform", "tfvars"):
        monkeypatch.setitem(formats.FORMAT_MODULES, kind, name)
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("INFRA_REVIEW_CACHE", str(cache_dir))
    root = tmp_path / "repo"
    (root / "mod").mkdir(parents=True)
    for i in range(5):
        (root / f"f{i}.tf").write_text(f"n = {i}\n")
    (root / "mod" / "main.tf").write_text("n = 1\n")  # same bytes as f1.tf, other path
    return root, cache_dir, name


def test_warm_run_does_no_parsing(setup):
    root, cache_dir, _ = setup
    cold = load_repo(root)
    assert cold.stats["parsed"] == 6
    assert cold.stats["cache_hits"] == 0
    warm = load_repo(root)
    assert warm.stats["parsed"] == 0
    assert warm.stats["cache_hits"] == 6
    assert "workers" not in warm.stats  # no worker was asked for anything
    assert sorted(r.address for r in warm.graph.all()) == sorted(r.address for r in cold.graph.all())
    assert warm.graph["fake.mod_main_tf"].file == "mod/main.tf"  # location survives the cache
    assert warm.files == cold.files
    (root / "f0.tf").write_text("n = 100\n")  # one edit → one parse
    edited = load_repo(root)
    assert edited.stats["parsed"] == 1
    assert edited.graph["fake.f0_tf"].attrs["text"] == "n = 100\n"
    assert cache_dir.is_dir()


def test_cache_false_neither_reads_nor_writes(setup):
    root, cache_dir, _ = setup
    load_repo(root, cache=False)
    assert not (cache_dir / "v1").exists() or not any((cache_dir / "v1").rglob("*.pkl"))
    assert load_repo(root, cache=False).stats["parsed"] == 6


def test_parser_version_is_part_of_the_key(setup, monkeypatch):
    root, _, name = setup
    load_repo(root)
    import importlib

    mod = importlib.import_module(name)
    monkeypatch.setattr(mod, "PARSER_VERSION", "2")
    assert load_repo(root).stats["parsed"] == 6


def test_corrupt_entries_are_misses(setup):
    root, cache_dir, _ = setup
    load_repo(root)
    entries = sorted(cache_dir.rglob("*.pkl"))
    assert len(entries) == 6
    entries[0].write_bytes(b"\x80\x05garbage")
    entries[1].write_bytes(pickle.dumps(os.system))  # a hostile pickle is refused, not run
    entries[2].write_bytes(pickle.dumps({"not": "a ParsedFile"}))
    result = load_repo(root)
    assert result.stats["parsed"] == 3
    assert result.coverage["parsed"] == 6
    assert result.complete
    assert load_repo(root).stats["parsed"] == 0  # rewritten


def test_cache_inside_the_repository_is_never_used(setup, monkeypatch):
    root, _, _ = setup
    monkeypatch.setenv("INFRA_REVIEW_CACHE", str(root / ".cache"))
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    load_repo(root)
    load_repo(root)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_shared_or_foreign_cache_dir_is_disabled(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "v1").mkdir()
    os.chmod(shared / "v1", 0o777)
    assert not ParseCache(shared).enabled
    private = ParseCache(tmp_path / "private")
    assert private.enabled
    assert (os.stat(tmp_path / "private" / "v1").st_mode & 0o077) == 0


def test_transient_failures_are_not_cached(setup):
    root, _, _ = setup
    (root / "hog.tf").write_text("ALLOCATE\n")
    first = load_repo(root)
    assert first.file("hog.tf").diagnostics[0].code.value == "RESOURCE_LIMIT"
    second = load_repo(root)
    assert second.stats["parsed"] == 1  # only the file that hit a limit is tried again
    assert second.file("hog.tf").diagnostics[0].code.value == "RESOURCE_LIMIT"


def test_cache_keys(tmp_path):
    cache = ParseCache(tmp_path / "c")
    key = ParseCache.key("a.tf", "terraform", "m", "1", "00" * 32)
    cache.put(key, ParsedFile("a.tf", "terraform", FileStatus.PARSED, {"x": 1}))
    assert cache.get(key).data == {"x": 1}
    assert ParseCache.key("b.tf", "terraform", "m", "1", "00" * 32) != key
    assert ParseCache.key("a.tf", "tfvars", "m", "1", "00" * 32) != key


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("INFRA_REVIEW_CACHE", str(tmp_path / "x"))
    assert default_cache_dir() == tmp_path / "x"
    monkeypatch.delenv("INFRA_REVIEW_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "infra_review"


def test_editing_the_loader_invalidates_the_cache_and_the_workers(setup, tmp_path):
    root, _, name = setup
    first = load_repo(root)
    assert first.graph["fake.f0_tf"].attrs["text"] == "n = 0\n"
    src = tmp_path / "mods" / f"{name}.py"
    src.write_text(src.read_text().replace('data={"text": text}', 'data={"text": text.upper()}'))
    import importlib

    importlib.reload(importlib.import_module(name))  # what a developer does in a notebook
    second = load_repo(root)
    assert second.stats["parsed"] == 6
    assert second.graph["fake.f0_tf"].attrs["text"] == "N = 0\n"  # new code, also in the workers


def test_cache_version_tracks_the_loader_sources_only():
    import infra_review.loaders.terraform.builder as terraform
    from infra_review.loaders.formats import source_files

    names = {p.name for p in source_files(terraform)}
    assert {
        "builder.py",
        "modules.py",
        "state.py",
        "scope.py",
        "resolve.py",
        "expand.py",
        "typeconv.py",
        "refs.py",
        "edges.py",
        "body.py",
        "emit.py",
        "parse.py",
        "parse_hcl.py",
        "parse_json.py",
        "plan.py",
        "expr.py",
        "evaluate.py",
        "value.py",
        "functions.py",
        "base.py",
        "core.py",
    } <= names
    assert not names & {"repo.py", "walk.py", "isolation.py", "cache.py", "scan.py"}


def test_prune_removes_old_and_excess_entries(tmp_path):
    cache = ParseCache(tmp_path / "c")
    now = 2_000_000_000.0
    keys = [ParseCache.key(f"f{i}.tf", "terraform", "m", "1", f"{i:064x}") for i in range(6)]
    for i, key in enumerate(keys):
        cache.put(key, ParsedFile(f"f{i}.tf", "terraform", data={"pad": "x" * 1000}))
        path = cache._path(key)
        age = 40 * 86400 if i == 0 else (10 - i) * 60  # f0 unused for 40 days
        os.utime(path, (now - age, now - age))
    size = cache._path(keys[1]).stat().st_size
    assert cache.prune(max_bytes=size * 3, now=now) == 3  # f0 (old), then f1, f2 (oldest)
    assert [cache.get(k) is not None for k in keys] == [False, False, False, True, True, True]
    assert cache.prune(max_bytes=0, now=now + 60) == 0  # at most once a day


def test_default_cache_dir_without_a_home(monkeypatch):
    monkeypatch.delenv("INFRA_REVIEW_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert default_cache_dir().name.startswith("infra_review-cache-")


def test_bundled_examples_round_trip_through_workers_and_cache(tmp_path, monkeypatch):
    """Real loaders' results cross the process boundary and the cache unchanged."""
    examples = Path(__file__).resolve().parents[2] / "data" / "examples"
    roots = sorted(p for p in examples.iterdir() if p.is_dir()) if examples.is_dir() else []
    if not roots:
        pytest.skip("no bundled examples")
    monkeypatch.setenv("INFRA_REVIEW_CACHE", str(tmp_path / "cache"))
    for root in roots:
        local = load_repo(root, cache=False, isolate=False)
        cold = load_repo(root)
        warm = load_repo(root)
        assert warm.stats["parsed"] == 0, root.name
        assert warm.stats["cache_hits"] == cold.stats["parsed"] > 0
        for result in (cold, warm):
            assert not [d for d in result.diagnostics if "non-plain data" in d.message], root.name
            assert [(r.path, r.status) for r in result.files] == [(r.path, r.status) for r in local.files]
            assert sorted(result.graph.g.nodes) == sorted(local.graph.g.nodes), root.name
            assert result.graph.g.number_of_edges() == local.graph.g.number_of_edges(), root.name
            attrs = {r.address: (dict(r.attrs), r.source) for r in result.graph.all()}
            assert attrs == {r.address: (dict(r.attrs), r.source) for r in local.graph.all()}, root.name
