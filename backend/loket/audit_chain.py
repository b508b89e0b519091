"""The hash chain's rule: which fields an entry's hash covers and how it is computed (shared by
the log's writer, its verification and its pruning). No Flask here."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = ("lane", "lane_seq", "at", "ip", "actor", "capacity", "client_id", "resource",
                 "operation", "outcome", "reason", "subject", "detail")


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps({k: fields.get(k) for k in HASHED_FIELDS}, sort_keys=True,
                           separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()
