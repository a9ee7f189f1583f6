"""Dockerfile parsing: every construct with its line, stage nodes, .dockerignore."""

from __future__ import annotations

from infra_review.graph import ResourceGraph
from infra_review.loaders import dockerfile
from infra_review.loaders.dockerfile import parse_dockerfile, parse_image_ref
from infra_review.model import FileStatus
from infra_review.pipeline import load_repo

FULL = """\
# syntax=docker/dockerfile:1.7
# check=skip=JSONArgsRecommended
ARG BASE=python:3.12-slim
ARG REGISTRY
FROM --platform=$BUILDPLATFORM ${BASE} AS build
ENV PIP_NO_CACHE_DIR=1 \\
    APP_HOME="/srv/app" LEGACY_NOT=used
ENV OLD_STYLE value with spaces
# a comment between instructions
RUN --mount=type=secret,id=pip,target=/root/.pip/pip.conf \\
    --mount=type=cache,target=/root/.cache \\
    # a comment inside a continuation
    pip install -r requirements.txt
RUN <<EOF
set -e
echo building
EOF
COPY --chown=app:app --chmod=644 requirements.txt src/ /srv/app/
ADD https://example.com/file.tgz /tmp/
FROM gcr.io/distroless/python3-debian12@sha256:0123456789abcdef0123456789abcdef
COPY --from=build /srv/app /srv/app
EXPOSE 8080/tcp 9090
USER 65532:65532
HEALTHCHECK --interval=30s --timeout=3s CMD ["/srv/app/healthcheck"]
ENTRYPOINT ["python3"]
CMD /srv/app/main.py --port 8080
"""


def test_full_construct_set():
    df = parse_dockerfile(FULL)
    assert df["directives"] == {"syntax": "docker/dockerfile:1.7", "check": "skip=JSONArgsRecommended"}
    assert df["global_args"] == {"BASE": "python:3.12-slim", "REGISTRY": None}
    build, final = df["stages"]
    assert (build["alias"], build["line"], build["platform"]) == ("build", 5, "$BUILDPLATFORM")
    assert build["image"]["repository"] == "python"
    assert build["image"]["tag"] == "3.12-slim"
    assert build["env"]["PIP_NO_CACHE_DIR"] == {"value": "1", "line": 6}
    assert build["env"]["APP_HOME"]["value"] == "/srv/app"
    assert build["env"]["OLD_STYLE"]["value"] == "value with spaces"
    run1, run2 = build["runs"]
    assert (run1["line"], run1["end_line"]) == (10, 13)
    assert run1["command"].strip() == "pip install -r requirements.txt"
    assert [m["type"] for m in run1["mounts"]] == ["secret", "cache"]
    assert run1["mounts"][0]["id"] == "pip"
    assert run2["heredoc"] is True
    assert "echo building" in run2["command"]
    assert run2["line"] == 14
    copy, add = build["copies"]
    assert copy["sources"] == ["requirements.txt", "src/"]
    assert copy["dest"] == "/srv/app/"
    assert (copy["chown"], copy["chmod"], copy["line"]) == ("app:app", "644", 18)
    assert add["instruction"] == "ADD"
    assert final["image"]["digest"].startswith("sha256:")
    assert final["copies"][0]["from"] == "build"
    assert final["expose"] == ["8080/tcp", "9090"]
    assert (final["user"], final["user_line"]) == ("65532:65532", 23)
    assert final["healthcheck"]["options"] == {"interval": "30s", "timeout": "3s"}
    assert final["entrypoint"] == {"form": "exec", "args": ["python3"], "line": 25}
    assert final["cmd"]["form"] == "shell"


def test_escape_directive_and_backtick_continuation():
    text = (
        "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\n"
        "RUN dir `\n    c:\\\\\nUSER ContainerUser\n"
    )
    df = parse_dockerfile(text)
    assert df["escape"] == "`"
    st = df["stages"][0]
    assert st["runs"][0]["line"] == 3
    assert st["runs"][0]["end_line"] == 4
    assert st["user"] == "ContainerUser"


