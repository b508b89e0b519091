"""Print the figures `make fuzz` wrote (tests/test_api_conformance.py, one JSON file per
database in the folder given), one line per database; exit 1 when a database has none or any
server error or conformance failure."""

from __future__ import annotations

import json
import sys
from pathlib import Path

BACKENDS = ("sqlite", "postgresql")


def main(folder: str) -> int:
    ok = True
    print(f"{'database':<11} {'examples':>8} {'kinds':>5} {'operations':>10} {'cases':>7} "
          f"{'server errors':>13} {'conformance failures':>20} {'seconds':>7}")
    for backend in BACKENDS:
        path = Path(folder) / f"{backend}.json"
        if not path.exists():
            print(f"{backend:<11} no figures (not run, or skipped: see the pytest output)")
            ok = False
            continue
        f = json.loads(path.read_text())
        print(f"{backend:<11} {f['examples_per_operation']:>8} {f['kinds']:>5} "
              f"{f['operations']:>10} {f['cases']:>7} {f['server_errors']:>13} "
              f"{f['conformance_failures']:>20} {f['seconds']:>7}")
        ok = ok and f["server_errors"] == 0 and f["conformance_failures"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "instance/fuzz"))
