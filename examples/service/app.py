"""The seed's REST API on an async session: FastAPI, sqlalchemy-tridb, one PostgreSQL.

Run it (the real all-MiniLM-L6-v2 model, or ``TRIDB_SERVICE_PROVIDER=deterministic``)::

    TRIDB_DATABASE_URL=postgresql+psycopg://... python examples/service/app.py
    # or: uvicorn --app-dir examples/service --factory app:create_app

and open http://127.0.0.1:8000/docs for the OpenAPI page.  Endpoints:

* ``POST /users``: a user, their bio's embedding and their FOLLOWS edges, in one
  transaction (409 if the handle is taken, 422 if a followed handle is unknown);
* ``POST /products``, ``POST /users/{handle}/purchases`` (a BOUGHT edge);
* ``GET /products/search?q=`` and ``GET /products/{id}/similar``: similar items;
* ``GET /users/{handle}/similar``: users with similar bios;
* ``GET /users/{handle}/recommendations``: what the people they follow bought,
  scored with the graph signal and similarity to what they bought;
* ``GET /users/{handle}/network?hops=N``: who is within N FOLLOWS steps
  (400 when N is outside 1..10);
* ``GET /users/influential``: PageRank over FOLLOWS (``sqlalchemy_tridb.aio``).
"""

# no `from __future__ import annotations` here: FastAPI reads the handlers' annotations
# (the local Session and K aliases) at run time
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import queries
import schemas
from fastapi import Depends, FastAPI, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse
from models import PROVIDER, Base, Follow, Product, Purchase, User
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from sqlalchemy_tridb import (
    DeterministicProvider,
    SentenceTransformerProvider,
    TraversalError,
    aio,
    install_embedding_sync,
    providers,
)


def use_provider(name: str) -> None:
    """Register the provider the models name: ``minilm`` (the real model) or ``deterministic``."""
    if name == "deterministic":  # hashed n-grams: fast, not semantic (tests, benchmarks)
        providers.register(DeterministicProvider(dimension=384), name=PROVIDER, replace=True)
    else:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model ships in a package
        providers.register(SentenceTransformerProvider(), name=PROVIDER, replace=True)


