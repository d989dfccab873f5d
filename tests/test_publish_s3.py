"""Publishing to an S3 bucket (moto in server mode on 127.0.0.1): the protocol, error paths,
the sharded catalog, and installing through a plain HTTP server in front of the bucket."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from skillreg.cli import cli
from skillreg.core.diagnostics import Severity
from skillreg.registry.verify import reindex, verify
from tests.install_helpers import skill as skill_in
from tests.s3_fixtures import CREDENTIALS, BucketSite, Fault, FaultProxy, new_bucket, s3_client
from tests.test_publish import sources, write_skill


@pytest.fixture(autouse=True)
def outside_the_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aws_env: Any) -> None:
    """Lint reads the config above the current folder: keep the repo's council profile out."""
    monkeypatch.chdir(tmp_path)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def publish(folder: Path, target: str, endpoint: str) -> Result:
    return run("publish", str(folder), "--to", target, "--endpoint-url", endpoint)


def assert_no_secret(result: Result) -> None:
    text = result.stdout + result.stderr
    assert CREDENTIALS["AWS_SECRET_ACCESS_KEY"] not in text
    assert CREDENTIALS["AWS_ACCESS_KEY_ID"] not in text
    assert "Traceback" not in text


def test_publish_verify_install_and_search_through_a_bucket(
    moto_endpoint: str, tmp_path: Path
) -> None:
    bucket = new_bucket(moto_endpoint)
    target = f"s3://{bucket}/team"
    result = publish(sources(tmp_path), target, moto_endpoint)
    assert result.exit_code == 0, result.output
    assert "published backend-developer@" in result.stdout
    assert_no_secret(result)
    client = s3_client(moto_endpoint)
    root = json.loads(client.get_object(Bucket=bucket, Key="team/registry.json")["Body"].read())
    assert root["catalog"] == "catalog/{shard}.json" and root["search"]
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert "team/catalog/bac.json" in keys and "team/catalog.json" not in keys
    blob = next(k for k in keys if "/blobs/" in k)
    assert "immutable" in client.head_object(Bucket=bucket, Key=blob)["CacheControl"]
    doc = client.head_object(Bucket=bucket, Key="team/index/ba/ck/backend-developer.json")
    assert "max-age=60" in doc["CacheControl"]

    checked = run("registry", "verify", target, "--endpoint-url", moto_endpoint)
    assert checked.exit_code == 0 and checked.stdout.startswith("ok: 6 skills"), checked.output
    again = publish(sources(tmp_path / "again"), target, moto_endpoint)
    assert again.exit_code == 0 and "published" not in again.stdout
    # A new skill in an existing catalog shard: the page of shards is not rewritten.
    page = client.head_object(Bucket=bucket, Key="team/index.html")["ETag"]
    newer = publish(write_skill(tmp_path / "more", "backend-extra"), target, moto_endpoint)
    assert newer.exit_code == 0 and "wrote catalog/bac.json" in newer.stdout
    assert "index.html" not in newer.stdout
    assert client.head_object(Bucket=bucket, Key="team/index.html")["ETag"] == page

    site = BucketSite(moto_endpoint, bucket, "team/")
    try:
        project = tmp_path / "project"
        project.mkdir()
        installed = skill_in("install", "backend-developer", "--registry", site.url, cwd=project)
        assert installed.exit_code == 0, installed.output
        # The change log (it carries registry.json), the document, the bundle: never a catalog.
        assert {r.split("/", 2)[1] for r in site.requests} == {"changes.json", "index", "blobs"}
        assert (project / ".agents/skills/backend-developer/SKILL.md").is_file()
        found = skill_in("search", "python", "--json", "--registry", site.url, cwd=project)
        assert [h["name"] for h in json.loads(found.stdout)] == ["python-pro"]
        assert [r for r in site.requests if "/catalog/" in r] == [
            "team/catalog/terms/pyth.json",
            "team/catalog/pyt.json",
        ]
    finally:
        site.close()


def test_yank_and_deprecate_in_a_bucket(moto_endpoint: str, tmp_path: Path) -> None:
    target = f"s3://{new_bucket(moto_endpoint)}"
    assert publish(write_skill(tmp_path / "a", "solo-skill"), target, moto_endpoint).exit_code == 0
    yanked = run("yank", "solo-skill@1.0.0", "--from", target, "--endpoint-url", moto_endpoint)
    assert yanked.exit_code == 0 and "serial 2" in yanked.stdout, yanked.output
    gone = run("deprecate", "solo-skill", "--from", target, "--endpoint-url", moto_endpoint)
    assert gone.exit_code == 0 and "serial 3" in gone.stdout
    report = verify(target, endpoint_url=moto_endpoint)
    assert report.ok and report.findings == [], report.findings


