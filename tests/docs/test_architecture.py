"""The architecture picture in the docs is drawn from the import-linter contracts and up to date."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.dom import minidom

import pytest

ROOT = Path(__file__).resolve().parents[2]

if sys.version_info < (3, 11):  # pragma: no cover - the dev machines run 3.11
    pytest.importorskip("tomli", reason="the script reads pyproject.toml with tomllib (3.11+)")


def _chart() -> ModuleType:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import architecture_chart
    finally:
        sys.path.pop(0)
    return architecture_chart


def _labels(svg: str) -> list[tuple[float, float, str]]:
    """(y, x, text) of every box label (the monospace texts), top to bottom."""
    doc = minidom.parseString(svg)  # well-formed, too
    return sorted(
        (float(t.getAttribute("y")), float(t.getAttribute("x")), t.firstChild.data)  # type: ignore[union-attr]
        for t in doc.getElementsByTagName("text")
        if t.getAttribute("font-family") == "monospace"
    )


def test_picture_matches_the_contracts() -> None:
    chart = _chart()
    config = chart.load()
    svg = chart.render(config)
    assert svg == (ROOT / "docs" / "img" / "architecture.svg").read_text(), (
        "run: .venv/bin/python scripts/architecture_chart.py"
    )
    panels = chart.panels(config)
    assert panels[0].contract_id == "layers"
    modules = [(m, p.prefix) for p in panels for layer in p.layers for m in layer.modules]
    labels = [text for _y, _x, text in _labels(svg)]
    for module, prefix in modules:  # every layer of every layers contract is drawn
        assert chart._short(module, prefix) in labels, module
    assert svg.count("<rect ") == len(modules) + labels.count("alembic_ext") + 1  # + background


def test_rows_run_from_the_commands_down_to_the_exceptions() -> None:
    chart = _chart()
    config = chart.load()
    main = chart.panels(config)[0]
    rows = [[chart._short(m, main.prefix) for m in layer.modules] for layer in main.layers]
    assert rows[0] == ["cli"]
    assert rows[-1] == ["exc"]
    ys = {text: y for y, _x, text in _labels(chart.render(config))}
    tops = [ys[row[0]] for row in rows]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)  # one row per layer, in order
    for row in rows:  # siblings share their row
        assert {ys[label] for label in row} == {ys[row[0]]}
    assert ys["alembic_ext"] < ys["cli"]  # the Alembic extension sits on top


def test_any_layers_contract_gets_a_panel() -> None:
    """A second layers contract (containers, ':' siblings, optional layers, exceptions) draws."""
    chart = _chart()
    config: dict[str, Any] = chart.load()
    config = {**config, "contracts": [*config["contracts"]]}
    config["contracts"].append(
        {
            "id": "rooms",
            "name": "inner rooms",
            "type": "layers",
            "containers": ["sqlalchemy_tridb.vector"],
            "layers": ["sync", "statements : backfill", "(settings)", "search | hybrid", "spec"],
            "ignore_imports": ["sqlalchemy_tridb.vector.spec -> sqlalchemy_tridb.vector.sync"],
        }
    )
    config["contracts"].append({"id": "x", "name": "kept apart", "type": "independence"})
    svg = chart.render(config)
    labels = [text for _y, _x, text in _labels(svg)]
    for name in ("sync", "statements", "backfill", "settings", "search", "hybrid", "spec"):
        assert name in labels
    assert "inner rooms (inside vector)" in svg
    assert "allowed exception: spec -&gt; sync" in svg
    assert "Also enforced (independence): kept apart." in svg
    assert 'font-style="italic">settings<' in svg
