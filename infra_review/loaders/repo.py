"""``read_repo``: walk a repository safely, parse every IaC file in isolation, build one graph.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = (root / "README.md").write_text("# demo\\n")
>>> result = read_repo(root, cache=False)
>>> result.coverage["files_total"], result.coverage["skipped"], result.coverage["by_reason"]
(1, 1, {'not an IaC file': 1})
>>> result.graph.repo["has_readme"], result.complete
(True, True)
>>> repr(result).endswith("1 file: 0 parsed, 0 partial, 1 skipped, 0 failed; 0 graph nodes, 0 diagnostics>")
True

Phases (``result.timings`` has seconds for each): *walk* (classify every path, nothing read),
*read* (size caps, budget, strict decoding, sniffing JSON/YAML kinds), *parse* (cache lookups,
then cache misses in worker processes), *build* (each format module's ``build`` in the main
process), *link* (the caller's ``finish`` step: the pipeline links formats and derives
runtime edges there).

Every path under the root gets exactly one :class:`~infra_review.model.FileRecord`; the load
never raises for a bad file (``strict=True`` raises :class:`IncompleteLoadError` at the end
when anything failed or was skipped for a problem).
"""

# ruff: noqa: PTH116, PTH119

from __future__ import annotations

import contextlib
import errno
import hashlib
import inspect
import logging
import os
import re
import stat
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.loaders import formats
from infra_review.loaders.base import ParsedFile
from infra_review.loaders.formats import SNIFF, Limits, format_module, parser_version, size_cap, sniff_kind
from infra_review.loaders.gitinfo import read_git_info
from infra_review.loaders.safety.cache import ParseCache
from infra_review.loaders.safety.decode import decode_bytes, sniff_text
from infra_review.loaders.safety.isolation import ParseTask, get_pool, parse_in_process
from infra_review.loaders.safety.walk import (
    R_NOT_IAC,
    Entry,
    confined_reader,
    display_path,
    safe_read,
    too_large_message,
    walk_repo,
)
from infra_review.model import Diagnostic, DiagnosticCode, FileRecord, FileStatus
from infra_review.model.errors import IncompleteLoadError, LoadError
from infra_review.model.facts import RepoFacts

__all__ = ["PROBLEM_CODES", "Limits", "LoadResult", "coverage_of", "is_problem", "read_repo"]

log = logging.getLogger(__name__)

#: Diagnostic codes that make a skipped file a coverage problem (it may hold IaC we did not read).
PROBLEM_CODES = frozenset(
    {
        DiagnosticCode.TOO_LARGE,
        DiagnosticCode.BUDGET_EXCEEDED,
        DiagnosticCode.UNREADABLE,
        DiagnosticCode.SYMLINK_SKIPPED,
        DiagnosticCode.NOT_REGULAR,
        DiagnosticCode.UNSUPPORTED,
        DiagnosticCode.BINARY,
        DiagnosticCode.DECODE_ERROR,
        DiagnosticCode.TIMEOUT,
        DiagnosticCode.RESOURCE_LIMIT,
    }
)

_REASONS = {
    DiagnosticCode.PARSE_ERROR: "parse error",
    DiagnosticCode.DECODE_ERROR: "decode error",
    DiagnosticCode.BINARY: "binary file",
    DiagnosticCode.TOO_LARGE: "too large",
    DiagnosticCode.BUDGET_EXCEEDED: "repository budget exceeded",
    DiagnosticCode.TIMEOUT: "timeout",
    DiagnosticCode.RESOURCE_LIMIT: "resource limit",
    DiagnosticCode.DEPTH_LIMIT: "depth limit",
    DiagnosticCode.ALIAS_LIMIT: "alias limit",
    DiagnosticCode.UNREADABLE: "unreadable",
    DiagnosticCode.NOT_REGULAR: "not a regular file",
    DiagnosticCode.PARTIAL: "partially parsed",
    DiagnosticCode.UNSUPPORTED: "unsupported",
}

