"""Persons, associations, companies, and who may represent which (the register's core)."""

from __future__ import annotations

import uuid

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loket.models.base import Base


def _new_sub() -> str:
    return str(uuid.uuid4())


class Person(Base):
    """A natural person known by INSZ; ``sub`` is the stable, non-personal OIDC subject."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sub: Mapped[str] = mapped_column(String(36), unique=True, default=_new_sub)
    insz: Mapped[str] = mapped_column(String(11), unique=True)
    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[int] = mapped_column(BigInteger)

    representations: Mapped[list[Representative]] = relationship(back_populates="person")
    company_mandates: Mapped[list[CompanyMandate]] = relationship(back_populates="person")


class Association(Base):
    """An association as the register knows it; ``version`` grows by one with every change.

    Full-text search reads a companion index kept by the database itself (an FTS5 table filled
    by triggers on SQLite, a generated ``tsvector`` column on PostgreSQL; see migration
    ``0002_register``), so every writer keeps it current.
    """

    __tablename__ = "associations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vcode: Mapped[str] = mapped_column(String(8), unique=True)
    naam: Mapped[str] = mapped_column(String(300))
    korte_naam: Mapped[str | None] = mapped_column(String(100))
    roepnaam: Mapped[str | None] = mapped_column(String(100))
    korte_beschrijving: Mapped[str | None] = mapped_column(Text)
    verenigingstype: Mapped[str] = mapped_column(String(4), default="FV")
    status: Mapped[str] = mapped_column(String(10), default="Actief")
    kbo: Mapped[str | None] = mapped_column(String(10))
    startdatum: Mapped[str | None] = mapped_column(String(10))
    einddatum: Mapped[str | None] = mapped_column(String(10))
    dubbel_van: Mapped[str | None] = mapped_column(String(8))  # status Dubbel: the original
    min_leeftijd: Mapped[int] = mapped_column(Integer, default=0)
    max_leeftijd: Mapped[int] = mapped_column(Integer, default=150)
    opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)

    representatives: Mapped[list[Representative]] = relationship(
        back_populates="association", cascade="all, delete-orphan"
    )
    activities: Mapped[list[AssociationActivity]] = relationship(
        cascade="all, delete-orphan", order_by="AssociationActivity.code"
    )
    areas: Mapped[list[AssociationArea]] = relationship(
        cascade="all, delete-orphan", order_by="AssociationArea.code"
    )
    contacts: Mapped[list[Contactgegeven]] = relationship(
        cascade="all, delete-orphan", order_by="Contactgegeven.id"
    )
    locations: Mapped[list[Locatie]] = relationship(
        cascade="all, delete-orphan", order_by="Locatie.id"
    )
    recognitions: Mapped[list[Recognition]] = relationship(
        cascade="all, delete-orphan", order_by="Recognition.id"
    )


class AssociationActivity(Base):
    __tablename__ = "association_activities"
    __table_args__ = (Index("ix_association_activities_code", "code", "association_id"),)

    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(ForeignKey("hoofdactiviteiten.code"), primary_key=True)


class AssociationArea(Base):
    __tablename__ = "association_areas"
    __table_args__ = (Index("ix_association_areas_code", "code", "association_id"),)

    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(ForeignKey("werkingsgebieden.code"), primary_key=True)


class Representative(Base):
    """A person who may act for an association (a vertegenwoordiger)."""

    __tablename__ = "representatives"
    __table_args__ = (UniqueConstraint("association_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    rol: Mapped[str | None] = mapped_column(String(100))
    roepnaam: Mapped[str | None] = mapped_column(String(100))
    is_primair: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(254))
    telefoon: Mapped[str | None] = mapped_column(String(40))

    association: Mapped[Association] = relationship(back_populates="representatives")
    person: Mapped[Person] = relationship(back_populates="representations")


class Invitation(Base):
    """A primary representative's invitation of a person (by INSZ) to represent an association;
    it becomes a representative only when that person signs in and accepts. ``insz``, the names
    and ``email`` are emptied by ``loket db prune`` once the retention period after its answer
    (or its end) has passed."""

    __tablename__ = "representative_invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    insz: Mapped[str | None] = mapped_column(String(11), index=True)
    voornaam: Mapped[str | None] = mapped_column(String(200))
    achternaam: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    rol: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="WachtOpAntwoord")
    invited_by: Mapped[str] = mapped_column(String(64))  # the inviting person's sub
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger)
    answered_at: Mapped[int | None] = mapped_column(BigInteger)
    anonymised_at: Mapped[int | None] = mapped_column(BigInteger)

    association: Mapped[Association] = relationship()


class Company(Base):
    """An enterprise known by its KBO ondernemingsnummer."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kbo: Mapped[str] = mapped_column(String(10), unique=True)
    naam: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[int] = mapped_column(BigInteger)

    mandates: Mapped[list[CompanyMandate]] = relationship(
        back_populates="company", cascade="all, delete-orphan"
    )


