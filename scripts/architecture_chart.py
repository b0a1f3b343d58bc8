"""Draw docs/img/architecture.svg: the package's layers, read from its import-linter contracts.

The picture is made from ``[tool.importlinter]`` in ``pyproject.toml``, the same
contracts ``lint-imports`` enforces in the test command, so it cannot show a
rule that is not checked.  Each ``layers`` contract is one panel (the one with
id ``layers`` first): one row per layer, top to bottom, siblings side by side.
A root package the library may never import (a ``forbidden`` contract with the
library as source) is drawn on top, with what it may not import in turn.  Any
other contract is listed under the panels.  No plotting library needed.

Run with the dev machines' Python 3.11 (``tomllib``; on 3.10 ``tomli`` is
needed): ``.venv/bin/python scripts/architecture_chart.py``.
"""

from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 needs the tomli package
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

ROOT = Path(__file__).resolve().parents[1]
MAIN_ID = "layers"

# sizes in pixels; CHAR is the advance of one 13px monospace character
CHAR, BOX_H, ROW_GAP, SIB_GAP, PAD, PANEL_GAP, ARROW_W = 7.9, 28, 12, 10, 10, 40, 34
MARGIN, MIN_PANEL_W = 20, 420
FAMILY_COLOURS = ["#d3f9d8", "#d0ebff", "#fff3bf", "#f3d9fa", "#ffe8cc"]
FAMILY_STROKES = ["#2b8a3e", "#1971c2", "#e67700", "#9c36b5", "#d9480f"]
PLAIN_FILL, PLAIN_STROKE = "#f1f3f5", "#495057"
TOP_FILL, TOP_STROKE = "#ffe3e3", "#c92a2a"


@dataclass(frozen=True)
class Layer:
    """One row: its modules (full names), whether they are independent, which are optional."""

    modules: tuple[str, ...]
    independent: bool
    optional: frozenset[str]


@dataclass(frozen=True)
class Panel:
    """One ``layers`` contract, its modules named the way the picture names them."""

    contract_id: str
    title: str
    layers: tuple[Layer, ...]
    prefix: str  # stripped from the module names to make the labels
    exceptions: tuple[str, ...]  # ignore_imports


def load(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, Any]:
    """The ``[tool.importlinter]`` table of *pyproject*."""
    with pyproject.open("rb") as f:
        table: dict[str, Any] = tomllib.load(f)["tool"]["importlinter"]
    return table


def _roots(config: dict[str, Any]) -> list[str]:
    roots = config.get("root_packages") or [config["root_package"]]
    return [str(r) for r in roots]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _parse_layer(raw: str, container: str | None) -> Layer:
    independent = ":" not in raw
    parts = [p.strip() for p in raw.split("|" if independent else ":")]
    names: list[str] = []
    optional: set[str] = set()
    for part in parts:
        is_optional = part.startswith("(") and part.endswith(")")
        name = part[1:-1].strip() if is_optional else part
        full = f"{container}.{name}" if container else name
        names.append(full)
        if is_optional:
            optional.add(full)
    return Layer(tuple(names), independent, frozenset(optional))


def _root_of(module: str, roots: list[str]) -> str | None:
    return next((r for r in roots if module == r or module.startswith(r + ".")), None)


def panels(config: dict[str, Any]) -> list[Panel]:
    """The ``layers`` contracts as panels, the one with id ``layers`` first."""
    roots = _roots(config)
    contracts = [c for c in config.get("contracts", []) if c.get("type") == "layers"]
    contracts.sort(key=lambda c: c.get("id") != MAIN_ID)  # stable: file order otherwise
    out: list[Panel] = []
    for c in contracts:
        containers: list[str | None] = [*_as_list(c.get("containers"))] or [None]
        for container in containers:
            layers = tuple(_parse_layer(str(raw), container) for raw in c["layers"])
            title = str(c.get("name") or c.get("id"))
            if container is not None:
                prefix = container + "."
                root = _root_of(container, roots)
                title += f" (inside {_short(container, root + '.' if root else '')})"
            else:
                first = layers[0].modules[0]
                root = _root_of(first, roots)
                prefix = root + "." if root else ""
            out.append(
                Panel(
                    str(c.get("id", "")),
                    title,
                    layers,
                    prefix,
                    tuple(_as_list(c.get("ignore_imports"))),
                )
            )
    return out


