"""Keep embedding columns in step on flush: `install_embedding_sync()` and its handle.

    Session = sessionmaker(engine)
    sync = install_embedding_sync(Session)     # or a Session, a Session subclass
    ...
    sync.remove()

On ``before_flush`` the new objects, and the dirty ones whose source attributes
changed, get their vectors computed (one provider call per provider per
batch, validated) before any SQL, so the INSERT/UPDATE already carries them.
On ``do_orm_execute`` ORM INSERT/UPDATE statements get vectors (see
`.statements`).  Reading does not depend on this hook: `nearest()` returns a
`SearchSelect` that applies its own search settings; the hook only applies
them for other queries that carry `SEARCH_OPTION` by hand.

AsyncSession: pass the ``AsyncSession`` itself, or the ``async_sessionmaker``
(its ``sync_session_class`` is replaced by a subclass that carries the listeners,
restored by ``remove()``), or install on your own ``Session`` subclass and give
it as ``async_sessionmaker(engine, sync_session_class=MySession)``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from ..embedding import EmbeddingProvider
from .compute import compute, plan_objects
from .settings import SEARCH_OPTION, SearchSelect, SearchSettings, apply_search_settings
from .spec import EmbeddingSpec
from .statements import prepare_statement

__all__ = ["EmbeddingSync", "install_embedding_sync"]


def _resolve(spec: EmbeddingSpec) -> EmbeddingProvider:
    return spec.resolve()


def _is_async_sessionmaker(target: object) -> bool:
    # sqlalchemy.ext.asyncio needs greenlet (an optional dependency) to import, so it is
    # not imported here; an async_sessionmaker exists only once that module is loaded
    asyncio_ext = sys.modules.get("sqlalchemy.ext.asyncio")
    return asyncio_ext is not None and isinstance(target, asyncio_ext.async_sessionmaker)


@dataclass
class EmbeddingSync:
    """The handle `install_embedding_sync()` returns; `remove()` undoes it.

    Made by `install_embedding_sync()`, which takes the same parameters.

    :param target: what the listeners are installed on: a ``sessionmaker``, a
        ``Session`` or ``Session`` subclass, an ``AsyncSession`` or an
        ``async_sessionmaker``.
    :param statements: whether ORM INSERT/UPDATE statements get vectors too.
    """

    target: Any
    statements: bool = True
    _restore: tuple[Any, Any] | None = field(default=None, repr=False)
    _listening: Any = field(default=None, repr=False)

    def before_flush(self, session: Session, flush_context: Any, instances: Any) -> None:
        """Compute embeddings for the flush; raise before any SQL if one fails.

        The ``before_flush`` listener.

        :param session: the flushing session; its new objects, and the dirty
            ones whose source attributes changed, get their vectors.
        :param flush_context: SQLAlchemy's unit of work (not used).
        :param instances: the objects passed to ``flush()`` (not used: every
            new and dirty object of the session is embedded).
        """
        plan = plan_objects(list(session.new), list(session.dirty))
        if plan:
            plan.apply(compute(plan.jobs, resolve=_resolve))

    def do_orm_execute(self, state: ORMExecuteState) -> None:
        """Apply search settings to queries; embed ORM INSERT/UPDATE statements.

        The ``do_orm_execute`` listener.

        :param state: the ORM execution; a select carrying `SearchSettings`
            (other than a `nearest()` query, which applies its own) gets them
            ``SET LOCAL``, and with *statements* an ORM INSERT/UPDATE gets
            the vectors of its values.
        """
        if state.is_select:
            settings = state.execution_options.get(SEARCH_OPTION)
            if isinstance(settings, SearchSettings) and not isinstance(
                state.statement, SearchSelect
            ):  # a SearchSelect (nearest()) applies its own, in any session
                conn = state.session.connection(bind_arguments=state.bind_arguments)
                apply_search_settings(conn, settings)
        elif self.statements and (state.is_insert or state.is_update):
            prepare_statement(state, _resolve)

    def install(self) -> EmbeddingSync:
        """Listen on the target (idempotent)."""
        target = self._listening = self._listening or self._listen_target()
        if not event.contains(target, "before_flush", self.before_flush):
            event.listen(target, "before_flush", self.before_flush)
            event.listen(target, "do_orm_execute", self.do_orm_execute)
        return self

    def remove(self) -> None:
        """Stop listening (and restore an async_sessionmaker's class)."""
        target = self._listening
        if target is not None and event.contains(target, "before_flush", self.before_flush):
            event.remove(target, "before_flush", self.before_flush)
            event.remove(target, "do_orm_execute", self.do_orm_execute)
        if self._restore is not None:
            maker, previous = self._restore
            maker.kw["sync_session_class"] = previous
            self._restore = None
        self._listening = None

    def __enter__(self) -> EmbeddingSync:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def _listen_target(self) -> Any:
        target = self.target
        sync_session = getattr(target, "sync_session", None)
        if isinstance(sync_session, Session):  # an AsyncSession
            return sync_session
        kw = getattr(target, "kw", None)
        if _is_async_sessionmaker(target) and isinstance(kw, dict):
            if self._restore is None:
                previous = kw.get("sync_session_class") or Session
                kw["sync_session_class"] = type("EmbeddingSyncSession", (previous,), {})
                self._restore = (target, previous)
            return kw["sync_session_class"]
        return target


def install_embedding_sync(target: Any, *, statements: bool = True) -> EmbeddingSync:
    """Install the embedding sync on a sessionmaker, Session (class) or AsyncSession (maker).

    ``statements=False`` leaves ORM INSERT/UPDATE statements alone (search
    settings still apply).

    :param target: a ``sessionmaker``, a ``Session`` or ``Session`` subclass, an
        ``AsyncSession`` or an ``async_sessionmaker``.
    :param statements: whether ORM INSERT/UPDATE statements get vectors too.
    """
    return EmbeddingSync(target, statements).install()
