"""Publishers racing on one bucket, and publishers SIGKILLed mid-publish, on SeaweedFS (a real
S3 server with atomic conditional writes, started on 127.0.0.1 by the fixture)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from skillreg.registry.publish import Planned, PublishOptions, execute, make_plan, publish
from skillreg.registry.storage.s3 import S3Storage
from skillreg.registry.store import open_registry_store
from skillreg.registry.verify import verify
from tests.s3_fixtures import new_bucket
from tests.test_publish import write_skill

PUBLISHERS = 8
ROUNDS = 20


@pytest.fixture(autouse=True)
def outside_the_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aws_env: Any) -> None:
    monkeypatch.chdir(tmp_path)


def plans(tmp_path: Path, endpoint: str) -> list[list[Planned]]:
    """Publisher i: version 1.i.0 of one shared skill, and a skill of its own in the same
    catalog shard: every publisher races on one document, one shard and several search shards."""
    from skillreg.collection.workspace import find_skill_files
    from skillreg.skill.parsed import parse_skill

    reg = open_registry_store(f"s3://{new_bucket(endpoint)}/empty", endpoint_url=endpoint)
    result = []
    for i in range(PUBLISHERS):
        shared = write_skill(tmp_path / f"p{i}", "race-skill", version=f"1.{i}.0")
        own = write_skill(tmp_path / f"p{i}", f"ra-own-{i}")
        skills = [parse_skill(p) for p in find_skill_files([shared, own])]
        result.append(make_plan(skills, {s.path: [] for s in skills}, reg))
    return result


def race(endpoint: str, target: str, plans: list[list[Planned]]) -> list[BaseException]:
    """Run the publishers at once, each on its own connection pool; their exceptions."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(plans))

    def one(plan: list[Planned]) -> None:
        reg = open_registry_store(target, endpoint_url=endpoint)
        start.wait()
        try:
            execute(reg, plan)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def race_rounds(endpoint: str, tmp_path: Path, rounds: int) -> list[str]:
    """`rounds` races into fresh buckets; what went wrong in each (empty: nothing)."""
    work = plans(tmp_path, endpoint)
    bucket = new_bucket(endpoint)  # one bucket, a prefix per round: SeaweedFS gives each
    problems = []  # bucket volumes of its own, and a loopback server has few
    for n in range(rounds):
        target = f"s3://{bucket}/round-{n}"
        errors = race(endpoint, target, work)
        doc = open_registry_store(target, endpoint_url=endpoint).read_doc("race-skill")
        versions = sorted(doc.versions) if doc else []
        report = verify(target, endpoint_url=endpoint)
        if errors or versions != [f"1.{i}.0" for i in range(PUBLISHERS)] or report.findings:
            problems.append(f"round {n}: {errors} {versions} {report.findings}")
    return problems


@pytest.fixture
def slow_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widen every read-modify-write window a little, as a loaded machine would."""
    monkeypatch.setenv("SKILL_TEST_PAUSE_AT", "before-doc")
    monkeypatch.setenv("SKILL_TEST_PAUSE_SECONDS", "0.02")


def test_eight_publishers_lose_nothing_twenty_times(
    seaweed_endpoint: str, tmp_path: Path, slow_writes: None
) -> None:
    assert race_rounds(seaweed_endpoint, tmp_path, ROUNDS) == []


def test_without_conditional_headers_the_same_race_loses_versions(
    seaweed_endpoint: str, tmp_path: Path, slow_writes: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: with the conditions stripped, publishers overwrite each other."""
    real = S3Storage.write

    def unconditional(self: S3Storage, key: str, data: bytes, kind: Any, **_: Any) -> None:
        real(self, key, data, kind)

    monkeypatch.setattr(S3Storage, "write", unconditional)
    problems = race_rounds(seaweed_endpoint, tmp_path, 3)
    assert len(problems) >= 1, "no round lost an update without If-Match/If-None-Match"


def publisher(folder: Path, target: str, endpoint: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "skillreg",
            "publish",
            str(folder),
            "--to",
            target,
            *("--endpoint-url", endpoint),
        ],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_publishers_killed_at_random_points_leave_a_bucket_that_verifies(
    seaweed_endpoint: str, tmp_path: Path
) -> None:
    target = f"s3://{new_bucket(seaweed_endpoint)}/kills"
    options = PublishOptions(registry=target, endpoint_url=seaweed_endpoint)
    publish([write_skill(tmp_path / "v0", "kill-skill")], options)
    rng = random.Random(20261130)
    killed_mid_write = 0
    for i in range(1, 21):
        folders = [
            write_skill(tmp_path / f"v{i}", "kill-skill", version=f"1.{i}.0"),
            write_skill(tmp_path / f"v{i}", f"ki-{i}"),
        ]
        before = _objects(seaweed_endpoint, target)
        proc = publisher(tmp_path / f"v{i}", target, seaweed_endpoint)
        deadline = time.monotonic() + 60
        # Kill once the publisher has started writing (its first conditional write makes the
        # bucket grow), at a random moment of its remaining run.
        while _objects(seaweed_endpoint, target) <= before and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.25))
        killed_mid_write += proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        report = verify(target, endpoint_url=seaweed_endpoint)
        assert report.ok, (i, report.findings)
        publish(folders, options)  # rerunning completes it
        report = verify(target, endpoint_url=seaweed_endpoint)
        assert report.findings == [] and report.versions == 2 * i + 1, report.findings
    assert killed_mid_write >= 10, f"only {killed_mid_write} of 20 kills landed mid-publish"


def _objects(endpoint: str, target: str) -> int:
    from tests.s3_fixtures import s3_client

    bucket, _, prefix = target.removeprefix("s3://").partition("/")
    pages = s3_client(endpoint).get_paginator("list_objects_v2")
    return sum(len(p.get("Contents", [])) for p in pages.paginate(Bucket=bucket, Prefix=prefix))
