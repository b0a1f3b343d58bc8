"""The statements behind the endpoints, built once and run by both apps.

`app.py` awaits them on an ``AsyncSession``; `sync_app.py` (the benchmark's
baseline) runs the same statements on a ``Session`` in FastAPI's thread pool.
"""

from __future__ import annotations

from typing import Any, Literal

from models import Follow, Product, User
from sqlalchemy import Select, select

from sqlalchemy_tridb import recommend

Direction = Literal["out", "in", "both"]


def user_by_handle(handle: str) -> Select[Any]:
    return select(User).where(User.handle == handle)


def users_by_handles(handles: list[str]) -> Select[Any]:
    return select(User).where(User.handle.in_(handles))


def follows_of(user: User) -> Select[Any]:
    return (
        select(User.handle)
        .join(Follow, Follow.followee_id == User.id)
        .where(Follow.follower_id == user.id)
        .order_by(User.handle)
    )


def similar_users(user: User, k: int) -> Select[Any]:
    score = User.embedding.similarity(user.embedding).label("score")
    return User.nearest(user.embedding, k=k + 1).add_columns(score).where(User.id != user.id)


def similar_products(query: str | list[float], k: int, exclude: int | None = None) -> Select[Any]:
    score = Product.embedding.similarity(query).label("score")
    stmt = Product.nearest(query, k=k if exclude is None else k + 1).add_columns(score)
    return stmt if exclude is None else stmt.where(Product.id != exclude)


def recommendations(user: User, k: int) -> Select[Any]:
    """Products bought by the people *user* follows, scored with their taste vector."""
    return recommend(
        Product,
        user,
        via=("FOLLOWS", "BOUGHT"),
        history=("BOUGHT",),  # what they bought: excluded, and its centroid is the taste
        embedding=Product.embedding,
        k=k,
    )


def network(user: User, hops: int, direction: Direction) -> Select[Any]:
    """Users within *hops* FOLLOWS steps (the library raises TraversalError on bad hops)."""
    reach = User.reachable(user, "FOLLOWS", max_hops=hops, direction=direction)
    return (
        select(User.handle, reach.c.hops)
        .join(reach, reach.c.id == User.id)
        .order_by(reach.c.hops, User.handle)
    )


def handles_of(ids: list[int]) -> Select[Any]:
    return select(User.id, User.handle, User.name).where(User.id.in_(ids))