R_HELM_TEMPLATE = "helm template (needs helm to render)"
#: Bytes read to decide the kind of a ``.json``/``.yaml`` file.
SNIFF_BYTES = 256 * 1024
#: Largest repository file (bytes) the facts serve to rules and snippets.
FACTS_READ_CAP = 5 * 1024 * 1024
_README_RE = re.compile(r"^readme(\.[a-z0-9]+)?$", re.IGNORECASE)
_CI_PATTERNS = (
    re.compile(r"^\.github/workflows/[^/]+\.ya?ml$"),
    re.compile(r"^\.gitlab-ci\.ya?ml$"),
    re.compile(r"^\.circleci/config\.ya?ml$"),
    re.compile(r"^Jenkinsfile$"),
    re.compile(r"^azure-pipelines\.ya?ml$"),
    re.compile(r"^bitbucket-pipelines\.ya?ml$"),
    re.compile(r"^\.buildkite/.+\.ya?ml$"),
    re.compile(r"^atlantis\.ya?ml$"),
    re.compile(r"^\.drone\.ya?ml$"),
    re.compile(r"^buildspec\.ya?ml$"),
    re.compile(r"^cloudbuild\.ya?ml$"),
    re.compile(r"^\.spacelift/config\.ya?ml$"),
)


def is_problem(record: FileRecord) -> bool:
    """True when a file counts against complete coverage (failed, partial, or skipped for a problem)."""
    if record.status in (FileStatus.FAILED, FileStatus.PARTIAL):
        return True
    return record.status is FileStatus.SKIPPED and any(d.code in PROBLEM_CODES for d in record.diagnostics)


def coverage_of(records: list[FileRecord]) -> dict[str, Any]:
    """``{files_total, parsed, partial, skipped, failed, by_reason, problems}``.

    ``by_reason`` counts the reasons of every record that was not fully parsed.
    """
    status = Counter(r.status for r in records)
    reasons = Counter(r.reason for r in records if r.status is not FileStatus.PARSED and r.reason)
    return {
        "files_total": len(records),
        "parsed": status[FileStatus.PARSED],
        "partial": status[FileStatus.PARTIAL],
        "skipped": status[FileStatus.SKIPPED],
        "failed": status[FileStatus.FAILED],
        "by_reason": dict(sorted(reasons.items())),
        "problems": sum(1 for r in records if is_problem(r)),
    }


@dataclass(slots=True, repr=False)
class LoadResult:
    """What :func:`read_repo` and the pipeline's ``load_repo`` return: graph, coverage, diagnostics."""

    graph: ResourceGraph
    files: list[FileRecord]
    diagnostics: list[Diagnostic]
    coverage: dict[str, Any]
    root: Path
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """False when anything failed, was partial, or was skipped for a problem."""
        return self.coverage.get("problems", 0) == 0

    @property
    def problems(self) -> list[FileRecord]:
        """Records that make coverage incomplete."""
        return [r for r in self.files if is_problem(r)]

    def file(self, path: str) -> FileRecord | None:
        """The coverage record of ``path`` (relative, POSIX)."""
        for r in self.files:
            if r.path == path:
                return r
        return None

    def __repr__(self) -> str:
        """Short, so that a notebook cell ending in ``result`` does not print every file."""
        return (
            f"<LoadResult {str(self.root)!r}: {self.summary()}; "
            f"{len(self.graph)} graph nodes, {len(self.diagnostics)} diagnostics>"
        )

    def summary(self) -> str:
        """One line: ``12 files: 5 parsed, 0 partial, 6 skipped, 1 failed``."""
        c = self.coverage
        text = (
            f"{c['files_total']} file{'' if c['files_total'] == 1 else 's'}: {c['parsed']} parsed, "
            f"{c['partial']} partial, "
            f"{c['skipped']} skipped, {c['failed']} failed"
        )
        return text if self.complete else text + f" — INCOMPLETE COVERAGE ({c['problems']} with problems)"


@dataclass(slots=True)
class _Work:
    """Per-entry state between phases."""

    entry: Entry
    kind: str
    text: str | None = None
    sha256: str = ""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    record: FileRecord | None = None
    parsed: ParsedFile | None = None


