"""`cme serve --workers N`: connections to the socket its workers share have Nagle's algorithm
off, as with one worker; with it on, every kept-alive response waited ~40 ms for an ACK."""

from __future__ import annotations

import asyncio
import socket

from cme.cli.tcp_config import TcpConfig


async def test_connections_accepted_from_the_shared_socket_have_no_delay() -> None:
    config = TcpConfig("cme.web.app:create_app", host="127.0.0.1", port=0, workers=2)
    listening = config.bind_socket()
    assert listening.proto == socket.IPPROTO_TCP
    port = listening.getsockname()[1]
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Report(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Report, sock=listening)
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await asyncio.wait_for(accepted, 10) == 1
        writer.close()
    finally:
        server.close()
        await server.wait_closed()


def test_a_unix_socket_is_left_as_it_is(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "cme.sock"
    config = TcpConfig("cme.web.app:create_app", uds=str(path), workers=2)
    sock = config.bind_socket()
    try:
        assert sock.family == socket.AF_UNIX
    finally:
        sock.close()
