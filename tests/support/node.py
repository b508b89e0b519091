"""Node programs from npm that tests run as independent peers (certified OpenID libraries and
providers): each folder under tests/support holds its package.json, a pinned package-lock.json
and its script; :func:`installed` copies it to a cache folder keyed by the lock file and runs
`npm ci` there once (xdist workers wait for each other)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def installed(name: str, base: Path = HERE) -> Path:
    """The ready folder of ``<base>/<name>`` (tests/support by default; the benchmarks keep
    theirs in bench/): its script and node_modules."""
    npm = shutil.which("npm")
    if not shutil.which("node") or not npm:
        pytest.skip("node and npm are not installed: apt-get install -y nodejs npm")
    source = base / name
    lock = (source / "package-lock.json").read_bytes()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "loket-tests"
    folder = cache / f"{name}-{hashlib.sha256(lock).hexdigest()[:12]}"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        for item in source.iterdir():
            if item.is_file():
                shutil.copyfile(item, folder / item.name)
        if not (folder / "node_modules").is_dir():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=folder,
                           check=True, timeout=300)
    return folder
