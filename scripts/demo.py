"""`make demo`: migrate and seed the embedded database, start the provider (and the demo sites
when they are there), print where everything is and who can sign in. Ctrl-C stops it all."""

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


def wait(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url} stopped with exit code {proc.returncode}; see the output above.")
        try:
            with urlopen(url, timeout=1):  # noqa: S310 - our own loopback URL
                return
        except (URLError, OSError):
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s.")


def main() -> None:
    env = {**os.environ, "LOKET_ISSUER": ISSUER, "LOKET_ENV": "development"}
    loket = str(BIN / "loket")
    subprocess.run([loket, "db", "upgrade"], env=env, check=True)
    sites = json.loads(subprocess.run([loket, "seed-demo", "--json"], env=env, check=True,
                                      capture_output=True, text=True).stdout)
    host, port = ISSUER.split("//", 1)[1].rsplit(":", 1)
    procs = [subprocess.Popen([loket, "serve", "--host", host, "--port", port], env=env)]
    wait(f"{ISSUER}/healthz", procs[0])
    site_runner = ROOT / "demo_site" / "run.py"
    if site_runner.exists():
        creds = str(Path(env.get("LOKET_INSTANCE_PATH", "instance")).resolve()
                    / "demo-clients.json")
        for site in sites.values():
            proc = subprocess.Popen([sys.executable, str(site_runner), site["client_id"]],
                                    env={**env, "DEMO_CLIENTS_FILE": creds})
            procs.append(proc)
            wait(f"{site['url']}/healthz", proc)

    print("\nLoket demo is running (Ctrl-C stops everything):\n")
    print(f"  Provider (sign-in, Mijn Verenigingsloket)  {ISSUER}/")
    if site_runner.exists():
        for site in sites.values():
            print(f"  {site['name']:<42} {site['url']}/")
    print("\nDemo persons (test login with the rijksregisternummer):\n")
    for name, insz, story in PERSONS:
        print(f"  {name:<12} {insz}  {story}")
    print()

    def _stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
