#!/usr/bin/env python3
"""Follow an event and a player's settlements over bet-maker's TCP event-bus bridge.

Standard library only: a socket, and the bridge's frames (a 4-byte big-endian length, then a
JSON object). Anyone may listen on events.<event_id>; players.<player_id> (every settlement of the
player's bets, and {"balance": ...} after every change of the player's wallet) needs the player's
token in the register frame's headers.

    python3 examples/live_client.py --port 7000 --event derby --player alice --token "$PLAYER" [--settlements 1]

Prints one JSON line per message received ({"address": ..., "body": ...}), its numbers as sent
(money keeps its two decimals: "payout": 0.00, not 0.0); exits 0 once it has
seen --settlements settlements (0: never), or 1 when the bridge refuses a register or --timeout
seconds pass first. It pings every 10 s: the bridge closes a socket that sends no ping for
BM_BRIDGE_PING_TIMEOUT_MS (30 s by default).
"""
import argparse
import decimal
import json
import select
import socket
import struct
import sys
import time

PING_EVERY_S = 10.0


def send(sock, frame):
    data = json.dumps(frame).encode("utf-8")
    sock.sendall(struct.pack(">I", len(data)) + data)


def receive(sock):
    header = read_exactly(sock, 4)
    (length,) = struct.unpack(">I", header)
    # Decimals stay exact and keep their scale (a float would print 0.00 as 0.0 and 2.35 as it pleases).
    return json.loads(read_exactly(sock, length).decode("utf-8"), parse_float=decimal.Decimal)


def encode(value):
    """JSON text of a received value, its decimal numbers written as they were sent."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(json.dumps(key) + ": " + encode(item) for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(encode(item) for item in value) + "]"
    return json.dumps(value)


def read_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("the bridge closed the connection")
        data += chunk
    return data


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--event", required=True, help="follow events.<event>")
    parser.add_argument("--player", help="follow players.<player> (needs --token)")
    parser.add_argument("--token", help="the player's bearer token")
    parser.add_argument("--settlements", type=int, default=0, help="exit after this many settlements")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()

    deadline = time.monotonic() + args.timeout
    with socket.create_connection((args.host, args.port), timeout=args.timeout) as sock:
        send(sock, {"type": "register", "address": "events." + args.event})
        if args.player:
            send(sock, {"type": "register", "address": "players." + args.player,
                        "headers": {"Authorization": "Bearer " + (args.token or "")}})
        # The bridge handles a socket's frames in order: a ping answered means the registers before
        # it were handled, and we are listening.
        send(sock, {"type": "ping"})
        next_ping = time.monotonic() + PING_EVERY_S
        listening = False
        settled = 0
        while time.monotonic() < deadline:
            readable, _, _ = select.select([sock], [], [], max(0.0, min(deadline, next_ping) - time.monotonic()))
            if not readable:
                if time.monotonic() >= next_ping:
                    send(sock, {"type": "ping"})
                    next_ping = time.monotonic() + PING_EVERY_S
                continue
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                frame = receive(sock)
            except socket.timeout:
                break
            kind = frame.get("type")
            if kind == "pong":
                if not listening:
                    listening = True
                    print(json.dumps({"listening": True}), flush=True)
            elif kind == "err":
                print(json.dumps({"refused": frame.get("message") or frame.get("body")}), flush=True)
                return 1
            elif kind == "message":
                print(encode({"address": frame.get("address"), "body": frame.get("body")}), flush=True)
                body = frame.get("body")
                if frame.get("address", "").startswith("players.") and isinstance(body, dict) and "bet_id" in body:
                    settled += 1
                    if args.settlements and settled >= args.settlements:
                        return 0
        return 0 if not args.settlements else 1


if __name__ == "__main__":
    sys.exit(main())
