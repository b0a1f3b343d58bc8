"""``doctor()``: a live database against what the models declare, and how to fix each difference.

    report = doctor(engine, Base, models="myapp.models:Base")
    print(report.text())          # one line per problem, and the command that fixes it

It looks at, in order: the extensions and their versions; the graphs and
labels; the sync triggers (present, enabled, and the functions' text and
settings identical to what the models declare); the privileges the sync
functions' owner needs; the vector indexes (present, valid); the rows whose
embedding is NULL although their source has text; and graph drift
(`check_graph()`).  It writes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex

from .graph.schema import sync_triggers
from .graph.spec import EdgeSpec, NodeSpec
from .graph.sync.check import check_graph
from .graph.sync.plan import resolve_targets
from .graph.triggers import FUNCTION_SETTINGS, Trigger
from .info import server_versions
from .sql import qualified_table, sql_literal
from .sql.age import label_table_sql
from .vector.spec import spec_of
from .worker.health import outbox_findings

#: The oldest versions the library supports.
MINIMUM = {"vector": (0, 7), "age": (1, 5)}
_INDEX_INFO = "tridb.embedding_index"


@dataclass(frozen=True)
class Problem:
    """One difference between the database and the declarations.

    :param area: what kind of thing is wrong: ``extension``, ``graph``,
        ``trigger``, ``privilege``, ``index``, ``embedding`` or ``drift``.
    :param message: what is wrong, naming the object.
    :param fix: the command (or SQL) that fixes it.
    """

    area: str
    message: str
    fix: str


@dataclass
class DoctorReport:
    """What `doctor()` found; ``ok`` when nothing.

    :param problems: the `Problem`s found, in the order they were checked.
    :param checked: what was looked at, one line each.
    """

    problems: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the database is as the models declare."""
        return not self.problems

    def add(self, area: str, message: str, fix: str) -> None:
        """Record a problem.

        :param area: the `Problem`'s area (``extension``, ``graph``...).
        :param message: what is wrong.
        :param fix: the command (or SQL) that fixes it.
        """
        self.problems.append(Problem(area, message, fix))

    def text(self) -> str:
        """The report for the eye: each problem, then how to fix it."""
        lines = [f"checked {c}" for c in self.checked]
        if self.ok:
            return "\n".join([*lines, "no problems found"])
        for p in self.problems:
            lines += [f"[{p.area}] {p.message}", f"    fix: {p.fix}"]
        lines.append(f"{len(self.problems)} problem(s)")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "ok": self.ok,
            "checked": self.checked,
            "problems": [asdict(p) for p in self.problems],
        }


def _version(text_: str | None) -> tuple[int, ...]:
    parts = []
    for piece in (text_ or "0").split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def _scalar(conn: Connection, sql: str, **params: Any) -> Any:
    return conn.execute(text(sql), params).scalar()


def _extensions(conn: Connection, report: DoctorReport, needed: list[str]) -> set[str]:
    versions = server_versions(conn)
    have = {"vector": versions.pgvector, "age": versions.age}
    available = {"vector": versions.pgvector_available, "age": versions.age_available}
    ok: set[str] = set()
    for name in needed:
        version = have[name]
        if version is None:
            fix = f"CREATE EXTENSION IF NOT EXISTS {name}"
            if available[name] is None:
                fix = f"install {name} on the server, then {fix}"
            report.add("extension", f"extension {name} is not created in this database", fix)
            continue
        ok.add(name)
        if _version(version) < MINIMUM[name]:
            least = ".".join(map(str, MINIMUM[name]))
            report.add(
                "extension",
                f"{name} {version} is older than {least}",
                f"ALTER EXTENSION {name} UPDATE (the server offers {available[name]})",
            )
    report.checked.append("extensions: " + ", ".join(f"{n} {have[n] or 'missing'}" for n in needed))
    return ok


