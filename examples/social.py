"""Social network: users, follows and posts; influence, suggestions, topical reach.

Run: ``python examples/social.py`` (the real all-MiniLM-L6-v2 model) or
``python examples/social.py --provider deterministic`` (fast, not semantic).
It uses TRIDB_DATABASE_URL or the local server, in a database of its own.

* rows: users, follows, posts;
* vectors: each user's bio and each post's text, embedded on flush;
* a graph: user -FOLLOWS-> user, mirrored from the follows table.
"""

from __future__ import annotations

from collections.abc import Sequence

from _support import (
    Stages,
    example_database,
    load_data,
    load_model,
    parse_args,
    progress,
    use_provider,
)
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)

from sqlalchemy_tridb.graph import GraphEdge, GraphNode
from sqlalchemy_tridb.graph.algorithms import pagerank, suggest_connections
from sqlalchemy_tridb.vector import Embedding, install_embedding_sync


class Base(DeclarativeBase):
    pass


class User(GraphNode, Base):
    __tablename__ = "app_user"
    __graph__ = "social"
    __graph_label__ = "User"
    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str]
    name: Mapped[str]
    bio: Mapped[str]
    bio_embedding: Mapped[list[float] | None] = Embedding(source="bio", provider="all-MiniLM-L6-v2")


class Follow(GraphEdge, Base):
    """Each row is a FOLLOWS edge from follower to followee."""

    __tablename__ = "follow"
    __edge_label__ = "FOLLOWS"
    __edge_source__ = "follower_id"
    __edge_target__ = "followee_id"
    follower_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    followee_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)


class Post(Base):
    """A plain table (no graph): joined to the graph's answers by its author's key."""

    __tablename__ = "post"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    text: Mapped[str]
    author: Mapped[User] = relationship()
    embedding: Mapped[list[float] | None] = Embedding(source="text", provider="all-MiniLM-L6-v2")


def load(session: Session, data: dict[str, list[dict]]) -> None:
    """Insert the data set: users (bios embedded), follows (edges), posts (embedded)."""
    users, follows, posts = data["users"], data["follows"], data["posts"]
    total = len(users) + len(follows) + len(posts)
    with progress("rows stored (bios and posts embedded)", total) as step:
        session.add_all(User(**u) for u in users)
        session.commit()
        step(len(users))
        session.add_all(
            Follow(follower_id=f["follower"], followee_id=f["followee"]) for f in follows
        )
        session.commit()
        step(len(users) + len(follows))
        session.add_all(Post(id=p["id"], author_id=p["author"], text=p["text"]) for p in posts)
        session.commit()
        step(total)
    print(f"   loaded {len(users)} users, {len(follows)} follows, {len(posts)} posts")


def influencers(session: Session) -> User:
    print("\n== Influential users: PageRank and followers (in-degree)")
    ranks = pagerank(session, User, "FOLLOWS")  # {primary key: score}, edges read in one query
    top = sorted(ranks, key=ranks.__getitem__, reverse=True)[:5]
    followers = User.degree("FOLLOWS", direction="in").label("followers")
    counts = dict(session.execute(select(User, followers).where(User.id.in_(top))).all())
    users = sorted(counts, key=lambda u: ranks[u.id], reverse=True)
    for user in users:
        rank, count = ranks[user.id], counts[user]
        print(f"  PageRank {rank:.3f}  {count:>2} followers  @{user.handle} ({user.name})")
    return users[0]


def people_you_may_know(session: Session, user: User) -> None:
    print(f"\n== People @{user.handle} may know: followed by people they follow")
    print(f"   (bio: {user.bio!r}); ties broken by how close the bios are")
    pymk = suggest_connections(User, user, "FOLLOWS")
    alike = User.bio_embedding.similarity(user.bio_embedding).label("alike")
    stmt = (
        select(User, pymk.c.mutual, alike)
        .join(pymk, pymk.c.id == User.id)
        .order_by(pymk.c.mutual.desc(), alike.desc())
        .limit(5)
    )
    for other, mutual, similarity in session.execute(stmt):
        print(f"  {mutual} mutual, bio {similarity:.2f}  @{other.handle}: {other.bio}")


def followers_on_topic(session: Session, user: User, topic: str) -> None:
    print(f"\n== Followers of @{user.handle} within 2 hops who wrote about {topic!r}")
    print("   graph reach, a relational join and vector similarity in one select()")
    # who follows them, directly (1 hop) or through someone who does (2 hops)
    reach = User.reachable(user, "FOLLOWS", max_hops=2, direction="in")
    score = Post.embedding.similarity(topic).label("score")
    stmt = (
        select(User.handle, reach.c.hops, Post.text, score)
        .join(reach, reach.c.id == User.id)
        .join(Post, Post.author_id == User.id)
        .order_by(score.desc())
        .limit(5)
    )
    for handle, hops, text, similarity in session.execute(stmt):
        print(f"  {similarity:.3f}  @{handle} ({hops} hop{'s' if hops > 1 else ''}): {text}")


def main(argv: Sequence[str] | None = None) -> Stages:
    args = parse_args(argv, "Social network: influencers, suggestions, followers on a topic.")
    use_provider(args.provider)
    stages = Stages("social")
    print("\n######## Social network: users, follows and posts")
    load_model(stages)
    data = load_data("social")
    with example_database("tridb_example_network") as engine:
        with stages.stage("schema"):
            Base.metadata.create_all(engine)
        Session = sessionmaker(engine)
        sync = install_embedding_sync(Session)
        try:
            with Session() as session:
                print("loading the data set ...", flush=True)
                with stages.stage("data load"):
                    load(session, data)
                with stages.stage("influencers"):
                    top = influencers(session)
                with stages.stage("people you may know"):
                    who = session.scalars(select(User).where(User.handle == "priya_data")).one()
                    people_you_may_know(session, who)
                with stages.stage("followers on a topic"):
                    followers_on_topic(session, top, "semantic search with embeddings")
        finally:
            sync.remove()
    stages.summary()
    return stages


if __name__ == "__main__":
    main()
