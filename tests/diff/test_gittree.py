"""Reading a commit's tree from the object store (dulwich), with the loaders' safety rules."""

from __future__ import annotations

import pytest
from dulwich.objects import Blob
from dulwich.pack import write_pack

from infra_review.loaders.formats import Limits
from infra_review.loaders.gitinfo import read_git_info
from infra_review.loaders.gittree import GitTreeError, find_repo_root, materialise
from infra_review.model import DiagnosticCode


def _codes(tree):
    return {(d.code, d.file) for d in tree.diagnostics}


def test_refs_branches_tags_and_short_shas_resolve(make_repo, example_files):
    g = make_repo()
    first = g.commit(example_files, "base")
    g.tag("v1", first)
    second = g.commit({**example_files, "extra.tf": b'variable "x" {}\n'}, "head")
    for ref, want in (
        ("main", second),
        ("HEAD", second),
        ("refs/heads/main", second),
        ("v1", first),
        (first[:7], first),
        (first, first),
    ):
        with materialise(g.path, ref) as tree:
            assert tree.commit == want, ref
            assert (tree.root / "main.tf").read_bytes() == example_files["main.tf"]
            assert (tree.root / "extra.tf").exists() == (want == second)
            assert not tree.diagnostics
    assert not tree.root.exists()  # cleaned up


def test_first_parent_suffixes(make_repo, example_files):
    g = make_repo()
    shas = [g.commit({**example_files, "n.tf": f"# {i}\n".encode()}, f"c{i}") for i in range(4)]
    for ref, want in (
        ("HEAD~1", shas[2]),
        ("main^^", shas[1]),
        ("HEAD~3", shas[0]),
        ("HEAD~", shas[2]),
        (f"{shas[3][:8]}~2", shas[1]),
        ("HEAD^1~1", shas[1]),
    ):
        with materialise(g.path, ref) as tree:
            assert tree.commit == want, ref
    with pytest.raises(GitTreeError, match="further than the first commit"):
        materialise(g.path, "HEAD~4")


@pytest.mark.parametrize("ref", ["nope", "deadbeef", "v9"])
def test_unknown_ref_is_a_coded_diagnostic(make_repo, example_files, ref):
    g = make_repo()
    g.commit(example_files)
    with pytest.raises(GitTreeError) as err:
        materialise(g.path, ref)
    assert err.value.diagnostic.code == DiagnosticCode.UNREADABLE
    assert "unknown ref" in err.value.diagnostic.message


def test_not_a_repository(tmp_path):
    with pytest.raises(GitTreeError, match="not a git repository"):
        materialise(tmp_path, "HEAD")


def test_hostile_entries_are_recorded_never_written(make_repo, tmp_path):
    g = make_repo()
    outside = tmp_path / "secret.txt"
    outside.write_text("TOP SECRET")
    g.commit(
        {
            "main.tf": b'resource "aws_vpc" "v" {\n  cidr_block = "10.0.0.0/16"\n}\n',
            "link.tf": (g.LINK, str(outside).encode()),
            "up.tf": (g.LINK, b"../../../etc/passwd"),
            "vendor/mod": (g.GITLINK, b"a" * 40),
            "../escape.tf": b"x",
            ".git/config": b"[core]\n\tfsmonitor = evil\n",
        }
    )
    with materialise(g.path, "HEAD") as tree:
        codes = _codes(tree)
        assert (DiagnosticCode.SYMLINK_SKIPPED, "link.tf") in codes
        assert (DiagnosticCode.SYMLINK_SKIPPED, "up.tf") in codes
        assert (DiagnosticCode.UNSUPPORTED, "vendor/mod") in codes
        assert (DiagnosticCode.UNREADABLE, "..") in codes
        assert (DiagnosticCode.UNREADABLE, ".git") in codes
        written = sorted(p.relative_to(tree.root).as_posix() for p in tree.root.rglob("*"))
        assert written == [".git", ".git/HEAD", ".git/index", "main.tf"]  # .git: our own, see below
        assert not any(p.is_symlink() for p in tree.root.rglob("*"))
        assert not (tmp_path / "escape.tf").exists()


def test_size_caps_and_budget(make_repo):
    g = make_repo()
    g.commit(
        {
            "big.tf": b"#" * (Limits().hcl_bytes + 1),
            "a.tf": b"# a\n" * 10,
            "b.tf": b"# b\n" * 10,
        }
    )
    with materialise(g.path, "HEAD") as tree:
        assert (DiagnosticCode.TOO_LARGE, "big.tf") in _codes(tree)
        assert not (tree.root / "big.tf").exists()
    with materialise(g.path, "HEAD", limits=Limits(repo_budget_bytes=50)) as tree:
        assert tree.files == 1
        assert any(d.code == DiagnosticCode.BUDGET_EXCEEDED for d in tree.diagnostics)


