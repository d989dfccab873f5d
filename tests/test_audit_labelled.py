"""The SK5xx family against a labelled set written for it (tests/audit_cases): every case is a small
skill whose `labels.json` entry lists the codes it must raise, near-misses listing none. Precision
and recall per rule are printed (`pytest -s`), and precision of at least 0.9 is the gate."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from skillreg.audit.rules import AUDIT_RULES
from skillreg.audit.scan import scan_folder
from tests.conftest import REPO

CASES = REPO / "tests" / "audit_cases"
LABELS: dict[str, list[str]] = json.loads((CASES / "labels.json").read_text())


def _found(name: str) -> set[str]:
    return {d.code for d in scan_folder(CASES / name)}


def test_the_set_is_large_and_balanced() -> None:
    assert len(LABELS) >= 60
    positives = Counter(code for codes in LABELS.values() for code in codes)
    negatives = sum(1 for codes in LABELS.values() if not codes)
    assert negatives >= 25
    for rule in AUDIT_RULES:
        if rule.code != "SK505":  # look-alike names are a collection-level check (test_audit.py)
            assert positives[rule.code] >= 2, rule.code


def test_precision_and_recall_per_rule(capsys: pytest.CaptureFixture[str]) -> None:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    wrong: list[str] = []
    for name, expected in LABELS.items():
        got = _found(name)
        for code in got | set(expected):
            if code in got and code in expected:
                tp[code] += 1
            elif code in got:
                fp[code] += 1
                wrong.append(f"{name}: unexpected {code}")
            else:
                fn[code] += 1
                wrong.append(f"{name}: missed {code}")
    lines = ["rule    precision  recall  (tp fp fn)"]
    for rule in AUDIT_RULES:
        code = rule.code
        if not (tp[code] or fp[code] or fn[code]):
            continue
        precision = tp[code] / ((tp[code] + fp[code]) or 1)
        recall = tp[code] / ((tp[code] + fn[code]) or 1)
        lines.append(
            f"{code}   {precision:9.2f}  {recall:6.2f}  ({tp[code]} {fp[code]} {fn[code]})"
        )
        assert precision >= 0.9, f"{code} precision {precision:.2f}: {wrong}"
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    total_tp, total_fp = sum(tp.values()), sum(fp.values())
    assert total_tp / (total_tp + total_fp) >= 0.9, wrong
    assert sum(fn.values()) <= len(LABELS) // 10, wrong
