"""Shared test helpers; the fixtures themselves come from the tridb pytest plugin.

The suite's layers, cheapest first (docs/testing.md describes them for users):

1. compile-only, no server: SQL, DDL and traversal queries compiled to strings
   (golden files), declarations checked, agtype parsed, Alembic operations
   rendered with their offline SQL, the CLI without a server, the plugin itself
   through pytester (``tests/unit``, ``tests/cypher/test_agtype.py`` and
   ``test_construct.py``, ``tests/graph/test_declarations.py`` and
   ``test_compiled_sql.py``, ``tests/alembic/test_operations.py``,
   ``tests/server/test_pytest_plugin.py``, the docs' pictures);
2. ORM on the real server: sessions, graph mirroring, traversal, vector search
   and embeddings against PostgreSQL with pgvector and AGE (most of
   ``tests/graph``, ``tests/embedding``, ``tests/hybrid``, ``tests/server``,
   ``tests/cypher/test_server.py``);
3. Alembic render: autogenerate compares a live database with the models and
   renders the migration (``tests/alembic/test_render.py``);
4. command round trips: ``alembic upgrade``/``downgrade``, the ``tridb``
   commands, the examples and the docs' code run as programs
   (``tests/alembic/test_roundtrip.py``, ``test_entry_point.py`` and
   ``test_example_project.py``, ``tests/cli``, ``tests/examples``, ``tests/docs``).

Layers 2 to 4 carry the ``db`` marker: the plugin sets it on every test whose
fixtures reach ``tridb_server_url``; ``tests/server/test_manager.py``, which
starts servers of its own, sets it by hand.  Without a server they skip, saying
what to set.  ``pytest -m "not db"`` runs layer 1 alone (no server needed), and
``pytest --collect-only -q -m "not db"`` lists it.
"""

pytest_plugins = ["pytester"]
