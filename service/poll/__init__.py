"""The poll stage: a source's URL in, normalized articles stored and matched out.

    schedule (cadence) -> fetch (wire, body, classify) -> parse (fast path, feedparser,
    JSON Feed, sandbox) -> normalize -> store, group into stories, match, enqueue alerts

`poller.Poller` is the one orchestrator: the worker's scheduler and the `poll` command call
only its `poll_due_once()` / `poll_source()`. Expected failures are a `FetchError`
(`errors.py`), recorded on the source; the fetcher never parses and the parser never fetches.
"""
