"""The mail tests' pieces: a clock the test moves."""

from __future__ import annotations

T0 = 1_750_000_000  # 2025-06-15, a Sunday


class Clock:
    """The time the code under test sees (whole seconds), moved by the test."""

    def __init__(self, now: int = T0) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: int) -> int:
        self.now += seconds
        return self.now
