"""The scheduled work of recognitions and messages, run by ``loket worker``.

- ``recognition-statuses`` (hourly): recognitions whose dates moved their status
  (:func:`loket.register.recognitions.move_by_date`);
- ``recognition-reminders`` (hourly): the reminders due today
  (:func:`loket.messages.system.remind_renewals`); each is keyed, so an hourly run writes each
  once, on the first run of its day.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from loket import worker
from loket.messages import system
from loket.register import recognitions

HOUR = 3600


def _statuses(session: Session, _now: int) -> int:
    return sum(recognitions.move_by_date(session).moved.values())


def _reminders(session: Session, _now: int) -> int:
    return system.remind_renewals(session)


def init_app(app: Flask) -> None:
    worker.add_job(app, "recognition-statuses", every=HOUR, run=_statuses)
    worker.add_job(app, "recognition-reminders", every=HOUR, run=_reminders)