def create_app(database_url: str | None = None, provider: str | None = None) -> FastAPI:
    """The app on *database_url* (default ``TRIDB_DATABASE_URL``); its schema is made at start.

    :param database_url: a ``postgresql+psycopg://`` URL (the async psycopg driver is used).
    :param provider: ``minilm`` or ``deterministic`` (default ``TRIDB_SERVICE_PROVIDER``).
    """
    url = database_url or os.environ["TRIDB_DATABASE_URL"]
    use_provider(provider or os.environ.get("TRIDB_SERVICE_PROVIDER", "minilm"))
    engine = create_async_engine(url, plugins=["tridb"], pool_size=10)
    maker = async_sessionmaker(engine, expire_on_commit=False)
    install_embedding_sync(maker)  # embeddings computed on flush

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with engine.begin() as conn:  # tables, vector indexes, graph, labels
            await conn.run_sync(Base.metadata.create_all)
        yield
        await engine.dispose()

    app = FastAPI(title="sqlalchemy-tridb example service", version="1", lifespan=lifespan)

    async def session() -> AsyncIterator[AsyncSession]:
        async with maker() as s:
            yield s

    Session = Annotated[AsyncSession, Depends(session)]
    K = Annotated[int, Query(ge=1, le=50)]

    @app.exception_handler(TraversalError)
    async def bad_traversal(request: Request, err: TraversalError) -> JSONResponse:
        return JSONResponse({"detail": str(err)}, status_code=status.HTTP_400_BAD_REQUEST)

    async def get_user(s: AsyncSession, handle: str) -> User:
        user = await s.scalar(queries.user_by_handle(handle))
        if user is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user {handle!r}")
        return user

    async def user_out(s: AsyncSession, user: User) -> schemas.UserOut:
        follows = list(await s.scalars(queries.follows_of(user)))
        return schemas.UserOut(
            id=user.id, handle=user.handle, name=user.name, bio=user.bio, follows=follows
        )

    @app.post("/users", status_code=status.HTTP_201_CREATED, response_model=schemas.UserOut)
    async def create_user(body: schemas.UserIn, s: Session) -> schemas.UserOut:
        wanted = set(body.follows)
        followed = list(await s.scalars(queries.users_by_handles(sorted(wanted))))
        unknown = wanted - {u.handle for u in followed}
        if unknown:
            raise HTTPException(422, f"cannot follow unknown users: {sorted(unknown)}")
        user = User(handle=body.handle, name=body.name, bio=body.bio)
        s.add(user)
        try:
            await s.flush()  # the row, its embedding and its vertex
            s.add_all(Follow(follower_id=user.id, followee_id=f.id) for f in followed)
            await s.commit()  # the FOLLOWS edges, in the same transaction
        except IntegrityError as err:
            await s.rollback()
            raise HTTPException(409, f"the handle {body.handle!r} is taken") from err
        return await user_out(s, user)

    @app.get("/users/influential", response_model=list[schemas.ScoredUser])
    async def influential(s: Session, k: K = 5) -> list[schemas.ScoredUser]:
        ranks = await aio.pagerank(s, User, "FOLLOWS")
        top = sorted(ranks, key=lambda i: (-ranks[i], i))[:k]
        names = {i: (h, n) for i, h, n in await s.execute(queries.handles_of(top))}
        return [
            schemas.ScoredUser(handle=names[i][0], name=names[i][1], score=ranks[i]) for i in top
        ]

    @app.get("/users/{handle}", response_model=schemas.UserOut)
    async def read_user(handle: str, s: Session) -> schemas.UserOut:
        return await user_out(s, await get_user(s, handle))

    @app.get("/users/{handle}/similar", response_model=list[schemas.ScoredUser])
    async def similar_users(handle: str, s: Session, k: K = 5) -> list[schemas.ScoredUser]:
        user = await get_user(s, handle)
        rows = await s.execute(queries.similar_users(user, k))
        return [schemas.ScoredUser(handle=u.handle, name=u.name, score=sc) for u, sc in rows][:k]

    @app.get("/users/{handle}/network", response_model=list[schemas.Reached])
    async def network(
        handle: str, s: Session, hops: int = 2, direction: queries.Direction = "out"
    ) -> list[schemas.Reached]:
        user = await get_user(s, handle)
        rows = await s.execute(queries.network(user, hops, direction))
        return [schemas.Reached(handle=h, hops=n) for h, n in rows]

    @app.get("/users/{handle}/recommendations", response_model=list[schemas.Recommendation])
    async def recommendations(handle: str, s: Session, k: K = 5) -> list[schemas.Recommendation]:
        user = await get_user(s, handle)
        rows = await s.execute(queries.recommendations(user, k))
        return [
            schemas.Recommendation(
                id=p.id, name=p.name, graph_score=g, vector_score=v or 0.0, score=sc
            )
            for p, g, v, sc in rows
        ]

    @app.post(
        "/users/{handle}/purchases",
        status_code=status.HTTP_201_CREATED,
        response_model=schemas.PurchaseOut,
    )
    async def buy(handle: str, body: schemas.PurchaseIn, s: Session) -> schemas.PurchaseOut:
        user = await get_user(s, handle)
        if await s.get(Product, body.product_id) is None:
            raise HTTPException(422, f"no product {body.product_id}")
        purchase = Purchase(user_id=user.id, product_id=body.product_id, quantity=body.quantity)
        s.add(purchase)
        await s.commit()  # the row and its BOUGHT edge
        return schemas.PurchaseOut(
            id=purchase.id, user=handle, product_id=body.product_id, quantity=body.quantity
        )

    @app.post("/products", status_code=status.HTTP_201_CREATED, response_model=schemas.ProductOut)
    async def create_product(body: schemas.ProductIn, s: Session) -> schemas.ProductOut:
        product = Product(name=body.name, description=body.description, price=body.price)
        s.add(product)
        try:
            await s.commit()  # the row, its embedding and its vertex
        except IntegrityError as err:
            await s.rollback()
            raise HTTPException(409, f"a product is already called {body.name!r}") from err
        return schemas.ProductOut(
            id=product.id, name=product.name, description=product.description, price=product.price
        )

    @app.get("/products/search", response_model=list[schemas.ScoredProduct])
    async def search(
        s: Session, q: Annotated[str, Query(min_length=1, max_length=500)], k: K = 5
    ) -> list[schemas.ScoredProduct]:
        rows = await s.execute(queries.similar_products(q, k))
        return [schemas.ScoredProduct(id=p.id, name=p.name, score=sc) for p, sc in rows]

    @app.get("/products/{product_id}/similar", response_model=list[schemas.ScoredProduct])
    async def similar(product_id: int, s: Session, k: K = 5) -> list[schemas.ScoredProduct]:
        product = await s.get(Product, product_id)
        if product is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no product {product_id}")
        rows = await s.execute(queries.similar_products(product.embedding, k, product.id))
        return [schemas.ScoredProduct(id=p.id, name=p.name, score=sc) for p, sc in rows][:k]

    return app


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(create_app(), host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
