"""The three-way merge of a stale edit, as plain data: who changed what since the person's copy,
and what is saved, kept or asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from loket.register import merge
from loket.register.merge import Clash, Theirs


@dataclass
class Event:
    type: str
    data: dict[str, Any]
    actor: str = "someone"
    capacity: str | None = None
    at: str = "2026-12-01T10:00:00Z"
    extra: dict[str, Any] = field(default_factory=dict)


def changed(**fields: tuple[Any, Any]) -> dict[str, Any]:
    return {"gewijzigd": {k: {"oud": old, "nieuw": new} for k, (old, new) in fields.items()}}


BASICS = "BasisgegevensWerdenGewijzigd"


def test_flatten_and_unflatten_are_inverse() -> None:
    nested = {"type": "Activiteiten", "adres": {"postcode": "9000", "gemeente": "Gent"},
              "doelgroep": {"minimumleeftijd": 6}}
    flat = merge.flatten(nested)
    assert flat == {"type": "Activiteiten", "adres.postcode": "9000", "adres.gemeente": "Gent",
                    "doelgroep.minimumleeftijd": 6}
    assert merge.unflatten(flat) == nested


@pytest.mark.parametrize(("a", "b", "equal"), [
    (None, "", True), ("", None, True), ("x", "x", True), ("x", "y", False),
    (["B", "A"], ["A", "B"], True), (["A"], ["A", "B"], False), (0, None, False),
    (False, None, False), (6, 6, True),
])
def test_same_as_a_person_sees_it(a: Any, b: Any, equal: bool) -> None:
    assert merge.same(a, b) is equal


def test_changed_since_keeps_the_first_old_and_the_last_new_value() -> None:
    events = [
        Event(BASICS, changed(roepnaam=(None, "Een")), actor="ann"),
        Event("ContactgegevenWerdToegevoegd", {"contactgegevenId": 3}),
        Event(BASICS, changed(roepnaam=("Een", "Twee"), korteNaam=("K", "L")), actor="bob"),
        Event(BASICS, changed(korteNaam=("L", "K")), actor="bob"),  # changed back
    ]
    theirs = merge.changed_since(events, lambda e: e.type == BASICS)
    assert theirs == {"roepnaam": Theirs(None, "Twee", "bob", None, "2026-12-01T10:00:00Z")}


def test_nested_changes_are_compared_leaf_by_leaf() -> None:
    old = {"straatnaam": "Dorpsstraat", "huisnummer": "1", "postcode": "9000"}
    events = [Event("LocatieWerdGewijzigd",
                    {"locatieId": 7, **changed(adres=(old, {**old, "huisnummer": "2"}))})]
    theirs = merge.changed_since(events, lambda e: e.data["locatieId"] == 7)
    assert list(theirs) == ["adres.huisnummer"]
    assert (theirs["adres.huisnummer"].old, theirs["adres.huisnummer"].new) == ("1", "2")
    assert merge.changed_since(events, lambda e: e.data["locatieId"] == 8) == {}


CASES = [
    # (what the others did, what I typed, now) → (applied, kept, clashing)
    pytest.param({}, {"roepnaam": "Mijn"}, {"roepnaam": None},
                 {"roepnaam": "Mijn"}, [], [], id="nobody-else-changed-anything"),
    pytest.param({"korteNaam": Theirs("K", "L")}, {"roepnaam": "Mijn", "korteNaam": "K"},
                 {"roepnaam": None, "korteNaam": "L"},
                 {"roepnaam": "Mijn"}, ["korteNaam"], [], id="different-fields-merge"),
    pytest.param({"roepnaam": Theirs(None, "Hun")}, {"roepnaam": "Hun"}, {"roepnaam": "Hun"},
                 {}, ["roepnaam"], [], id="both-typed-the-same"),
    pytest.param({"roepnaam": Theirs(None, "Hun")}, {"roepnaam": ""}, {"roepnaam": "Hun"},
                 {}, ["roepnaam"], [], id="I-left-it-empty-as-it-was"),
    pytest.param({"roepnaam": Theirs(None, "Hun", "bob")}, {"roepnaam": "Mijn"},
                 {"roepnaam": "Hun"}, {}, [], ["roepnaam"], id="both-changed-it"),
    pytest.param({"doelgroep.minimumleeftijd": Theirs(0, 6)},
                 {"doelgroep.minimumleeftijd": 0, "doelgroep.maximumleeftijd": 12},
                 {"doelgroep.minimumleeftijd": 6, "doelgroep.maximumleeftijd": 150},
                 {"doelgroep.maximumleeftijd": 12}, ["doelgroep.minimumleeftijd"], [],
                 id="one-bound-each"),
]


@pytest.mark.parametrize(("theirs", "mine", "current", "applied", "kept", "clashing"), CASES)
def test_three_way(theirs: dict[str, Theirs], mine: dict[str, Any], current: dict[str, Any],
                   applied: dict[str, Any], kept: list[str], clashing: list[str]) -> None:
    outcome = merge.three_way(theirs, mine, current)
    assert outcome.apply == applied
    assert sorted(outcome.kept) == sorted(kept)
    assert [c.field for c in outcome.clashes] == clashing


def test_a_clash_carries_the_three_values_and_who() -> None:
    outcome = merge.three_way({"roepnaam": Theirs(None, "Hun", "bob", at="t")},
                              {"roepnaam": "Mijn"}, {"roepnaam": "Hun"})
    assert outcome.clashes == [Clash("roepnaam", None, "Hun", "Mijn", "bob", "t")]


@pytest.mark.parametrize(("base", "mine", "current", "merged"), [
    (["A", "B"], ["A", "B", "C"], ["A", "B", "D"], ["A", "B", "D", "C"]),  # both added
    (["A", "B"], ["A"], ["A", "B", "D"], ["A", "D"]),                      # I removed B
    (["A", "B"], ["A", "B"], ["A"], ["A"]),                                # they removed B
    (["A"], ["A", "C"], ["A", "C"], ["A", "C"]),                           # both added C
    ([], ["X"], [], ["X"]),
])
def test_lists_of_codes_merge_as_sets(base: list[str], mine: list[str], current: list[str],
                                      merged: list[str]) -> None:
    assert merge.merge_set(base, mine, current) == merged
    outcome = merge.three_way({"werkingsgebieden": Theirs(base, current)},
                              {"werkingsgebieden": mine}, {"werkingsgebieden": current},
                              sets=("werkingsgebieden",))
    assert outcome.clashes == []
    assert outcome.apply.get("werkingsgebieden", current) == merged
