"""Content: documents, authors, tags and citations; discovery, networks and hybrid search.

Run: ``python examples/content.py`` (the real all-MiniLM-L6-v2 model) or
``python examples/content.py --provider deterministic`` (fast, not semantic).
It uses TRIDB_DATABASE_URL or the local server, in a database of its own.

* rows: documents, authors, tags, the links between them;
* vectors: each document's "title. abstract" embedded on flush;
* a graph: author -WROTE-> document -TAGGED-> tag, document -CITES-> document.
"""

from __future__ import annotations

from collections.abc import Sequence

from _support import (
    Stages,
    batches,
    example_database,
    load_data,
    load_model,
    parse_args,
    progress,
    use_provider,
)
from sqlalchemy import Column, ForeignKey, Table, func, literal, select
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)

from sqlalchemy_tridb.graph import GraphEdge, GraphNode, graph_edge
from sqlalchemy_tridb.graph.traverse import shortest_path
from sqlalchemy_tridb.recommend import related
from sqlalchemy_tridb.vector import (
    Embedding,
    EmbeddingSearchMixin,
    hybrid_search,
    install_embedding_sync,
)


class Base(DeclarativeBase):
    pass


authorship = Table(
    "authorship", Base.metadata,
    Column("document_id", ForeignKey("document.id"), primary_key=True),
    Column("author_id", ForeignKey("author.id"), primary_key=True),
)  # fmt: skip
tagging = Table(
    "tagging", Base.metadata,
    Column("document_id", ForeignKey("document.id"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id"), primary_key=True),
)  # fmt: skip


class Author(GraphNode, Base):
    __tablename__ = "author"
    __graph__ = "library"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    affiliation: Mapped[str]


class Tag(GraphNode, Base):
    __tablename__ = "tag"
    __graph__ = "library"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Document(EmbeddingSearchMixin, GraphNode, Base):
    __tablename__ = "document"
    __graph__ = "library"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    year: Mapped[int]
    abstract: Mapped[str]
    # many-to-many relationships mirrored as edges; "in": the edge points author -> document
    authors: Mapped[list[Author]] = relationship(
        secondary=authorship, info=graph_edge("WROTE", direction="in")
    )
    tags: Mapped[list[Tag]] = relationship(secondary=tagging, info=graph_edge("TAGGED"))
    embedding: Mapped[list[float] | None] = Embedding(
        source="{title}. {abstract}", provider="all-MiniLM-L6-v2"
    )


class Citation(GraphEdge, Base):
    """Each row is a CITES edge from the citing to the cited document."""

    __tablename__ = "citation"
    __edge_label__ = "CITES"
    __edge_source__ = "citing_id"
    __edge_target__ = "cited_id"
    citing_id: Mapped[int] = mapped_column(ForeignKey("document.id"), primary_key=True)
    cited_id: Mapped[int] = mapped_column(ForeignKey("document.id"), primary_key=True)


def load(session: Session, data: dict[str, list[dict]]) -> None:
    """Insert the data set; documents are embedded as each batch flushes."""
    authors = {a["id"]: Author(**a) for a in data["authors"]}
    tags = {t["id"]: Tag(**t) for t in data["tags"]}
    docs = data["documents"]
    with progress("documents embedded and stored", len(docs)) as step:
        for done, batch in enumerate(batches(docs, 25), 1):
            session.add_all(
                Document(
                    id=d["id"], title=d["title"], year=d["year"], abstract=d["abstract"],
                    authors=[authors[a] for a in d["authors"]], tags=[tags[t] for t in d["tags"]],
                )
                for d in batch
            )  # fmt: skip
            session.commit()
            step(min(done * 25, len(docs)))
    session.add_all(Citation(citing_id=c["citing"], cited_id=c["cited"]) for c in data["citations"])
    session.commit()
    print(
        f"   loaded {len(docs)} documents, {len(authors)} authors, {len(tags)} tags, "
        f"{len(data['citations'])} citations"
    )


def discover(session: Session, query: str) -> None:
    print(f"\n== Semantic discovery: {query!r}")
    score = Document.embedding.similarity(query).label("score")
    for doc, similarity in session.execute(Document.nearest(query, k=6).add_columns(score)):
        print(f"  {similarity:.3f}  {doc.title} ({doc.year})")


def network(session: Session, doc: Document, far: Document) -> None:
    print(f"\n== The network around {doc.title!r}, up to 3 hops")
    print("   (citations either way, and co-authorship through WROTE edges)")
    labels = ["CITES", "WROTE"]
    docs = Document.reachable(doc, labels, max_hops=3, direction="both")
    people = Author.reachable(doc, labels, max_hops=3, direction="both")
    for hops in (1, 2, 3):
        titles = session.scalars(
            select(Document.title)
            .join(docs, docs.c.id == Document.id)
            .where(docs.c.hops == hops)
            .order_by(Document.year.desc(), Document.title)
        ).all()
        names = session.scalars(
            select(Author.name).join(people, people.c.id == Author.id).where(people.c.hops == hops)
        ).all()
        shown = "; ".join(titles[:3]) + (f"; ... {len(titles) - 3} more" if len(titles) > 3 else "")
        print(f"  {hops} hop(s): {len(titles)} document(s), {len(names)} author(s)")
        if titles:
            print(f"     e.g. {shown}")
        if names and hops == 1:
            print(f"     authors: {', '.join(sorted(names))}")
    path = shortest_path(session, doc, far, labels, direction="both")
    if path is not None:
        steps = " -> ".join(getattr(n, "title", None) or n.name for n in path.nodes)
        print(f"  how it reaches {far.title!r} ({path.length} hops):\n     {steps}")


def related_reading(session: Session, doc: Document) -> None:
    print(f"\n== Related to {doc.title!r}: shared tags (graph) and similar text (vector)")
    stmt = related(
        Document, doc, via=("TAGGED", ("TAGGED", "in")), embedding=Document.embedding, k=5
    )
    print(f"  {'graph':>6} {'vector':>6} {'score':>6}  document")
    for other, graph_score, vector_score, score in session.execute(stmt):
        print(f"  {graph_score:6.3f} {vector_score:6.3f} {score:6.3f}  {other.title}")


def hybrid(session: Session, query: str) -> None:
    print(f"\n== Hybrid search (full text + vector, reciprocal rank fusion): {query!r}")
    stmt = hybrid_search(Document.embedding, query, text=[Document.title, Document.abstract], k=5)
    # for the reader: did the full-text side match this row too (every word, stemmed)?
    english = literal("english", REGCONFIG)
    words = func.to_tsvector(english, Document.title + " " + Document.abstract)
    matched = words.bool_op("@@")(func.websearch_to_tsquery(english, query))
    for doc, score, both in session.execute(stmt.add_columns(matched)):
        print(f"  {score:.4f}  {'text+vector' if both else 'vector only'}  {doc.title}")


def main(argv: Sequence[str] | None = None) -> Stages:
    args = parse_args(argv, "Content: semantic discovery, document networks, hybrid search.")
    use_provider(args.provider)
    stages = Stages("content")
    print("\n######## Content: documents, authors, tags and citations")
    load_model(stages)
    data = load_data("content")
    with example_database("tridb_example_content") as engine:
        with stages.stage("schema"):
            Base.metadata.create_all(engine)
        Session = sessionmaker(engine)
        sync = install_embedding_sync(Session)
        try:
            with Session() as session:
                print("loading the data set ...", flush=True)
                with stages.stage("data load"):
                    load(session, data)
                with stages.stage("discovery"):
                    discover(session, "machine learning medical applications")
                start = session.scalars(
                    select(Document).where(Document.title.startswith("Self-Supervised"))
                ).one()
                far = session.scalars(
                    select(Document).where(Document.title.startswith("Apache AGE"))
                ).one()
                with stages.stage("network"):
                    network(session, start, far)
                with stages.stage("related"):
                    related_reading(session, start)
                with stages.stage("hybrid search"):
                    hybrid(session, "language models for clinical notes")
        finally:
            sync.remove()
    stages.summary()
    return stages


if __name__ == "__main__":
    main()
