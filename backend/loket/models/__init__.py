"""Every table of the service; import from here."""

from loket.models.audit import AuditCut, AuditEntry, AuditHead, SecurityOfficer
from loket.models.base import Base
from loket.models.catalog import CatalogProduct, CatalogProductCode
from loket.models.clients import Client, ClientAssertionJti
from loket.models.dossiers import DosisUpload, Dossier, DossierAgent, DossierStatusChange
from loket.models.mail import MailOutbox
from loket.models.messages import MailPreference, Message, MessageRecipient, MessageState
from loket.models.register import (
    Association,
    AssociationActivity,
    AssociationArea,
    AssociationEvent,
    Company,
    CompanyMandate,
    Contactgegeven,
    Hoofdactiviteit,
    Invitation,
    Locatie,
    Person,
    Postcode,
    Recognition,
    RegisterHead,
    Representative,
    Werkingsgebied,
)
from loket.models.sso import (
    AccessToken,
    AuthorizationCode,
    AuthorizationRequest,
    SessionClient,
    SigningKey,
    SsoSession,
)
from loket.models.worker import WorkerJob

__all__ = [
    "AccessToken",
    "Association",
    "AssociationActivity",
    "AssociationArea",
    "AssociationEvent",
    "AuditCut",
    "AuditEntry",
    "AuditHead",
    "AuthorizationCode",
    "AuthorizationRequest",
    "Base",
    "CatalogProduct",
    "CatalogProductCode",
    "Client",
    "ClientAssertionJti",
    "Company",
    "CompanyMandate",
    "Contactgegeven",
    "Dossier",
    "DossierAgent",
    "DossierStatusChange",
    "DosisUpload",
    "Hoofdactiviteit",
    "Invitation",
    "Locatie",
    "MailOutbox",
    "MailPreference",
    "Message",
    "MessageRecipient",
    "MessageState",
    "Person",
    "Postcode",
    "Recognition",
    "RegisterHead",
    "SecurityOfficer",
    "Representative",
    "SessionClient",
    "SigningKey",
    "SsoSession",
    "Werkingsgebied",
    "WorkerJob",
]
