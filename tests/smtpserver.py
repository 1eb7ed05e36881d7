"""A real local SMTP server (aiosmtpd) that records what it accepts."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session

HOST = "127.0.0.1"


class Inbox:
    """An aiosmtpd handler that records what it accepts; `refuse` maps addresses to RCPT replies."""

    def __init__(self, refuse: dict[str, str] | None = None) -> None:
        self.refuse = refuse or {}
        self.received: list[tuple[Envelope, bool, bool]] = []  # envelope, over TLS, logged in

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        over_tls = server.transport.get_extra_info("ssl_object") is not None
        self.received.append((envelope, over_tls, bool(session.authenticated)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def run_server(handler: Inbox, **smtp_params: Any) -> Iterator[int]:
    port = free_port()
    controller = Controller(handler, hostname=HOST, port=port, **smtp_params)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
