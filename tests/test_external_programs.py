"""The check `.ci/run` makes: every external program the code and tests run is installed by the Makefile."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("check_external_programs", ROOT / "scripts" / "check_external_programs.py")
check = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = check  # its dataclasses look their module up there
_spec.loader.exec_module(check)


def test_the_project_runs_no_program_the_makefile_does_not_install():
    calls, bad = check.problems(ROOT)
    assert not bad, "\n".join(bad)
    assert "chromium" in {c.program for c in calls}  # the browser tests' Chromium is found, and installed


def _root(tmp_path, code: str) -> Path:
    (tmp_path / "Makefile").write_text((ROOT / "Makefile").read_text())
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text(code)
    return tmp_path


def test_a_program_nothing_installs_fails_the_check(tmp_path):
    root = _root(tmp_path, 'import subprocess\nsubprocess.run(["pdftotext", "-layout", "a.pdf", "-"], check=True)\n')
    _calls, bad = check.problems(root)
    assert len(bad) == 1 and "'pdftotext'" in bad[0] and "tests/test_x.py:2" in bad[0]
    assert check.main(["--root", str(root)]) == 1


def test_every_way_of_running_a_program_is_seen(tmp_path):
    code = "\n".join([
        "import os, shutil, subprocess, sys",
        "os.system('pdftoppm -png a.pdf')",
        "shutil.which('qpdf')",
        "subprocess.check_output(f'gs -q {x}', shell=True)",
        "subprocess.Popen(command)",
        "subprocess.run([sys.executable, '-c', 'pass'])",
        "subprocess.run(['lscpu'])",
    ])
    calls, bad = check.problems(_root(tmp_path, code))
    assert [c.program for c in calls] == ["pdftoppm", "qpdf", "gs", None, "sys.executable", "lscpu"]
    assert len(bad) == 4


def test_makefile_packages_are_read():
    installed = check.makefile_installs("x:\n\tapt-get install -y -qq chromium fonts-noto-core >/dev/null\n"
                                        "/usr/bin/qpdf:\n\ttrue\nFONT_PACKAGES := fonts-noto-cjk\n")
    assert {"chromium", "fonts-noto-core", "qpdf", "fonts-noto-cjk"} <= installed
