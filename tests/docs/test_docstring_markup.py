"""The mechanical conversion of Sphinx markup in docstrings (tests/docs/docstring_markup.py)."""

from __future__ import annotations

from docstring_markup import convert

BEFORE = '''"""Summary with :func:`walk` and :class:`~sqlalchemy_tridb.exc.TriDBError`.

::

    example(1)

    example(2)
"""

X = "a :func:`role` outside a docstring stays"


def f() -> None:
    """Use :meth:`Session.get`, :func:`resolve()` and :mod:`sqlalchemy_tridb.cypher` like so::

        f()

    or not ::

        g()
    """
'''

AFTER = '''"""Summary with `walk()` and `TriDBError`.

```
example(1)

example(2)
```
"""

X = "a :func:`role` outside a docstring stays"


def f() -> None:
    """Use `Session.get()`, `resolve()` and `sqlalchemy_tridb.cypher` like so:

        f()

    or not

        g()
    """
'''


def test_convert() -> None:
    assert convert(BEFORE) == AFTER
    assert convert(AFTER) == AFTER  # idempotent
