"""`make screenshots`: the desk page's views in Debian's headless chromium, on the offline
demo's real outlet snapshots, saved to docs/screenshots/ for the README.

    .venv/bin/python -m tests.browser.screenshots [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx
from selenium.webdriver.common.by import By

from tests.browser.browser import chromium, missing

TOKEN = "screenshot-token-0123456789"
REPO = Path(__file__).resolve().parents[2]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    if why := missing():
        print(f"no browser: {why}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo"
        wirewatch = [sys.executable, "-m", "service"]
        subprocess.run([*wirewatch, "demo", "--keep", str(demo)], check=True, capture_output=True)
        port = _port()
        config = demo / "config.yaml"
        config.write_text(
            config.read_text()
            + f"\nserver:\n  listen: 127.0.0.1:{port}\n  token: {TOKEN}\n"
            + f"  public_url: http://127.0.0.1:{port}\n"
        )
        env = {**os.environ, "WIREWATCH_CONFIG": str(config)}
        server = subprocess.Popen([*wirewatch, "-c", str(config), "run"], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(base)
            _mark_some(base)
            _shoot(base, args.out)
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(f"screenshots in {args.out}")
    return 0


def _wait(base: str) -> None:
    for _ in range(150):
        try:
            httpx.get(base + "/healthz", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the service did not start")


def _mark_some(base: str) -> None:
    """A story marked missed and one not relevant, so the workbench has marks to judge."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    stories = httpx.get(base + "/api/stories?theme=quad&since=2020-01-01").json()["stories"]
    if stories:
        httpx.post(
            f"{base}/api/stories/{stories[-1]['id']}/marks",
            json={"theme": "quad", "mark": "not_relevant"},
            headers=auth,
        )
    found = httpx.get(base + "/api/stories?q=Indo-Pacific&since=2020-01-01").json()["stories"]
    for story in found:
        if "quad" not in story["themes"]:
            httpx.post(
                f"{base}/api/stories/{story['id']}/marks",
                json={"theme": "quad", "mark": "missed"},
                headers=auth,
            )
            break


def _shoot(base: str, out: Path) -> None:
    query = quote("(@quad_name AND @quad_context) OR (@four_way NEAR/3 @grouping) OR Indo-Pacific")
    views = [
        ("stories.png", "/?theme=quad&since=2020-01-01"),
        ("sources.png", "/sources"),
        ("workbench.png", f"/workbench?theme=quad&since=2020-01-01&q={query}"),
    ]
    with chromium(1200, 1000) as browser:
        browser.get(base + "/login")
        browser.find_element(By.NAME, "token").send_keys(TOKEN)
        browser.find_element(By.CSS_SELECTOR, "form.login button").click()
        time.sleep(0.5)
        for name, path in views:
            browser.get(base + path)
            time.sleep(0.3)
            browser.save_screenshot(str(out / name))
        browser.get(base + views[0][1])
        story = browser.execute_script(
            "return document.querySelector('article.story h2 a').getAttribute('href')"
        )
        browser.get(base + story)
        browser.save_screenshot(str(out / "story.png"))
    with chromium(390, 844, phone=True) as phone:
        phone.get(base + "/?since=2020-01-01&theme=quad")
        phone.save_screenshot(str(out / "phone.png"))


if __name__ == "__main__":
    raise SystemExit(main())
