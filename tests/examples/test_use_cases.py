"""The three use-case examples run as programs and print the answers their data implies.

E-commerce runs with the real all-MiniLM-L6-v2 model; content and social run
with ``--provider deterministic`` and are checked on what does not depend on
the model (graph answers, full-text matches). The demo test runs all three
with the real model in one process and checks the semantic answers.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def data(name: str) -> dict:
    return json.loads((EXAMPLES / "data" / f"{name}.json").read_text(encoding="utf-8"))


def run_example(script: str, server_url: str, *args: str) -> str:
    """Run examples/<script> against *server_url* in databases of its own; return stdout."""
    env = {
        **os.environ,
        "TRIDB_DATABASE_URL": server_url,
        "TRIDB_EXAMPLE_DB_SUFFIX": f"_t{os.getpid()}",
    }
    out = subprocess.run(
        [sys.executable, script, *args],
        cwd=EXAMPLES, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout


def section(text: str, heading: str) -> list[str]:
    """The result lines printed under the ``== heading...`` line (up to the timing line)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"== {heading}"))
    found = []
    for line in lines[start + 1 :]:
        if not line.strip() or line.strip().startswith("["):
            break
        found.append(line)
    return found


def results(text: str, heading: str) -> list[str]:
    """Like :func:`section`, without the explanatory lines (indented by three spaces)."""
    return [line for line in section(text, heading) if not line.startswith("   ")]


def scored(text: str, heading: str, what: str) -> list[str]:
    """The table under *heading*: its header line, then one line a result."""
    lines = section(text, heading)
    header = ["graph", "vector", "score", what]
    start = next(i for i, line in enumerate(lines) if line.split() == header)
    return lines[start:]


def check_ecommerce(out: str) -> None:
    shop = data("ecommerce")
    audio = {p["name"] for p in shop["products"] if p["category"] == 1}
    similar = results(out, "Products similar to 'bluetooth audio headphones'")
    assert len(similar) == 5, out
    assert "Aurora ANC Wireless Headphones (audio, $249)" in similar[0]
    assert all("(audio, $" in line for line in similar[:3]), similar

    rec = scored(out, "Recommended for Maya Lindqvist", "product")
    rows = [re.match(r"\s+([\d.]+) +([\d.]+) +([\d.]+)  (.+)$", line) for line in rec[1:]]
    assert len(rows) == 6 and all(rows), rec
    parsed = [(float(m[1]), float(m[2]), float(m[3]), m[4]) for m in rows if m]
    bought = {"Aurora ANC Wireless Headphones", "Mechanical Keyboard", "Wireless Ergonomic Mouse"}
    assert not bought & {name for *_s, name in parsed}  # history is excluded
    # the strongest co-purchase: bought with the keyboard and mouse by the same people
    assert parsed[0][0] == 1.0 and parsed[0][3] == "Leather Desk Mat"
    for graph, vector, score, _name in parsed:
        assert score == pytest.approx(0.5 * graph + 0.5 * vector, abs=0.002)
    assert [p[2] for p in parsed] == sorted((p[2] for p in parsed), reverse=True)

    near = results(out, "Within 2 hops of 'Aurora ANC Wireless Headphones'")
    assert len(near) == 6
    for line in near:
        m = re.match(r"\s+2 hops\s+[\d.]+\s+(.+) \(\$(\d+)\)$", line)
        assert m and m[1] in audio and int(m[2]) < 150, line
    assert re.search(r"^e-commerce timings: model load [\d.]+ s, schema", out, re.M)


