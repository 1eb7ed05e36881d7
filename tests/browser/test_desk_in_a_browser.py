"""The desk page in a real browser (Debian's headless chromium) against the real service:
`wirewatch run` serving history that `wirewatch poll` stored from local feeds."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.browser import chromium, missing
from tests.desk.support import HOSTILE, TOKEN, build_desk
from tests.feedserver import FeedServer

pytestmark = pytest.mark.skipif(missing() is not None, reason=f"no browser: {missing()}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`wirewatch run` on a free port, over history polled from two local feeds."""
    directory = tmp_path_factory.mktemp("desk")
    port = _free_port()
    with FeedServer() as feeds:
        server = f"server:\n  listen: 127.0.0.1:{port}\n  token: {TOKEN}\n"
        desk = build_desk(
            feeds, f"sqlite:///{directory / 'w.db'}", directory, _NoCapture(), server=server
        )
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        log = (directory / "run.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "service", "-c", str(desk.config), "run"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base, process, directory / "run.log")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)
            log.close()


class _NoCapture:
    """build_desk reads the CLI's output through capsys; a module fixture has none."""

    def readouterr(self) -> tuple[str, str]:
        return "", ""


def _wait_for(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"wirewatch run exited: {log.read_text()}")
        try:
            httpx.get(base + "/healthz", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"wirewatch run did not answer: {log.read_text()}")


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    with chromium(1200, 900) as driver:
        yield driver


def _wait(driver: WebDriver, seconds: float = 10) -> WebDriverWait[WebDriver]:
    return WebDriverWait(driver, seconds)


def _no_alert(driver: WebDriver) -> bool:
    try:
        driver.switch_to.alert  # noqa: B018 (the property raises when there is none)
    except NoAlertPresentException:
        return True
    return False


def test_the_stories_page_loads_and_a_hostile_headline_renders_as_text(
    service: str, browser: WebDriver
) -> None:
    browser.get(service + "/")
    stories = browser.find_elements(By.CSS_SELECTOR, "article.story")
    assert len(stories) >= 5
    headlines = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "article.story h2")]
    assert HOSTILE in headlines
    assert browser.find_elements(By.CSS_SELECTOR, "main img") == []
    assert _no_alert(browser)
    summit = browser.find_element(By.XPATH, "//article[.//*[contains(., 'maritime')]]")
    outlets = [e.text for e in summit.find_elements(By.CSS_SELECTOR, ".outlet")]
    assert outlets == ["Kyodo News", "Yonhap"]
    assert summit.find_elements(By.TAG_NAME, "mark")


def test_the_sources_page_lists_every_source(service: str, browser: WebDriver) -> None:
    browser.get(service + "/sources")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.sources tbody tr")
    assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == ["Kyodo News", "Yonhap"]


def test_a_rule_typed_in_the_workbench_shows_matches_then_its_error(
    service: str, browser: WebDriver
) -> None:
    browser.get(service + "/workbench?since=7d")
    box = browser.find_element(By.ID, "wb-query")
    box.send_keys("Dublin")
    summary = _wait(browser).until(ec.visibility_of_element_located((By.ID, "wb-summary")))
    assert summary.text.startswith("1 of ")
    assert "Brave Blossoms" in browser.find_element(By.CSS_SELECTOR, ".matches").text
    box.send_keys(" AND (")
    error = _wait(browser).until(ec.visibility_of_element_located((By.ID, "wb-error")))
    assert "E13" in error.text
    assert "q=Dublin" in browser.current_url  # the URL keeps the query, to share or reload


def test_a_stored_mark_changes_the_workbench_agreement_line(
    service: str, browser: WebDriver
) -> None:
    browser.get(service + "/login")
    browser.find_element(By.NAME, "token").send_keys(TOKEN)
    browser.find_element(By.CSS_SELECTOR, "form.login button").click()
    _wait(browser).until(ec.url_to_be(service + "/"))

    query = quote("{Quad} OR rugby")
    workbench = f"{service}/workbench?theme=quad&since=7d&q={query}"
    browser.get(workbench)
    line = browser.find_element(By.ID, "wb-agreement").text
    assert "no story in this period is marked" in line

    browser.get(service + "/?q=Rugby")
    browser.find_element(By.CSS_SELECTOR, "article.story h2 a").click()
    form = _wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "form.marks")))
    Select(form.find_element(By.NAME, "theme")).select_by_value("quad")
    form.find_element(By.CSS_SELECTOR, "button[value=missed]").click()
    notice = _wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".notice")))
    assert "Saved: missed" in notice.text

    browser.get(workbench)
    line = browser.find_element(By.ID, "wb-agreement").text
    assert "adds 1 story marked missed" in line
    assert "matches 1 of 1 stories marked missed" in line


def test_the_page_fits_a_phone(service: str) -> None:
    with chromium(390, 844, phone=True) as phone:
        for page in ("/", "/sources", "/workbench?theme=quad"):
            phone.get(service + page)
            assert phone.execute_script("return window.innerWidth") == 390
            width = phone.execute_script("return document.documentElement.scrollWidth")
            assert width <= 390, page