class CompanyMandate(Base):
    """A person who may act for a company (mandate from the KBO or a mandate register)."""

    __tablename__ = "company_mandates"
    __table_args__ = (UniqueConstraint("company_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    rol: Mapped[str | None] = mapped_column(String(100))

    company: Mapped[Company] = relationship(back_populates="mandates")
    person: Mapped[Person] = relationship(back_populates="company_mandates")


class Werkingsgebied(Base):
    """A province, region or municipality from the LPDC code list (plus the demo ones)."""

    __tablename__ = "werkingsgebieden"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    naam: Mapped[str] = mapped_column(String(200))
    niveau: Mapped[str] = mapped_column(String(20))
    provincie: Mapped[str | None] = mapped_column(String(4), index=True)
    postcodes: Mapped[list] = mapped_column(default=list)


class Hoofdactiviteit(Base):
    """A main-activity code of the association register."""

    __tablename__ = "hoofdactiviteiten"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    naam: Mapped[str] = mapped_column(String(200))
    volgorde: Mapped[int] = mapped_column(Integer, default=0)


class Contactgegeven(Base):
    """A way to reach the association itself (never a representative's own details)."""

    __tablename__ = "association_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(20))
    waarde: Mapped[str] = mapped_column(String(500))
    beschrijving: Mapped[str | None] = mapped_column(String(200))
    is_primair: Mapped[bool] = mapped_column(Boolean, default=False)


class Locatie(Base):
    """An address where the association meets, is reached, or has its seat."""

    __tablename__ = "association_locations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(30))
    is_primair: Mapped[bool] = mapped_column(Boolean, default=False)
    naam: Mapped[str | None] = mapped_column(String(200))
    straatnaam: Mapped[str] = mapped_column(String(200))
    huisnummer: Mapped[str] = mapped_column(String(20))
    busnummer: Mapped[str | None] = mapped_column(String(20))
    # (indexed: the register's compatible search finds locations by postcode)
    postcode: Mapped[str] = mapped_column(String(20), index=True)
    gemeente: Mapped[str] = mapped_column(String(200))
    land: Mapped[str] = mapped_column(String(100), default="België")


class Recognition(Base):
    """An erkenning: a government's recognition of an association for one of its catalog
    products. ``status`` follows the dates (see :mod:`loket.register.recognitions`): the
    indexes serve the scheduled job that moves it, and the catalog's "holds recognition X"."""

    __tablename__ = "recognitions"
    __table_args__ = (
        Index("ix_recognitions_status_einddatum", "status", "einddatum"),
        Index("ix_recognitions_status_startdatum", "status", "startdatum"),
        Index("ix_recognitions_status_hernieuwingsdatum", "status", "hernieuwingsdatum"),
        Index("ix_recognitions_product", "product_key", "association_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[str] = mapped_column(String(100))
    product_key: Mapped[str] = mapped_column(String(100))  # product_id in lower case
    client_id: Mapped[str] = mapped_column(String(64), index=True)  # who recorded it
    organisation: Mapped[str] = mapped_column(String(200))  # the client's, from its registration
    startdatum: Mapped[str | None] = mapped_column(String(10))
    einddatum: Mapped[str | None] = mapped_column(String(10))
    hernieuwingsdatum: Mapped[str | None] = mapped_column(String(10))
    hernieuwings_url: Mapped[str | None] = mapped_column(String(2000))
    reden_schorsing: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int] = mapped_column(BigInteger)


class AssociationEvent(Base):
    """One change to an association: what, by whom, when, in which capacity.

    ``seq`` is the register-wide, gap-free sequence number of the change feed, handed out under
    the :class:`RegisterHead` row lock so that events commit in sequence order.
    """

    __tablename__ = "association_events"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=False)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    vcode: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(60))
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(200), index=True)
    capacity: Mapped[str | None] = mapped_column(String(40))
    client_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(default=dict)


class RegisterHead(Base):
    """The change feed's last sequence number; a single row, locked while a change commits."""

    __tablename__ = "register_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)


class Postcode(Base):
    """Which municipality (werkingsgebied) a postcode lies in; loaded by
    ``loket reference import-postcodes`` (the shipped code lists carry none)."""

    __tablename__ = "postcodes"

    postcode: Mapped[str] = mapped_column(String(10), primary_key=True)
    werkingsgebied: Mapped[str] = mapped_column(
        ForeignKey("werkingsgebieden.code", ondelete="CASCADE"), primary_key=True
    )
    plaats: Mapped[str | None] = mapped_column(String(200))
