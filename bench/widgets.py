"""Widget benchmark: bytes needed for the first render of header + footer, and the page load
time with and without the widgets, measured side by side (alternating) in one run — on a bare
page (text only: the worst case for the ratio) and on a typical municipal page (its own
stylesheet, a script and photos, served from the municipality's host).

Run: .venv/bin/python bench/widgets.py [--runs N]. Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.browser import launch  # noqa: E402
from support.servers import free_port, make_provider  # noqa: E402

CONTENT = "<h1>Welkom in Groenbeek</h1>" + "<p>Nieuws van de gemeente en haar verenigingen.</p>" * 40


def page(body: str, head: str = "") -> bytes:
    return (f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Groenbeek</title>'
            f'{head}</head><body>{body}</body></html>').encode()


def _png(width: int, height: int, seed: int) -> bytes:
    """A photo-like PNG (noise compresses as badly as a photo does)."""
    import random
    import struct
    import zlib

    rng = random.Random(seed)
    raw = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def typical_site() -> dict[str, bytes]:
    """A municipality's own assets: 40 KB of CSS, 20 KB of JavaScript, three 200 KB photos."""
    css = "".join(f".c{i} {{ margin: {i % 7}px; padding: {i % 5}px; color: #{i % 4096:03x}; }}\n"
                  for i in range(1600)).encode()
    js = ("(function(){var n=0;" + "n+=1;" * 4000 + "window.siteReady=n;})();").encode()
    assets = {"/site.css": css, "/site.js": js}
    for i in range(3):
        assets[f"/photo{i}.png"] = _png(260, 260, i)
    return assets


TYPICAL_HEAD = '<link rel="stylesheet" href="/site.css"><script src="/site.js" defer></script>'
TYPICAL_BODY = CONTENT + "".join(f'<img src="/photo{i}.png" alt="" width="260" height="260">'
                                 for i in range(3))


def serve(pages: dict[str, bytes], host: str) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?", 1)[0]
            body = pages.get(path)
            self.send_response(200 if body is not None else 204)
            kind = {".css": "text/css", ".js": "text/javascript", ".png": "image/png"}
            self.send_header("Content-Type", kind.get(Path(path).suffix, "text/html; charset=utf-8"))
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            try:
                self.wfile.write(body or b"")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the browser closed an idle context

        def log_message(self, *args: Any) -> None:
            pass

    port = free_port(host)
    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{port}"


# A mobile 4G connection (Chromium's own throttling, applied to both variants alike).
NETWORK_4G = {"offline": False, "latency": 40, "downloadThroughput": 9_000_000 / 8,
              "uploadThroughput": 3_000_000 / 8}


def load_ms(browser: Any, url: str, network: dict[str, Any] | None = None) -> float:
    """Navigation start to load event end, in a fresh (cold-cache) browser context."""
    context = browser.new_context()
    tab = context.new_page()
    if network:
        cdp = context.new_cdp_session(tab)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", network)
    tab.goto(url, wait_until="load")
    value = tab.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    context.close()
    return float(value)


