"""Compose files: services, normalised ports/environment/build, top-level networks and secrets."""

from __future__ import annotations

from infra_review.graph import ResourceGraph
from infra_review.loaders import compose
from infra_review.model import FileStatus
from infra_review.pipeline import load_repo

TEXT = """\
name: shop
x-common: &common
  restart: unless-stopped
  networks: [backend]
services:
  api:
    <<: *common
    build:
      context: ../services/api
      dockerfile: Dockerfile.prod
      target: runtime
    image: ghcr.io/acme/api:dev
    ports:
      - "127.0.0.1:8080:8080"
      - target: 9090
        published: "9090"
        protocol: tcp
    environment:
      - LOG_LEVEL=debug
      - EMPTY
    env_file: [.env, ../../outside.env]
    secrets: [db_password]
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://localhost:8080/health"]
    deploy:
      replicas: 2
      resources: {limits: {cpus: "0.5", memory: 512M}}
    user: "1000:1000"
    privileged: false
  db:
    image: postgres:16
    environment: {POSTGRES_DB: shop}
    volumes: ["dbdata:/var/lib/postgresql/data"]
    networks:
      backend: {aliases: [database]}
  escape:
    build: ../../../../etc
networks:
  backend: {driver: bridge}
secrets:
  db_password: {file: ./secrets/db_password.txt}
volumes:
  dbdata: {}
"""


def test_services_normalised():
    pf = compose.parse_file("deploy/docker-compose.yml", TEXT, "compose")
    assert pf.status == FileStatus.PARSED
    svcs = {s["name"]: s for s in pf.data["services"]}
    api = svcs["api"]["attrs"]
    assert api["restart"] == "unless-stopped"
    assert api["networks"] == ["backend"]
    assert api["environment"] == {"LOG_LEVEL": "debug", "EMPTY": None}
    assert api["ports"][0] == {
        "target": "8080",
        "published": "8080",
        "host_ip": "127.0.0.1",
        "protocol": "tcp",
    }
    assert api["ports"][1]["published"] == "9090"
    assert api["build_context_path"] == "services/api"
    assert api["build_dockerfile_path"] == "services/api/Dockerfile.prod"
    assert api["env_file"] == [".env", "../../outside.env"]
    assert api["secrets"] == ["db_password"]
    assert svcs["api"]["line"] == 6
    assert svcs["db"]["attrs"]["networks"] == ["backend"]
    assert svcs["escape"]["attrs"]["build_context_path"] is None
    assert svcs["escape"]["attrs"]["build_dockerfile_path"] is None


def test_graph_nodes_and_edges():
    pf = compose.parse_file("deploy/docker-compose.yml", TEXT, "compose")
    rg = ResourceGraph()
    compose.build([pf], rg)
    api = rg["compose:deploy/docker-compose.yml/api"]
    assert api.kind == "compose:service"
    assert api.block == "compose"
    assert api.name == "api"
    assert api.meta["project"] == "shop"
    assert rg.has_edge(api.address, "compose:deploy/docker-compose.yml/network:backend", "ref")
    assert rg.has_edge(api.address, "compose:deploy/docker-compose.yml/secret:db_password", "ref")
    secret = rg["compose:deploy/docker-compose.yml/secret:db_password"]
    assert secret.attrs == {"file": "./secrets/db_password.txt"}


def test_broken_compose_fails_cleanly():
    pf = compose.parse_file("compose.yaml", "services:\n  a: [\n", "compose")
    assert pf.status == FileStatus.FAILED
    assert pf.data["services"] == []


def test_env_file_is_never_read(tmp_path):
    outside = tmp_path / "outside.env"
    outside.write_text("SECRET=do-not-read\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "compose.yaml").write_text("services:\n  a:\n    image: a:1\n    env_file: ../outside.env\n")
    rg = load_repo(root).graph
    svc = rg["compose:compose.yaml/a"]
    assert svc.attrs["env_file"] == ["../outside.env"]
    assert "do-not-read" not in repr(list(rg.all()))


def test_inline_dockerfile_build():
    text = (
        "services:\n  a:\n    build:\n      context: .\n"
        "      dockerfile_inline: |\n        FROM alpine:3.20\n"
    )
    pf = compose.parse_file("compose.yaml", text, "compose")
    assert pf.status == FileStatus.PARSED
    attrs = pf.data["services"][0]["attrs"]
    assert attrs["build_dockerfile_path"] is None
    assert "dockerfile" not in attrs["build"]
