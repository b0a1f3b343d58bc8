"""agtype text to Python and back, without a database.

AGE's ``agtype`` is JSON with more scalars (``NaN``, ``Infinity``, integers and
floats kept apart, ``1.5::numeric``) and three graph types written as a JSON
value followed by an annotation: ``{...}::vertex``, ``{...}::edge`` and
``[v, e, v, ...]::path``.  `dumps()` writes the text AGE reads
(``agtype_in``, the third argument of ``cypher()``); `loads()` reads the
text AGE writes:

    >>> dumps({"name": "a$$b", "score": 1.5, "tags": ["x"], "n": None})
    '{"name": "a$$b", "score": 1.5, "tags": ["x"], "n": null}'
    >>> loads('{"id": 1, "label": "Person", "properties": {"pk": 7}}::vertex')
    Vertex(id=1, label='Person', properties={'pk': 7})

``loads(dumps(v)) == v`` for ``None``, ``bool``, ``int`` (64-bit), ``float``
(``NaN`` aside, which is never equal to itself), ``str``, ``Decimal``, ``dict``
with ``str`` keys, ``list`` and the graph classes.  ``tuple`` comes back as
``list``; ``datetime``, ``date``, ``time`` and ``UUID`` are written as ISO-8601 /
canonical strings and come back as ``str``; an ``Enum`` is written as its value.
"""

from __future__ import annotations

from .decode import loads as loads
from .encode import dumps as dumps
from .graph_values import Edge as Edge
from .graph_values import Path as Path
from .graph_values import Vertex as Vertex

__all__ = ["Edge", "Path", "Vertex", "dumps", "loads"]
