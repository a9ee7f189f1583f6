"""Parse files in isolated worker processes with a per-file time limit and a memory cap.

A hostile file must never kill the calling process (a notebook kernel): parsers run in fresh
interpreters (``python -I``, started like ``spawn``: no ``fork`` of the caller, no re-import of
its ``__main__``) with ``RLIMIT_AS`` (≈1.5 GiB) and no core dumps.  The parent waits for each
file at most ``timeout_s`` seconds after the worker has imported the format module; a worker
that overruns is killed and the file becomes TIMEOUT; a worker that dies (memory, a crash in C
code) makes the file RESOURCE_LIMIT.  Dead workers are replaced and the load goes on.

The pool is persistent (one per process and memory limit): ``import hcl2`` costs about a second,
and a test suite or a notebook loads many repositories.  It is shut down at exit, and never
reused in a forked child.  Results come back as pickles read through
:func:`~infra_review.loaders.safety.cache.safe_loads` (plain data and our dataclasses only).

The worker side and the in-process fallback share :func:`parse_one`, which maps parser
exceptions to diagnostics (MemoryError → RESOURCE_LIMIT, RecursionError → DEPTH_LIMIT, anything
else → PARSE_ERROR naming only the exception type: messages never carry file content).
"""

# ruff: noqa: PTH117

from __future__ import annotations

import atexit
import contextlib
import importlib
import inspect
import json
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from infra_review.loaders.base import ParsedFile
from infra_review.loaders.safety.cache import UnsafePickleError, safe_loads
from infra_review.model import Diagnostic, DiagnosticCode, FileStatus

__all__ = [
    "MAX_RESULT_BYTES",
    "WORKER_IDLE_EXIT_S",
    "ParseTask",
    "WorkerPool",
    "get_pool",
    "parse_in_process",
    "parse_one",
    "shutdown_pools",
    "worker_main",
]


#: Seconds an idle worker waits for work before it exits (a notebook left open keeps no
#: parser processes around; the next load starts new ones).
WORKER_IDLE_EXIT_S = 600.0

#: Largest pickled parse result accepted from a worker (a bound on the caller's memory).
MAX_RESULT_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ParseTask:
    """One file to parse: ``module.parse_file(rel_path, text, kind)``."""

    task_id: int
    module: str
    rel_path: str
    text: str
    kind: str
    #: The module's cache-key version; a change makes the pool restart its workers, so that
    #: they never parse with code older than the key they are cached under.
    version: str = ""


def _failed(task: ParseTask | tuple[str, str], code: DiagnosticCode, message: str) -> ParsedFile:
    rel, kind = (task.rel_path, task.kind) if isinstance(task, ParseTask) else task
    return ParsedFile(rel, kind, FileStatus.FAILED, None, [Diagnostic(code, rel, message=message)])


_ARITY: dict[str, bool] = {}


def _takes_kind(module_name: str, fn: Callable[..., Any]) -> bool:
    """True when ``parse_file`` accepts the ``kind`` argument (the 3-argument contract)."""
    cached = _ARITY.get(module_name)
    if cached is None:
        try:
            params = list(inspect.signature(fn).parameters.values())
        except (TypeError, ValueError):
            cached = True
        else:
            positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            cached = len(positional) >= 3 or any(p.kind is p.VAR_POSITIONAL for p in params)
        _ARITY[module_name] = cached
    return cached