def test_missing_object_in_a_shallow_clone(make_repo, example_files):
    g = make_repo()
    g.commit(example_files)
    head = g.commit({**example_files, "more.tf": b"# more\n"})
    blob = g.repo[g.repo[head.encode()].tree][b"more.tf"][1]
    (g.path / ".git" / "objects" / blob[:2].decode() / blob[2:].decode()).unlink()
    (g.path / ".git" / "shallow").write_text(head + "\n")
    with materialise(g.path, "HEAD") as tree:
        assert tree.shallow
        assert (DiagnosticCode.UNREADABLE, "more.tf") in _codes(tree)
        assert any(d.code == DiagnosticCode.PARTIAL for d in tree.diagnostics)
    with pytest.raises(GitTreeError, match="shallow clone"):
        materialise(g.path, "0123456789abcdef0123456789abcdef01234567")


def test_many_files(make_repo):
    g = make_repo()
    g.commit({f"d{i // 100}/f{i}.tf": b"# x\n" for i in range(10_000)})
    with materialise(g.path, "HEAD") as tree:
        assert tree.files == 10_000
        assert not tree.diagnostics


def test_objects_from_outside_the_repository_are_not_followed(make_repo, example_files, tmp_path):
    other = make_repo("other")
    sha = other.commit(example_files)
    pointer = tmp_path / "pointer"
    pointer.mkdir()
    (pointer / ".git").write_text(f"gitdir: {other.path / '.git'}\n")
    with pytest.raises(GitTreeError, match=r"\.git is a file"):
        materialise(pointer, sha)
    with materialise(pointer, sha, follow_gitdir=True) as tree:  # a worktree you trust
        assert tree.commit == sha
    borrower = make_repo("borrower")
    borrower.commit({"a.tf": b"# a\n"})
    alt = borrower.path / ".git" / "objects" / "info" / "alternates"
    alt.parent.mkdir(parents=True, exist_ok=True)
    alt.write_text(str(other.path / ".git" / "objects") + "\n")
    with pytest.raises(GitTreeError, match="alternates"):
        materialise(borrower.path, sha)


def test_the_tree_carries_git_facts_of_its_commit(make_repo, example_files):
    g = make_repo()
    sha = g.commit(
        {**example_files, "big.tfstate": b"{" + b" " * (6 * 1024 * 1024) + b"}", "ln": (g.LINK, b"main.tf")}
    )
    with materialise(g.path, sha) as tree:
        info = read_git_info(str(tree.root))
        assert info["is_repo"]
        assert info["head_commit"] == sha
        assert info["tracked"] == sorted([*example_files, "big.tfstate", "ln"])
        assert not (tree.root / "big.tfstate").exists()  # tracked, but over the cap: not written


def test_packed_and_deltified_blobs_are_measured_before_inflating(make_repo):
    g = make_repo()
    small = b"# x\n" * 300_000  # 1.2 MB, over the 1 MiB cap for .tf, compresses to a few KB
    g.commit({"a.tf": small, "b.tf": small + b"# y\n", "ok.tf": b"# ok\n"})
    objects = g.path / ".git" / "objects"
    blobs = [Blob.from_string(small), Blob.from_string(small + b"# y\n")]
    (objects / "pack").mkdir(parents=True, exist_ok=True)
    pack = str(objects / "pack" / "pack-test")
    write_pack(pack, [(b, None) for b in blobs], g.repo.object_format, deltify=True)  # one is a delta
    for b in blobs:
        (objects / b.id[:2].decode() / b.id[2:].decode()).unlink()
    with materialise(g.path, "HEAD") as tree:
        messages = {d.file: d.message for d in tree.diagnostics}
        assert set(messages) == {"a.tf", "b.tf"}
        assert all(m.endswith("not read") for m in messages.values()), messages
        assert (tree.root / "ok.tf").exists()


def test_a_directory_inside_the_repository(make_repo, example_files, tmp_path):
    g = make_repo()
    first = g.commit({"README.md": b"# mono\n"})
    second = g.commit({"README.md": b"# mono\n", **{f"infra/.prod/{k}": v for k, v in example_files.items()}})
    (g.path / "infra" / ".prod").mkdir(parents=True)
    assert find_repo_root(g.path / "infra" / ".prod") == (g.path, "infra/.prod")
    assert find_repo_root(g.path) == (g.path, "")
    with materialise(g.path, second, subdir="infra/.prod") as tree:
        assert (tree.root / "main.tf").read_bytes() == example_files["main.tf"]
        assert (tree.root / "README.md").read_bytes() == example_files["README.md"]  # not the top one
        assert read_git_info(str(tree.root))["tracked"] == sorted(example_files)
    with materialise(g.path, first, subdir="infra/.prod") as tree:  # not there yet: empty side
        assert [d.code for d in tree.diagnostics] == [DiagnosticCode.PARTIAL]
        assert tree.files == 0
