"""Self-service pages on the provider: "Mijn Verenigingsloket" (the associations a person
represents, "Onze gegevens" and its forms) and "Mijn gegevens" (AVG download, access overview).
"""

from loket.register.pages import items, overview, panels, privacy  # noqa: F401 - add routes to bp
from loket.register.pages.common import bp

__all__ = ["bp"]
