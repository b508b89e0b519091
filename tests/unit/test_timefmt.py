"""Pages show Belgian time: summer and winter time, whatever the server's zone."""

from __future__ import annotations

from loket.timefmt import brussels


def test_belgian_time_in_summer_and_winter() -> None:
    assert brussels("2026-07-01T12:30:05.123456Z") == "01-07-2026 14:30"   # CEST, +2
    assert brussels("2026-12-01T23:30:00Z") == "02-12-2026 00:30"          # CET, +1, next day
    assert brussels("2026-03-29T00:59:59Z") == "29-03-2026 01:59"          # just before the switch
    assert brussels("2026-03-29T01:00:00Z") == "29-03-2026 03:00"          # just after it


def test_what_is_no_time_is_shown_as_given() -> None:
    assert brussels("") == "" and brussels(None) == ""
    assert brussels("gisteren") == "gisteren"