class _Reader:
    """Size caps, the repository budget, strict decoding and kind sniffing for one load.

    Files whose kind needs a sniff (``.json``/``.yaml``) are first read only up to
    :data:`SNIFF_BYTES`; only those that turn out to be IaC are read in full and charged to
    the repository budget, so a repository full of JSON test data costs little.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.budget_left = limits.repo_budget_bytes
        self.bytes_read = 0
        self.sniffed_bytes = 0
        self.by_ident: dict[tuple[int, int], tuple[bytes | None, DiagnosticCode | None, str]] = {}

    def _full(self, entry: Entry, cap: int) -> tuple[bytes | None, DiagnosticCode | None, str]:
        cached = self.by_ident.get(entry.ident) if entry.ident else None
        if cached is not None:
            return cached
        if entry.size > self.budget_left:
            mib = self.limits.repo_budget_bytes // (1024 * 1024)
            return (
                None,
                DiagnosticCode.BUDGET_EXCEEDED,
                f"repository budget of {mib} MiB of IaC files used up; not read",
            )
        out = safe_read(entry.path, cap=cap, ident=entry.ident)
        result = (out.data, out.code, out.message)
        if entry.ident:
            self.by_ident[entry.ident] = result
        if out.data is not None:
            self.budget_left -= len(out.data)
            self.bytes_read += len(out.data)
        return result

    def read(self, entry: Entry) -> FileRecord | _Work:
        assert entry.kind is not None
        kind = entry.kind
        cap = size_cap(kind, self.limits)
        if entry.size > cap:  # from lstat/stat: never opened
            shown = kind if kind != SNIFF else "unknown"
            return _skip(entry, shown, DiagnosticCode.TOO_LARGE, too_large_message(entry.size, cap))
        if kind == SNIFF and not entry.helm_template:
            pre = safe_read(entry.path, cap=cap, ident=entry.ident, limit=SNIFF_BYTES)
            if pre.data is None:
                return _failed_read(entry, "unknown", pre.code, pre.message)
            self.sniffed_bytes += len(pre.data)
            sniffed = sniff_kind(sniff_text(pre.data), entry.rel)
            if sniffed is None:
                return FileRecord(
                    entry.rel, _other_kind(entry), FileStatus.SKIPPED, R_NOT_IAC, (), entry.size
                )
            kind = sniffed
        data, code, message = self._full(entry, cap)
        if data is None:
            return _failed_read(entry, kind if kind != SNIFF else "unknown", code, message)
        decoded = decode_bytes(data, entry.rel)
        sha = hashlib.sha256(data).hexdigest()
        if decoded.text is None:
            if kind == SNIFF:  # a helm template that is not text
                return FileRecord(entry.rel, "unknown", FileStatus.SKIPPED, R_NOT_IAC, (), len(data), sha)
            first = decoded.diagnostics[0].code
            reason = _REASONS.get(first, str(first))
            return FileRecord(
                entry.rel, kind, FileStatus.FAILED, reason, tuple(decoded.diagnostics), len(data), sha
            )
        text = decoded.text
        if entry.helm_template:
            if "{{" in text:
                return FileRecord(
                    entry.rel, "helm_template", FileStatus.SKIPPED, R_HELM_TEMPLATE, (), len(data), sha
                )
            sniffed = sniff_kind(text, entry.rel)
            if sniffed is None:
                return FileRecord(
                    entry.rel, _other_kind(entry), FileStatus.SKIPPED, R_NOT_IAC, (), len(data), sha
                )
            kind = sniffed
        return _Work(entry, kind, text, sha, list(decoded.diagnostics))


def _failed_read(entry: Entry, kind: str, code: DiagnosticCode | None, message: str) -> FileRecord:
    code = code or DiagnosticCode.UNREADABLE
    skipped = code in (DiagnosticCode.TOO_LARGE, DiagnosticCode.NOT_REGULAR, DiagnosticCode.BUDGET_EXCEEDED)
    status = FileStatus.SKIPPED if skipped else FileStatus.FAILED
    diag = Diagnostic(code, entry.rel, message=message)
    return FileRecord(entry.rel, kind, status, _REASONS.get(code, str(code)), (diag,), entry.size)


def _check_root(root: str | os.PathLike[str]) -> str:
    raw = os.fspath(root)
    if not raw:
        raise LoadError(raw, "empty path")
    try:
        real = os.path.realpath(raw)
        st = os.stat(real)
    except OSError as exc:
        raise LoadError(
            raw, "no such directory" if exc.errno == errno.ENOENT else (exc.strerror or "cannot access")
        ) from None
    if not stat.S_ISDIR(st.st_mode):
        raise LoadError(raw, "not a directory")
    try:
        with os.scandir(real) as it:
            next(it, None)
    except OSError as exc:
        raise LoadError(raw, f"cannot list directory ({exc.strerror or 'permission denied'})") from None
    return real


def read_repo(
    root: str | os.PathLike[str],
    *,
    workers: int | None = None,
    cache: bool = True,
    strict: bool = False,
    isolate: bool = True,
    limits: Limits | None = None,
    progress: Callable[[int, int], None] | None = None,
    finish: Callable[[ResourceGraph], list[Diagnostic]] | None = None,
) -> LoadResult:
    """Read the repository at ``root`` into one :class:`~infra_review.graph.ResourceGraph`.

    This is the loaders' half of the load: walk, read, parse, build.  Callers want
    :func:`infra_review.pipeline.load_repo`, which also links formats, derives runtime edges
    and freezes the graph (passed in here as ``finish``, so that the loaders import nothing
    above them).

    Parameters
    ----------
    root
        The repository directory (untrusted: nothing in it is executed, followed out of it,
        or written to).
    workers
        Parser processes (default ``min(2, cpu count)``); the pool is kept for later loads.
    cache
        Reuse parse results from the on-disk cache (``$INFRA_REVIEW_CACHE``).
    strict
        Raise :class:`~infra_review.model.errors.IncompleteLoadError` when coverage is incomplete.
    isolate
        Parse in worker processes with time and memory limits.  ``False`` parses in this
        process with neither: only for trusted fixtures.
    limits
        Size caps, repository budget, per-file timeout and worker memory (:class:`Limits`).
    progress
        Called as ``progress(done, total)`` while files are parsed (cache misses only), e.g.
        to drive a notebook progress bar; exceptions it raises are ignored.
    finish
        Called with the built graph before coverage is assembled; the diagnostics it returns
        are attached to their files (the pipeline links formats and derives runtime edges here).

    Raises
    ------
    LoadError
        ``root`` is missing, not a directory, or cannot be listed.
    """
    load = _Load(_check_root(root), limits or Limits(), time.perf_counter())
    load.walk_and_read()
    load.parse(cache=cache, isolate=isolate, workers=workers, progress=progress)
    load.build()
    if finish is not None:
        load.finish(finish)
    result = load.result()
    if strict and not result.complete:
        worst = ", ".join(f"{r.path} ({r.reason})" for r in result.problems[:5])
        more = f" and {len(result.problems) - 5} more" if len(result.problems) > 5 else ""
        msg = f"incomplete coverage of {display_path(load.root)}: {worst}{more}"
        raise IncompleteLoadError(msg)
    return result


@dataclass
class _Load:
    """The state of one load between its phases: walk/read → parse → build → finish → result."""

    root: str
    limits: Limits
    t0: float
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)
    records: dict[str, FileRecord] = field(default_factory=dict)
    work: list[_Work] = field(default_factory=list)
    chart_dirs: list[str] = field(default_factory=list)
    modules: dict[str, Any] = field(default_factory=dict)
    #: format module → None (no loader yet) or why it failed to import
    unavailable: dict[str, str | None] = field(default_factory=dict)
    graph: ResourceGraph = field(default_factory=ResourceGraph)
    build_diags: list[Diagnostic] = field(default_factory=list)
    failed_builds: dict[str, str] = field(default_factory=dict)

    # -- walk, read, decode, sniff -----------------------------------------------------------
    def walk_and_read(self) -> None:
        walked = walk_repo(self.root)
        self.chart_dirs = walked.chart_dirs
        self.timings["walk"] = time.perf_counter() - self.t0
        t = time.perf_counter()
        reader = _Reader(self.limits)
        for entry in walked.entries:
            if entry.status is not None:
                self.records[entry.rel] = FileRecord(
                    entry.rel,
                    entry.kind if entry.kind and entry.kind != SNIFF else _other_kind(entry),
                    entry.status,
                    entry.reason,
                    tuple(entry.diagnostics),
                    entry.size,
                )
                continue
            outcome = reader.read(entry)
            if isinstance(outcome, FileRecord):
                self.records[entry.rel] = outcome
            else:
                self.work.append(outcome)
        self.timings["read"] = time.perf_counter() - t
        self.stats["bytes_read"] = reader.bytes_read
        self.stats["sniffed_bytes"] = reader.sniffed_bytes

    # -- parse (cache, then isolated workers) ------------------------------------------------
    def _import_format_modules(self) -> None:
        for w in self.work:
            name = formats.module_for_kind(w.kind)
            if name is None or name in self.modules or name in self.unavailable:
                continue
            try:
                mod = format_module(name)
            except Exception as exc:  # a loader that fails to import must not stop the others
                log.warning("format module %s failed to import", name, exc_info=True)
                self.unavailable[name] = f"loader for {w.kind} is unavailable ({type(exc).__name__})"
                continue
            if mod is None:
                self.unavailable[name] = None
            else:
                self.modules[name] = mod

    def _unsupported(self, w: _Work, name: str | None) -> FileRecord:
        why = (self.unavailable.get(name) if name else None) or f"no loader for {w.kind} yet"
        return FileRecord(
            w.entry.rel,
            w.kind,
            FileStatus.SKIPPED,
            why,
            (*w.diagnostics, Diagnostic(DiagnosticCode.UNSUPPORTED, w.entry.rel, message=why)),
            len(w.text or ""),
            w.sha256,
        )

    def parse(
        self,
        *,
        cache: bool,
        isolate: bool,
        workers: int | None,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        t = time.perf_counter()
        self._import_format_modules()
        extra = frozenset(self.modules)
        parse_cache = ParseCache.for_root(self.root, extra) if cache else None
        tasks: list[ParseTask] = []
        versions: dict[str, str] = {}
        task_work: dict[int, tuple[_Work, str | None]] = {}
        for i, w in enumerate(self.work):
            name = formats.module_for_kind(w.kind)
            if name is None or name not in self.modules:
                w.record = self._unsupported(w, name)
                continue
            key = None
            version = versions.get(name) or versions.setdefault(name, parser_version(self.modules[name]))
            if parse_cache is not None:
                key = ParseCache.key(w.entry.rel, w.kind, name, version, w.sha256)
                hit = parse_cache.get(key)
                if hit is not None:
                    w.parsed = hit
                    continue
            tasks.append(ParseTask(i, name, w.entry.rel, w.text or "", w.kind, version))
            task_work[i] = (w, key)
        self.stats["cache_hits"] = parse_cache.hits if parse_cache else 0
        self.stats["parsed"] = len(tasks)
        if tasks:
            results = self._run_tasks(tasks, extra, isolate=isolate, workers=workers, progress=progress)
            for task in tasks:
                w, key = task_work[task.task_id]
                pf = results.get(task.task_id) or _no_result(task)
                w.parsed = pf
                transient = any(d.code in _TRANSIENT for d in pf.diagnostics)
                if parse_cache is not None and key is not None and not transient:
                    parse_cache.put(key, pf)
        if parse_cache is not None and parse_cache.writes:
            parse_cache.prune()
        self.timings["parse"] = time.perf_counter() - t
        for w in self.work:
            if w.parsed is not None:
                w.record = _parsed_record(w, w.parsed)

    def _run_tasks(
        self,
        tasks: list[ParseTask],
        extra: frozenset[str],
        *,
        isolate: bool,
        workers: int | None,
        progress: Callable[[int, int], None] | None,
    ) -> dict[int, ParsedFile]:
        if isolate:
            pool = get_pool(self.limits.worker_memory_bytes, workers)
            results = pool.run(
                tasks,
                timeout_s=self.limits.timeout_s,
                import_timeout_s=self.limits.import_timeout_s,
                exclude_root=self.root,
                workers=workers,
                extra_modules=extra,
                progress=progress,
            )
            self.stats["workers"] = min(len(tasks), workers or pool.size)
            return results
        results = {}
        for task in tasks:
            results[task.task_id] = parse_in_process(task)
            if progress is not None:
                with contextlib.suppress(Exception):
                    progress(len(results), len(tasks))
        return results

    # -- build -------------------------------------------------------------------------------
    def build(self) -> None:
        t = time.perf_counter()
        by_module: dict[str, list[ParsedFile]] = {}
        for w in self.work:
            if w.parsed is None or w.record is None or w.record.status not in _BUILT:
                continue
            name = formats.module_for_kind(w.kind)
            if name in self.modules:
                by_module.setdefault(name, []).append(w.parsed)
        order = [m for m in formats.DEFAULT_BUILD_ORDER if m in by_module] + sorted(
            m for m in by_module if m not in formats.DEFAULT_BUILD_ORDER
        )
        reader = confined_reader(self.root, cap=self.limits.data_bytes)
        for name in order:
            t_build = time.perf_counter()
            try:
                build_fn = self.modules[name].build
                options: dict[str, Any] = {}
                if _accepts(build_fn, "read_text"):
                    options["read_text"] = reader
                if _accepts(build_fn, "list_files"):
                    options["list_files"] = self.file_paths
                self.build_diags.extend(build_fn(by_module[name], self.graph, **options) or [])
            except Exception as exc:
                if os.environ.get("INFRA_REVIEW_DEBUG"):
                    raise
                log.error("loader %s failed to build the graph", name, exc_info=True)
                short = name.rsplit(".", 1)[-1]
                self.failed_builds[name] = (
                    f"internal error in {short} loader ({type(exc).__name__}); resources missing"
                )
            self.timings["build:" + name.rsplit(".", 1)[-1]] = time.perf_counter() - t_build
        self.timings["build"] = time.perf_counter() - t

    def file_paths(self) -> list[str]:
        """Root-relative paths of every regular file the walk found (ignored directories excluded),
        for ``fileset()``: a listing, never a read."""
        paths = {rel for rel, rec in self.records.items() if rec.kind not in ("directory", "symlink")}
        paths.update(w.entry.rel for w in self.work)
        return sorted(paths)

    def finish(self, finish: Callable[[ResourceGraph], list[Diagnostic]]) -> None:
        """Run the caller's finishing step (linking, derived edges); its diagnostics join the load's."""
        t = time.perf_counter()
        self.build_diags.extend(finish(self.graph) or [])
        self.timings["link"] = time.perf_counter() - t

    # -- records, coverage, repository facts -------------------------------------------------
    def _final_records(self) -> list[FileRecord]:
        records = dict(self.records)
        for w in self.work:
            assert w.record is not None
            rec = w.record
            name = formats.module_for_kind(w.kind)
            if name in self.failed_builds and rec.status in _BUILT:
                diag = Diagnostic(DiagnosticCode.PARSE_ERROR, rec.path, message=self.failed_builds[name])
                rec = replace(
                    rec,
                    status=FileStatus.FAILED,
                    reason="loader error",
                    diagnostics=(*rec.diagnostics, diag),
                )
            records[rec.path] = rec
        extra_by_file: dict[str, list[Diagnostic]] = {}
        for d in self.build_diags:
            if d.file in records:
                extra_by_file.setdefault(d.file, []).append(d)
        for path, ds in extra_by_file.items():
            rec = records[path]
            records[path] = replace(rec, diagnostics=(*rec.diagnostics, *ds))
        return [records[k] for k in sorted(records)]

    def result(self) -> LoadResult:
        files = self._final_records()
        known = {f.path for f in files}
        general = [d for d in self.build_diags if d.file not in known]
        diagnostics = [d for r in files for d in r.diagnostics] + general
        coverage = coverage_of(files)
        rg = self.graph
        rg.files = files
        rg.repo = _repo_facts(self.root, files, self.chart_dirs)
        rg.repo["coverage"] = coverage
        texts = {w.entry.rel: w.text for w in self.work if w.text is not None}
        rg.facts = RepoFacts(
            self.root,
            tuple(rg.repo["paths"]),
            texts,
            reader=confined_reader(self.root, cap=FACTS_READ_CAP),
        )
        self.timings["total"] = time.perf_counter() - self.t0
        return LoadResult(rg, files, diagnostics, coverage, Path(self.root), self.timings, self.stats)


_BUILT = (FileStatus.PARSED, FileStatus.PARTIAL)
_TRANSIENT = (DiagnosticCode.TIMEOUT, DiagnosticCode.RESOURCE_LIMIT, DiagnosticCode.UNSUPPORTED)


def _no_result(task: ParseTask) -> ParsedFile:
    """Defensive: every task should have a result; a missing one is a resource-limit failure."""
    diag = Diagnostic(DiagnosticCode.RESOURCE_LIMIT, task.rel_path, message="no result from parser process")
    return ParsedFile(task.rel_path, task.kind, FileStatus.FAILED, None, [diag])


def _parsed_record(w: _Work, pf: ParsedFile) -> FileRecord:
    """The coverage record of a file the parser (or the cache) answered for."""
    pf.path = w.entry.rel
    pf.kind = pf.kind or w.kind
    pf.sha256 = w.sha256
    pf.size = w.entry.size
    diags = (*w.diagnostics, *pf.diagnostics)
    status = pf.status if pf.status in (*_BUILT, FileStatus.FAILED) else FileStatus.FAILED
    reason = ""
    if status is FileStatus.PARTIAL:
        reason = "partially parsed"
    elif status is not FileStatus.PARSED:
        codes = [d.code for d in pf.diagnostics]
        reason = _REASONS.get(codes[0], str(codes[0])) if codes else "parse error"
    return FileRecord(w.entry.rel, w.kind, status, reason, diags, w.entry.size, w.sha256)


def _accepts(fn: Any, param: str) -> bool:
    """True when ``fn`` takes a keyword argument ``param`` (or ``**kwargs``)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == param or p.kind is p.VAR_KEYWORD for p in params)


