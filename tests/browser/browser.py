"""Headless Debian chromium driven through chromedriver (selenium), for the browser tests
and the documentation's screenshots. Nothing is downloaded: the browser comes from apt."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def missing() -> str | None:
    """Why no browser can run here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} is not installed (make test installs Debian's chromium when it can)"
    return None


@contextmanager
def chromium(
    width: int = 1280, height: int = 900, phone: bool = False
) -> Iterator[webdriver.Chrome]:
    """`phone`: a phone's screen emulated (a headless window cannot be narrower than ~500
    pixels, so a narrow window alone would not show what a phone shows)."""
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager fetch drivers
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    if phone:
        options.add_experimental_option(
            "mobileEmulation",
            {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2}},
        )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
