"""prosper.model loads the transaction and decision classes (prosper.transactions) on first
use: the same classes by either name, and a process that only screens never creates them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import prosper.model as model
from prosper import transactions

MOVED = sorted(model._MOVED)


@pytest.mark.parametrize("name", MOVED)
def test_each_moved_class_is_the_same_object(name: str) -> None:
    assert getattr(model, name) is getattr(transactions, name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        model.Nothing  # noqa: B018
    assert not hasattr(model, "Nothing")


def test_the_moved_classes_are_every_dataclass_of_transactions() -> None:
    from dataclasses import is_dataclass

    defined = {
        n
        for n, v in vars(transactions).items()
        if is_dataclass(v) and getattr(v, "__module__", "") == transactions.__name__
    }
    assert defined == set(MOVED)


def test_screening_classes_load_without_the_transactions(
    fresh_python: Callable[[str], list[str]],
) -> None:
    code = (
        "import sys\n"
        "from prosper.model import Entity, EntityType, Explanation, Hit, Verdict\n"
        "from prosper.screening.index import ScreeningIndex\n"
        "print('prosper.transactions' in sys.modules)\n"
        "from prosper.model import Transaction\n"
        "print('prosper.transactions' in sys.modules, Transaction.__name__)\n"
    )
    assert fresh_python(code) == ["False", "True Transaction"]
