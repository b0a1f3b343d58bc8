"""Request and response bodies (pydantic validates the requests: 422 on bad input)."""

from __future__ import annotations

from pydantic import BaseModel, Field

Handle = Field(pattern=r"^[a-z0-9_]{2,30}$", examples=["ada_learns"])


class UserIn(BaseModel):
    handle: str = Handle
    name: str = Field(min_length=1, max_length=100)
    bio: str = Field(min_length=1, max_length=2000)
    follows: list[str] = Field(default=[], max_length=500, description="handles to follow")


class UserOut(BaseModel):
    id: int
    handle: str
    name: str
    bio: str
    follows: list[str]


class ProductIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=2000)
    price: float = Field(ge=0)


class ProductOut(BaseModel):
    id: int
    name: str
    description: str
    price: float


class PurchaseIn(BaseModel):
    product_id: int
    quantity: int = Field(default=1, ge=1, le=1000)


class PurchaseOut(BaseModel):
    id: int
    user: str
    product_id: int
    quantity: int


class ScoredUser(BaseModel):
    handle: str
    name: str
    score: float


class ScoredProduct(BaseModel):
    id: int
    name: str
    score: float


class Recommendation(BaseModel):
    id: int
    name: str
    graph_score: float
    vector_score: float
    score: float


class Reached(BaseModel):
    handle: str
    hops: int
