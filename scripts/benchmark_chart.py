"""Draw docs/img/benchmarks.svg from benchmarks/results.json (no plotting library needed).

A horizontal bar per result on a log scale of "times faster than the
baseline", with the target marked.  Run: ``python scripts/benchmark_chart.py``.
"""

from __future__ import annotations

import json
import math
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDTH, LEFT, BAR, GAP, TOP = 860, 400, 22, 14, 40


def _x(ratio: float, scale_max: float) -> float:
    return LEFT + (WIDTH - LEFT - 80) * math.log10(max(ratio, 1.0)) / math.log10(scale_max)


def render(results: list[dict[str, object]]) -> str:
    scale_max = 10 ** math.ceil(math.log10(max(float(r["ratio"]) for r in results)))  # type: ignore[arg-type]
    height = TOP + len(results) * (BAR + GAP) + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        'font-family="sans-serif" font-size="13">',
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
        f'<text x="{LEFT}" y="22" font-weight="bold">times faster than the baseline '
        "(log scale; | = target)</text>",
    ]
    decade = 1.0
    while decade <= scale_max:
        x = _x(decade, scale_max)
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - 30}" '
                   'stroke="#ddd"/>')  # fmt: skip
        out.append(f'<text x="{x:.1f}" y="{height - 14}" text-anchor="middle">'
                   f"{decade:,.0f}x</text>")  # fmt: skip
        decade *= 10
    for i, r in enumerate(results):
        y = TOP + i * (BAR + GAP)
        ratio = float(r["ratio"])  # type: ignore[arg-type]
        target = r.get("target")
        ok = target is None or ratio >= float(target)  # type: ignore[arg-type]
        colour = "#2b8a3e" if ok else "#c92a2a"
        out.append(
            f'<text x="{LEFT - 8}" y="{y + 16}" text-anchor="end">{escape(str(r["name"]))}</text>'
        )
        out.append(f'<rect x="{LEFT}" y="{y}" width="{_x(ratio, scale_max) - LEFT:.1f}" '
                   f'height="{BAR}" fill="{colour}"/>')  # fmt: skip
        out.append(f'<text x="{_x(ratio, scale_max) + 6:.1f}" y="{y + 16}">{ratio:,.1f}x</text>')
        if target is not None:
            tx = _x(float(target), scale_max)  # type: ignore[arg-type]
            out.append(f'<line x1="{tx:.1f}" y1="{y - 3}" x2="{tx:.1f}" y2="{y + BAR + 3}" '
                       'stroke="black" stroke-width="2"/>')  # fmt: skip
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main() -> None:
    data = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    target = ROOT / "docs" / "img" / "benchmarks.svg"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(data["results"]))
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
