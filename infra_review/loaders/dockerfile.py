"""Dockerfiles (and ``.dockerignore``) into the resource graph — a small, safe parser.

Nothing is evaluated: variables are substituted only from ``ARG``/``ENV`` defaults written in
the file, never from a shell or the environment.  Supported: parser directives (``# syntax=``,
``# escape=``, ``# check=``), comments, line continuations (with the active escape character),
heredocs (``RUN <<EOF``, ``<<-EOF``, quoted delimiters, several per instruction), exec (JSON)
and shell forms, instruction flags (``--from``, ``--chown``, ``--mount=type=secret``,
``--platform`` …), ``ENV``/``ARG``/``LABEL`` in both syntaxes, stages and aliases.

Graph nodes, one per stage: ``docker:<path>#<alias-or-index>``; the final stage has kind
``dockerfile``, earlier stages ``dockerfile:stage`` (block ``dockerfile``).  ``meta["name"]`` is
the Dockerfile's directory name for the final stage and ``<stage>@<dir>`` for earlier stages.

>>> df = parse_dockerfile("FROM golang:1.22 AS build\\nRUN go build -o /app .\\n"
...                       "FROM gcr.io/distroless/static\\nCOPY --from=build /app /app\\n"
...                       "USER 65532\\nENTRYPOINT [\\"/app\\"]\\n")
>>> [(s["alias"], s["image"]["repository"], s["image"]["tag"]) for s in df["stages"]]
[('build', 'golang', '1.22'), (None, 'gcr.io/distroless/static', None)]
>>> df["stages"][1]["user"], df["stages"][1]["entrypoint"]["form"]
('65532', 'exec')
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.loaders.base import ParsedFile
from infra_review.model import Diagnostic, DiagnosticCode, FileStatus, Resource, SourceLocation

__all__ = ["build", "parse_dockerfile", "parse_dockerignore", "parse_file", "parse_image_ref", "substitute"]

_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$")
_HEREDOC = re.compile(r"<<(-?)(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
_KNOWN = {
    "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
    "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
}  # fmt: skip
MAX_INSTRUCTIONS = 20_000


def parse_image_ref(ref: str) -> dict[str, Any]:
    """Split an image reference into registry/repository, tag and digest.

    >>> parse_image_ref("registry:5000/team/api:1.2@sha256:abc")
    {'repository': 'registry:5000/team/api', 'tag': '1.2', 'digest': 'sha256:abc', 'name': 'api'}
    >>> parse_image_ref("nginx")["tag"] is None
    True
    """
    ref = ref.strip()
    digest = None
    if "@" in ref:
        ref, digest = ref.split("@", 1)
    tag = None
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        ref, tag = ref[:colon], ref[colon + 1 :]
    name = ref.rsplit("/", 1)[-1]
    return {"repository": ref, "tag": tag or None, "digest": digest or None, "name": name}


def substitute(text: str, env: Mapping[str, str | None]) -> tuple[str, bool]:
    """Expand ``$VAR``/``${VAR}``/``${VAR:-default}``/``${VAR:+alt}`` from ``env`` only.

    Returns the text and whether every variable was known.

    >>> substitute("${BASE:-alpine}:${TAG}", {"TAG": "3.20"})
    ('alpine:3.20', True)
    >>> substitute("$UNSET/x", {})
    ('$UNSET/x', False)
    """
    ok = True

    def repl(m: re.Match[str]) -> str:
        nonlocal ok
        name = m.group(1) or m.group(4)
        op, word = m.group(2), m.group(3) or ""
        val = env.get(name)
        if op in (":-", "-"):
            return val if (val or (op == "-" and val is not None)) else word
        if op in (":+", "+"):
            return word if (val or (op == "+" and val is not None)) else ""
        if val is None:
            ok = False
            return m.group(0)
        return val

    return _VAR.sub(repl, text), ok


def _tokens(text: str, escape: str) -> list[str]:
    """Whitespace-split respecting quotes and the escape character (no expansion)."""
    out: list[str] = []
    cur: list[str] = []
    quote = ""
    in_token = False
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == escape and quote == '"' and i + 1 < len(text):
                i += 1
                cur.append(text[i])
            else:
                cur.append(ch)
        elif ch in "\"'":
            quote, in_token = ch, True
        elif ch == escape and i + 1 < len(text):
            i += 1
            cur.append(text[i])
            in_token = True
        elif ch.isspace():
            if in_token:
                out.append("".join(cur))
                cur, in_token = [], False
        else:
            cur.append(ch)
            in_token = True
        i += 1
    if in_token:
        out.append("".join(cur))
    return out


def _flags(args: str) -> tuple[dict[str, list[str]], str]:
    flags: dict[str, list[str]] = {}
    rest = args.lstrip()
    while rest.startswith("--"):
        m = re.match(r"--([A-Za-z-]+)(?:=((?:\"[^\"]*\"|'[^']*'|\S)*))?\s*", rest)
        if not m:
            break
        flags.setdefault(m.group(1).lower(), []).append((m.group(2) or "").strip("\"'"))
        rest = rest[m.end() :]
    return flags, rest


def _exec_form(args: str) -> list[str] | None:
    s = args.strip()
    if not s.startswith("["):
        return None
    try:
        val = json.loads(s)
    except ValueError:
        return None
    if isinstance(val, list) and all(isinstance(x, str) for x in val):
        return val
    return None


def _key_values(args: str, escape: str, legacy_ok: bool) -> list[tuple[str, str | None]]:
    """``ENV a=1 b="x y"`` / legacy ``ENV a 1 2``; ``ARG a=1`` / ``ARG a``."""
    toks = _tokens(args, escape)
    if not toks:
        return []
    if legacy_ok and "=" not in toks[0]:
        parts = args.strip().split(None, 1)
        return [(parts[0], parts[1].strip() if len(parts) > 1 else "")]
    out: list[tuple[str, str | None]] = []
    for t in toks:
        if "=" in t:
            k, v = t.split("=", 1)
            out.append((k, v))
        else:
            out.append((t, None))
    return out


def _logical_lines(text: str, escape: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Instructions as ``{line, end_line, text, heredocs}``; the second value lists comments."""
    lines = text.split("\n")
    out: list[dict[str, Any]] = []
    comments: list[str] = []
    i = 0
    n = len(lines)
    while i < n and len(out) < MAX_INSTRUCTIONS:
        raw = lines[i]
        stripped = raw.strip()
        if not stripped:
            i += 1
            continue
        if stripped.startswith("#"):
            comments.append(stripped)
            i += 1
            continue
        start = i
        parts: list[str] = []
        while True:
            cur = lines[i].rstrip()
            if i != start and cur.strip().startswith("#"):
                i += 1  # comment lines inside a continuation are dropped
                if i >= n:
                    break
                continue
            if cur.endswith(escape):
                parts.append(cur[: -len(escape)])
                i += 1
                if i >= n:
                    break
                continue
            parts.append(cur)
            i += 1
            break
        logical = " ".join(p.strip() for p in parts if p.strip())
        heredocs: list[dict[str, Any]] = []
        word = logical.split(None, 1)[0].upper() if logical else ""
        if word in ("RUN", "COPY", "ADD") or (word == "ONBUILD" and "<<" in logical):
            for m in _HEREDOC.finditer(logical):
                strip_tabs, delim = bool(m.group(1)), m.group(3)
                body: list[str] = []
                while i < n:
                    line = lines[i]
                    cmp = line.lstrip("\t") if strip_tabs else line
                    i += 1
                    if cmp.rstrip() == delim:
                        break
                    body.append(cmp)
                heredocs.append({"delimiter": delim, "body": "\n".join(body)})
        out.append({"line": start + 1, "end_line": i, "text": logical, "heredocs": heredocs})
    return out, comments