def test_lagging_shards_are_info_and_damaged_ones_errors(
    moto_endpoint: str, tmp_path: Path
) -> None:
    bucket = new_bucket(moto_endpoint)
    target = f"s3://{bucket}"
    client = s3_client(moto_endpoint)
    assert publish(write_skill(tmp_path / "a", "lag-skill"), target, moto_endpoint).exit_code == 0
    good = client.get_object(Bucket=bucket, Key="catalog/lag.json")["Body"].read()
    # A publisher killed after its document, before the catalog: the document is ahead.
    assert (
        publish(
            write_skill(tmp_path / "b", "lag-skill", version="1.1.0"), target, moto_endpoint
        ).exit_code
        == 0
    )
    client.put_object(Bucket=bucket, Key="catalog/lag.json", Body=good)
    report = verify(target, endpoint_url=moto_endpoint)
    assert report.ok and [f.severity for f in report.findings] == [Severity.INFO]
    assert "lag-skill" in report.findings[0].message
    # The same serial with other content is damage, not lag.
    client.put_object(
        Bucket=bucket, Key="catalog/lag.json", Body=good.replace(b'"serial":1', b'"serial":2')
    )
    assert not verify(target, endpoint_url=moto_endpoint).ok
    client.put_object(Bucket=bucket, Key="catalog/terms/lag.json", Body=b"{not json")
    bad = verify(target, endpoint_url=moto_endpoint)
    assert {f.path for f in bad.findings if f.severity == Severity.ERROR} == {
        "catalog/lag.json",
        "catalog/terms/lag.json",
    }
    written, _ = reindex(target, endpoint_url=moto_endpoint)
    # Derived files were out of date, so the change log restarts (clients refetch once).
    assert sorted(written) == ["catalog/lag.json", "catalog/terms/lag.json", "changes.json"]
    assert verify(target, endpoint_url=moto_endpoint).findings == []


@pytest.mark.parametrize(
    "fault",
    [
        Fault(412, "PreconditionFailed"),
        Fault(409, "ConditionalRequestConflict"),
        Fault(503, "SlowDown"),
        Fault(500, "InternalError"),
    ],
)
def test_a_lost_race_or_a_passing_fault_is_retried(
    fault_proxy: FaultProxy, tmp_path: Path, fault: Fault
) -> None:
    target = f"s3://{new_bucket(fault_proxy.upstream)}"
    fault_proxy.fail("PUT", "/index/", fault)
    result = publish(write_skill(tmp_path / "a", "retry-skill"), target, fault_proxy.url)
    assert result.exit_code == 0, result.output
    assert (("PUT", fault.status)) in {(m, s) for m, _, s in fault_proxy.log}
    assert verify(target, endpoint_url=fault_proxy.url).findings == []


@pytest.mark.parametrize(
    ("faults", "expected"),
    [
        ([Fault(500, "InternalError")] * 6, "the service answered 500 InternalError"),
        ([Fault(503, "SlowDown")] * 6, "the service answered 503 SlowDown"),
        ([Fault(403, "AccessDenied", "key AKIATESTSKILLREG0001")], "credentials refused"),
        ([Fault(403, "InvalidAccessKeyId")], "credentials refused (InvalidAccessKeyId)"),
        ([Fault(404, "NoSuchBucket")], "no such bucket"),
    ],
)
def test_a_lasting_fault_is_one_error_line(
    fault_proxy: FaultProxy, tmp_path: Path, faults: list[Fault], expected: str
) -> None:
    target = f"s3://{new_bucket(fault_proxy.upstream)}/p"
    fault_proxy.fail("PUT", "/p/registry.json", *faults)
    result = publish(write_skill(tmp_path / "a", "fail-skill"), target, fault_proxy.url)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {target}/registry.json: cannot write: ")
    assert expected in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert "injected" not in result.stderr  # the service's own text never reaches the terminal
    assert_no_secret(result)


def test_missing_credentials_and_unreachable_endpoints(
    moto_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_skill(tmp_path / "a", "lone-skill")
    target = f"s3://{new_bucket(moto_endpoint)}"
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    result = publish(folder, target, moto_endpoint)
    assert result.exit_code == 1 and "no AWS credentials found" in result.stderr, result.output
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["AWS_ACCESS_KEY_ID"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
    from tests.s3_fixtures import free_port

    closed = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    result = publish(folder, target, closed)
    assert result.exit_code == 1 and "cannot connect to the endpoint" in result.stderr
    assert_no_secret(result)


@pytest.mark.parametrize(
    ("target", "extra"),
    [
        ("s3://Bad_Bucket/x", []),
        ("s3://bucket/../x", []),
        ("s3://bucket", ["--endpoint-url", "ftp://x"]),
        ("./folder", ["--endpoint-url", "http://127.0.0.1:9"]),
    ],
)
def test_bad_s3_arguments_are_usage_errors(tmp_path: Path, target: str, extra: list[str]) -> None:
    result = run("publish", str(write_skill(tmp_path / "a", "arg-skill")), "--to", target, *extra)
    assert result.exit_code == 2 and result.stderr.startswith("error: "), result.output


def test_a_dry_run_into_a_bucket_lists_shards_and_no_web_catalog(
    moto_endpoint: str, tmp_path: Path
) -> None:
    """The web catalog is a folder registry's; a bucket gets the sharded catalog instead."""
    target = f"s3://{new_bucket(moto_endpoint)}/dry"
    result = run(
        "publish", str(sources(tmp_path)), "--to", target, "--endpoint-url", moto_endpoint,
        "--dry-run", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)["written"]
    assert "catalog/" in written and "index.html" in written
    assert "catalog.json" not in written and "site/" not in written


def test_the_change_log_is_cached_no_longer_than_a_document(
    moto_endpoint: str, tmp_path: Path
) -> None:
    """Installers learn from the log which documents changed: a CDN keeping it five minutes (as
    a derived file may be) would hide a yank for five minutes, where a document hid it for one."""
    bucket = new_bucket(moto_endpoint)
    result = publish(sources(tmp_path), f"s3://{bucket}/team", moto_endpoint)
    assert result.exit_code == 0, result.output
    client = s3_client(moto_endpoint)
    log = client.head_object(Bucket=bucket, Key="team/changes.json")["CacheControl"]
    doc = client.head_object(Bucket=bucket, Key="team/index/ba/ck/backend-developer.json")
    assert log == doc["CacheControl"]