def warm_ms(browser: Any, url: str, runs: int) -> list[float]:
    """Visits to other pages of the site in one context: the script comes from the cache.

    Each visit is to a new URL: Chromium turns a navigation to the page already shown into a
    reload, which revalidates every cached script — not what a visitor clicking on does.
    """
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(url, wait_until="load")
    out = []
    for n in range(runs):
        tab.goto(f"{url}?page={n}", wait_until="load")
        out.append(float(tab.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")))
    context.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="page loads per variant")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="loket-bench-") as tmp:
        provider = make_provider(Path(tmp))
        try:
            script = f"{provider.url}/widgets/v1/groenbeek/embed.js"
            first = requests.get(script, timeout=10)
            body = first.content
            bundle = requests.get(f"{provider.url}/widgets/v1/versions.json", timeout=10).json()
            code = requests.get(bundle["versions"][bundle["current"]]["url"], timeout=10).content
            print("Widgets: bytes for the first render of header + footer")
            print(f"  per-site script (JS + CSS + theme + config): {len(body):>7} B raw, "
                  f"{len(gzip.compress(body, 9)):>6} B gzip")
            print(f"  of which the shared bundle (JS + CSS):       {len(code):>7} B raw, "
                  f"{len(gzip.compress(code, 9)):>6} B gzip")
            print("  requests: 1 (the stable URL answers the script itself); no CSS, font or image request")
            # Panels are chunks fetched only by pages that have their element.
            for url in sorted(set(re.findall(r'"(https?://[^"]+/widgets/v1/assets/loket-[a-z-]+'
                                             r'\.[0-9a-f]{16}\.js)"', body.decode()))):
                chunk = requests.get(url, timeout=10).content
                tag = url.rsplit("/", 1)[1].split(".")[0]
                print(f"  panel chunk {tag} (only where used):{len(chunk):>7} B raw, "
                      f"{len(gzip.compress(chunk, 9)):>6} B gzip; were it in the bundle, the first "
                      f"render would be {len(gzip.compress(body + chunk, 9))} B gzip")
            widgets_before, widgets_after = f'<script src="{script}"></script>', \
                "<loket-footer></loket-footer>"
            pages = {
                "/without.html": page(f'<main id="main">{CONTENT}</main>'),
                "/with.html": page(f'{widgets_before}<main id="main">{CONTENT}</main>'
                                   f'{widgets_after}'),
                "/typical-without.html": page(f'<main id="main">{TYPICAL_BODY}</main>',
                                              TYPICAL_HEAD),
                "/typical-with.html": page(f'{widgets_before}<main id="main">{TYPICAL_BODY}'
                                           f'</main>{widgets_after}', TYPICAL_HEAD),
                **typical_site(),
            }
            server, base = serve(pages, "127.0.0.2")
            try:
                with launch() as browser:
                    for _ in range(3):  # warm up the provider and the browser
                        load_ms(browser, f"{base}/with.html")
                        load_ms(browser, f"{base}/without.html")
                    without, with_, t_without, t_with, n_without, n_with = [], [], [], [], [], []
                    deadline = time.monotonic() + 300
                    for _ in range(args.runs):
                        without.append(load_ms(browser, f"{base}/without.html"))
                        with_.append(load_ms(browser, f"{base}/with.html"))
                        t_without.append(load_ms(browser, f"{base}/typical-without.html"))
                        t_with.append(load_ms(browser, f"{base}/typical-with.html"))
                        n_without.append(load_ms(browser, f"{base}/typical-without.html",
                                                 NETWORK_4G))
                        n_with.append(load_ms(browser, f"{base}/typical-with.html", NETWORK_4G))
                        if time.monotonic() > deadline:
                            break
                    warm_without = warm_ms(browser, f"{base}/without.html", args.runs)
                    warm_with = warm_ms(browser, f"{base}/with.html", args.runs)
            finally:
                server.shutdown()
                server.server_close()
        finally:
            provider.stop()
    a, b = statistics.median(without), statistics.median(with_)
    print(f"Page load, bare page (load event, cold cache, median of {len(without)} alternating "
          "runs)")
    print(f"  without widgets: {a:7.1f} ms")
    print(f"  with widgets:    {b:7.1f} ms")
    print(f"  ratio:           {b / a:7.2f}x")
    e, f = statistics.median(t_without), statistics.median(t_with)
    print(f"Page load, typical municipal page (CSS, script, photos; cold cache, median of "
          f"{len(t_without)} alternating runs)")
    print(f"  without widgets: {e:7.1f} ms")
    print(f"  with widgets:    {f:7.1f} ms")
    print(f"  ratio:           {f / e:7.2f}x")
    g, h = statistics.median(n_without), statistics.median(n_with)
    print("Page load, typical municipal page over an emulated 4G connection (40 ms latency, "
          f"9 Mbit/s; cold cache, median of {len(n_without)} alternating runs)")
    print(f"  without widgets: {g:7.1f} ms")
    print(f"  with widgets:    {h:7.1f} ms")
    print(f"  ratio:           {h / g:7.2f}x")
    c, d = statistics.median(warm_without), statistics.median(warm_with)
    print(f"Page load, bare page, repeat visit (warm cache, median of {len(warm_with)} runs "
          "each)")
    print(f"  without widgets: {c:7.1f} ms")
    print(f"  with widgets:    {d:7.1f} ms")
    print(f"  ratio:           {d / c:7.2f}x")


if __name__ == "__main__":
    main()
