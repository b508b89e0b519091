"""Benchmark: what the demo sites' silent sign-in check (one top-level ``prompt=none`` round trip
on the first page of a browser session) costs, side by side in one run.

It starts the demo (provider on 127.0.0.1, Groenbeek on 127.0.0.2) and, in real Chromium, each
round in a fresh browser context whose cache already holds the page's files (so every kind
starts alike), interleaved at random after a warm-up, times until the page's ``load`` event:

- no check: the page with the check turned off (``?sso=0``) — the page as it was;
- check, signed in nowhere: the first page, through the provider's ``login_required`` answer;
- check, signed in at the provider: the first page, which comes back signed in (code
  exchange and userinfo by the site included);
- signed in, next page: the same page again for that signed-in visitor (no round trip).

It prints median and p95 per kind, with the ratio to "no check" and the requests each made.
Loopback only; bounded by ``--runs``.

    .venv/bin/python bench/sso_check.py [--runs 40]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.browser import launch, sign_in_at_provider  # noqa: E402
from support.demo import running_demo  # noqa: E402
from support.oidc import AN  # noqa: E402

PAGE = "/verenigingen-zoeken"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="loket_bench_sso_check_") as tmp, \
            running_demo(Path(tmp)) as demo, launch() as browser:
        site = demo.url("groenbeek", PAGE)

        def fresh(signed_in: bool) -> tuple[Any, Any, list[str]]:
            """A new browser profile whose cache already holds the page's files (it saw the
            page once with the check off, which leaves the check still to come), then signed
            in at the provider or not: every kind below starts from the same cache."""
            context = browser.new_context(locale="nl-BE")
            page = context.new_page()
            page.goto(site + "?sso=0", wait_until="load")
            if signed_in:
                sign_in_at_provider(page, demo.provider.url, AN)
            seen: list[str] = []
            page.on("request", lambda r: seen.append(r.url))
            return context, page, seen

        def timed_first(url: str, signed_in: bool, check: Callable[[Any], bool]
                        ) -> tuple[float, int]:
            context, page, seen = fresh(signed_in)
            try:
                began = time.perf_counter()
                page.goto(url, wait_until="load")
                took = (time.perf_counter() - began) * 1000
                if not check(page):
                    raise SystemExit(f"{url}: the page did not end as expected ({page.url})")
                return took, len(seen)
            finally:
                context.close()

        def timed_next() -> tuple[float, int]:
            context, page, seen = fresh(True)
            try:
                page.goto(site, wait_until="load")
                seen.clear()
                began = time.perf_counter()
                page.goto(site, wait_until="load")
                return (time.perf_counter() - began) * 1000, len(seen)
            finally:
                context.close()

        def anonymous(page: Any) -> bool:
            return "An Janssens" not in page.content() and page.url.startswith(site)

        def signed_in(page: Any) -> bool:
            return '"active": true' in page.content() and page.url == site

        kinds: dict[str, Callable[[], tuple[float, int]]] = {
            "no check (?sso=0)": lambda: timed_first(site + "?sso=0", False, anonymous),
            "check, signed in nowhere": lambda: timed_first(site, False, anonymous),
            "check, signed in at provider": lambda: timed_first(site, True, signed_in),
            "signed in, next page": timed_next,
        }
        for run in kinds.values():  # warm-up
            for _ in range(3):
                run()
        order = [kind for kind in kinds for _ in range(args.runs)]
        random.Random(9).shuffle(order)
        found: dict[str, list[float]] = {kind: [] for kind in kinds}
        requests: dict[str, int] = {}
        for n, kind in enumerate(order, 1):
            took, count = kinds[kind]()
            found[kind].append(took)
            requests[kind] = count
            print(f"\r  {n}/{len(order)}", end="", flush=True)
        print()
    base = statistics.median(found["no check (?sso=0)"])
    print(f"  {'first page of a browser session':<32} {'median ms':>10} {'p95 ms':>8} "
          f"{'÷ no check':>11} {'requests':>9}")
    for kind, times in found.items():
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"  {kind:<32} {statistics.median(times):>10.1f} {p95:>8.1f} "
              f"{statistics.median(times) / base:>10.2f}× {requests[kind]:>9}")


if __name__ == "__main__":
    main()