def _short(module: str, prefix: str) -> str:
    return module[len(prefix) :] if prefix and module.startswith(prefix) else module


def _family(label: str) -> str | None:
    return label.split(".")[0] if "." in label else None


@dataclass(frozen=True)
class Top:
    """A root package on top of the library: the library never imports it."""

    package: str
    closed: tuple[str, ...]  # library modules it may not import in turn


def tops(config: dict[str, Any], library: str) -> tuple[list[Top], list[dict[str, Any]]]:
    """Root packages above *library*, and the forbidden contracts that say nothing about them."""
    roots = _roots(config)
    forbidden = [c for c in config.get("contracts", []) if c.get("type") == "forbidden"]
    above: list[str] = []
    used: set[int] = set()
    for i, c in enumerate(forbidden):
        sources = _as_list(c.get("source_modules"))
        for target in _as_list(c.get("forbidden_modules")):
            if target in roots and target != library and sources == [library]:
                if target not in above:
                    above.append(target)
                used.add(i)
    result: list[Top] = []
    for package in above:
        closed: list[str] = []
        for i, c in enumerate(forbidden):
            if _as_list(c.get("source_modules")) == [package]:
                targets = _as_list(c.get("forbidden_modules"))
                closed += [t for t in targets if _root_of(t, [library]) and t not in closed]
                used.add(i)
        result.append(Top(package, tuple(closed)))
    rest = [c for i, c in enumerate(forbidden) if i not in used]
    return result, rest


def _panel_width(panel: Panel) -> float:
    widest: float = MIN_PANEL_W
    for layer in panel.layers:
        labels = [_short(m, panel.prefix) for m in layer.modules]
        box = max(len(lab) for lab in labels) * CHAR + 2 * PAD
        widest = max(widest, len(labels) * box + (len(labels) - 1) * SIB_GAP)
    return round(widest)


def _width(text: str, size: int, bold: bool) -> float:
    """A generous estimate of the width of *text* in the sans-serif font."""
    return len(text) * size * (0.6 if bold else 0.55)


def _text(x: float, y: float, s: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(s)}</text>'


def _box(x: float, y: float, w: float, label: str, fill: str, stroke: str, *extra: str) -> str:
    dash = ' stroke-dasharray="5 3"' if "dashed" in extra else ""
    style = ' font-style="italic"' if "optional" in extra else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{BOX_H}" rx="4" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>\n'
        f'<text x="{x + w / 2:.1f}" y="{y + BOX_H / 2 + 4.5:.1f}" text-anchor="middle" '
        f'font-family="monospace"{style}>{escape(label)}</text>'
    )


def _arrow(x: float, y1: float, y2: float, colour: str = "#495057") -> str:
    return (
        f'<line x1="{x:.1f}" y1="{y1:.1f}" x2="{x:.1f}" y2="{y2:.1f}" stroke="{colour}" '
        f'stroke-width="2" marker-end="url(#head)"/>'
    )


