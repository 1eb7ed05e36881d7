#!/usr/bin/env bash
# Developer tool, used only before the first revision lands: rebuild 0001 from the models.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f alembic/versions/0001_initial_schema.py /tmp/wirewatch-gen.db
.venv/bin/alembic -x url=sqlite:////tmp/wirewatch-gen.db revision --autogenerate -m "initial schema" --rev-id 0001 >/dev/null
f=alembic/versions/0001_initial_schema.py
# Migrations must not depend on code that may change later: plain column types only.
sed -i 's/service\.store\.types\.UTCDateTime(timezone=True)/sa.DateTime(timezone=True)/g; s/service\.store\.types\.JSONText()/sa.Text()/g; /^import service\.store\.types$/d' "$f"
.venv/bin/ruff format -q "$f"; .venv/bin/ruff check -q --fix "$f" || true
