"""Draw docs/img/document_network.svg: the network around one document of the content data set.

The same neighbourhood ``examples/content.py`` walks: documents, authors and
tags up to 2 hops from "Self-Supervised Pretraining on Unlabelled Medical
Scans" (citations in either direction, authorship, tagging), in rings by hop
distance.  Reads ``examples/data/content.json``; no plotting library needed.
Run: ``python scripts/document_network.py``.
"""

from __future__ import annotations

import json
import math
from collections import deque
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_TITLE = "Self-Supervised Pretraining on Unlabelled Medical Scans"
SIZE, RING = 900, 190
COLOURS = {"document": "#1c7ed6", "author": "#e8590c", "tag": "#2b8a3e"}


def neighbourhood(
    data: dict, hops: int = 2
) -> tuple[dict[str, int], set[tuple[str, str]], dict[str, str]]:  # type: ignore[type-arg]
    """BFS from the seed: {node: hop}, undirected edges, {node: caption}."""
    adj: dict[str, set[str]] = {}
    names: dict[str, str] = {}

    def link(a: str, b: str) -> None:
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)

    for doc in data["documents"]:
        d = f"d{doc['id']}"
        names[d] = doc["title"]
        for a in doc["authors"]:
            link(d, f"a{a}")
        for t in doc["tags"]:
            link(d, f"t{t}")
    for author in data["authors"]:
        names[f"a{author['id']}"] = author["name"]
    for tag in data["tags"]:
        names[f"t{tag['id']}"] = "#" + tag["name"]
    for c in data["citations"]:
        link(f"d{c['citing']}", f"d{c['cited']}")
    seed = next(f"d{d['id']}" for d in data["documents"] if d["title"] == SEED_TITLE)
    hop = {seed: 0}
    queue = deque([seed])
    while queue:
        v = queue.popleft()
        if hop[v] == hops:
            continue
        for w in sorted(adj.get(v, ())):
            if w not in hop:
                hop[w] = hop[v] + 1
                queue.append(w)
    edges = {tuple(sorted((v, w))) for v in hop for w in adj.get(v, ()) if w in hop}
    return hop, edges, names  # type: ignore[return-value]


def kind(node: str) -> str:
    return {"d": "document", "a": "author", "t": "tag"}[node[0]]


def render(data: dict) -> str:  # type: ignore[type-arg]
    hop, edges, names = neighbourhood(data)
    rings: dict[int, list[str]] = {}
    for node, h in sorted(hop.items(), key=lambda kv: (kv[1], kind(kv[0]), kv[0])):
        rings.setdefault(h, []).append(node)
    pos: dict[str, tuple[float, float]] = {}
    centre = SIZE / 2
    for h, nodes in rings.items():
        for i, node in enumerate(nodes):
            angle = 2 * math.pi * i / max(len(nodes), 1) + h * 0.35
            pos[node] = (centre + h * RING * math.cos(angle), centre + h * RING * math.sin(angle))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE + 40}" '
        'font-family="sans-serif" font-size="11">',
        f'<rect width="{SIZE}" height="{SIZE + 40}" fill="white"/>',
        f'<text x="12" y="22" font-size="14" font-weight="bold">Within 2 hops of '
        f"\u201c{escape(SEED_TITLE)}\u201d ({len(hop)} vertices, {len(edges)} edges)</text>",
    ]
    for a, b in sorted(edges):
        (x1, y1), (x2, y2) = pos[a], pos[b]
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                   'stroke="#adb5bd" stroke-width="0.8"/>')  # fmt: skip
    for node, (x, y) in sorted(pos.items()):
        r = 11 if hop[node] == 0 else 6
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{COLOURS[kind(node)]}">'
                   f"<title>{escape(names.get(node, node))}</title></circle>")  # fmt: skip
        if hop[node] <= 1:
            label = names.get(node, node)
            label = label if len(label) <= 34 else label[:32] + "\u2026"
            out.append(f'<text x="{x + 9:.1f}" y="{y + 4:.1f}">{escape(label)}</text>')
    y = SIZE + 25
    for i, (k, colour) in enumerate(COLOURS.items()):
        out.append(f'<circle cx="{20 + i * 120}" cy="{y - 4}" r="6" fill="{colour}"/>')
        out.append(f'<text x="{30 + i * 120}" y="{y}">{k}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main() -> None:
    data = json.loads((ROOT / "examples" / "data" / "content.json").read_text())
    target = ROOT / "docs" / "img" / "document_network.svg"
    target.write_text(render(data))
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