def _other_kind(entry: Entry) -> str:
    if entry.entry_type == "directory":
        return "directory"
    if entry.entry_type == "symlink" and not entry.kind:
        return "symlink"
    return "other"


def _skip(entry: Entry, kind: str, code: DiagnosticCode, message: str) -> FileRecord:
    return FileRecord(
        entry.rel,
        kind,
        FileStatus.SKIPPED,
        _REASONS[code],
        (Diagnostic(code, entry.rel, message=message),),
        entry.size,
    )


def _untracked_iac(files: list[FileRecord], tracked: list[str] | None) -> list[str] | None:
    """IaC files present on disk but not in the git index (``None`` when git facts are unknown).

    A local ``terraform.tfvars`` or ``*_override.tf`` changes what Terraform does on this
    machine, but not what the repository says: a reviewer should know which is which.
    """
    if tracked is None:
        return None
    known = set(tracked)
    iac = (FileStatus.PARSED, FileStatus.PARTIAL, FileStatus.FAILED)
    return [r.path for r in files if r.status in iac and r.path not in known]


def _repo_facts(root: str, files: list[FileRecord], chart_dirs: list[str]) -> dict[str, Any]:
    paths = [r.path for r in files if r.kind != "directory"]
    top = [p for p in paths if "/" not in p]
    git = read_git_info(root)
    if git.get("tracked") is not None:
        git["tracked"] = [display_path(p) for p in git["tracked"]]
    return {
        "root": root,
        "name": os.path.basename(root.rstrip(os.sep)) or root,
        "git": git,
        "paths": paths,
        "ignored_dirs": [r.path for r in files if r.kind == "directory" and r.reason == "ignored directory"],
        "has_readme": any(_README_RE.match(p) for p in top),
        "readme": next((p for p in sorted(top) if _README_RE.match(p)), None),
        "has_gitignore": ".gitignore" in top,
        "codeowners": next(
            (p for p in ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS") if p in paths), None
        ),
        "ci_files": [p for p in paths if any(rx.match(p) for rx in _CI_PATTERNS)],
        "pre_commit": ".pre-commit-config.yaml" if ".pre-commit-config.yaml" in top else None,
        "terraform_lock_files": [p for p in paths if p.rsplit("/", 1)[-1] == ".terraform.lock.hcl"],
        "helm_charts": chart_dirs,
        "untracked_iac": _untracked_iac(files, git.get("tracked")),
        "kinds": dict(
            sorted(
                Counter(r.kind for r in files if r.status in (FileStatus.PARSED, FileStatus.PARTIAL)).items()
            )
        ),
    }
