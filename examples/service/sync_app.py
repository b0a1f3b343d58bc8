"""The benchmark's baseline: the read endpoints of `app.py` on a sync ``Session``.

The same statements (`queries.py`) and responses, but plain ``def`` handlers,
which FastAPI runs in its thread pool, and a sync engine; what
``benchmarks/bench_service.py`` compares the async service with.

    uvicorn --app-dir examples/service --factory sync_app:create_sync_app
"""

# no `from __future__ import annotations`: FastAPI reads the annotations at run time
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Annotated

import queries
import schemas
from app import use_provider
from fastapi import Depends, FastAPI, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse
from models import Base, Product, User
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from sqlalchemy_tridb import TraversalError, install_embedding_sync, pagerank


def create_sync_app(database_url: str | None = None, provider: str | None = None) -> FastAPI:
    """The read endpoints of `app.create_app()`, sync, on *database_url*.

    :param database_url: a ``postgresql+psycopg://`` URL.
    :param provider: ``minilm`` or ``deterministic`` (default ``TRIDB_SERVICE_PROVIDER``).
    """
    url = database_url or os.environ["TRIDB_DATABASE_URL"]
    use_provider(provider or os.environ.get("TRIDB_SERVICE_PROVIDER", "minilm"))
    engine = create_engine(url, plugins=["tridb"], pool_size=10)
    maker = sessionmaker(engine, expire_on_commit=False)
    install_embedding_sync(maker)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        Base.metadata.create_all(engine)
        yield
        engine.dispose()

    app = FastAPI(title="sqlalchemy-tridb example service (sync baseline)", lifespan=lifespan)

    def session() -> Iterator[Session]:
        with maker() as s:
            yield s

    SyncSession = Annotated[Session, Depends(session)]
    K = Annotated[int, Query(ge=1, le=50)]

    @app.exception_handler(TraversalError)
    async def bad_traversal(request: Request, err: TraversalError) -> JSONResponse:
        return JSONResponse({"detail": str(err)}, status_code=status.HTTP_400_BAD_REQUEST)

    def get_user(s: Session, handle: str) -> User:
        user = s.scalar(queries.user_by_handle(handle))
        if user is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user {handle!r}")
        return user

    @app.get("/users/influential", response_model=list[schemas.ScoredUser])
    def influential(s: SyncSession, k: K = 5) -> list[schemas.ScoredUser]:
        ranks = pagerank(s, User, "FOLLOWS")
        top = sorted(ranks, key=lambda i: (-ranks[i], i))[:k]
        names = {i: (h, n) for i, h, n in s.execute(queries.handles_of(top))}
        return [
            schemas.ScoredUser(handle=names[i][0], name=names[i][1], score=ranks[i]) for i in top
        ]

    @app.get("/users/{handle}", response_model=schemas.UserOut)
    def read_user(handle: str, s: SyncSession) -> schemas.UserOut:
        user = get_user(s, handle)
        follows = list(s.scalars(queries.follows_of(user)))
        return schemas.UserOut(
            id=user.id, handle=user.handle, name=user.name, bio=user.bio, follows=follows
        )

    @app.get("/users/{handle}/similar", response_model=list[schemas.ScoredUser])
    def similar_users(handle: str, s: SyncSession, k: K = 5) -> list[schemas.ScoredUser]:
        user = get_user(s, handle)
        rows = s.execute(queries.similar_users(user, k))
        return [schemas.ScoredUser(handle=u.handle, name=u.name, score=sc) for u, sc in rows][:k]

    @app.get("/users/{handle}/network", response_model=list[schemas.Reached])
    def network(
        handle: str, s: SyncSession, hops: int = 2, direction: queries.Direction = "out"
    ) -> list[schemas.Reached]:
        user = get_user(s, handle)
        rows = s.execute(queries.network(user, hops, direction))
        return [schemas.Reached(handle=h, hops=n) for h, n in rows]

    @app.get("/users/{handle}/recommendations", response_model=list[schemas.Recommendation])
    def recommendations(handle: str, s: SyncSession, k: K = 5) -> list[schemas.Recommendation]:
        user = get_user(s, handle)
        rows = s.execute(queries.recommendations(user, k))
        return [
            schemas.Recommendation(
                id=p.id, name=p.name, graph_score=g, vector_score=v or 0.0, score=sc
            )
            for p, g, v, sc in rows
        ]

    @app.get("/products/search", response_model=list[schemas.ScoredProduct])
    def search(
        s: SyncSession, q: Annotated[str, Query(min_length=1, max_length=500)], k: K = 5
    ) -> list[schemas.ScoredProduct]:
        rows = s.execute(queries.similar_products(q, k))
        return [schemas.ScoredProduct(id=p.id, name=p.name, score=sc) for p, sc in rows]

    @app.get("/products/{product_id}/similar", response_model=list[schemas.ScoredProduct])
    def similar(product_id: int, s: SyncSession, k: K = 5) -> list[schemas.ScoredProduct]:
        product = s.get(Product, product_id)
        if product is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no product {product_id}")
        rows = s.execute(queries.similar_products(product.embedding, k, product.id))
        return [schemas.ScoredProduct(id=p.id, name=p.name, score=sc) for p, sc in rows][:k]

    return app
