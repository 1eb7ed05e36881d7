"""Notifiers behind one tiny protocol (base.py): Slack's Web API or an incoming webhook
(slack.py), and the console (console.py). Payloads are built by pure functions (blocks.py,
mrkdwn.py, snippet.py), so they can be golden-tested apart from sending."""