def parse_dockerfile(text: str) -> dict[str, Any]:
    """Parse Dockerfile text into plain data (``directives``, ``global_args``, ``stages``)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    directives = _directives(text)
    escape = directives.get("escape", "\\")
    if escape not in ("\\", "`"):
        escape = "\\"
    logical, comments = _logical_lines(text, escape)
    global_args: dict[str, str | None] = {}
    stages: list[dict[str, Any]] = []
    stage: dict[str, Any] | None = None
    env: dict[str, str | None] = {}
    for ins in logical:
        word, _, args = ins["text"].partition(" ")
        instr = word.upper()
        args = args.strip()
        item: dict[str, Any] = {
            "instruction": instr,
            "args": args,
            "line": ins["line"],
            "end_line": ins["end_line"],
        }
        if instr not in _KNOWN:
            item["unknown"] = True
        if instr == "FROM":
            flags, rest = _flags(args)
            stage = _new_stage(ins, flags, rest, stages, global_args)
            env = {k: v["value"] for k, v in stage["env"].items()}
            stages.append(stage)
            item["flags"] = flags
            continue
        if stage is None:
            if instr == "ARG":
                for k, v in _key_values(args, escape, legacy_ok=False):
                    global_args[k] = v
            continue
        stage["instructions"].append(item)
        _apply(stage, instr, args, ins, escape, env, global_args)
    return {
        "directives": directives,
        "escape": escape,
        "global_args": global_args,
        "stages": stages,
        "comments": len(comments),
    }


def _directives(text: str) -> dict[str, str]:
    """The parser directives (``# syntax=``, ``# escape=``...) at the top of the file."""
    directives: dict[str, str] = {}
    for raw in text.split("\n"):
        m = _DIRECTIVE.match(raw.strip())
        if not raw.strip().startswith("#") or not m:
            break
        key = m.group(1).lower()
        if key in directives:
            break
        directives[key] = m.group(2)
    return directives


def _new_stage(
    ins: dict[str, Any],
    flags: dict[str, list[str]],
    rest: str,
    stages: list[dict[str, Any]],
    global_args: dict[str, str | None],
) -> dict[str, Any]:
    """The stage a ``FROM`` starts (inheriting from an earlier stage it names)."""
    toks = rest.split()
    ref_raw = toks[0] if toks else ""
    alias = toks[2] if len(toks) >= 3 and toks[1].lower() == "as" else None
    ref, resolved = substitute(ref_raw, global_args)
    aliases = {s["alias"].lower(): s["index"] for s in stages if s["alias"]}
    from_stage = aliases.get(ref.lower())
    stage = {
        "index": len(stages),
        "alias": alias,
        "line": ins["line"],
        "end_line": ins["end_line"],
        "image_raw": ref_raw,
        "image": parse_image_ref(ref) if ref else {"repository": "", "tag": None, "digest": None, "name": ""},
        "image_resolved": resolved,
        "scratch": ref.lower() == "scratch",
        "from_stage": from_stage,
        "platform": (flags.get("platform") or [None])[0],
        "instructions": [],
        "user": None,
        "user_line": 0,
        "healthcheck": None,
        "env": {},
        "args": {},
        "copies": [],
        "runs": [],
        "expose": [],
        "cmd": None,
        "entrypoint": None,
        "shell": None,
        "stopsignal": None,
        "workdir": None,
        "labels": {},
        "onbuild": [],
    }
    if from_stage is not None:
        prev = stages[from_stage]
        stage["user"], stage["user_line"] = prev["user"], prev["user_line"]
        stage["healthcheck"] = prev["healthcheck"]
        stage["env"] = dict(prev["env"])
        stage["cmd"], stage["entrypoint"] = prev["cmd"], prev["entrypoint"]
        stage["inherited_from"] = from_stage
    return stage


def _apply(
    stage: dict[str, Any],
    instr: str,
    args: str,
    ins: dict[str, Any],
    escape: str,
    env: dict[str, str | None],
    global_args: dict[str, str | None],
) -> None:
    """Record one instruction (after ``FROM``) in its stage; ``env`` tracks ARG/ENV values."""
    if instr == "ARG":
        for k, v in _key_values(args, escape, legacy_ok=False):
            val = v if v is not None else global_args.get(k)
            stage["args"][k] = {"value": val, "line": ins["line"]}
            env[k] = val
    elif instr == "ENV":
        for k, v in _key_values(args, escape, legacy_ok=True):
            val, _ = substitute(v or "", env)
            stage["env"][k] = {"value": val, "line": ins["line"]}
            env[k] = val
    elif instr == "LABEL":
        for k, v in _key_values(args, escape, legacy_ok=False):
            stage["labels"][k] = v
    elif instr == "USER":
        user, _ = substitute(args.split()[0] if args.split() else "", env)
        stage["user"], stage["user_line"] = user, ins["line"]
    elif instr in ("COPY", "ADD"):
        stage["copies"].append(_copy(instr, args, ins, escape))
    elif instr == "RUN":
        stage["runs"].append(_run(args, ins))
    elif instr == "EXPOSE":
        stage["expose"].extend(args.split())
    elif instr in ("CMD", "ENTRYPOINT"):
        exec_args = _exec_form(args)
        stage[instr.lower()] = {
            "form": "exec" if exec_args is not None else "shell",
            "args": exec_args if exec_args is not None else [args],
            "line": ins["line"],
        }
        if instr == "ENTRYPOINT" and stage["cmd"] is not None and stage["cmd"].get("inherited"):
            stage["cmd"] = None
    elif instr == "HEALTHCHECK":
        stage["healthcheck"] = _healthcheck(args, ins)
    elif instr == "SHELL":
        stage["shell"] = _exec_form(args)
    elif instr == "STOPSIGNAL":
        stage["stopsignal"] = args
    elif instr == "WORKDIR":
        stage["workdir"] = args
    elif instr == "ONBUILD":
        stage["onbuild"].append(args)


def _copy(instr: str, args: str, ins: dict[str, Any], escape: str) -> dict[str, Any]:
    flags, rest = _flags(args)
    exec_args = _exec_form(rest)
    paths = exec_args if exec_args is not None else _tokens(rest, escape)
    if ins["heredocs"]:
        paths = [p for p in paths if not p.startswith("<<")]
    return {
        "instruction": instr,
        "sources": paths[:-1],
        "dest": paths[-1] if paths else "",
        "from": (flags.get("from") or [None])[0],
        "chown": (flags.get("chown") or [None])[0],
        "chmod": (flags.get("chmod") or [None])[0],
        "link": "link" in flags,
        "heredoc": bool(ins["heredocs"]),
        "line": ins["line"],
    }


def _run(args: str, ins: dict[str, Any]) -> dict[str, Any]:
    flags, rest = _flags(args)
    exec_args = _exec_form(rest)
    command = " ".join(exec_args) if exec_args is not None else rest
    if ins["heredocs"]:
        command = command + "\n" + "\n".join(h["body"] for h in ins["heredocs"])
    mounts = [_mount(m) for m in flags.get("mount", [])]
    return {
        "command": command,
        "form": "exec" if exec_args is not None else "shell",
        "mounts": mounts,
        "network": (flags.get("network") or [None])[0],
        "line": ins["line"],
        "end_line": ins["end_line"],
        "heredoc": bool(ins["heredocs"]),
    }


def _healthcheck(args: str, ins: dict[str, Any]) -> dict[str, Any]:
    flags, rest = _flags(args)
    if rest.strip().upper() == "NONE":
        return {"none": True, "line": ins["line"]}
    cmd = rest.strip()
    if cmd.upper().startswith("CMD"):
        cmd = cmd[3:].strip()
    return {
        "none": False,
        "command": cmd,
        "options": {k: v[0] for k, v in flags.items()},
        "line": ins["line"],
    }


def _mount(spec: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in spec.split(","):
        k, _, v = part.partition("=")
        out[k.strip()] = v.strip()
    if "type" not in out:
        out["type"] = "bind"
    return out


def parse_dockerignore(text: str) -> list[str]:
    """``.dockerignore`` patterns (comments and blank lines dropped, ``!`` exceptions kept).

    >>> parse_dockerignore("# c\\n.git\\n\\n!keep.env\\n*.pem\\n")
    ['.git', '!keep.env', '*.pem']
    """
    out = []
    for raw in text.lstrip("\ufeff").replace("\r\n", "\n").split("\n"):
        s = raw.strip()
        if s and not s.startswith("#"):
            out.append(s)
    return out[:10_000]


def parse_file(rel_path: str, text: str, kind: str = "dockerfile") -> ParsedFile:
    """Parse a Dockerfile or ``.dockerignore`` (``kind == "dockerignore"``); never raises."""
    pf = ParsedFile(rel_path, kind)
    try:
        if kind == "dockerignore":
            pf.data = {"patterns": parse_dockerignore(text)}
            return pf
        data = parse_dockerfile(text)
        pf.data = data
        if not data["stages"]:
            pf.status = FileStatus.FAILED
            pf.diagnostics.append(
                Diagnostic(DiagnosticCode.PARSE_ERROR, rel_path, 1, 0, "no FROM instruction")
            )
    except Exception as exc:  # worker contract: never raise
        pf.status = FileStatus.FAILED
        pf.data = {"stages": []}
        pf.diagnostics.append(Diagnostic(DiagnosticCode.PARSE_ERROR, rel_path, 0, 0, type(exc).__name__))
    return pf


def _dirname(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def build(files: list[ParsedFile], rg: ResourceGraph) -> list[Diagnostic]:
    """One node per stage; ``.dockerignore`` patterns of the directory go on each node's meta."""
    ignores: dict[str, tuple[str, list[str]]] = {}
    for pf in files:
        if pf.kind == "dockerignore" and isinstance(pf.data, dict):
            ignores[pf.path] = (pf.path, list(pf.data.get("patterns", [])))
    root_name = (
        str(rg.repo.get("name") or "").strip()
        or str(rg.repo.get("root") or ".").rstrip("/").rsplit("/", 1)[-1]
    )
    for pf in sorted(files, key=lambda f: f.path):
        if pf.kind == "dockerignore" or not isinstance(pf.data, dict):
            continue
        stages = pf.data.get("stages") or []
        directory = _dirname(pf.path)
        dir_name = directory.rsplit("/", 1)[-1] if directory else root_name or "."
        base = pf.path.rsplit("/", 1)[-1]
        ign = ignores.get(f"{pf.path}.dockerignore") or ignores.get(
            f"{directory}/.dockerignore" if directory else ".dockerignore"
        )
        for st in stages:
            final = st["index"] == len(stages) - 1
            label = st["alias"] or str(st["index"])
            addr = f"docker:{pf.path}#{label}"
            meta = {
                "name": dir_name if final else f"{label}@{dir_name}",
                "dockerfile": pf.path,
                "directory": directory,
                "file_name": base,
                "stage_index": st["index"],
                "stage_count": len(stages),
                "final": final,
                "directives": pf.data.get("directives", {}),
                "global_args": pf.data.get("global_args", {}),
                "dockerignore": ign[1] if ign else None,
                "dockerignore_path": ign[0] if ign else None,
            }
            attrs = {k: v for k, v in st.items() if k not in ("line", "end_line")}
            attrs["stage_aliases"] = [s["alias"] for s in stages]
            rg.add(
                Resource(
                    address=addr,
                    kind="dockerfile" if final else "dockerfile:stage",
                    block="dockerfile",
                    attrs=attrs,
                    source=SourceLocation(pf.path, st["line"], max(st["line"], _stage_end(st))),
                    format="dockerfile",
                    meta=meta,
                )
            )
        for st in stages:
            if st["from_stage"] is not None:
                src = f"docker:{pf.path}#{st['alias'] or st['index']}"
                prev = stages[st["from_stage"]]
                rg.add_edge(src, f"docker:{pf.path}#{prev['alias'] or prev['index']}", "ref", attr="FROM")
            for cp in st["copies"]:
                frm = cp.get("from")
                if frm is None:
                    continue
                target = next((s for s in stages if s["alias"] and s["alias"].lower() == frm.lower()), None)
                if target is None and frm.isdigit() and int(frm) < len(stages):
                    target = stages[int(frm)]
                if target is not None and target["index"] != st["index"]:
                    src = f"docker:{pf.path}#{st['alias'] or st['index']}"
                    rg.add_edge(
                        src,
                        f"docker:{pf.path}#{target['alias'] or target['index']}",
                        "ref",
                        attr="COPY --from",
                    )
    return []


def _stage_end(st: Mapping[str, Any]) -> int:
    ins = st.get("instructions") or []
    return max([st.get("end_line", 0)] + [i.get("end_line", 0) for i in ins])
