"""The running service: a validated config and database (`app.py`), the live parts wired
from them (`wiring.py`), live config reload (`reload.py`) and the scheduler that triggers the
one-iteration jobs (`scheduler.py`)."""