def _labels(
    conn: Connection, report: DoctorReport, specs: list[NodeSpec | EdgeSpec], sync: str
) -> None:
    rows = conn.execute(
        text(
            "SELECT g.name::text, l.name::text, l.kind::text FROM ag_catalog.ag_label l\n"
            "JOIN ag_catalog.ag_graph g ON g.graphid = l.graph"
        )
    ).all()
    labels = {(g, name): kind for g, name, kind in rows}
    graphs = {g for (g,) in conn.execute(text("SELECT name::text FROM ag_catalog.ag_graph"))}
    for graph in dict.fromkeys(s.graph for s in specs):
        if graph not in graphs:
            report.add("graph", f"graph {graph} does not exist", sync)
    for spec in specs:
        want = "v" if isinstance(spec, NodeSpec) else "e"
        kind = labels.get((spec.graph, spec.label))
        if spec.graph in graphs and kind is None:
            report.add("graph", f"label {spec.graph}.{spec.label} does not exist", sync)
        elif kind is not None and kind != want:
            report.add(
                "graph",
                f"label {spec.graph}.{spec.label} is a{'n edge' if kind == 'e' else ' vertex'} "
                "label, the models declare the other kind",
                f"SELECT ag_catalog.drop_label({sql_literal(spec.graph)}, "
                f"{sql_literal(spec.label)}); then {sync}",
            )
    report.checked.append(f"graphs and labels: {len(specs)} label(s)")


def _settings() -> list[str]:
    return sorted(f"{n}={v.strip(chr(39))}" for n, v in FUNCTION_SETTINGS)


def _trigger(conn: Connection, report: DoctorReport, trig: Trigger, sync: str) -> str | None:
    """Check one trigger; return its function's owner (or ``None``)."""
    found = conn.execute(
        text(
            "SELECT p.prosrc, p.prosecdef, p.proconfig, pg_catalog.pg_get_userbyid(p.proowner),\n"
            "    (SELECT t.tgenabled::text FROM pg_catalog.pg_trigger t\n"
            "     WHERE t.tgrelid = pg_catalog.to_regclass(:table) AND t.tgname = :name\n"
            "       AND t.tgfoid = p.oid)\n"
            "FROM pg_catalog.pg_proc p WHERE p.oid = pg_catalog.to_regprocedure(:fn)"
        ),
        {"table": qualified_table(trig.table), "name": trig.name, "fn": f"{trig.function}()"},
    ).first()
    where = f"{trig.name} on {trig.table.name}"
    if found is None:
        report.add("trigger", f"sync function of {where} is missing", sync)
        return None
    src, secdef, config, owner, enabled = found
    if src.strip("\n") != trig.body.strip("\n") or not secdef:
        report.add("trigger", f"sync function of {where} differs from the models'", sync)
    elif sorted(c.lower() for c in config or []) != [s.lower() for s in _settings()]:
        report.add("trigger", f"sync function of {where} runs with other settings", sync)
    if enabled is None:
        report.add("trigger", f"trigger {where} is missing", sync)
    elif enabled == "D":
        report.add(
            "trigger",
            f"trigger {where} is disabled: writes to {trig.table.name} bypass the graph",
            f"ALTER TABLE {qualified_table(trig.table)} ENABLE TRIGGER {trig.name}",
        )
    return str(owner)


def _privileges(
    conn: Connection, report: DoctorReport, owners: dict[str, str], specs: list[NodeSpec | EdgeSpec]
) -> None:
    for spec in specs:
        owner = owners.get(spec.table.name)
        if owner is None:
            continue
        lt = label_table_sql(spec.graph, spec.label)
        ok = _scalar(
            conn,
            "SELECT pg_catalog.to_regclass(:lt) IS NULL OR pg_catalog.has_table_privilege("
            ":owner, :lt, 'SELECT, INSERT, UPDATE, DELETE')",
            owner=owner,
            lt=lt,
        )
        if not ok:
            report.add(
                "privilege",
                f"{owner}, who owns the sync functions of {spec.table.name}, cannot write {lt}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON {lt} TO {owner} (as the graph's owner)",
            )
    report.checked.append(f"privileges of {len(set(owners.values()))} sync function owner(s)")


def _vector(
    conn: Connection,
    report: DoctorReport,
    metadatas: Iterable[MetaData],
    classes: dict[Table, type],
) -> None:
    indexes = columns = 0
    for meta in metadatas:
        for table in meta.tables.values():
            columns += _embeddings(conn, report, table, classes)
            for index in table.indexes:
                if not index.info.get(_INDEX_INFO):
                    continue
                indexes += 1
                name = f'"{table.schema}"."{index.name}"' if table.schema else f'"{index.name}"'
                valid = _scalar(
                    conn,
                    "SELECT i.indisvalid FROM pg_catalog.pg_index i\n"
                    "WHERE i.indexrelid = pg_catalog.to_regclass(:name)",
                    name=name,
                )
                if valid is None:
                    create = str(CreateIndex(index).compile(dialect=postgresql.dialect()))  # type: ignore[no-untyped-call]
                    report.add(
                        "index",
                        f"vector index {index.name} on {table.name} is missing",
                        " ".join(create.split()),  # or: alembic revision --autogenerate
                    )
                elif not valid:
                    report.add(
                        "index",
                        f"vector index {index.name} on {table.name} is invalid",
                        f"REINDEX INDEX CONCURRENTLY {name}",
                    )
    report.checked.append(f"vector indexes: {indexes}; embedding columns: {columns}")


