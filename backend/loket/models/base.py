"""Declarative base shared by every table; naming convention keeps migrations stable."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import JSON, MetaData, Table
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict: JSON, list: JSON}


def table_of(model: Any) -> Table:
    """The Core table of a mapped class, typed as such (for Core statements on hot paths)."""
    return cast(Table, model.__table__)
