"""The SQL that fills labels from the rows there are, as the triggers would have written them.

Below `sqlalchemy_tridb.graph.schema` (whose ``create_all`` listener
fills labels made over tables that have rows) and below the batch runner
`sqlalchemy_tridb.graph.sync`; migrations take the statements of one
declaration from `backfill_sql()` / `backfill_ddl()`.
"""

from __future__ import annotations

from .plain import BackfillStatement as BackfillStatement
from .plain import backfill_ddl as backfill_ddl
from .plain import backfill_sql as backfill_sql
from .plain import fill_new_labels as fill_new_labels

__all__ = ["BackfillStatement", "backfill_ddl", "backfill_sql", "fill_new_labels"]
