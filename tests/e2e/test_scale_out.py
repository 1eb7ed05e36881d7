"""Several workers on one database: each feed polled by one worker, each alert sent once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from service.worker.app import open_app
from service.worker.wiring import Runtime
from tests.e2e.support import Item, rss, write_config
from tests.feedserver import FeedServer
from tests.slackserver import SlackServer

TOPICS = [
    "maritime surveillance", "vaccine factories", "undersea cables", "rare earths",
    "typhoon drills", "space debris", "chip supply chains", "climate finance",
]  # fmt: skip


def test_two_workers_poll_each_feed_once_and_send_each_alert_once(
    db_url: str, tmp_path: Path
) -> None:
    with FeedServer() as feeds, SlackServer() as slack:
        sources = []
        for n, topic in enumerate(TOPICS):
            title = f"Quad partners unveil plan on {topic}"
            feeds.route(f"/{n}", body=rss([Item(title, f"https://example.com/{n}")]), delay=0.05)
            sources.append((f"Outlet {n}", feeds.url(f"/{n}")))
        config = write_config(tmp_path, db_url, sources, slack_api=slack.api_url)
        apps = [open_app(str(config)) for _ in range(2)]

        async def both() -> None:
            runtimes = [Runtime(app, pace=0) for app in apps]
            try:
                await asyncio.gather(*(r.poller.poll_due_once() for r in runtimes))
                for _ in range(3):
                    await asyncio.gather(*(r.deliverer.deliver_pending_once() for r in runtimes))
            finally:
                for r in runtimes:
                    await r.aclose()

        asyncio.run(both())
        for app in apps:
            app.close()
        polls = [len(feeds.requests_to(f"/{n}")) for n in range(len(TOPICS))]
        texts = [m.text for m in slack.messages]
    assert polls == [1] * len(TOPICS)
    assert len(texts) == len(set(texts)) == len(TOPICS)
