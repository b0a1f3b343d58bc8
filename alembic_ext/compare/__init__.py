"""Autogenerate comparators, one module per kind of object.

Each reads the declared state (`alembic_ext.declared`) and the database
state (`alembic_ext.inspect`), diffs them and appends operations.
"""