def parse_one(module_name: str, rel_path: str, text: str, kind: str) -> tuple[ParsedFile, bool]:
    """Run one format module's ``parse_file``; returns ``(result, retire_worker)``.

    Never raises for anything a parser does: exceptions become a FAILED result.

    >>> pf, _ = parse_one("infra_review.loaders.no_such_format", "a.tf", "", "terraform")
    >>> pf.status.value, pf.diagnostics[0].code.value
    ('failed', 'UNSUPPORTED')
    """
    key = (rel_path, kind)
    try:
        module = importlib.import_module(module_name)
        fn = module.parse_file
    except ModuleNotFoundError as exc:
        if exc.name and (exc.name == module_name or module_name.startswith(exc.name + ".")):
            return _failed(key, DiagnosticCode.UNSUPPORTED, f"no loader for {kind} yet"), False
        return _failed(
            key, DiagnosticCode.UNSUPPORTED, f"loader for {kind} is unavailable (missing {exc.name})"
        ), False
    except Exception as exc:
        return _failed(
            key, DiagnosticCode.UNSUPPORTED, f"loader for {kind} failed to import ({type(exc).__name__})"
        ), False
    try:
        result = fn(rel_path, text, kind) if _takes_kind(module_name, fn) else fn(rel_path, text)
    except MemoryError:
        return _failed(
            key, DiagnosticCode.RESOURCE_LIMIT, "parser ran out of memory (memory cap reached)"
        ), True
    except RecursionError:
        return _failed(key, DiagnosticCode.DEPTH_LIMIT, "nesting too deep for the parser"), True
    except Exception as exc:
        msg = f"parser raised {type(exc).__name__} (message withheld: it may quote the file)"
        return _failed(key, DiagnosticCode.PARSE_ERROR, msg), False
    if not isinstance(result, ParsedFile):
        msg = f"loader {module_name} returned {type(result).__name__}, not ParsedFile"
        return _failed(key, DiagnosticCode.PARSE_ERROR, msg), False
    return result, False


def parse_in_process(task: ParseTask) -> ParsedFile:
    """The unisolated path (``isolate=False``): same error mapping, no time or memory limit."""
    return parse_one(task.module, task.rel_path, task.text, task.kind)[0]


# --------------------------------------------------------------------------------------------
# Worker side
# --------------------------------------------------------------------------------------------


