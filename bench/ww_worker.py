"""A long-lived Wirewatch polling process that the benchmarks drive over stdin/stdout.

Each input line is a command; each answer is one JSON line. CPU time is this process's own
(all threads) around the poll only, so interpreter start-up and migrations are not counted.

    {"cmd": "poll"} -> {"wall", "cpu", "polls", "statuses", "new", "alerts", "embedded", "errors",
                        "max_rss_mb", "rss_mb"}
    {"cmd": "profile", "out": PATH} -> as poll, under pyinstrument, HTML written to PATH
    {"cmd": "quit"}
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.logs import setup_logging  # noqa: E402
from service.worker.app import open_app  # noqa: E402
from service.worker.wiring import Runtime, make_notifier  # noqa: E402


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def texts_embedded() -> int:
    """Texts the story model's encoder has run on in this process so far."""
    from service.stories import meaning

    loaded = meaning._LOADED
    return loaded.embedded if loaded is not None else 0


async def poll(runtime: Runtime) -> dict[str, Any]:
    wall, cpu, embedded = time.perf_counter(), time.process_time(), texts_embedded()
    outcomes = await runtime.poller.poll_due_once(limit=1_000_000, force=True)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    errors = [o.error for o in outcomes if o.error][:3]
    return {
        "wall": wall,
        "cpu": cpu,
        "polls": len(outcomes),
        "statuses": Counter(o.status for o in outcomes),
        "new": sum(o.new for o in outcomes),
        "alerts": sum(o.alerts for o in outcomes),
        "embedded": texts_embedded() - embedded,
        "errors": errors,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_mb": current_rss_mb(),
    }


async def _inline(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


class _InlineExecutor(Executor):
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


async def profiled(runtime: Runtime, out: str) -> dict[str, Any]:
    """One poll under pyinstrument. pyinstrument samples one thread, so the pipeline's
    parsing (asyncio.to_thread) and its writer thread's stores run inline on the loop
    thread while profiling."""
    from pyinstrument import Profiler

    threaded, writer = asyncio.to_thread, runtime.poller.writer.executor
    asyncio.to_thread = _inline
    runtime.poller.writer.executor = _InlineExecutor()  # type: ignore[assignment]
    try:
        with Profiler(async_mode="enabled") as profiler:
            result = await poll(runtime)
    finally:
        asyncio.to_thread = threaded
        runtime.poller.writer.executor = writer
    Path(out).write_text(profiler.output_html())
    Path(out).with_suffix(".txt").write_text(profiler.output_text(unicode=False, show_all=False))
    return result


async def main(config: str) -> None:
    setup_logging()
    app = open_app(config)
    runtime = Runtime(app, notifier=make_notifier(app.config, stream=sys.stderr))
    print(json.dumps({"ready": True, "rss_mb": current_rss_mb()}), flush=True)
    try:
        for line in sys.stdin:
            command = json.loads(line)
            if command["cmd"] == "quit":
                break
            if command["cmd"] == "profile":
                answer = await profiled(runtime, command["out"])
            else:
                answer = await poll(runtime)
            print(json.dumps(answer), flush=True)
    finally:
        await runtime.aclose()
        app.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
