"""Render the sample digest and screenshot it with headless Chromium into docs/.

    .venv/bin/python docs/make_digest_screenshot.py [--out docs/digest-screenshot.png]

Needs a `chromium` (Debian: apt-get install chromium) on PATH. Offline: the page has no
external resources and the browser runs with networking features turned off.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the sample digest lives with the tests

from service.digest.render import render_html  # noqa: E402
from tests.digest_sample import sample_digest  # noqa: E402

WIDTH, HEIGHT = 680, 1800  # a desktop mail pane; tall enough for the whole sample


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "digest-screenshot.png")
    parser.add_argument("--width", type=int, default=WIDTH)
    parser.add_argument("--height", type=int, default=HEIGHT)
    args = parser.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("chromium not found on PATH", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "digest.html"
        page.write_text(render_html(sample_digest()), encoding="utf-8")
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={tmp}/profile",
                f"--window-size={args.width},{args.height}",
                f"--screenshot={args.out.resolve()}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