def _set_limits(memory_bytes: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_bytes > 0:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def worker_main(read_fd: int, write_fd: int, memory_bytes: int, idle_exit_s: float = 600.0) -> None:
    """Loop of a worker process: receive a task, parse, send the result."""
    _set_limits(memory_bytes)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    inbox = Connection(read_fd, writable=False)
    outbox = Connection(write_fd, readable=False)
    while True:
        try:
            if not inbox.poll(idle_exit_s):
                return  # idle for long: free the memory; the pool starts a new worker when needed
            msg = inbox.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        _, task_id, module, rel_path, text, kind, paths = msg
        for p in paths:
            if p not in sys.path:
                sys.path.append(p)
        retire = False
        try:
            if module not in sys.modules:
                importlib.import_module(module)
        except BaseException:
            pass
        try:
            outbox.send_bytes(pickle.dumps(("started", task_id)))
            result, retire = parse_one(module, rel_path, text, kind)
            del text, msg
            try:
                payload = pickle.dumps(("result", task_id, result, retire), protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                raise
            except Exception as exc:
                bad = _failed(
                    (rel_path, kind),
                    DiagnosticCode.PARSE_ERROR,
                    f"loader {module} returned data that cannot be sent back ({type(exc).__name__})",
                )
                payload = pickle.dumps(("result", task_id, bad, False))
            outbox.send_bytes(payload)
        except MemoryError:
            with contextlib.suppress(BaseException):
                bad = _failed((rel_path, kind), DiagnosticCode.RESOURCE_LIMIT, "parser ran out of memory")
                outbox.send_bytes(pickle.dumps(("result", task_id, bad, True)))
            return
        except (BrokenPipeError, EOFError, OSError):
            return
        if retire:
            return


_BOOT = (
    "import sys, json; sys.path[:0] = json.loads(sys.argv[1]); "
    "from infra_review.loaders.safety.isolation import worker_main; "
    "worker_main(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))"
)


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _safe_sys_path(exclude_root: str | None = None) -> list[str]:
    """The caller's ``sys.path`` minus relative entries ('' = the current directory)."""
    out = []
    for p in sys.path:
        if not p or not os.path.isabs(p):
            continue
        if exclude_root and _within(p, exclude_root):
            continue
        out.append(p)
    return out


# --------------------------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------------------------


class _Worker:
    """One worker process and its two pipe ends."""

    def __init__(self, memory_bytes: int, paths: list[str] | None = None) -> None:
        child_read, parent_write = os.pipe()
        parent_read, child_write = os.pipe()
        debug = bool(os.environ.get("INFRA_REVIEW_WORKER_DEBUG"))
        try:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-I",
                    "-c",
                    _BOOT,
                    json.dumps(_safe_sys_path() if paths is None else paths),
                    str(child_read),
                    str(child_write),
                    str(memory_bytes),
                    str(WORKER_IDLE_EXIT_S),
                ],
                pass_fds=(child_read, child_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=None if debug else subprocess.DEVNULL,
                cwd="/",
                start_new_session=True,
            )
        finally:
            os.close(child_read)
            os.close(child_write)
        self.inbox = Connection(parent_read, writable=False)
        self.outbox = Connection(parent_write, readable=False)
        #: Every import path this worker was given (boot and per task).
        self.known_paths: set[str] = set(_safe_sys_path() if paths is None else paths)
        self.task: ParseTask | None = None
        self.deadline = 0.0
        self.started = False
        self.tasks_done = 0

    def send(self, task: ParseTask, paths: list[str], import_timeout: float) -> None:
        self.known_paths.update(paths)
        self.task = task
        self.started = False
        self.deadline = time.monotonic() + import_timeout
        self.outbox.send(("parse", task.task_id, task.module, task.rel_path, task.text, task.kind, paths))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.wait(timeout=5)
        self._close()

    def stop(self) -> None:
        """Ask the worker to exit; kill it if it does not within a moment."""
        with contextlib.suppress(Exception):
            self.outbox.send(None)
        try:
            self.proc.wait(timeout=1)
        except Exception:
            self.kill()
        self._close()

    def _close(self) -> None:
        for conn in (self.inbox, self.outbox):
            with contextlib.suppress(OSError):
                conn.close()

    def exit_code(self) -> int | None:
        """The exit status once the process has ended (waits briefly)."""
        try:
            return self.proc.wait(timeout=2)
        except Exception:
            return None

    def death_message(self) -> str:
        rc = None
        with contextlib.suppress(Exception):
            rc = self.proc.wait(timeout=2)
        if rc is not None and rc < 0:
            try:
                name = signal.Signals(-rc).name
            except ValueError:
                name = f"signal {-rc}"
            return f"parser process died ({name}); memory or resource limit reached"
        return f"parser process died (exit status {rc}); memory or resource limit reached"


class WorkerPool:
    """A small pool of isolated parser processes, reusable across loads."""

    def __init__(self, size: int, memory_bytes: int) -> None:
        self.size = max(1, size)
        self.memory_bytes = memory_bytes
        self.workers: list[_Worker] = []
        self.owner_pid = os.getpid()
        self.lock = threading.Lock()
        self.spawned = 0
        self.replaced = 0
        self.versions: dict[str, str] = {}

    def _spawn(self, paths: list[str] | None = None) -> _Worker:
        w = _Worker(self.memory_bytes, paths)
        self.spawned += 1
        return w

    def run(
        self,
        tasks: Iterable[ParseTask],
        *,
        timeout_s: float,
        import_timeout_s: float,
        exclude_root: str | None = None,
        workers: int | None = None,
        extra_modules: frozenset[str] = frozenset(),
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[int, ParsedFile]:
        """Parse every task; always returns one result per task (failures included).

        If the caller is interrupted (``KeyboardInterrupt`` in a notebook), the workers that
        were busy are killed so that a late answer can never be mistaken for a later task's.
        """
        queue = deque(sorted(tasks, key=lambda t: -len(t.text)))
        if not queue:
            return {}
        want = max(1, min(workers or self.size, len(queue)))
        with self.lock:
            wanted_versions = {t.module: t.version for t in queue}
            if any(self.versions.get(m, v) != v for m, v in wanted_versions.items()):
                for old in self.workers:  # loader code changed since these workers imported it
                    old.stop()
                self.workers = []
            self.versions.update(wanted_versions)
            if exclude_root:  # a worker that may import from inside this repository: replace it
                for old in [w for w in self.workers if any(_within(p, exclude_root) for p in w.known_paths)]:
                    old.stop()
                    self.workers.remove(old)
            self.workers = [w for w in self.workers if w.alive()]
            run = _Run(self, queue, want, timeout_s, import_timeout_s, exclude_root, extra_modules)
            run.progress = progress
            return run.go()

    def close(self) -> None:
        """Stop every worker (only from the process that started them)."""
        if os.getpid() != self.owner_pid:
            self.workers = []
            return
        with self.lock:
            for w in self.workers:
                w.stop()
            self.workers = []


class _Run:
    """One :meth:`WorkerPool.run`: the scheduling loop and its bookkeeping."""

    def __init__(
        self,
        pool: WorkerPool,
        queue: deque[ParseTask],
        want: int,
        timeout_s: float,
        import_timeout_s: float,
        exclude_root: str | None,
        extra_modules: frozenset[str],
    ) -> None:
        self.pool = pool
        self.queue = queue
        self.want = want
        self.timeout_s = timeout_s
        self.import_timeout_s = import_timeout_s
        self.paths = _safe_sys_path(exclude_root)
        self.allowed = frozenset(t.module for t in queue) | extra_modules
        self.results: dict[int, ParsedFile] = {}
        self.idle: deque[_Worker] = deque()
        self.busy: list[_Worker] = []
        self.send_failures: dict[int, int] = {}
        self.total = len(queue)
        self.progress: Callable[[int, int], None] | None = None
        self.reported = 0

    def _report(self) -> None:
        if self.progress is not None and len(self.results) != self.reported:
            self.reported = len(self.results)
            with contextlib.suppress(Exception):  # a broken progress bar never stops a load
                self.progress(self.reported, self.total)

    def _start_worker(self) -> bool:
        try:
            w = self.pool._spawn(self.paths)
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            msg = f"could not start a parser process ({type(exc).__name__}); file not parsed"
            while self.queue:
                task = self.queue.popleft()
                self.results[task.task_id] = _failed(task, DiagnosticCode.RESOURCE_LIMIT, msg)
            return False
        self.pool.workers.append(w)
        self.idle.append(w)
        return True

    def _retire(self, w: _Worker) -> None:
        """Kill ``w`` and, while work remains, start a replacement."""
        w.kill()
        if w in self.pool.workers:
            self.pool.workers.remove(w)
        if w in self.busy:
            self.busy.remove(w)
        if w in self.idle:
            self.idle.remove(w)
        if self.queue and len(self.idle) + len(self.busy) < self.want:
            self.pool.replaced += 1
            self._start_worker()

    def go(self) -> dict[int, ParsedFile]:
        available = list(self.pool.workers[: self.want])
        self.idle.extend(available)
        while len(self.idle) < self.want and self.queue:
            if not self._start_worker():
                break
        try:
            while self.queue or self.busy:
                self._dispatch()
                if self.busy:
                    self._collect()
                    self._report()
                elif self.queue and not self.idle and not self._start_worker():
                    break
        except BaseException:
            for w in list(self.busy):  # their answers would arrive during a later run
                self._retire(w)
            raise
        return self.results

    def _requeue(self, task: ParseTask) -> bool:
        n = self.send_failures[task.task_id] = self.send_failures.get(task.task_id, 0) + 1
        if n >= 3:
            return False
        self.queue.appendleft(task)
        return True

    def _dispatch(self) -> None:
        while self.queue and self.idle:
            w = self.idle.popleft()
            task = self.queue.popleft()
            try:
                w.send(task, self.paths, self.import_timeout_s)
            except (OSError, ValueError):
                if not self._requeue(task):
                    msg = "parser process kept failing to accept the file"
                    self.results[task.task_id] = _failed(task, DiagnosticCode.RESOURCE_LIMIT, msg)
                self._retire(w)
                continue
            self.busy.append(w)

    def _collect(self) -> None:
        wait_for = max(0.0, min(w.deadline for w in self.busy) - time.monotonic())
        ready = wait([w.inbox for w in self.busy], timeout=wait_for)
        for w in list(self.busy):
            task = w.task
            assert task is not None
            if w.inbox not in ready:
                if time.monotonic() >= w.deadline:
                    if w.started:
                        msg = f"parsing took longer than {self.timeout_s:g} s; parser stopped"
                    else:
                        msg = f"loader {task.module} took longer than {self.import_timeout_s:g} s to start"
                    self.results[task.task_id] = _failed(task, DiagnosticCode.TIMEOUT, msg)
                    self._retire(w)
                continue
            try:
                raw = w.inbox.recv_bytes(MAX_RESULT_BYTES)
            except (EOFError, OSError) as exc:
                if isinstance(exc, OSError) and w.alive():
                    msg = f"parse result larger than {MAX_RESULT_BYTES >> 20} MiB; not kept"
                else:
                    if not w.started and w.exit_code() == 0 and self._requeue(task):
                        self._retire(w)  # it had just retired itself (idle): not the file's fault
                        continue
                    msg = w.death_message()
                self.results[task.task_id] = _failed(task, DiagnosticCode.RESOURCE_LIMIT, msg)
                self._retire(w)
                continue
            try:
                message = safe_loads(raw, self.allowed)
            except Exception as exc:  # refused classes, corrupt stream
                # Our own refusal names a class; any other error could quote the stream: type only.
                why = str(exc)[:160] if isinstance(exc, UnsafePickleError) else type(exc).__name__
                msg = f"loader {task.module} returned non-plain data ({why})"
                self.results[task.task_id] = _failed(task, DiagnosticCode.PARSE_ERROR, msg)
                self._retire(w)  # its stream may hold more of that answer: start clean
                continue
            if not (isinstance(message, tuple) and len(message) >= 2 and message[1] == task.task_id):
                msg = "parser process answered out of turn; file not parsed"
                self.results[task.task_id] = _failed(task, DiagnosticCode.RESOURCE_LIMIT, msg)
                self._retire(w)
                continue
            if message[0] == "started":
                w.started = True
                w.deadline = time.monotonic() + self.timeout_s
                continue
            _, task_id, result, retire = message
            if not isinstance(result, ParsedFile):
                msg = f"loader {task.module} returned {type(result).__name__}, not ParsedFile"
                result = _failed(task, DiagnosticCode.PARSE_ERROR, msg)
            self.results[task_id] = result
            w.tasks_done += 1
            w.task = None
            self.busy.remove(w)
            if retire:
                self._retire(w)
            else:
                self.idle.append(w)


_POOLS: dict[tuple[int, int], WorkerPool] = {}
_POOLS_LOCK = threading.Lock()


def default_pool_size() -> int:
    """``min(2, cpu count)``."""
    return max(1, min(2, os.cpu_count() or 1))


def get_pool(memory_bytes: int, size: int | None = None) -> WorkerPool:
    """The process-wide pool for ``memory_bytes`` (a fresh one after ``fork``)."""
    size = size or default_pool_size()
    key = (os.getpid(), memory_bytes)
    with _POOLS_LOCK:
        for k in [k for k in _POOLS if k[0] != os.getpid()]:
            _POOLS.pop(k).workers = []  # inherited from the parent across fork: not ours
        pool = _POOLS.get(key)
        if pool is None:
            pool = _POOLS[key] = WorkerPool(size, memory_bytes)
        elif size > pool.size:
            pool.size = size
        return pool


def shutdown_pools(memory_bytes: int | None = None) -> None:
    """Stop the workers this process started (all pools, or the one for ``memory_bytes``).

    Registered with ``atexit``; a later load simply starts new workers.
    """
    with _POOLS_LOCK:
        keys = [k for k in _POOLS if memory_bytes is None or k[1] == memory_bytes]
        pools = [_POOLS.pop(k) for k in keys]
        pools = [p for p in pools if p.owner_pid == os.getpid()]
    for pool in pools:
        pool.close()


atexit.register(shutdown_pools)
