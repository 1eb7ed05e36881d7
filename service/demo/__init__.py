"""`wirewatch demo`: the real service, offline, on bundled outlet snapshots (`data/`)
served on 127.0.0.1 (`server.py`) and polled for a few cycles (`run.py`)."""
