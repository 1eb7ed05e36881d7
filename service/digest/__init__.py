"""The daily digest email.

collect.py  what a period's digest holds (read through store/plain.py)
build.py    ordering, counts, the subject line (pure)
view.py     the presentation model both templates render; segments.py cuts highlights
render.py   HTML and plain-text parts, the MIME message
schedule.py when each digest is due, in its local time zone
mailer.py   SMTP (or ./outbox/ when no email is configured)
sender.py   send_due_once(): claim a durable (digest, period) run (store/digest_runs.py),
            build, send, record
"""
