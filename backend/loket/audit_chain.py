"""The hash chain's rule: which fields an entry's hash covers and how it is computed (shared by
the log's writer, its verification and its pruning). No Flask here."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = ("lane", "lane_seq", "at", "ip", "actor", "capacity", "client_id", "resource",
                 "operation", "outcome", "reason", "subject", "detail")
# Since chain version 2 (migration 0015) the hash also covers the global order (``seq``) and
# the version itself: moving an entry in the log's order, or passing it off as an older entry,
# changes its hash. Entries written before keep version 1; a lane never goes back to 1.
CHAIN_VERSION = 2
ORDER_FIELDS = ("seq", "chain")
ALL_FIELDS = HASHED_FIELDS + ORDER_FIELDS  # what to read to check any entry's hash


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    names = ALL_FIELDS if (fields.get("chain") or 1) >= 2 else HASHED_FIELDS
    canonical = json.dumps({k: fields.get(k) for k in names}, sort_keys=True,
                           separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()
