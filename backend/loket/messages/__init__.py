"""Messages (berichten): governments tell associations, citizens and companies what concerns
them; Loket adds its own (recognition reminders, dossiers that need action). See
:mod:`loket.messages.store` for the rules and docs/messages.md for senders and site owners."""
