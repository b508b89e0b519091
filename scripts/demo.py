"""`make demo`: migrate and seed the embedded database, start the provider (and the demo sites
when they are there), print where everything is and who can sign in. Ctrl-C stops it all.

The servers write their logs to files (``instance/logs/``), so the console ends with what a
person needs: the addresses and the demo persons. A server that fails to start shows the end of
its log."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ISSUER = os.environ.get("LOKET_ISSUER", "http://127.0.0.1:8000")

PERSONS = [
    ("Jan Peeters", "85073003328",
     "burger; FC Groenbeek (V0001001, primair), Jeugdhuis De Schakel (V0001002), "
     "Peeters Bouw BV (0412.345.614)"),
    ("An Janssens", "92021411256", "alleen burger"),
    ("Els Claes", "79050124561", "burger; Vogelwerkgroep De Rietgors (V0001003)"),
]


def wait(url: str, proc: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _show_tail(log)
            raise SystemExit(f"{url} stopped with exit code {proc.returncode}; its log is above "
                             f"({log}).")
        try:
            with urlopen(url, timeout=1):  # noqa: S310 - our own loopback URL
                return
        except (URLError, OSError):
            time.sleep(0.2)
    _show_tail(log)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s; its log is above ({log}).")


def _show_tail(log: Path, lines: int = 30) -> None:
    if log.exists():
        print("\n".join(log.read_text(errors="replace").splitlines()[-lines:]), file=sys.stderr)


def _run(args: list[str], env: dict[str, str]) -> str:
    """A ``loket`` command whose output matters only when it fails."""
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"`{' '.join(Path(a).name if i == 0 else a for i, a in enumerate(args))}`"
                         f" failed (exit code {done.returncode}); see above.")
    return done.stdout


def main() -> None:
    env = {**os.environ, "LOKET_ISSUER": ISSUER, "LOKET_ENV": "development"}
    loket = str(BIN / "loket")
    instance = Path(env.get("LOKET_INSTANCE_PATH", "instance")).resolve()
    logs = instance / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    print("Preparing the demo database …", flush=True)
    _run([loket, "db", "upgrade"], env)
    sites = json.loads(_run([loket, "seed-demo", "--json"], env))
    host, port = ISSUER.split("//", 1)[1].rsplit(":", 1)
    print("Starting the provider and the demo sites …", flush=True)
    procs: list[subprocess.Popen] = []

    def start(args: list[str], name: str, url: str, extra: dict[str, str] | None = None) -> None:
        log = logs / f"{name}.log"
        with log.open("a") as out:
            proc = subprocess.Popen(args, env={**env, **(extra or {})}, stdout=out,
                                    stderr=subprocess.STDOUT)
        procs.append(proc)
        wait(url, proc, log)

    try:
        start([loket, "serve", "--host", host, "--port", port], "provider", f"{ISSUER}/healthz")
        site_runner = ROOT / "demo_site" / "run.py"
        if site_runner.exists():
            creds = str(instance / "demo-clients.json")
            for site in sites.values():
                start([sys.executable, str(site_runner), site["client_id"]], site["client_id"],
                      f"{site['url']}/healthz", {"DEMO_CLIENTS_FILE": creds})
    except BaseException:
        _stop_all(procs)
        raise

    print("\nLoket demo is running (Ctrl-C stops everything):\n")
    print(f"  Provider (sign-in, Mijn Verenigingsloket)  {ISSUER}/")
    if site_runner.exists():
        for site in sites.values():
            print(f"  {site['name']:<42} {site['url']}/")
    print("\nDemo persons (test login with the rijksregisternummer):\n")
    for name, insz, story in PERSONS:
        print(f"  {name:<12} {insz}  {story}")
    staff = [(site, instance / f"{site['client_id']}-staff.json") for site in sites.values()]
    if site_runner.exists() and all(path.exists() for _site, path in staff):
        print("\nMunicipal staff (the e-loket's requests, /balie on each site):\n")
        for site, path in staff:
            account = json.loads(path.read_text())
            print(f"  {site['url']}/balie  user {account['user']}, password {account['password']}")
    print(f"\nServer logs: {logs}/\n")

    def _stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        _stop_all(procs)
        print("Demo stopped.")


def _stop_all(procs: list[subprocess.Popen]) -> None:
    # a second Ctrl-C (or the terminal's SIGTERM) while stopping must not leave servers behind
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
