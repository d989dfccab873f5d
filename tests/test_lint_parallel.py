"""Forked chunk processing: same results as a plain loop, whoever computes which chunk."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest

from skillreg.lint import parallel

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _square_all(chunk: list[int]) -> list[tuple[int, int]]:
    time.sleep(0.002)  # long enough that a child starts before the parent has taken every chunk
    return [(n * n, os.getpid()) for n in chunk]


def test_results_in_chunk_order_and_work_shared() -> None:
    chunks = [list(range(i, i + 50)) for i in range(0, 5000, 50)]
    parts = parallel.run_chunks(_square_all, chunks, workers=3)
    assert [n for part in parts for n, _ in part] == [n * n for n in range(5000)]
    assert len({pid for part in parts for _, pid in part}) >= 2
    assert os.getpid() in {pid for part in parts for _, pid in part}


def _die_in_child(parent: int) -> Callable[[list[int]], list[int]]:
    def work(chunk: list[int]) -> list[int]:
        if os.getpid() != parent:
            os._exit(3)  # a child killed mid-way: its chunks must be redone by the parent
        return [n + 1 for n in chunk]

    return work


def test_chunks_of_a_dead_child_are_redone() -> None:
    chunks = [[i] for i in range(200)]
    work = _die_in_child(os.getpid())
    parts = parallel.run_chunks(work, chunks, workers=2)
    assert parts == [[i + 1] for i in range(200)]


class _ExitWhilePickled:
    """Kills the child while its results are being streamed into the pipe."""

    def __reduce__(self) -> tuple[object, ...]:
        os._exit(4)


def _cut_off_in_child(parent: int) -> Callable[[list[int]], object]:
    def work(chunk: list[int]) -> object:
        if os.getpid() != parent:  # ~200 kB of frames reach the pipe before the child dies
            return [b"x" * 200_000, _ExitWhilePickled()]
        time.sleep(0.002)  # leave the child chunks to take
        return [n + 1 for n in chunk]

    return work


def test_chunks_of_a_child_cut_off_mid_stream_are_redone() -> None:
    """The results are unpickled as they arrive: a stream that stops half-way (the child
    killed while sending) is thrown away whole and its chunks redone by the parent."""
    chunks = [[i] for i in range(200)]
    work = _cut_off_in_child(os.getpid())
    parts = parallel.run_chunks(work, chunks, workers=2)
    assert parts == [[i + 1] for i in range(200)]


def test_too_many_chunks_is_refused() -> None:
    with pytest.raises(ValueError):
        parallel.run_chunks(_square_all, [[1]] * (parallel.MAX_CHUNKS + 1), workers=2)


def test_large_trees_use_fewer_bigger_chunks() -> None:
    from pathlib import Path

    from skillreg.lint.runner import chunked

    files = [Path(f"{i}/SKILL.md") for i in range(parallel.MAX_CHUNKS * 32 + 5)]
    chunks = chunked(files)
    assert len(chunks) <= parallel.MAX_CHUNKS
    assert [f for chunk in chunks for f in chunk] == files
    assert [len(c) for c in chunked(files[:100])] == [32, 32, 32, 4]


def test_idle_cores_counts_only_what_is_busy_now_and_lately(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    monkeypatch.setattr(parallel, "busy_now", lambda: 4)
    monkeypatch.setattr(os, "getloadavg", lambda: (4.2, 3.0, 3.0))
    assert parallel.idle_cores(4) == 1  # every core busy now, and for the last minute
    assert parallel.idle_cores(3) == 2  # three busy: the first costs no core
    assert parallel.idle_cores(0) == 4  # a sample found the cores idle: a blip
    monkeypatch.setattr(os, "getloadavg", lambda: (0.4, 2.0, 3.0))
    assert parallel.idle_cores(4) == 4  # busy this instant only
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.3, 1.0, 1.0))
    monkeypatch.setattr(parallel, "busy_now", lambda: 1)
    assert parallel.idle_cores(1) == 2  # one other task: both cores still pay (CI)
    monkeypatch.setattr(os, "getloadavg", lambda: (2.4, 2.0, 2.0))
    monkeypatch.setattr(parallel, "busy_now", lambda: 2)
    assert parallel.idle_cores(2) == 1  # both cores truly busy
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert parallel.idle_cores(0) == 8  # capped
