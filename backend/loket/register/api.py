"""The register's part of ``/api/v1``: one blueprint (:data:`bp`, made in :mod:`web`) to which
the public search, the representatives' changes, the government exchange and the AVG reads add
their routes, and its OpenAPI part; :mod:`loket.api` composes it with the other features."""

from loket.register import (  # noqa: F401 - each module adds its routes to bp
    api_exchange,
    api_manage,
    api_privacy,
    api_public,
    api_recognitions,
)
from loket.register.openapi import PART as OPENAPI
from loket.register.web import bp

__all__ = ["OPENAPI", "bp"]