def test_heredoc_variants():
    text = (
        "FROM alpine:3.20\n"
        "RUN <<-'SCRIPT' sh\n\techo one\n\tSCRIPT\n"
        "COPY <<EOT /etc/app.conf\nkey=value\nEOT\n"
        "USER nobody\n"
    )
    st = parse_dockerfile(text)["stages"][0]
    assert "echo one" in st["runs"][0]["command"]
    assert st["copies"][0]["heredoc"] is True
    assert st["copies"][0]["dest"] == "/etc/app.conf"
    assert (st["user"], st["user_line"]) == ("nobody", 8)


def test_stage_inheritance_and_arg_substitution():
    text = 'ARG TAG=1.22\nFROM golang:${TAG} AS base\nUSER app\nFROM base AS final\nCMD ["/app"]\n'
    base, final = parse_dockerfile(text)["stages"]
    assert base["image"]["tag"] == "1.22"
    assert final["from_stage"] == 0
    assert final["user"] == "app"


def test_unresolved_arg_base():
    st = parse_dockerfile("ARG BASE\nFROM $BASE\n")["stages"][0]
    assert st["image_resolved"] is False


def test_image_reference_forms():
    assert parse_image_ref("localhost:5000/app")["tag"] is None
    assert parse_image_ref("localhost:5000/app:1")["tag"] == "1"
    ref = parse_image_ref("111111111111.dkr.ecr.eu-west-1.amazonaws.com/team/api:2@sha256:ff")
    assert ref["repository"] == "111111111111.dkr.ecr.eu-west-1.amazonaws.com/team/api"
    assert ref["name"] == "api"
    assert ref["digest"] == "sha256:ff"


def test_no_from_is_a_failed_parse():
    pf = dockerfile.parse_file("x/Dockerfile", "# only a comment\nRUN echo\n", "dockerfile")
    assert pf.status == FileStatus.FAILED
    assert pf.diagnostics[0].code == "PARSE_ERROR"


def test_nothing_is_executed(monkeypatch):
    import subprocess

    def boom(*a, **k):
        raise AssertionError("executed")

    monkeypatch.setattr(subprocess, "Popen", boom)
    st = parse_dockerfile("FROM alpine:3.20\nRUN $(touch /tmp/pwned) `id`\nENV X=$(id)\n")["stages"][0]
    assert st["env"]["X"]["value"] == "$(id)"


def test_stage_nodes_and_dockerignore():
    pf = dockerfile.parse_file("services/api/Dockerfile", FULL, "dockerfile")
    ign = dockerfile.parse_file("services/api/.dockerignore", ".git\n# c\n*.pem\n", "dockerignore")
    rg = ResourceGraph()
    dockerfile.build([pf, ign], rg)
    build = rg["docker:services/api/Dockerfile#build"]
    final = rg["docker:services/api/Dockerfile#1"]
    assert build.kind == "dockerfile:stage"
    assert final.kind == "dockerfile"
    assert final.name == "api"
    assert build.name == "build@api"
    assert final.meta["dockerignore"] == [".git", "*.pem"]
    assert final.line == 20
    assert rg.has_edge(final.address, build.address, "ref")


def test_through_load_repo(tmp_path):
    d = tmp_path / "fail_thing"
    d.mkdir()
    (d / "Dockerfile").write_text("FROM alpine:3.20\nUSER root\n")
    (tmp_path / "Dockerfile.prod").write_text("FROM alpine:3.20\n")
    rg = load_repo(tmp_path).graph
    assert rg["docker:fail_thing/Dockerfile#0"].name == "fail_thing"
    assert rg["docker:Dockerfile.prod#0"].kind == "dockerfile"


def test_token_soup_never_raises():
    import random

    rnd = random.Random(7)
    tokens = ["FROM ", "RUN ", "<<EOF\n", "EOF\n", "\\\n", "`\n", "# escape=`\n", "COPY --from=", "[", "]",
              '"', "'", "${", "}", "$", " AS ", "\n", "USER ", "ENV ", "ARG ", "=", "HEALTHCHECK ", "CMD ",
              "--mount=type=secret", "<<-", "\t", "x", "a:b", "@sha256:", "ONBUILD "]  # fmt: skip
    for _ in range(400):
        text = "".join(rnd.choice(tokens) for _ in range(rnd.randint(0, 60)))
        pf = dockerfile.parse_file("Dockerfile", text, "dockerfile")
        # only "no FROM" may fail; an internal error would show as a bare exception name
        assert all(d.message == "no FROM instruction" for d in pf.diagnostics), text
