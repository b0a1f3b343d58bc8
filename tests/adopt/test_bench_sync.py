"""benchmarks/bench_sync.py, bounded (10,000 rows and edges): it runs and the graph is exact.

The figures of the full run (1,000,000) are in docs/performance.md; here only
that each is measured and that the sync beats one Cypher CREATE per vertex.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def test_bench_sync_small(tridb_server_url: str) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import bench_sync
    finally:
        sys.path.remove(str(BENCH))
    r = bench_sync.run(10_000, 2_500, 100)  # asserts check_graph finds no drift
    assert r["sync_vertices_per_s"] > 0 and r["sync_edges_per_s"] > 0
    assert r["check_s"] < 30
    assert r["vertices_vs_cypher"] > 3  # set-based: far above one statement per vertex
    assert r["peak_kib"] < 4 * r["peak_kib_at_n_10"] + 1024  # memory does not grow with N
