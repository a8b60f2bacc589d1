"""A TCP proxy in front of the PostgreSQL server that a test controls: the network
between a counter and the hall server, made to fail on purpose.

The proxy listens on 127.0.0.1 at a free port and forwards every connection to the
real server. A test can

- :meth:`FaultProxy.cut` every live connection now (both ends closed at once: the client
  sees its connection break, the server's backend sees its client gone and rolls back
  whatever transaction was open);
- :meth:`FaultProxy.refuse` new connections (each is reset as soon as it arrives) or
  :meth:`FaultProxy.blackhole` them (accepted and never answered: the client waits for
  its connect timeout), until :meth:`FaultProxy.restore`;
- :meth:`FaultProxy.cut_after` a number of bytes from the client (or from the server):
  the connection carrying the byte that reaches the budget gets only the bytes before
  it, then every live connection is cut, in the middle of whatever message it was.

Plain threads and sockets: one thread accepts, two pump each connection (one each way).
:meth:`FaultProxy.close` stops them all; the ``fault_proxy`` fixture does it.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import URL, make_url

_CHUNK = 65536


class Mode(StrEnum):
    forward = "forward"
    refuse = "refuse"
    blackhole = "blackhole"


@dataclass
class _Budget:
    """Bytes still allowed through in one direction before everything is cut."""

    remaining: int


@dataclass(eq=False)
class _Pair:
    client: socket.socket
    server: socket.socket
    threads: list[threading.Thread] = field(default_factory=list)
    closed: bool = False


def _reset(sock: socket.socket) -> None:
    """Close ``sock`` at once with a reset (no lingering FIN handshake)."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


class FaultProxy:
    """A controllable TCP proxy from ``127.0.0.1:<port>`` to ``target``."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._lock = threading.Lock()
        self._pairs: set[_Pair] = set()
        self._held: list[socket.socket] = []  # blackholed connections
        self._mode = Mode.forward
        self._from_client: _Budget | None = None
        self._from_server: _Budget | None = None
        self._closing = False
        #: Counters a test may read (and print): connections made, cut, refused, and
        #: bytes forwarded each way.
        self.connections = 0
        self.cut_connections = 0
        self.cuts = 0
        self.refused = 0
        self.client_bytes = 0
        self.server_bytes = 0
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, name="proxy-accept", daemon=True)
        self._acceptor.start()

    # -- what a test calls -------------------------------------------------------------

    def url(self, server_url: str | URL) -> str:
        """``server_url`` (a URL of the real server) rewritten to go through the proxy."""
        url = make_url(server_url).set(host="127.0.0.1", port=self.port)
        return url.render_as_string(hide_password=False)

    def cut(self) -> int:
        """Close every live connection now; returns how many were cut."""
        with self._lock:
            pairs = list(self._pairs)
            self._pairs.clear()
            self._from_client = self._from_server = None
            self.cuts += 1
        for pair in pairs:
            self._close_pair(pair)
        with self._lock:
            self.cut_connections += len(pairs)
        return len(pairs)

    def refuse(self) -> None:
        """Reset every new connection as it arrives, until :meth:`restore`."""
        with self._lock:
            self._mode = Mode.refuse

    def blackhole(self) -> None:
        """Accept new connections and never answer them, until :meth:`restore`."""
        with self._lock:
            self._mode = Mode.blackhole

    def restore(self) -> None:
        """Forward new connections again (the ones held by :meth:`blackhole` are reset)."""
        with self._lock:
            self._mode = Mode.forward
            held, self._held = self._held, []
        for sock in held:
            _reset(sock)

    def cut_after(
        self, *, client_bytes: int | None = None, server_bytes: int | None = None
    ) -> None:
        """Cut every connection once ``client_bytes`` more bytes went from the clients
        to the server (or ``server_bytes`` the other way), counted over all connections
        from now on. The byte that reaches the budget is not forwarded. A :meth:`cut`
        (or :meth:`disarm`) clears the budgets."""
        with self._lock:
            self._from_client = None if client_bytes is None else _Budget(client_bytes)
            self._from_server = None if server_bytes is None else _Budget(server_bytes)

    def disarm(self) -> None:
        """Forget any budget set by :meth:`cut_after`."""
        with self._lock:
            self._from_client = self._from_server = None

    @property
    def armed(self) -> bool:
        with self._lock:
            return self._from_client is not None or self._from_server is not None

    @property
    def live(self) -> int:
        with self._lock:
            return len(self._pairs)

    def close(self) -> None:
        """Stop listening, cut everything and wait for the threads."""
        with self._lock:
            self._closing = True
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._listener.close()
        self.restore()
        with self._lock:
            threads = [t for p in self._pairs for t in p.threads]
        self.cut()
        self._acceptor.join(timeout=5)
        for thread in threads:
            thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the threads -------------------------------------------------------------------

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                if self._closing:
                    _reset(client)
                    return
                mode = self._mode
                if mode is Mode.refuse:
                    self.refused += 1
                elif mode is Mode.blackhole:
                    self._held.append(client)
            if mode is Mode.refuse:
                _reset(client)
                continue
            if mode is Mode.blackhole:
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                _reset(client)  # the real server is down: so is the proxy's answer
                continue
            server.settimeout(None)
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pair = _Pair(client, server)
            pair.threads = [
                threading.Thread(target=self._pump, args=(pair, True), daemon=True),
                threading.Thread(target=self._pump, args=(pair, False), daemon=True),
            ]
            with self._lock:
                self._pairs.add(pair)
                self.connections += 1
            for thread in pair.threads:
                thread.start()

    def _pump(self, pair: _Pair, from_client: bool) -> None:
        source, sink = (pair.client, pair.server) if from_client else (pair.server, pair.client)
        while True:
            try:
                data = source.recv(_CHUNK)
            except OSError:
                data = b""
            if not data:
                break
            data, trip = self._spend(data, from_client)
            if data:
                try:
                    sink.sendall(data)
                except OSError:
                    break
            if trip:
                self.cut()
                return
        # One side closed (or was cut): close the other too.
        with self._lock:
            self._pairs.discard(pair)
        self._close_pair(pair)

    def _spend(self, data: bytes, from_client: bool) -> tuple[bytes, bool]:
        """The part of ``data`` the budget lets through, and whether it is spent."""
        with self._lock:
            if from_client:
                self.client_bytes += len(data)
            else:
                self.server_bytes += len(data)
            budget = self._from_client if from_client else self._from_server
            if budget is None:
                return data, False
            if len(data) < budget.remaining:
                budget.remaining -= len(data)
                return data, False
            return data[: budget.remaining], True

    def _close_pair(self, pair: _Pair) -> None:
        with self._lock:
            if pair.closed:
                return
            pair.closed = True
        _reset(pair.client)
        _reset(pair.server)
