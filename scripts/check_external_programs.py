#!/usr/bin/env python3
"""List every external program the code and the tests run, and fail when the Makefile does not install it.

A program counts as run when Python code calls it through subprocess (run, call, check_call,
check_output, Popen), os.system, os.popen, os.exec*/spawn*, asyncio's create_subprocess_*, asks
for it with shutil.which, or hands a browser its path (executable_path="/usr/bin/..."). The
program must then be:

- installed by the Makefile: a package named in one of its `apt-get install` lines, or a target
  that is the program's own path (like `/usr/bin/chromium:`);
- part of Debian's base system (BASE_SYSTEM below); or
- Python itself (sys.executable).

A call whose program cannot be read from the source (a variable, say) fails too, so that nothing
slips past. Standard library only: it runs before anything is installed.

Usage: scripts/check_external_programs.py [--root DIR]   (exit status 1 on a problem)
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

FOLDERS = ("sendfund", "tests", "e2e", "bench", "scripts", "config")
TOP_FILES = ("conftest.py", "manage.py")

# Programs of Debian's essential packages (coreutils, util-linux, bash, dash...): on every machine.
BASE_SYSTEM = frozenset({
    "sh", "bash", "env", "cat", "cp", "mv", "rm", "ls", "mkdir", "date", "id", "uname", "true", "false", "sleep",
    "test", "lscpu", "nproc", "kill", "sort", "head", "tail", "grep", "sed", "find", "tar", "gzip",
    "make",  # it runs the Makefile itself: on every machine that runs `make test`
})

SUBPROCESS = {"run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput"}
OS_RUNNERS = {"system", "popen", "execv", "execvp", "execl", "execlp", "spawnv", "spawnvp", "spawnl", "spawnlp",
              "posix_spawn", "posix_spawnp"}


@dataclass(frozen=True)
class Call:
    path: str
    line: int
    program: str | None  # None: the program cannot be read from the source
    how: str


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _program_of(arg: ast.AST | None) -> str | None:
    """The program named by a call's first argument: a list's first string, or a command line's first word."""
    if arg is None:
        return None
    if _dotted(arg) == "sys.executable":
        return "sys.executable"
    if isinstance(arg, (ast.List, ast.Tuple)) and arg.elts:
        return _program_of(arg.elts[0])
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.strip():
        return Path(arg.value.split()[0]).name
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        first = str(arg.values[0].value).split()
        return Path(first[0]).name if first else None
    return None


def calls_in(source: str, path: str) -> list[Call]:
    found = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        module, _, attr = name.rpartition(".")
        first = node.args[0] if node.args else None
        if module.endswith("subprocess") and attr in SUBPROCESS:
            found.append(Call(path, node.lineno, _program_of(first), name))
        elif module == "os" and attr in OS_RUNNERS:
            found.append(Call(path, node.lineno, _program_of(node.args[-1] if attr.startswith(("exec", "spawn"))
                                                             and len(node.args) > 1 else first), name))
        elif attr in ("create_subprocess_exec", "create_subprocess_shell"):
            found.append(Call(path, node.lineno, _program_of(first), name))
        elif name in ("shutil.which", "which") and module in ("shutil", ""):
            if name == "shutil.which" or isinstance(first, ast.Constant):
                found.append(Call(path, node.lineno, _program_of(first), name))
        for kw in node.keywords:
            if kw.arg == "executable_path":
                found.append(Call(path, node.lineno, _program_of(kw.value), "executable_path"))
    # A browser's path in a dict literal ({"executable_path": "/usr/bin/chromium", ...}).
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "executable_path":
                    found.append(Call(path, value.lineno, _program_of(value), "executable_path"))
    return found


def python_files(root: Path):
    for folder in FOLDERS:
        base = root / folder
        if base.is_dir():
            yield from sorted(p for p in base.rglob("*.py") if "node_modules" not in p.parts)
    for name in TOP_FILES:
        if (root / name).is_file():
            yield root / name


def makefile_installs(makefile: str) -> set[str]:
    """Packages the Makefile installs with apt-get, and programs whose path is a Makefile target."""
    installed: set[str] = set()
    text = makefile.replace("\\\n", " ")
    for match in re.finditer(r"apt-get\s+install\s+([^;&|>\n]*)", text):
        installed |= {word for word in match.group(1).split() if not word.startswith(("-", "$"))}
    for match in re.finditer(r"^(/[\w/.+-]+):", makefile, flags=re.M):
        installed.add(Path(match.group(1)).name)
    # Variables of package names, for example NOTO_PACKAGES := fonts-noto-core ...
    for match in re.finditer(r"^\w*PACKAGES\s*:?=\s*(.+)$", makefile, flags=re.M):
        installed |= set(match.group(1).split())
    return installed


def problems(root: Path) -> tuple[list[Call], list[str]]:
    calls = [c for p in python_files(root) for c in calls_in(p.read_text(encoding="utf-8"), str(p.relative_to(root)))]
    installed = makefile_installs((root / "Makefile").read_text(encoding="utf-8"))
    bad = []
    for c in calls:
        if c.program is None:
            bad.append(f"{c.path}:{c.line}: {c.how}(...) runs a program the check cannot read; name it literally")
        elif c.program not in installed and c.program not in BASE_SYSTEM and c.program != "sys.executable":
            bad.append(f"{c.path}:{c.line}: {c.how} runs {c.program!r}, which the Makefile does not install "
                       f"(add its Debian package to an apt-get install line, or do it in Python)")
    return calls, bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    calls, bad = problems(args.root)
    for program in sorted({c.program or "?" for c in calls}):
        where = ", ".join(f"{c.path}:{c.line}" for c in calls if (c.program or "?") == program)
        print(f"{program}: {where}")
    if bad:
        print("\n".join(["", "External programs the Makefile does not install:", *bad]), file=sys.stderr)
        return 1
    print(f"Every external program ({len({c.program for c in calls})}) is installed by the Makefile or is "
          "part of the base system.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
