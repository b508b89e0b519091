"""Persons, associations, companies, and who may represent which (the register's core)."""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
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
    """An association as the register knows it (basic fields; the full record extends it)."""

    __tablename__ = "associations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vcode: Mapped[str] = mapped_column(String(8), unique=True)
    naam: Mapped[str] = mapped_column(String(300))
    korte_naam: Mapped[str | None] = mapped_column(String(100))
    korte_beschrijving: Mapped[str | None] = mapped_column(Text)
    verenigingstype: Mapped[str] = mapped_column(String(4), default="FV")
    status: Mapped[str] = mapped_column(String(10), default="Actief")
    kbo: Mapped[str | None] = mapped_column(String(10))
    startdatum: Mapped[str | None] = mapped_column(String(10))
    einddatum: Mapped[str | None] = mapped_column(String(10))
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


class AssociationActivity(Base):
    __tablename__ = "association_activities"

    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(ForeignKey("hoofdactiviteiten.code"), primary_key=True)


class AssociationArea(Base):
    __tablename__ = "association_areas"

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
    is_primair: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(254))
    telefoon: Mapped[str | None] = mapped_column(String(40))

    association: Mapped[Association] = relationship(back_populates="representatives")
    person: Mapped[Person] = relationship(back_populates="representations")


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
