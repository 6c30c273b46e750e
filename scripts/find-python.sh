#!/usr/bin/env bash
# Print the path of a Python 3.12 or newer: on the PATH first, then pyenv's versions, then Debian's.
set -euo pipefail
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
for name in python3.14 python3.13 python3.12 python3 python; do
  if command -v "$name" >/dev/null 2>&1; then
    path=$(command -v "$name")
    # pyenv shims answer for versions that are not selected: ask the real interpreter.
    real=$("$path" -c 'import sys; print(sys.executable)' 2>/dev/null || true)
    if [ -n "$real" ] && ok "$real"; then echo "$real"; exit 0; fi
  fi
done
for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 /usr/bin/python3.1[2-9] /usr/local/bin/python3.1[2-9]; do
  if [ -x "$candidate" ] && ok "$candidate"; then echo "$candidate"; exit 0; fi
done
echo "SendFund needs Python 3.12 or newer. Install it (for example: apt-get install python3.12, or pyenv install 3.12) and run make again." >&2
exit 1
