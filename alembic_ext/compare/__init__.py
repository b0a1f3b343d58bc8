"""Autogenerate comparators, one module per kind of object.

Each reads the declared state (:mod:`alembic_ext.declared`) and the database
state (:mod:`alembic_ext.inspect`), diffs them and appends operations.
"""
