"""The scheduled work of recognitions and messages, run by ``loket worker``.

- ``recognition-statuses`` (hourly): recognitions whose dates moved their status
  (:func:`loket.register.recognitions.move_by_date`);
- ``recognition-reminders`` (hourly): the reminders due today
  (:func:`loket.messages.system.remind_renewals`); each is keyed, so an hourly run writes each
  once, on the first run of its day;
- ``message-mails`` (every minute): the "meteen" mails of new messages
  (:func:`loket.messages.mailing.mail_new_messages`);
- ``message-digests`` (hourly): the daily digests, from 07:00 Brussels time
  (:func:`loket.messages.mailing.mail_digests`).
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from loket import worker
from loket.messages import mailing, system
from loket.register import recognitions

HOUR = 3600


def _statuses(session: Session, _now: int) -> int:
    return sum(recognitions.move_by_date(session).moved.values())


def _reminders(session: Session, _now: int) -> int:
    return system.remind_renewals(session)


def links(app: Flask) -> mailing.Links:
    return mailing.Links(str(app.config["ISSUER"]).rstrip("/"), str(app.config["SECRET_KEY"]))


def init_app(app: Flask) -> None:
    worker.add_job(app, "recognition-statuses", every=HOUR, run=_statuses)
    worker.add_job(app, "recognition-reminders", every=HOUR, run=_reminders)
    worker.add_job(app, "message-mails", every=60,
                   run=lambda session, _now: mailing.mail_new_messages(session, links(app)))
    worker.add_job(app, "message-digests", every=HOUR,
                   run=lambda session, now: mailing.mail_digests(session, links(app), now))