def render(config: dict[str, Any]) -> str:
    """The SVG text of the picture of *config* (the ``[tool.importlinter]`` table)."""
    drawn = panels(config)
    if not drawn:
        raise ValueError("no contract of type 'layers' in [tool.importlinter]")
    library = drawn[0].prefix.rstrip(".") or drawn[0].layers[0].modules[0]
    on_top, others = tops(config, library)
    others += [
        c for c in config.get("contracts", []) if c.get("type") not in ("layers", "forbidden")
    ]

    families: dict[str, int] = {}
    closed = {m for t in on_top for m in t.closed}
    widths = [_panel_width(p) for p in drawn]
    body: list[str] = []
    texts: list[tuple[float, str, int, bool]] = []  # (x, text, size, bold): for the width
    bottom = 0.0
    x0: float = MARGIN
    for index, (panel, width) in enumerate(zip(drawn, widths, strict=True)):
        y = 58.0
        per_line = int((ARROW_W + width) / _width("x", 14, True))
        for line in textwrap.wrap(panel.title, per_line):
            body.append(_text(x0, y, line, font_weight="bold", font_size="14"))
            texts.append((x0, line, 14, True))
            y += 19
        y -= 5
        left = x0 + ARROW_W  # the boxes; the "may import" arrow runs in the margin
        if index == 0:
            for top in on_top:
                body.append(_box(left, y, width, top.package, TOP_FILL, TOP_STROKE))
                y += BOX_H
                if top.closed:
                    names = ", ".join(_short(m, panel.prefix) for m in top.closed)
                    for line in ("may import the rooms below, except the dashed ones:", names):
                        body.append(_text(left, y + 17, line))
                        texts.append((left, line, 13, False))
                        y += 18
                    y += 4
                body.append(_arrow(left + width / 2, y + 3, y + 21))
                y += 28
        first_row = y
        for layer in panel.layers:
            labels = [_short(m, panel.prefix) for m in layer.modules]
            n = len(labels)
            w = (width - (n - 1) * SIB_GAP) / n
            for i, (module, label) in enumerate(zip(layer.modules, labels, strict=True)):
                family = _family(label)
                if family is None:
                    fill, stroke = PLAIN_FILL, PLAIN_STROKE
                else:
                    k = families.setdefault(family, len(families)) % len(FAMILY_COLOURS)
                    fill, stroke = FAMILY_COLOURS[k], FAMILY_STROKES[k]
                marks = []
                if module in closed:
                    marks.append("dashed")
                if module in layer.optional:
                    marks.append("optional")
                body.append(_box(left + i * (w + SIB_GAP), y, w, label, fill, stroke, *marks))
            if not layer.independent:  # joined siblings: a line between the boxes
                for i in range(1, n):
                    x = left + i * (w + SIB_GAP)
                    body.append(f'<line x1="{x - SIB_GAP:.1f}" y1="{y + BOX_H / 2:.1f}" '
                                f'x2="{x:.1f}" y2="{y + BOX_H / 2:.1f}" stroke="{PLAIN_STROKE}" '
                                'stroke-width="3"/>')  # fmt: skip
            y += BOX_H + ROW_GAP
        last_row = y - ROW_GAP
        ax = x0 + ARROW_W / 2 - 4
        body.append(_arrow(ax, first_row, last_row - 4))
        mid = (first_row + last_row) / 2
        body.append(
            f'<text x="{ax - 7:.1f}" y="{mid:.1f}" text-anchor="middle" '
            f'transform="rotate(-90 {ax - 7:.1f} {mid:.1f})">may import</text>'
        )
        for exception in panel.exceptions:
            y += 4
            importer, _, imported = exception.partition("->")
            line = "allowed exception: " + " -> ".join(
                _short(m.strip(), panel.prefix) for m in (importer, imported)
            )
            body.append(_text(left, y + 12, line))
            texts.append((left, line, 13, False))
            y += 18
        bottom = max(bottom, y)
        x0 += ARROW_W + width + PANEL_GAP

    title = "The layers lint-imports enforces ([tool.importlinter] in pyproject.toml)"
    texts.append((MARGIN, title, 15, True))
    notes = [
        "A room may import the rooms below it, never one above it.",
        "Side by side, apart: independent siblings (|), which may not import each other.",
    ]
    if any(not layer.independent for p in drawn for layer in p.layers):
        notes.append("Side by side, joined by a line (:): siblings that may import each other.")
    if any(layer.optional for p in drawn for layer in p.layers):
        notes.append("Italic: an optional layer (it may be missing).")
    for c in others:
        notes.append(f"Also enforced ({c.get('type')}): {c.get('name') or c.get('id')}.")
    y = bottom + 8
    for note in notes:
        body.append(_text(MARGIN, y + 14, note))
        texts.append((MARGIN, note, 13, False))
        y += 19
    height = round(y + MARGIN)
    ends = [x + _width(text, size, bold) for x, text, size, bold in texts]
    total_w = max([x0 - PANEL_GAP, *ends]) + MARGIN

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w:.0f}" height="{height}" '
        'font-family="sans-serif" font-size="13">',
        '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#495057"/></marker></defs>',
        f'<rect width="{total_w:.0f}" height="{height}" fill="white"/>',
        _text(MARGIN, 26, title, font_weight="bold", font_size="15"),
        *body,
        "</svg>",
    ]
    return "\n".join(out) + "\n"


def main() -> None:
    target = ROOT / "docs" / "img" / "architecture.svg"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(load()))
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
