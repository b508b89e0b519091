"""Three-way merge of an edit made against an older version: nothing anybody saved is lost.

A person fills in a form against version *n* (the *base*). When they save and the record is at
version *m > n*, the events between *n* and *m* say which fields the others changed and from
what (``{"gewijzigd": {field: {"oud": …, "nieuw": …}}}``). Field by field:

- the others did not touch it: what the person typed applies (changed or not);
- the person left it as it was at *n*, or typed what it is now: the current value stays;
- both changed it, differently: a :class:`Clash`; nothing is saved until the person chose.

List fields of codes (activities, areas) are sets: the person's additions and removals since
*n* apply to the current list, so they never clash.

Field names are the API's, nested ones flattened with a dot (``adres.postcode``,
``doelgroep.minimumleeftijd``). Pure functions: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

EMPTY: tuple[Any, ...] = (None, "")


@dataclass(frozen=True)
class Theirs:
    """What the others did to one field since the base: from ``old`` to ``new``, last by ``by``."""

    old: Any
    new: Any
    by: str | None = None
    capacity: str | None = None
    at: str | None = None


@dataclass(frozen=True)
class Clash:
    """A field both changed: what it was (``base``), what it is now, what the person typed."""

    field: str
    base: Any
    theirs: Any
    mine: Any
    by: str | None = None
    at: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What to apply (the person's values, flattened), which of the others' changes stay
    without asking, and the fields that need the person's choice."""

    apply: dict[str, Any] = field(default_factory=dict)
    kept: dict[str, Theirs] = field(default_factory=dict)
    clashes: list[Clash] = field(default_factory=list)


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"adres": {"postcode": "9000"}}`` → ``{"adres.postcode": "9000"}`` (dicts only)."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`flatten`."""
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, leaf = key.split(".")
        target = nested
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return nested


def same(a: Any, b: Any) -> bool:
    """Equal as a person would see it: empty is empty, a list of codes is a set."""
    if a in EMPTY and b in EMPTY:
        return True
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return sorted(map(str, a)) == sorted(map(str, b))
    return bool(a == b)


def changed_since(events: Iterable[Any], touches: Callable[[Any], bool]) -> dict[str, Theirs]:
    """Per flattened field, what the events that ``touches`` selects changed, oldest first:
    the first ``oud`` and the last ``nieuw`` (a field changed back is not changed)."""
    seen: dict[str, Theirs] = {}
    for event in events:
        if not touches(event):
            continue
        for name, change in (event.data or {}).get("gewijzigd", {}).items():
            old, new = change.get("oud"), change.get("nieuw")
            if isinstance(old, Mapping) or isinstance(new, Mapping):
                old_flat, new_flat = flatten(old or {}), flatten(new or {})
                pairs = {f"{name}.{k}": (old_flat.get(k), new_flat.get(k))
                         for k in {*old_flat, *new_flat}}
            else:
                pairs = {name: (old, new)}
            for key, (was, now) in pairs.items():
                if same(was, now):
                    continue
                first = seen[key].old if key in seen else was
                seen[key] = Theirs(first, now, getattr(event, "actor", None),
                                   getattr(event, "capacity", None), getattr(event, "at", None))
    return {k: v for k, v in seen.items() if not same(v.old, v.new)}


def merge_set(base: Collection[Any], mine: Collection[Any], current: Collection[Any]
              ) -> list[Any]:
    """The current list with the person's removals and additions since the base applied."""
    removed = {x for x in base if x not in mine}
    added = [x for x in mine if x not in base]
    kept = [x for x in current if x not in removed]
    return kept + [x for x in added if x not in kept]


def three_way(theirs: Mapping[str, Theirs], mine: Mapping[str, Any],
              current: Mapping[str, Any], *, sets: Collection[str] = ()) -> Outcome:
    """Merge the person's values ``mine`` (only the fields their form carries) with what the
    others changed since the base (``theirs``) onto the ``current`` values."""
    outcome = Outcome()
    for name, value in mine.items():
        if name not in theirs:
            outcome.apply[name] = value
            continue
        change = theirs[name]
        now = current.get(name, change.new)
        if name in sets:
            merged = merge_set(change.old or [], value or [], now or [])
            if not same(merged, now):
                outcome.apply[name] = merged
            outcome.kept[name] = change
        elif same(value, change.old) or same(value, now):
            outcome.kept[name] = change
        else:
            outcome.clashes.append(Clash(name, change.old, now, value, change.by, change.at))
    return outcome
