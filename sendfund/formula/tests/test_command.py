"""python manage.py formula_allocate: a thin wrapper; bad input exits non-zero with the message on stderr."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[3]
SCHOOLS = "URN,cluster,pupils,fsm,sen_support,ehc_plans\n1,A,100,10,12,2\n2,A,200,30,20,3\n3,B,300,20,40,9\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "schools.csv").write_text(SCHOOLS)
    (tmp_path / "v.json").write_text(json.dumps({"weights": {"pupils": 0.5, "fsm": 0.5},
                                                 "need_indicators": ["sen_support", "ehc_plans"]}))
    (tmp_path / "bad.json").write_text(json.dumps({"weights": {"pupils": 0.5, "fsm": 0.6}}))
    return tmp_path


def test_command_writes_the_output(files, capsys):
    out = files / "out.csv"
    call_command("formula_allocate", "--schools", str(files / "schools.csv"), "--pot", "1000.00",
                 "--version", str(files / "v.json"), "--output", str(out), "--scenarios", "100")
    rows = list(csv.DictReader(out.open()))
    assert sum(Decimal(r["allocation"]) for r in rows) == Decimal("1000.00")
    assert "2 clusters, 3 schools, £1000.00 allocated" in capsys.readouterr().out


def test_command_refuses_bad_input(files):
    with pytest.raises(CommandError, match="bad.json: the weights must add up to 1. They add up to 1.1"):
        call_command("formula_allocate", "--schools", str(files / "schools.csv"), "--pot", "1000",
                     "--version", str(files / "bad.json"), "--output", str(files / "o.csv"))


def test_command_exit_status_and_stderr(files):
    proc = subprocess.run(
        [sys.executable, "manage.py", "formula_allocate", "--schools", str(files / "schools.csv"), "--pot", "-5",
         "--version", str(files / "v.json"), "--output", str(files / "o.csv"), "--settings=config.settings.test"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode != 0
    assert "--pot: '-5' is negative" in proc.stderr
    assert not (files / "o.csv").exists()
