"""uvicorn's settings for `cme serve --workers N`, with the shared socket bound as TCP.

uvicorn binds the socket its worker processes share with protocol 0 (uvicorn issue #3149),
and asyncio turns Nagle's algorithm off (TCP_NODELAY) only on connections accepted from a
socket that says IPPROTO_TCP: every response on a kept-alive connection then waited about
40 ms for the client's delayed acknowledgement. With one process, uvicorn lets asyncio bind
the socket, which is unaffected. A module of its own: the worker processes unpickle it.
"""

from __future__ import annotations

import socket

import uvicorn


class TcpConfig(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return sock
        return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, sock.detach())
