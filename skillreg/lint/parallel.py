"""Spreading chunks of work over forked processes, the parent working too.

A process pool costs ~35 ms to start and stop (a management thread, queues, feeder threads) and
gives results back through the parent's GIL-bound management thread: a tenth of the whole lint
budget. This is the minimum instead: the chunk numbers are written into a pipe before forking,
every process (the parent included) takes the next number with one atomic 4-byte read until the
pipe is empty, and each child sends its results back as one pickle. A chunk whose results never
arrive (a child killed, say) is simply redone by the parent, so the result never depends on how
the work was split.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_TOKEN = 4  # bytes per chunk number; reads of <= PIPE_BUF bytes from a pipe are atomic
MAX_CHUNKS = 8192  # 32 KiB of tokens: fits an empty pipe's buffer, so writing never blocks


def can_fork() -> bool:
    """Forking is safe only where it exists and no other thread could hold a lock."""
    return hasattr(os, "fork") and threading.active_count() == 1


def busy_now() -> int:
    """Other tasks runnable right now (Linux's count, less this process); a large number when
    unknown, so that `idle_cores` falls back to the load average."""
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            return max(0, int(handle.read().split()[3].split("/")[0]) - 1)
    except (OSError, ValueError, IndexError):
        return 1 << 16


def idle_cores(*samples: int) -> int:
    """The default `--jobs`: every core, less one for each other task beyond the first that was
    busy in every sample of `busy_now` and over the last minute (load average), so neither a
    blip nor the tail of a finished burst counts. On two cores that is both unless two other
    tasks keep them busy: one other task (a CI agent, another build step) still leaves a second
    process about a third more CPU under the kernel's fair sharing, and chunks taken from a
    shared pipe let a slowed process simply take fewer (figures in docs/lint.md)."""
    try:
        recent = round(os.getloadavg()[0])
    except (AttributeError, OSError):
        recent = 0
    busy = min(recent, busy_now(), *samples)
    return max(1, min(8, (os.cpu_count() or 1) - max(0, busy - 1)))


def run_chunks(func: Callable[[T], R], chunks: Sequence[T], workers: int) -> list[R]:
    """`[func(chunk) for chunk in chunks]`, computed by this process and `workers - 1` children."""
    if len(chunks) > MAX_CHUNKS:
        raise ValueError(f"at most {MAX_CHUNKS} chunks")
    tokens, feed = os.pipe()
    os.write(feed, b"".join(i.to_bytes(_TOKEN, "little") for i in range(len(chunks))))
    os.close(feed)
    children = [_spawn(func, chunks, tokens) for _ in range(workers - 1)]
    done = _drain(func, chunks, tokens)
    os.close(tokens)
    for pid, results in children:
        done.update(_collect(pid, results))
    return [done[i] if i in done else func(chunk) for i, chunk in enumerate(chunks)]


def _drain(func: Callable[[T], R], chunks: Sequence[T], tokens: int) -> dict[int, R]:
    done: dict[int, R] = {}
    while len(token := os.read(tokens, _TOKEN)) == _TOKEN:
        index = int.from_bytes(token, "little")
        done[index] = func(chunks[index])
    return done


def _spawn(func: Callable[[T], R], chunks: Sequence[T], tokens: int) -> tuple[int, int]:
    results, sink = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: work, send, and leave without running the parent's exit handlers
        status = 1
        try:
            import pickle  # here, not at import: a run of one process never needs it

            os.close(results)
            payload = pickle.dumps(_drain(func, chunks, tokens), pickle.HIGHEST_PROTOCOL)
            with os.fdopen(sink, "wb") as out:
                out.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(sink)
    return pid, results


def _collect(pid: int, results: int) -> dict[int, R]:
    import pickle

    with os.fdopen(results, "rb") as source:
        payload = source.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not payload:
        return {}
    with contextlib.suppress(Exception):  # a truncated pickle: the parent redoes those chunks
        loaded: dict[int, R] = pickle.loads(payload)
        return loaded
    return {}