def check_content_graph(out: str) -> None:
    net = section(out, "The network around 'Self-Supervised Pretraining")
    assert "  1 hop(s): 2 document(s), 1 author(s)" in net
    assert "     authors: Pedro Alves" in net
    assert any(re.match(r"  3 hop\(s\): \d+ document\(s\)", line) for line in net)
    assert "how it reaches 'Apache AGE: Graph Queries in PostgreSQL' (5 hops):" in "\n".join(net)

    rel = scored(out, "Related to 'Self-Supervised Pretraining", "document")
    assert len(rel) == 6 and "1.000" in rel[1]
    assert not any("Self-Supervised Pretraining" in line for line in rel[1:])

    hybrid = results(out, "Hybrid search")
    assert len(hybrid) == 5
    # the only document with every word of the query: first on both lists
    assert re.match(r"\s+0\.03\d+  text\+vector  Clinical BERT", hybrid[0]), hybrid


def medical_titles() -> set[str]:
    content = data("content")
    medical = {
        t["id"]
        for t in content["tags"]
        if t["name"] in {"medical imaging", "radiology", "clinical nlp", "clinical prediction",
                         "electronic health records", "drug discovery", "bioinformatics"}
    }  # fmt: skip
    return {d["title"] for d in content["documents"] if medical & set(d["tags"])}


def check_content_semantic(out: str) -> None:
    found = results(out, "Semantic discovery: 'machine learning medical applications'")
    assert len(found) == 6
    titles = [re.sub(r"^\s+[\d.]+  (.+) \(\d{4}\)$", r"\1", line) for line in found]
    assert sum(t in medical_titles() for t in titles) >= 5, titles
    assert all(t in medical_titles() for t in titles[:3]), titles


def followers_within_two(user: str) -> set[str]:
    social = data("social")
    ids = {u["handle"]: u["id"] for u in social["users"]}
    handles = {u["id"]: u["handle"] for u in social["users"]}
    followers: dict[int, set[int]] = {}
    for f in social["follows"]:
        followers.setdefault(f["followee"], set()).add(f["follower"])
    one = followers[ids[user]]
    two = set().union(*(followers.get(u, set()) for u in one))
    return {handles[u] for u in (one | two) - {ids[user]}}


def check_social_graph(out: str) -> None:
    top = results(out, "Influential users")
    assert len(top) == 5
    assert re.match(r"\s+PageRank 0\.1\d\d  37 followers  @ada_learns \(Ada Okonkwo\)", top[0])
    ranks = [float(line.split()[1]) for line in top]
    assert ranks == sorted(ranks, reverse=True)

    pymk = results(out, "People @priya_data may know")
    assert len(pymk) == 5 and "2 mutual" in pymk[0]
    mutual = [int(line.split()[0]) for line in pymk]
    assert mutual == sorted(mutual, reverse=True)

    reach = followers_within_two("ada_learns")
    posts = results(out, "Followers of @ada_learns within 2 hops")
    assert len(posts) == 5
    for line in posts:
        m = re.match(r"\s+[\d.]+  @(\w+) \((1 hop|2 hops)\): ", line)
        assert m and m[1] in reach, line


def check_social_semantic(out: str) -> None:
    posts = results(out, "Followers of @ada_learns within 2 hops")
    assert "semantic search" in posts[0] or "embeddings" in posts[0].lower(), posts
    assert sum("mbedding" in line or "ector" in line for line in posts[:3]) == 3, posts


@pytest.mark.slow
def test_ecommerce_with_minilm(tridb_server_url: str) -> None:
    out = run_example("ecommerce.py", tridb_server_url, "--provider", "minilm")
    assert "loading the all-MiniLM-L6-v2 model ..." in out
    assert "   products embedded and stored: 120/120" in out
    check_ecommerce(out)


def test_content_deterministic(tridb_server_url: str) -> None:
    out = run_example("content.py", tridb_server_url, "--provider", "deterministic")
    assert "loaded 98 documents, 30 authors, 25 tags, 200 citations" in out
    check_content_graph(out)


def test_social_deterministic(tridb_server_url: str) -> None:
    out = run_example("social.py", tridb_server_url, "--provider", "deterministic")
    assert "loaded 80 users, 405 follows, 60 posts" in out
    check_social_graph(out)
