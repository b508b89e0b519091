"""Self-service pages on the provider: "Mijn Verenigingsloket" (the associations a person
represents, "Onze gegevens" and its forms) and "Mijn gegevens" (AVG download, access overview).
"""

from loket.register.pages import (  # noqa: F401 - each adds its routes to bp
    invitations,
    items,
    messages,
    overview,
    panels,
    privacy,
    registration,
)
from loket.register.pages.common import bp

__all__ = ["bp"]
