"""Two demo municipal websites, Gemeente Groenbeek and Stad Rivierstede.

Each is a confidential relying party of the Loket provider, signed in through a standard OIDC
client library (Authlib), and talks to the provider only over HTTP — like a real municipality's
site. Nothing here imports from ``loket``.
"""