def _embeddings(
    conn: Connection, report: DoctorReport, table: Table, classes: dict[Table, type]
) -> int:
    found = 0
    exists = _scalar(
        conn, "SELECT pg_catalog.to_regclass(:t) IS NOT NULL", t=qualified_table(table)
    )
    for col in table.columns:
        spec = spec_of(col)
        if spec is None:
            continue
        found += 1
        if not exists:
            continue
        watch = [table.columns[n] for n in (spec.source.watch or ()) if n in table.columns]
        has_text = " OR ".join(f'"{c.name}" IS NOT NULL' for c in watch) or "TRUE"
        nulls = int(
            _scalar(
                conn,
                f'SELECT count(*) FROM {qualified_table(table)} WHERE "{col.name}" IS NULL'
                f" AND ({has_text})",
            )
        )
        if nulls:
            cls = classes.get(table)
            where = f"{cls.__module__}:{cls.__name__}.{col.key}" if cls else None
            report.add(
                "embedding",
                f"{nulls} row(s) of {table.name} have a NULL {col.name} but text to embed",
                f"tridb backfill {where}" if where else f"backfill(session, <Model>.{col.key})",
            )
    return found


def _classes(models: Iterable[object]) -> dict[Table, type]:
    """``{table: mapped class}`` of the declarative bases and classes among *models*."""
    out: dict[Table, type] = {}
    for model in models:
        reg = getattr(model, "registry", None)
        for mapper in getattr(reg, "mappers", ()):
            table = mapper.local_table
            if isinstance(table, Table):
                out.setdefault(table, mapper.class_)
    return out


@contextlib.contextmanager
def _connect(bind: Engine | Connection) -> Iterator[Connection]:
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.connect() as conn:
        yield conn
        conn.rollback()


def doctor(bind: Engine | Connection, *models: object, command: str = "MODELS") -> DoctorReport:
    """Compare the live database with what *models* declare; write nothing.

    :param bind: an engine or a connection.
    :param models: ``MetaData`` objects, declarative bases or mapped classes.
    :param command: how the fixes name the models on the command line (the
        ``package.module:Base`` given to ``tridb doctor``).
    """
    report = DoctorReport()
    nodes, edges, metas = resolve_targets(models)
    specs: list[NodeSpec | EdgeSpec] = [*nodes, *edges]
    sync = f"tridb graph sync {command}"
    embeddings = any(
        spec_of(c) is not None for m in metas for t in m.tables.values() for c in t.columns
    )
    needed = (["vector"] if embeddings else []) + (["age"] if specs else [])
    with _connect(bind) as conn:  # read only, rolled back
        ok = _extensions(conn, report, needed)
        if "age" in ok:
            _labels(conn, report, specs, sync)
            owners: dict[str, str] = {}
            triggers = sync_triggers(nodes, edges)
            for trig in triggers:
                owner = _trigger(conn, report, trig, sync)
                if owner is not None:
                    owners[trig.table.name] = owner
            report.checked.append(f"sync triggers: {len(triggers)}")
            _privileges(conn, report, owners, specs)
        if "vector" in ok:
            _vector(conn, report, metas, _classes(models))
            for area, message, fix in outbox_findings(conn, metas):  # deferred columns
                report.add(area, message, fix)
    if "age" in ok and specs:
        found = check_graph(bind, *models)
        for x in found.labels:
            if x.drift and x.exists:  # a missing label is reported above, with its fix
                what = (
                    f"{x.missing} missing, {x.extra} extra, {x.differing} differing, "
                    f"{x.dangling} dangling"
                )
                report.add("drift", f"{x.graph}.{x.label}: {what}", f"tridb graph repair {command}")
        for k in found.key_maps:
            if k.drift:
                what = "does not exist" if not k.exists else f"{k.drift} id(s) to release"
                report.add("drift", f"key map of {k.graph} {what}", f"tridb graph repair {command}")
        report.checked.append(f"graph drift: {len(found.labels)} label(s)")
    return report
