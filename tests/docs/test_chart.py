"""The benchmark chart in the docs is drawn from benchmarks/results.json and up to date."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_chart_matches_results() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from benchmark_chart import render
    finally:
        sys.path.pop(0)
    data = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    svg = render(data["results"])
    assert svg == (ROOT / "docs" / "img" / "benchmarks.svg").read_text(), (
        "run: python scripts/benchmark_chart.py"
    )
    assert svg.count("<rect ") == len(data["results"]) + 1
    from xml.dom import minidom

    minidom.parseString(svg)  # well-formed


def test_document_network_picture_matches_the_data() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from document_network import neighbourhood, render
    finally:
        sys.path.pop(0)
    data = json.loads((ROOT / "examples" / "data" / "content.json").read_text())
    svg = render(data)
    assert svg == (ROOT / "docs" / "img" / "document_network.svg").read_text(), (
        "run: python scripts/document_network.py"
    )
    hop, edges, _names = neighbourhood(data)
    assert sorted(set(hop.values())) == [0, 1, 2]
    assert svg.count("<circle ") == len(hop) + 3  # + the legend
    assert svg.count("<line ") == len(edges)
