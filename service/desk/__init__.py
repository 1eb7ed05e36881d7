"""The desk: what the page and its JSON API show, built once for both.

In: a database session, the running config's rules, and the request's filters. Out:
plain dataclasses (stories with their reports and matched terms, source health, a rule
tried against stored history with its diff and its agreement with the desk's marks)
that `service.web` renders as HTML or JSON. Nothing here knows HTTP.
"""
