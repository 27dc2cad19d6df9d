"""Clients of bet-maker's two event-bus bridges for the fault matrix's flood (faults.py,
abuse_at_small_heap): a raw websocket of the SockJS bridge (/eventbus/websocket) and a socket of
the TCP bridge, a listener that records what it hears on either, and the hostile clients: huge TCP
frame lengths, oversized websocket frames, sockets and handlers by the thousand. Standard library
only. Each client connects from a source address of its own on the loopback network (127.0.0.x),
so that the bridges count it as a client of its own."""
import json
import os
import select
import socket
import struct
import threading
import time

HUGE = 0x7ffffff0


def connect(port, source, timeout=10):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))


# ---- the TCP bridge: 4-byte big-endian length, then the JSON ----

def tcp_frame(frame):
    data = json.dumps(frame).encode()
    return struct.pack(">I", len(data)) + data


def read_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed by the bridge")
        data += chunk
    return data


def tcp_receive(sock):
    (length,) = struct.unpack(">I", read_exactly(sock, 4))
    return json.loads(read_exactly(sock, length))


# ---- the SockJS bridge's raw websocket ----

def ws_open(port, source, path="/eventbus/websocket"):
    """A websocket, or None when the upgrade is refused (429) or the connection closed."""
    sock = connect(port, source)
    sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, port)).encode())
    answer = b""
    try:
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    except OSError:
        pass
    if not answer.startswith(b"HTTP/1.1 101"):
        sock.close()
        return None
    return sock


def ws_header(length, opcode=1):
    """A client frame's header (masked, as clients must), with its mask."""
    head = bytes([0x80 | opcode])
    if length < 126:
        head += bytes([0x80 | length])
    elif length < 65536:
        head += bytes([0x80 | 126]) + struct.pack(">H", length)
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", length)
    return head, os.urandom(4)


def ws_frame(frame):
    payload = json.dumps(frame).encode()
    head, mask = ws_header(len(payload))
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def ws_receive(sock):
    """The next message's JSON (the bridge sends small unfragmented frames), or None for a close."""
    first, second = read_exactly(sock, 2)
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack(">H", read_exactly(sock, 2))
    elif length == 127:
        (length,) = struct.unpack(">Q", read_exactly(sock, 8))
    payload = read_exactly(sock, length)
    if first & 0x0F == 8:
        return None
    return json.loads(payload)


class Listener(threading.Thread):
    """A legitimate client of one bridge ("tcp" or "sockjs"), listening on `address` and pinging every
    5 s: remembers the body of every message heard there, and whether the bridge closed it."""

    def __init__(self, kind, port, source, address):
        super().__init__(daemon=True)
        self.kind, self.port, self.source, self.address = kind, port, source, address
        self.heard, self.errors, self.closed = [], [], False
        self.stopping = threading.Event()
        self.listening = threading.Event()

    def send(self, frame):
        self.sock.sendall(tcp_frame(frame) if self.kind == "tcp" else ws_frame(frame))

    def run(self):
        self.sock = connect(self.port, self.source) if self.kind == "tcp" else ws_open(self.port, self.source)
        if self.sock is None:
            self.closed = True
            return
        self.send({"type": "register", "address": self.address})
        # Frames are handled in order: the answer to what follows the register comes after it.
        self.send({"type": "ping"} if self.kind == "tcp" else {"type": "publish", "address": "flood.sync", "body": ""})
        next_ping = time.time() + 5
        readable = select.poll()  # not select.select: the flood's sockets push file descriptors past 1024
        readable.register(self.sock, select.POLLIN)
        try:
            while not self.stopping.is_set():
                if time.time() >= next_ping:
                    self.send({"type": "ping"})
                    next_ping = time.time() + 5
                if not readable.poll(500):
                    continue
                self.sock.settimeout(10)
                frame = tcp_receive(self.sock) if self.kind == "tcp" else ws_receive(self.sock)
                if frame is None:
                    self.closed = True
                    return
                if frame.get("type") in ("pong", "err") and not self.listening.is_set():
                    self.listening.set()  # the answer to the frame after the register
                elif frame.get("type") == "err":
                    self.errors.append(frame)
                elif frame.get("address") == self.address:
                    self.heard.append(frame.get("body"))
        except (OSError, ConnectionError, ValueError):
            self.closed = not self.stopping.is_set()
        finally:
            self.sock.close()


def hold_handlers(kind, port, source, sockets, handlers, seconds=120):
    """`sockets` sockets asked for from `source` (for at most `seconds`), each registering `handlers`
    distinct addresses: the open ones (those answering the frame after their registers), and how many
    registers were refused with max_handlers_reached."""
    kept, refused = [], 0
    until = time.time() + seconds
    for n in range(sockets):
        if time.time() > until:
            break
        try:
            sock = connect(port, source) if kind == "tcp" else ws_open(port, source)
        except OSError:
            continue
        if sock is None:
            continue
        frames = [{"type": "register", "address": "events.flood-%s-%d-%d" % (kind, n, h)} for h in range(handlers)]
        frames.append({"type": "ping"} if kind == "tcp" else {"type": "publish", "address": "flood.sync", "body": ""})
        try:
            sock.sendall(b"".join(tcp_frame(f) if kind == "tcp" else ws_frame(f) for f in frames))
            sock.settimeout(10)
            while True:
                frame = tcp_receive(sock) if kind == "tcp" else ws_receive(sock)
                if frame is None:
                    raise ConnectionError("closed")
                answer = frame.get("message") if kind == "tcp" else frame.get("body")
                if frame.get("type") == "err" and answer == "max_handlers_reached":
                    refused += 1
                elif frame.get("type") == "pong" or answer == "access_denied":
                    kept.append(sock)
                    break
        except (OSError, ConnectionError, ValueError):
            sock.close()
    return kept, refused


def ping_all(kind, sockets):
    for sock in sockets:
        try:
            sock.sendall(tcp_frame({"type": "ping"}) if kind == "tcp" else ws_frame({"type": "ping"}))
        except OSError:
            pass


def huge_tcp_frame(port, source, announced=HUGE, stream=120 * 1024 * 1024):
    """A TCP frame announcing `announced` bytes, then up to `stream` bytes of it: the bytes the
    bridge took before it closed the connection (None when it took them all)."""
    chunk = b"\0" * 65536
    sent = 0
    try:
        with connect(port, source) as sock:
            sock.sendall(struct.pack(">I", announced))
            while sent < stream:
                sock.sendall(chunk)
                sent += len(chunk)
    except OSError:
        return sent
    return None


def oversized_ws_frame(port, source, announced=100 * 1024 * 1024, stream=120 * 1024 * 1024):
    """A websocket frame announcing `announced` bytes, then up to `stream` of them: the bytes sent
    before the bridge closed the websocket (None when it took them all; -1 when it refused the upgrade)."""
    sock = ws_open(port, source)
    if sock is None:
        return -1
    head, mask = ws_header(announced)
    chunk = os.urandom(65536)
    sent = 0
    try:
        with sock:
            sock.sendall(head + mask)
            while sent < stream:
                sock.sendall(chunk)
                sent += len(chunk)
    except OSError:
        return sent
    return None
