"""Alerts: the themes compiled from the config, the hits and outbox rows a stored article
produces (`record.py`), their delivery through a notifier (`deliver.py`), and running a rule
over stored history (`backtest.py`).

In: stored articles with their story. Out: outbox rows, then messages in Slack (or stdout).
"""
