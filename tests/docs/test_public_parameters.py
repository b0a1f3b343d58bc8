"""Every public parameter is documented where the API reference renders it (issue 14).

The objects checked are the ones a user reaches: every name in the ``__all__``
of ``sqlalchemy_tridb``, ``alembic_ext`` and ``alembic_ext.operations`` (the
Alembic ops), and everything the ``:::`` directives of ``docs/api.md`` render
(a module's public members as mkdocstrings selects them, or the ``members``
the directive lists).  For each function, each class and each public method
of such a class, every parameter except ``self`` / ``cls`` and the ``*args`` /
``**kwargs`` catch-alls (and private ``_name`` ones) must be documented.

The rule is what mkdocstrings renders with this project's options
(``docstring_style: sphinx``, ``filters: ["!^_"]``), read with griffe, the
parser mkdocstrings uses:

* a function's or method's parameter: ``:param name:`` in its docstring;
* a class's constructor parameter (its own ``__init__``, or a dataclass's
  fields): ``:param name:`` (or ``:ivar name:``) in the class docstring, or,
  for a field or attribute, an attribute docstring (a string right below it,
  rendered as the attribute's entry).  The ``__init__`` docstring does not
  count unless ``mkdocs.yml`` sets ``merge_init_into_class``: the ``!^_``
  filter hides ``__init__``.  ``#:`` comments do not count: griffe does not
  read them, so nothing of them is rendered.

Loading is static (griffe reads the source; nothing is imported), so the test
needs no database and takes about a second.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

griffe = pytest.importorskip("griffe")

ROOT = Path(__file__).resolve().parents[2]
API = ROOT / "docs" / "api.md"
PACKAGES = ("sqlalchemy_tridb", "alembic_ext")
#: modules whose ``__all__`` is public API, whether or not docs/api.md renders them
EXPORTING = ("sqlalchemy_tridb", "alembic_ext", "alembic_ext.operations")
DIRECTIVE = re.compile(r"^::: *(\S+)[ \t]*\n((?:[ \t]+\S.*\n?)*)", re.M)
CATCH_ALLS = {griffe.ParameterKind.var_positional, griffe.ParameterKind.var_keyword}

#: "object:parameter" entries not documented yet, each with the reason; keep it empty
ALLOWED: dict[str, str] = {}


def _merge_init() -> bool:
    return bool(
        re.search(r"^\s*merge_init_into_class:\s*true\b", (ROOT / "mkdocs.yml").read_text(), re.M)
    )


@pytest.fixture(scope="module")
def modules() -> griffe.ModulesCollection:
    logging.getLogger("griffe").setLevel(logging.ERROR)  # unresolved annotations etc.
    loader = griffe.GriffeLoader(docstring_parser=griffe.Parser.sphinx, search_paths=[str(ROOT)])
    for package in PACKAGES:
        loader.load(package)
    loader.resolve_aliases(implicit=False, external=False)
    return loader.modules_collection


def _target(obj: griffe.Object | griffe.Alias) -> griffe.Object | None:
    """*obj*, or what an alias of ours points at (None: outside our packages)."""
    if not obj.is_alias:
        return obj  # type: ignore[return-value]
    try:
        target = obj.final_target
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    return target if target.package.name in PACKAGES else None


def _directives() -> Iterator[tuple[str, bool | list[str] | None]]:
    """(path, members) of each ``:::`` directive: False, a list of names, or None/True (all)."""
    for match in DIRECTIVE.finditer(API.read_text()):
        members: bool | list[str] | None = None
        found = re.search(r"^\s*members:\s*(.+)$", match.group(2), re.M)
        if found:
            value = found.group(1).strip()
            if value in ("false", "False"):
                members = False
            elif value in ("true", "True"):
                members = True
            else:
                members = [name.strip() for name in value.strip("[]").split(",") if name.strip()]
        yield match.group(1), members


def _module_members(module: griffe.Module) -> Iterator[griffe.Object]:
    """The members mkdocstrings renders for *module*: its own public objects and exports."""
    exports = set(module.exports or ())
    for name, member in module.members.items():
        if name.startswith("_"):
            continue
        if member.is_alias and name not in exports:
            continue  # imported, not re-exported: not rendered here
        target = _target(member)
        if target is not None and not target.is_module:
            yield target


def public_objects(modules: griffe.ModulesCollection) -> list[griffe.Object]:
    """Functions and classes reachable from the exports and the API page, deduplicated."""
    roots: list[griffe.Object] = []
    for path in EXPORTING:
        module = modules[path]
        for name in module.exports or ():
            target = _target(module[name])
            if target is not None:
                roots.append(target)
    for path, members in _directives():
        obj = _target(modules[path])
        assert obj is not None, f"docs/api.md renders {path}, which griffe cannot find"
        if members is False:
            continue
        if isinstance(members, list):
            for name in members:
                target = _target(obj[name])
                if target is not None:
                    roots.append(target)
        elif obj.is_module:
            roots.extend(_module_members(obj))  # type: ignore[arg-type]
        else:
            roots.append(obj)
    seen: dict[str, griffe.Object] = {}
    for obj in roots:
        if obj.path in seen or not (obj.is_function or obj.is_class):
            continue
        seen[obj.path] = obj
        if obj.is_class:
            for name, member in obj.members.items():
                if not name.startswith("_") and not member.is_alias and member.is_function:
                    seen.setdefault(member.path, member)
    return list(seen.values())


def _sections(obj: griffe.Object, kinds: set[str]) -> set[str]:
    if obj.docstring is None:
        return set()
    names: set[str] = set()
    for section in obj.docstring.parsed:
        if section.kind.value in kinds:
            names.update(item.name for item in section.value)
    return names


def _parameters(obj: griffe.Object) -> list[str]:
    """The parameters a caller passes (no self/cls, no catch-alls)."""
    if obj.is_class:
        if "__init__" not in obj.members:
            return []  # inherited constructor: documented where it is defined
        function = obj.members["__init__"]
        if function.is_alias:
            return []
    else:
        function = obj
    params = [
        p
        for p in function.parameters
        if p.kind not in CATCH_ALLS and not p.name.startswith("_")  # private: _restore
    ]
    method = function.parent is not None and function.parent.is_class
    if method and "staticmethod" not in function.labels and params:
        params = params[1:]  # self / cls
    return [p.name for p in params]


def _documented(obj: griffe.Object) -> set[str]:
    names = _sections(obj, {"parameters"})
    if obj.is_class:
        names |= _sections(obj, {"attributes"})
        names |= {
            name
            for name, member in obj.all_members.items()
            if not member.is_alias and member.is_attribute and member.docstring is not None
        }
        init = obj.members.get("__init__")
        if init is not None and _merge_init() and not init.is_alias:
            names |= _sections(init, {"parameters"})
    return names


def _where(obj: griffe.Object) -> str:
    return f"{obj.path} ({obj.relative_filepath}:{obj.lineno})"


def test_the_api_page_reaches_the_public_objects(modules: griffe.ModulesCollection) -> None:
    paths = {obj.path for obj in public_objects(modules)}
    for path in (
        "sqlalchemy_tridb.recommend.recommend",
        "sqlalchemy_tridb.vector.settings.SearchSettings",
        "alembic_ext.operations.graph.CreateGraphOp.create_graph",
        "sqlalchemy_tridb.cli.main.build_parser",
    ):
        assert path in paths
    assert len(paths) > 150


def test_every_public_parameter_is_documented(modules: griffe.ModulesCollection) -> None:
    missing: dict[str, list[str]] = {}
    for obj in public_objects(modules):
        documented = _documented(obj)
        gaps = [
            name
            for name in _parameters(obj)
            if name not in documented and f"{obj.path}:{name}" not in ALLOWED
        ]
        if gaps:
            missing[_where(obj)] = gaps
    lines = [f"{where}: {', '.join(names)}" for where, names in sorted(missing.items())]
    assert not missing, (
        f"{sum(map(len, missing.values()))} public parameters lack a ':param name:' "
        "(or, for a class, an attribute docstring) in the docstring mkdocstrings renders:\n"
        + "\n".join(lines)
    )


def test_no_documented_parameter_is_missing_from_the_signature(
    modules: griffe.ModulesCollection,
) -> None:
    """A ``:param x:`` whose function has no ``x`` renders a parameter nobody can pass."""
    stale: list[str] = []
    for obj in public_objects(modules):
        if obj.is_class and "__init__" not in obj.members:
            continue
        function = obj.members["__init__"] if obj.is_class else obj
        accepted = {p.name for p in function.parameters}
        extra = sorted(_sections(obj, {"parameters"}) - accepted)
        if extra:
            stale.append(f"{_where(obj)}: {', '.join(extra)}")
    assert not stale, "documented parameters that the signature lacks:\n" + "\n".join(stale)


def test_the_allowlist_holds_only_real_gaps(modules: griffe.ModulesCollection) -> None:
    """An allowed entry that is documented now (or gone) must leave the list."""
    current = {
        f"{obj.path}:{name}"
        for obj in public_objects(modules)
        for name in _parameters(obj)
        if name not in _documented(obj)
    }
    assert not set(ALLOWED) - current, sorted(set(ALLOWED) - current)
