"""Finding the user's models from the command line, as Alembic's ``prepend_sys_path`` does.

``tridb graph sync myapp.models:Base`` run in the project's folder imports
``myapp`` from there: the current folder goes first on ``sys.path`` (as
``prepend_sys_path = .`` in an ``alembic.ini`` does), whatever ``PYTHONPATH`` says.
"""

from __future__ import annotations

import importlib
import os
import sys

from sqlalchemy import MetaData

from ..exc import ConfigurationError


def prepend_sys_path(path: str = ".") -> None:
    """Put *path* (default: the current folder) first on ``sys.path``, once."""
    full = os.path.abspath(path)
    if full not in sys.path:
        sys.path.insert(0, full)


def import_object(ref: str) -> object:
    """``package.module:attribute.path`` -> the object, the current folder on the path."""
    prepend_sys_path()
    module_name, _, attr_path = ref.partition(":")
    if not module_name:
        raise ConfigurationError(f"{ref!r}: write it as package.module:Name")
    try:
        obj: object = importlib.import_module(module_name)
    except ImportError as err:
        raise ConfigurationError(
            f"cannot import {module_name!r} from {os.getcwd()}: {err} "
            "(run tridb in your project's folder, or add --path)"
        ) from err
    for part in filter(None, attr_path.split(".")):
        try:
            obj = getattr(obj, part)
        except AttributeError as err:
            raise ConfigurationError(f"{ref!r}: {module_name} has no {attr_path!r}") from err
    return obj


def load_models(ref: str) -> object:
    """The models *ref* names: ``module:Base``, ``module:metadata``, a class, or ``module``.

    A bare module gives its ``Base`` (or its one ``MetaData`` / declarative base).
    """
    obj = import_object(ref)
    if ":" in ref:
        return obj
    base = getattr(obj, "Base", None)
    if base is not None:
        return base
    found = [v for v in vars(obj).values() if isinstance(v, MetaData)]
    if len(found) == 1:
        return found[0]
    raise ConfigurationError(f"{ref!r}: name the models, e.g. {ref}:Base")
