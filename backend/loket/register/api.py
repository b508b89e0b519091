"""The register's API routes (imported through ``loket.api.FEATURES``)."""

from loket.register import (  # noqa: F401 - each module adds its routes to loket.api.bp
    api_exchange,
    api_manage,
    api_privacy,
    api_public,
    openapi,
)
