"""The browser sweep's measurements (axe, sideways overflow, layout shift) and its table.

Each sweep test keeps a row per page or widget state, theme, language and width in its report's
``user_properties`` (they travel from a pytest-xdist worker to the controller with the report);
the conftest's hooks gather them and print the table at the end of the run.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from support.browser import axe_violations

PROPERTY = "loket-sweep"
WIDTHS = (1280, 320)
HEIGHTS = {1280: 800, 320: 640}
LANGUAGES = ("nl", "fr", "de", "en")

# Runs in every document before its own scripts (an init script: no CSP applies). Layout shifts
# from the start, buffered, without those that follow a person's input; takeRecords() at the
# read hands over entries not yet delivered to the callback.
CLS_OBSERVER = """
(() => {
  window.__sweep = {cls: 0, shifts: []};
  const add = entries => { for (const e of entries) {
    if (e.hadRecentInput) continue;
    window.__sweep.cls += e.value;
    window.__sweep.shifts.push({value: e.value, nodes: (e.sources || []).map(s => {
      const n = s.node;
      const moved = ' (' + Math.round(s.previousRect.x) + ',' + Math.round(s.previousRect.y) + ' → ' +
        Math.round(s.currentRect.x) + ',' + Math.round(s.currentRect.y) + ')';
      if (!n || !n.nodeType) return '?' + moved;
      const el = n.nodeType === 1 ? n : n.parentElement;
      const named = el && el.closest('[id], [class]');
      const name = x => x.localName + (x.id ? '#' + x.id : '') +
        (typeof x.className === 'string' && x.className.trim()
          ? '.' + x.className.trim().split(/\\s+/).join('.') : '');
      return (n.nodeType === 1 ? '' : '#text in ') + (el ? name(el) : '?') +
        (named && named !== el ? ' in ' + name(named) : '') + moved;
    })});
  } };
  try {
    const observer = new PerformanceObserver(list => add(list.getEntries()));
    observer.observe({type: 'layout-shift', buffered: true});
    window.__sweep.take = () => add(observer.takeRecords());
  } catch (e) { window.__sweep.unsupported = String(e); }
})();
"""

# After the page has settled: two frames (a shift is reported after the frame that paints it),
# the fonts, then the sum; and what sticks out to the right of the viewport, in the document and
# in every open shadow root, or is cut off at its left edge. An element inside a box that
# scrolls or clips (and fits) is that box's business; <html> and <body> clipping does not count,
# it would hide a real overflow.
READ = """
async () => {
  await document.fonts.ready;
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const sweep = window.__sweep || {cls: null, shifts: [], unsupported: 'no observer'};
  if (sweep.take) sweep.take();
  const root = document.documentElement;
  const vw = root.clientWidth;
  const describe = el => el.localName + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const parentOf = el => el.parentElement || (el.getRootNode() && el.getRootNode().host) || null;
  const contained = el => {
    for (let up = parentOf(el); up && up !== document.body && up !== root; up = parentOf(up)) {
      if (getComputedStyle(up).overflowX === 'visible') continue;
      const box = up.getBoundingClientRect();
      if (box.right <= vw + 1 && box.left >= -1) return true;
    }
    return false;
  };
  const all = [];
  const walk = scope => { for (const el of scope.querySelectorAll('*')) {
    all.push(el);
    if (el.shadowRoot) walk(el.shadowRoot);
  } };
  walk(document);
  const wide = [];
  for (const el of all) {
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    // past the right edge, or cut off at the left (wholly off to the left is how a skip link
    // waits for focus: not cut off, out of sight)
    const past = Math.max(r.right - vw, r.right > 0 ? -r.left : 0);
    if (past <= 1) continue;
    if (getComputedStyle(el).visibility === 'hidden' || contained(el)) continue;
    wide.push({el: describe(el), left: Math.floor(r.left), right: Math.ceil(r.right),
               past: Math.ceil(past)});
  }
  return {
    cls: sweep.cls, shifts: sweep.shifts.slice(0, 5), unsupported: sweep.unsupported || null,
    scroll: root.scrollWidth - vw, inner: window.innerWidth, client: vw,
    wide: wide.slice(0, 5), wideCount: wide.length,
    overflow: Math.max(0, root.scrollWidth - vw, ...wide.map(w => w.past)),
  };
}
"""


@dataclass
class Row:
    what: str
    theme: str
    lang: str
    width: int
    axe: int
    overflow: int
    cls: float
    problems: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems


def measure(page: Any, what: str, theme: str, lang: str, width: int) -> Row:
    """Measure the page as it is now (the caller has waited for what signals it has settled)."""
    read = page.evaluate(READ)
    violations = axe_violations(page)
    problems = []
    if read["unsupported"]:
        problems.append(f"no layout-shift observer: {read['unsupported']}")
    if violations:
        problems.append("axe: " + "; ".join(
            f"{v['id']} ({v['impact']}) at " + ", ".join(
                str(n["target"]) for n in v["nodes"][:3]) for v in violations))
    if read["overflow"] > 0:
        problems.append(f"overflow: scrollWidth - clientWidth = {read['scroll']} "
                        f"(innerWidth {read['inner']}, clientWidth {read['client']}); "
                        f"{read['wideCount']} element(s) past an edge: {read['wide']}")
    cls = float(read["cls"] or 0.0)
    if cls > 0:
        problems.append(f"layout shift {cls:.4f}: {read['shifts']}")
    return Row(what, theme, lang, width, len(violations), int(read["overflow"]), cls, problems)


class Rows:
    """A test's rows, kept in its report as they are measured (so a failure keeps them)."""

    def __init__(self, request: Any) -> None:
        self.node = request.node
        self.rows: list[Row] = []

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        self.node.user_properties.append((PROPERTY, json.dumps(asdict(row))))
        return row

    def problems(self) -> list[str]:
        return [f"{r.what} · {r.theme} · {r.lang} · {r.width} px: {p}"
                for r in self.rows for p in r.problems]


def rows_of(report: Any) -> list[dict[str, Any]]:
    return [json.loads(value) for name, value in getattr(report, "user_properties", [])
            if name == PROPERTY]


def table(rows: list[dict[str, Any]]) -> list[str]:
    """The rows as a text table, in a stable order, with a line of totals."""
    order = {w: n for n, w in enumerate(WIDTHS)}
    rows = sorted(rows, key=lambda r: (r["what"], r["theme"], LANGUAGES.index(r["lang"])
                                       if r["lang"] in LANGUAGES else 9,
                                       order.get(r["width"], 9)))
    head = ("page / state", "theme", "lang", "width", "axe", "overflow px", "CLS")
    body = [(r["what"], r["theme"], r["lang"], str(r["width"]), str(r["axe"]), str(r["overflow"]),
             f"{r['cls']:.4f}" if r["cls"] else "0") for r in rows]
    sizes = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(size) if i < 3 else cell.rjust(size)
                       for i, (cell, size) in enumerate(zip(line, sizes, strict=True)))
             for line in [head, *body]]
    lines.insert(1, "  ".join("-" * size for size in sizes))
    dirty = [r for r in rows if r["problems"]]
    lines.append(f"{len(rows)} combinations; {len(dirty)} with a figure other than 0 "
                 f"(axe {sum(1 for r in rows if r['axe'])}, overflow "
                 f"{sum(1 for r in rows if r['overflow'])}, CLS {sum(1 for r in rows if r['cls'])})")
    return lines
