"""The YAML contract of UNTRUSTED_INPUT.md §3.8, on hostile input generated in ``tmp_path``/memory."""

from __future__ import annotations

import pickle
import sys

import pytest
import yaml

from infra_review.loaders.safety import yaml_safe
from infra_review.loaders.safety.yaml_safe import load_documents
from infra_review.model import DiagnosticCode


def _codes(diags):
    return [d.code for d in diags]


def _billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_rejected_with_alias_limit():
    docs, diags = load_documents(_billion_laughs(), "laughs.yaml")
    assert docs == []
    assert _codes(diags) == [DiagnosticCode.ALIAS_LIMIT]
    assert diags[0].line > 0
    assert diags[0].file == "laughs.yaml"


def test_small_alias_expansion_is_kept():
    docs, diags = load_documents("base: &b {cpu: 1}\na: *b\nb: *b\n", "ok.yaml")
    assert diags == []
    assert docs[0].value == {"base": {"cpu": 1}, "a": {"cpu": 1}, "b": {"cpu": 1}}


def test_recursive_alias_is_rejected(tmp_path):
    docs, diags = load_documents("x: &x\n  b: *x\n", "cycle.yaml")
    assert docs == []
    assert _codes(diags) == [DiagnosticCode.ALIAS_LIMIT]
    assert "cycle" in diags[0].message


def test_recursive_alias_in_one_document_keeps_the_others():
    text = "a: 1\n---\nx: &x [*x]\n---\nc: 3\n"
    docs, diags = load_documents(text, "m.yaml")
    assert [d.value for d in docs] == [{"a": 1}, {"c": 3}]
    assert DiagnosticCode.ALIAS_LIMIT in _codes(diags)
    assert DiagnosticCode.PARTIAL in _codes(diags)


@pytest.mark.parametrize("depth", [1000, 10000])
@pytest.mark.parametrize("style", ["flow", "block"])
def test_deep_nesting_gives_depth_limit(depth, style):
    limit = sys.getrecursionlimit()
    text = "[" * depth + "]" * depth if style == "flow" else "".join(" " * i + "a:\n" for i in range(depth))
    docs, diags = load_documents(text, "deep.yaml")
    assert docs == []
    assert _codes(diags) == [DiagnosticCode.DEPTH_LIMIT]
    assert sys.getrecursionlimit() == limit


def test_depth_limit_below_the_parser_limit():
    text = "a: " + "[" * (yaml_safe.MAX_DEPTH + 5) + "]" * (yaml_safe.MAX_DEPTH + 5) + "\n"
    docs, diags = load_documents(text, "deep.yaml")
    assert docs == []
    assert _codes(diags) == [DiagnosticCode.DEPTH_LIMIT]


def test_pure_python_loader_recursion_becomes_depth_limit(monkeypatch):
    monkeypatch.setattr(yaml_safe, "_Loader", yaml.SafeLoader)
    docs, diags = load_documents("[" * 5000 + "]" * 5000, "deep.yaml")
    assert docs == []
    assert _codes(diags) == [DiagnosticCode.DEPTH_LIMIT]


def test_broken_middle_document_keeps_first_and_third():
    text = "kind: A\n---\nkind: [unclosed\n---\nkind: C\n"
    docs, diags = load_documents(text, "multi.yaml")
    assert [d.value["kind"] for d in docs] == ["A", "C"]
    assert [d.index for d in docs] == [0, 2]
    assert [d.line for d in docs] == [1, 5]
    partial = [d for d in diags if d.code == DiagnosticCode.PARTIAL]
    assert len(partial) == 1
    assert "document 1" in partial[0].message
    errors = [d for d in diags if d.code == DiagnosticCode.PARSE_ERROR]
    assert errors
    assert errors[0].line >= 3


def test_duplicate_keys_are_reported_with_line_and_recorded():
    text = "spec:\n  privileged: true\n  other: 1\n  privileged: false\n"
    docs, diags = load_documents(text, "dup.yaml")
    assert docs[0].value == {"spec": {"privileged": False, "other": 1}}
    dup = [d for d in diags if d.code == DiagnosticCode.DUPLICATE_KEY]
    assert len(dup) == 1
    assert dup[0].line == 4
    assert docs[0].duplicates == {"spec.privileged": [True, False]}


def test_python_tags_are_rejected():
    text = "a: 1\n---\nb: !!python/object/apply:os.system ['echo pwned']\n"
    docs, diags = load_documents(text, "evil.yaml")
    assert [d.value for d in docs] == [{"a": 1}]
    assert DiagnosticCode.UNSUPPORTED in _codes(diags)
    assert all("pwned" not in d.message for d in diags)


def test_local_tags_keep_the_plain_value():
    docs, diags = load_documents("ports: !reset []\nimage: !override nginx:1.27\n", "compose.yaml")
    assert diags == []
    assert docs[0].value == {"ports": [], "image": "nginx:1.27"}


def test_messages_contain_no_file_content():
    secret = "hunter2-very-secret-value"
    text = f'password: "{secret}\n  broken: [\n'
    docs, diags = load_documents(text, "bad.yaml")
    assert docs == []
    assert diags
    assert all(secret not in d.message and len(d.message) <= 300 for d in diags)


def test_line_map_bom_and_crlf():
    text = "\ufeffa: 1\r\nb:\r\n  - x\r\n  - y\r\n"
    docs, diags = load_documents(text, "crlf.yaml")
    assert diags == []
    assert docs[0].lines["b[1]"] == 4
    assert docs[0].lines["a"] == 1


def test_scalars_merge_keys_and_timestamps():
    text = "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\nd: 2024-01-01\ne: 0x1f\nf: yes\ng: ~\nh: 1.5\n"
    docs, _ = load_documents(text, "s.yaml")
    v = docs[0].value
    assert v["c"] == {"x": 1, "y": 3}
    assert v["d"] == "2024-01-01"
    assert v["e"] == 31
    assert v["f"] is True
    assert v["g"] is None
    assert v["h"] == 1.5


def test_empty_and_comment_only():
    assert load_documents("", "e.yaml") == ([], [])
    assert load_documents("# nothing\n---\n# here\n", "c.yaml") == ([], [])


def test_documents_are_picklable():
    docs, _ = load_documents("a: [1, {b: c}]\n", "p.yaml")
    assert pickle.loads(pickle.dumps(docs))[0].value == {"a": [1, {"b": "c"}]}
