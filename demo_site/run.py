"""Run one demo site on gunicorn: ``python demo_site/run.py groenbeek``.

Credentials come from the JSON that ``loket seed-demo --json`` writes (``DEMO_CLIENTS_FILE``,
default ``instance/demo-clients.json``); the provider is ``LOKET_ISSUER``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gunicorn.app.base import BaseApplication  # noqa: E402

from demo_site.app import create_site  # noqa: E402
from demo_site.sites import SITES  # noqa: E402


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def main() -> None:
    if len(sys.argv) != 2 or sys.argv[1] not in SITES:
        raise SystemExit(f"usage: run.py {{{'|'.join(SITES)}}}")
    site = SITES[sys.argv[1]]
    creds_file = Path(os.environ.get("DEMO_CLIENTS_FILE", "instance/demo-clients.json"))
    if not creds_file.exists():
        raise SystemExit(f"{creds_file} is missing: run `loket seed-demo` first.")
    creds = json.loads(creds_file.read_text())[site.id]
    url = creds.get("url", site.default_url)
    issuer = os.environ.get("LOKET_ISSUER", "http://127.0.0.1:8000")
    instance = Path(os.environ.get("DEMO_INSTANCE", creds_file.parent)).resolve()
    # the municipality's back office (seed-demo writes its credentials beside the site's)
    offices_file = creds_file.parent / "demo-backoffices.json"
    offices = json.loads(offices_file.read_text()) if offices_file.exists() else {}
    app = create_site(site, issuer=issuer, client_id=creds["client_id"],
                      client_secret=creds["client_secret"], url=url, instance=instance,
                      back_office=offices.get(f"{site.id}-backoffice"))
    parts = urlsplit(url)
    _Server(app, {
        "bind": f"{parts.hostname}:{parts.port or 80}",
        "workers": 1,
        "threads": 8,
        "worker_class": "gthread",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": f"loket-demo-{site.id}",
    }).run()


if __name__ == "__main__":
    main()
