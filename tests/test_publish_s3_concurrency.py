"""Publishers racing on one bucket, and publishers SIGKILLed mid-publish, on SeaweedFS (a real
S3 server with atomic conditional writes, started on 127.0.0.1 by the fixture)."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from skillreg.registry.publish import Planned, PublishOptions, execute, make_plan, publish
from skillreg.registry.storage.s3 import S3Storage
from skillreg.registry.store import (
    PAUSE_ENV,
    PAUSE_SECONDS_ENV,
    PAUSE_SIGNAL_ENV,
    RegistryStore,
    open_registry_store,
)
from skillreg.registry.verify import verify
from tests.s3_fixtures import new_bucket
from tests.test_publish import write_skill

PUBLISHERS = 8
ROUNDS = 20


@pytest.fixture(autouse=True)
def outside_the_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aws_env: Any) -> None:
    monkeypatch.chdir(tmp_path)


def plans(tmp_path: Path, endpoint: str) -> list[list[Planned]]:
    """Publishers 0, 2, 4, 6: versions of one shared skill; 1, 3, 5, 7: skills of their own in
    the same catalog shard. All race on one catalog shard and on search shards; the even ones on
    one document too."""
    from skillreg.skill.parsed import parse_skill

    reg = open_registry_store(f"s3://{new_bucket(endpoint)}/empty", endpoint_url=endpoint)
    result = []
    for i in range(PUBLISHERS):
        name, version = ("race-skill", f"1.{i}.0") if i % 2 == 0 else (f"ra-own-{i}", "1.0.0")
        folder = tmp_path / f"p{i}" / name
        folder.mkdir(parents=True)
        (folder / "SKILL.md").write_text(
            f'---\nname: {name}\ndescription: Races.\nmetadata:\n  version: "{version}"\n'
            f"---\n\n# {name}\n\nSome text.\n"
        )
        skill = parse_skill(folder / "SKILL.md")
        result.append(make_plan([skill], {skill.path: []}, reg)[0])
    return result


def race(stores: list[RegistryStore], plans: list[list[Planned]]) -> list[BaseException]:
    """Run the publishers at once, each with its own S3 client; their exceptions."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(plans))

    def one(reg: RegistryStore, plan: list[Planned]) -> None:
        start.wait()
        try:
            execute(reg, plan)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one, args=pair) for pair in zip(stores, plans, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def race_rounds(endpoint: str, tmp_path: Path, rounds: int) -> list[str]:
    """`rounds` races, each under a fresh prefix; what went wrong in each (empty: nothing)."""
    work = plans(tmp_path, endpoint)
    bucket = new_bucket(endpoint)  # one bucket: SeaweedFS gives each bucket volumes of its own
    # One client per publisher for all rounds: creating a boto3 client costs more CPU than a
    # round's requests.
    clients = [S3Storage.from_url(f"s3://{bucket}", endpoint_url=endpoint).client for _ in work]
    problems = []
    for n in range(rounds):
        prefix = f"round-{n}/"
        errors = race([RegistryStore(S3Storage(c, bucket, prefix)) for c in clients], work)
        reg = RegistryStore(S3Storage(clients[0], bucket, prefix))
        doc = reg.read_doc("race-skill")
        versions = sorted(doc.versions) if doc else []
        missing = [f"ra-own-{i}" for i in range(1, PUBLISHERS, 2)]
        missing = [name for name in missing if not reg.has_skill(name)]
        report = verify(f"s3://{bucket}/{prefix}", endpoint_url=endpoint)
        expected = [f"1.{i}.0" for i in range(0, PUBLISHERS, 2)]
        if errors or versions != expected or missing or report.findings:
            problems.append(f"round {n}: {errors} {versions} {missing} {report.findings}")
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
    problems = race_rounds(seaweed_endpoint, tmp_path, 2)
    assert len(problems) >= 1, "no round lost an update without If-Match/If-None-Match"


STEPS = ("before-doc", "after-blob", "after-doc", "before-shard")


def killed_publisher(folders: list[Path], options: PublishOptions, step: str) -> int:
    """Fork a publisher that pauses at `step` (then goes on after a moment); its pid once it
    got there. A fork, not a fresh interpreter: the kill should land in the writes, not in
    the imports, and twenty fresh interpreters would cost most of this test's time."""
    signal_file = folders[0].parent / f"at-{step}"
    pid = os.fork()
    if pid == 0:  # the child: publish, and never return into pytest
        code = 0
        try:
            os.environ.update(
                {PAUSE_ENV: step, PAUSE_SIGNAL_ENV: str(signal_file), PAUSE_SECONDS_ENV: "0.03"}
            )
            publish(folders, options)
        except BaseException:
            code = 1
        os._exit(code)
    deadline = time.monotonic() + 60
    while not signal_file.exists():
        done, _status = os.waitpid(pid, os.WNOHANG)
        assert done == 0, "the publisher ended before its pause point"
        assert time.monotonic() < deadline, "the publisher never reached its pause point"
        time.sleep(0.002)
    return pid


def test_publishers_killed_at_random_points_leave_a_bucket_that_verifies(
    seaweed_endpoint: str, tmp_path: Path
) -> None:
    target = f"s3://{new_bucket(seaweed_endpoint)}/kills"
    options = PublishOptions(registry=target, endpoint_url=seaweed_endpoint)
    publish([write_skill(tmp_path / "v0", "kill-skill")], options)
    rng = random.Random(20261130)
    kills = runs = 0
    while kills < 20:
        runs += 1
        assert runs <= 40, f"only {kills} of {runs} publishers were still running at the kill"
        folders = [
            write_skill(tmp_path / f"v{runs}", "kill-skill", version=f"1.{runs}.0"),
            write_skill(tmp_path / f"v{runs}", f"ki-{runs}"),
        ]
        # At a step, or up to a tenth of a second after it: inside the writes that follow.
        pid = killed_publisher(folders, options, rng.choice(STEPS))
        time.sleep(rng.uniform(0, 0.1))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        kills += os.WIFSIGNALED(status)
        report = verify(target, endpoint_url=seaweed_endpoint)
        assert report.ok, (runs, report.findings)
        publish(folders, options)  # rerunning completes it
    report = verify(target, endpoint_url=seaweed_endpoint)
    assert report.findings == [] and report.versions == 2 * runs + 1, report.findings
