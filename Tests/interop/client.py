#!/usr/bin/env python3
"""A client of the wire protocol, written from docs/PROTOCOL.md alone.

Runs calls against the toy service `interop.v1.Toy` (Tests/Support/InteropServer):
echo (unary), expand (server streaming), sum (client streaming), shout
(bidirectional), an unknown method, a frame with bad magic on its own connection,
and a fresh connection afterwards.

Usage: client.py HOST PORT
Prints `ok <name>` or `FAIL <name>: why` per case, then `N passed, M failed`;
exits non-zero on any failure. Standard library only.
"""

import socket
import struct
import sys

SERVICE = "interop.v1.Toy"
TIMEOUT = 10.0

# Frame types (section 3).
SETTINGS, HEADERS, MESSAGE, TRAILERS, CANCEL, PING, PONG, GOAWAY, WINDOW_UPDATE = range(1, 10)
TYPE_NAMES = {
    SETTINGS: "SETTINGS", HEADERS: "HEADERS", MESSAGE: "MESSAGE", TRAILERS: "TRAILERS", CANCEL: "CANCEL",
    PING: "PING", PONG: "PONG", GOAWAY: "GOAWAY", WINDOW_UPDATE: "WINDOW_UPDATE",
}
CONNECTION_TYPES = {SETTINGS, PING, PONG, GOAWAY}

# Flags.
ACK = 0x01
END_STREAM = 0x01
MORE = 0x02

# Settings (section 3.1).
MAX_FRAME_SIZE, MAX_MESSAGE_SIZE, MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE, SCHEMA_HASH = range(1, 6)
DEFAULTS = {
    MAX_FRAME_SIZE: 16384, MAX_MESSAGE_SIZE: 4 * 1024 * 1024, MAX_CONCURRENT_STREAMS: 100,
    INITIAL_WINDOW_SIZE: 65535, SCHEMA_HASH: b"",
}
RANGES = {
    MAX_FRAME_SIZE: (16384, 16777215), MAX_MESSAGE_SIZE: (0, 2**32 - 1),
    MAX_CONCURRENT_STREAMS: (0, 2**32 - 1), INITIAL_WINDOW_SIZE: (0, 2**31 - 1),
}

# Status codes (section 8) and GOAWAY codes (section 3.7).
OK, INVALID_ARGUMENT, UNIMPLEMENTED = 0, 3, 12
PROTOCOL_ERROR = 1

MAGIC = b"MP"
VERSION = 1

# What this client accepts (all defaults).
OUR_MAX_FRAME = 16384
OUR_WINDOW = 65535


class ProtocolViolation(Exception):
    """The peer broke a rule, or the call did not go as expected."""


class Closed(Exception):
    """The peer closed the connection."""


# --- Encoding (section 1) ----------------------------------------------------

def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def string(text):
    raw = text.encode("utf-8")
    return varint(len(raw)) + raw


def blob(raw):
    return varint(len(raw)) + raw


def metadata(entries):
    out = varint(len(entries))
    for key, value in entries:
        out += string(key)
        if isinstance(value, bytes):
            out += b"\x01" + blob(value)
        else:
            out += b"\x00" + string(value)
    return out


def frame(ftype, flags, stream_id, payload=b"", magic=MAGIC):
    return magic + struct.pack(">BBB", VERSION, ftype, flags) + len(payload).to_bytes(3, "big") \
        + struct.pack(">I", stream_id) + payload


class Reader:
    """Reads the fields of one payload; truncation and leftovers are violations."""

    def __init__(self, payload):
        self.data = payload
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ProtocolViolation("truncated payload")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self):
        return self.take(1)[0]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def varint(self):
        result = 0
        for i in range(10):
            byte = self.u8()
            result |= (byte & 0x7F) << (7 * i)
            if not byte & 0x80:
                if result >= 2**64:
                    raise ProtocolViolation("overflowing varint")
                return result
        raise ProtocolViolation("varint longer than 10 bytes")

    def bytes(self):
        return self.take(self.varint())

    def string(self):
        try:
            return self.bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolViolation("invalid UTF-8")

    def metadata(self):
        count = self.varint()
        if count > 256:
            raise ProtocolViolation("over 256 metadata entries")
        entries = []
        for _ in range(count):
            key = self.string()
            if not 1 <= len(key) <= 255 or any(c not in "abcdefghijklmnopqrstuvwxyz0123456789-_." for c in key):
                raise ProtocolViolation("bad metadata key %r" % key)
            kind = self.u8()
            if kind == 0:
                entries.append((key, self.string()))
            elif kind == 1:
                entries.append((key, self.bytes()))
            else:
                raise ProtocolViolation("unknown metadata kind %d" % kind)
        return entries

    def rest(self):
        return self.take(len(self.data) - self.pos)

    def end(self):
        if self.pos != len(self.data):
            raise ProtocolViolation("%d trailing bytes" % (len(self.data) - self.pos))


def parse_settings(payload):
    r = Reader(payload)
    values = dict(DEFAULTS)
    seen = set()
    while r.pos < len(r.data):
        ident = struct.unpack(">H", r.take(2))[0]
        length = struct.unpack(">H", r.take(2))[0]
        value = r.take(length)
        if ident in seen:
            raise ProtocolViolation("setting %d repeated" % ident)
        seen.add(ident)
        if ident in RANGES:
            if length != 4:
                raise ProtocolViolation("setting %d is %d bytes, not 4" % (ident, length))
            number = struct.unpack(">I", value)[0]
            low, high = RANGES[ident]
            if not low <= number <= high:
                raise ProtocolViolation("setting %d out of range: %d" % (ident, number))
            values[ident] = number
        elif ident == SCHEMA_HASH:
            if length > 64:
                raise ProtocolViolation("schema hash of %d bytes" % length)
            values[ident] = value
        # Unknown identifiers are skipped.
    return values


def our_settings():
    entries = [
        (MAX_FRAME_SIZE, struct.pack(">I", OUR_MAX_FRAME)),
        (MAX_MESSAGE_SIZE, struct.pack(">I", 4 * 1024 * 1024)),
        (MAX_CONCURRENT_STREAMS, struct.pack(">I", 100)),
        (INITIAL_WINDOW_SIZE, struct.pack(">I", OUR_WINDOW)),
        (SCHEMA_HASH, b""),
    ]
    return b"".join(struct.pack(">HH", ident, len(value)) + value for ident, value in entries)


# --- A connection --------------------------------------------------------------

class Call:
    def __init__(self, stream_id):
        self.stream_id = stream_id
        self.headers = None          # response metadata, once HEADERS arrived
        self.messages = []           # complete response messages
        self.partial = None          # chunks of a message with MORE so far
        self.trailers = None         # (code, message, details, metadata)
        self.send_window = 0


class Connection:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        self.peer = None
        self.acked = False
        self.next_stream = 1
        self.calls = {}
        self.conn_send_window = 0
        self.conn_pending = 0        # receive credit to give back on stream 0
        self.stream_pending = {}
        self.goaway = None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        self.sock.sendall(data)

    def read_frame(self):
        """The next frame as (type, flags, stream id, payload); raises Closed at EOF."""
        while True:
            if len(self.buffer) >= 12:
                header = self.buffer[:12]
                if header[:2] != MAGIC:
                    raise ProtocolViolation("bad magic %r" % header[:2])
                if header[2] != VERSION:
                    raise ProtocolViolation("version %d" % header[2])
                ftype, flags = header[3], header[4]
                length = int.from_bytes(header[5:8], "big")
                stream_id = struct.unpack(">I", header[8:12])[0]
                if ftype not in TYPE_NAMES:
                    raise ProtocolViolation("unknown frame type %d" % ftype)
                if length > OUR_MAX_FRAME:
                    raise ProtocolViolation("frame of %d bytes over our MAX_FRAME_SIZE" % length)
                if stream_id & 0x80000000:
                    raise ProtocolViolation("reserved stream-id bit set")
                if ftype in CONNECTION_TYPES and stream_id != 0:
                    raise ProtocolViolation("%s on stream %d" % (TYPE_NAMES[ftype], stream_id))
                if ftype not in CONNECTION_TYPES and ftype != WINDOW_UPDATE and stream_id == 0:
                    raise ProtocolViolation("%s on stream 0" % TYPE_NAMES[ftype])
                if len(self.buffer) >= 12 + length:
                    payload = self.buffer[12:12 + length]
                    self.buffer = self.buffer[12 + length:]
                    return ftype, flags, stream_id, payload
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed("connection closed by the server")
            self.buffer += chunk

    def handshake(self):
        """Sends our SETTINGS, reads the server's, acknowledges it and waits for our ACK."""
        self.send(frame(SETTINGS, 0, 0, our_settings()))
        ftype, flags, _, payload = self.read_frame()
        if ftype != SETTINGS or flags & ACK:
            raise ProtocolViolation("first frame is %s flags %#x, not SETTINGS" % (TYPE_NAMES[ftype], flags))
        self.peer = parse_settings(payload)
        self.conn_send_window = self.peer[INITIAL_WINDOW_SIZE]
        self.send(frame(SETTINGS, ACK, 0))
        while not self.acked:
            self.pump()

    def pump(self):
        """Reads and handles one frame."""
        ftype, flags, stream_id, payload = self.read_frame()
        if ftype == SETTINGS:
            if not flags & ACK:
                raise ProtocolViolation("second SETTINGS")
            if payload:
                raise ProtocolViolation("SETTINGS ACK with payload")
            if self.acked:
                raise ProtocolViolation("unexpected SETTINGS ACK")
            self.acked = True
        elif ftype == PING:
            if len(payload) != 8:
                raise ProtocolViolation("PING of %d bytes" % len(payload))
            self.send(frame(PONG, ACK, 0, payload))
        elif ftype == PONG:
            pass
        elif ftype == GOAWAY:
            r = Reader(payload)
            last, code = r.u32(), r.u32()
            reason = r.rest().decode("utf-8", "replace")
            self.goaway = (last, code, reason)
        elif ftype == WINDOW_UPDATE:
            r = Reader(payload)
            increment = r.u32()
            r.end()
            if not 1 <= increment <= 2**31 - 1:
                raise ProtocolViolation("WINDOW_UPDATE of %d" % increment)
            if stream_id == 0:
                self.conn_send_window += increment
                if self.conn_send_window > 2**31 - 1:
                    raise ProtocolViolation("connection window overflow")
            elif stream_id in self.calls:
                call = self.calls[stream_id]
                call.send_window += increment
                if call.send_window > 2**31 - 1:
                    raise ProtocolViolation("stream window overflow")
            elif stream_id >= self.next_stream or stream_id % 2 == 0:
                raise ProtocolViolation("WINDOW_UPDATE on idle stream %d" % stream_id)
        else:
            self.stream_frame(ftype, flags, stream_id, payload)

    def stream_frame(self, ftype, flags, stream_id, payload):
        if stream_id % 2 == 0 or stream_id >= self.next_stream:
            raise ProtocolViolation("%s on idle stream %d" % (TYPE_NAMES[ftype], stream_id))
        call = self.calls.get(stream_id)
        if call is None:
            # A closed stream: discarded, MESSAGE bytes credited to the connection.
            if ftype == MESSAGE:
                self.credit(0, len(payload))
            return
        if ftype == HEADERS:
            if flags & END_STREAM:
                raise ProtocolViolation("END_STREAM from the server")
            if call.headers is not None:
                raise ProtocolViolation("second HEADERS")
            r = Reader(payload)
            r.string()
            r.varint()
            call.headers = r.metadata()
            r.end()
        elif ftype == MESSAGE:
            if flags & END_STREAM:
                raise ProtocolViolation("END_STREAM from the server")
            if call.headers is None:
                raise ProtocolViolation("MESSAGE before HEADERS")
            call.partial = (call.partial or b"") + payload
            if flags & MORE:
                self.credit(stream_id, len(payload))
                self.credit(0, len(payload))
            else:
                call.messages.append(call.partial)
                call.partial = None
                # Consumed at once by this client.
                self.credit(stream_id, len(payload))
                self.credit(0, len(payload))
        elif ftype == TRAILERS:
            r = Reader(payload)
            code = r.u32()
            message = r.string()
            details = r.bytes()
            trailing = r.metadata()
            r.end()
            call.trailers = (code if code <= 16 else 2, message, details, trailing)
            del self.calls[stream_id]
        elif ftype == CANCEL:
            r = Reader(payload)
            code = r.u32()
            r.end()
            call.trailers = (code if code <= 16 else 2, "cancelled by the server", b"", [])
            del self.calls[stream_id]

    def credit(self, stream_id, n):
        """Gives receive credit back once half the initial window is pending."""
        if n == 0:
            return
        if stream_id == 0:
            self.conn_pending += n
            if self.conn_pending >= OUR_WINDOW // 2:
                self.send(frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", self.conn_pending)))
                self.conn_pending = 0
        else:
            pending = self.stream_pending.get(stream_id, 0) + n
            if pending >= OUR_WINDOW // 2 and stream_id in self.calls:
                self.send(frame(WINDOW_UPDATE, 0, stream_id, struct.pack(">I", pending)))
                pending = 0
            self.stream_pending[stream_id] = pending

    # --- Calls ---

    def open(self, method, deadline_us=30_000_000, entries=(), end_stream=False):
        call = Call(self.next_stream)
        self.next_stream += 2
        call.send_window = self.peer[INITIAL_WINDOW_SIZE]
        self.calls[call.stream_id] = call
        payload = string(method) + varint(deadline_us) + metadata(list(entries))
        self.send(frame(HEADERS, END_STREAM if end_stream else 0, call.stream_id, payload))
        return call

    def send_message(self, call, message, end_stream=False):
        """Sends one message in chunks within the frame size and both send windows."""
        if len(message) > self.peer[MAX_MESSAGE_SIZE]:
            raise ProtocolViolation("message over the server's MAX_MESSAGE_SIZE")
        offset = 0
        while True:
            left = len(message) - offset
            while left and min(call.send_window, self.conn_send_window) == 0:
                self.pump()
            n = min(left, self.peer[MAX_FRAME_SIZE], call.send_window, self.conn_send_window)
            last = offset + n == len(message)
            flags = (END_STREAM if end_stream else 0) if last else MORE
            self.send(frame(MESSAGE, flags, call.stream_id, message[offset:offset + n]))
            call.send_window -= n
            self.conn_send_window -= n
            offset += n
            if last:
                return

    def half_close(self, call):
        self.send(frame(MESSAGE, END_STREAM, call.stream_id))

    def wait(self, call, condition):
        while not condition():
            if call.trailers is not None and not condition():
                raise ProtocolViolation("call ended early with status %d %r" % call.trailers[:2])
            if self.goaway is not None:
                raise ProtocolViolation("GOAWAY %r" % (self.goaway,))
            self.pump()

    def finish(self, call):
        while call.trailers is None:
            if self.goaway is not None and self.goaway[1] != 0:
                raise ProtocolViolation("GOAWAY %r" % (self.goaway,))
            self.pump()
        return call.trailers


# --- The cases -----------------------------------------------------------------

def method(name):
    return "%s/%s" % (SERVICE, name)


def texts(call):
    return [m.decode("utf-8") for m in call.messages]


def expect(condition, why):
    if not condition:
        raise ProtocolViolation(why)


def expect_ok(call, trailers):
    code, message, _, _ = trailers
    expect(code == OK, "status %d %r, expected OK" % (code, message))
    expect(call.headers is not None, "no response HEADERS before TRAILERS")


def case_unary(conn):
    call = conn.open(method("Echo"), entries=[("x-trace", "interop"), ("trace-bin", b"\x01\x02")])
    conn.send_message(call, "hello, wire".encode(), end_stream=True)
    trailers = conn.finish(call)
    expect_ok(call, trailers)
    expect(texts(call) == ["hello, wire"], "got %r" % texts(call))


def case_unary_large(conn):
    text = ("0123456789abcdef" * 2500)  # 40,000 bytes: three MESSAGE frames each way
    call = conn.open(method("Echo"))
    conn.send_message(call, text.encode(), end_stream=True)
    trailers = conn.finish(call)
    expect_ok(call, trailers)
    expect(texts(call) == [text], "got %d messages of sizes %r" % (len(call.messages), [len(m) for m in call.messages]))


def case_server_streaming(conn):
    call = conn.open(method("Expand"))
    conn.send_message(call, b"the quick brown fox", end_stream=True)
    trailers = conn.finish(call)
    expect_ok(call, trailers)
    expect(texts(call) == ["the", "quick", "brown", "fox"], "got %r" % texts(call))


def case_client_streaming(conn):
    call = conn.open(method("Sum"))
    for number in ["1", "2", "39", "100"]:
        conn.send_message(call, number.encode())
    conn.half_close(call)
    trailers = conn.finish(call)
    expect_ok(call, trailers)
    expect(texts(call) == ["142"], "got %r" % texts(call))


def case_client_streaming_error(conn):
    call = conn.open(method("Sum"))
    conn.send_message(call, b"1")
    conn.send_message(call, b"two", end_stream=True)
    code, message, _, _ = conn.finish(call)
    expect(code == INVALID_ARGUMENT, "status %d %r, expected INVALID_ARGUMENT" % (code, message))
    expect(texts(call) == [], "got messages %r" % texts(call))


def case_bidirectional(conn):
    call = conn.open(method("Shout"))
    words = ["hello", "interop", "world"]
    for i, word in enumerate(words):
        conn.send_message(call, word.encode())
        conn.wait(call, lambda: len(call.messages) > i)
    conn.half_close(call)
    trailers = conn.finish(call)
    expect_ok(call, trailers)
    expect(texts(call) == [w.upper() for w in words], "got %r" % texts(call))


def case_unknown_method(conn):
    call = conn.open(method("Nope"))
    conn.send_message(call, b"x", end_stream=True)
    code, message, _, _ = conn.finish(call)
    expect(code == UNIMPLEMENTED, "status %d %r, expected UNIMPLEMENTED" % (code, message))
    expect(call.headers is None, "expected trailers-only, got HEADERS first")
    expect(call.messages == [], "got messages %r" % call.messages)


def case_bad_magic(host, port):
    conn = Connection(host, port)
    try:
        conn.handshake()
        conn.send(frame(PING, 0, 0, b"\x00" * 8, magic=b"XX"))
        try:
            while conn.goaway is None:
                conn.pump()
        except Closed:
            raise ProtocolViolation("closed without GOAWAY")
        last, code, reason = conn.goaway
        expect(code == PROTOCOL_ERROR, "GOAWAY code %d (%r), expected PROTOCOL_ERROR" % (code, reason))
        expect(last == 0, "GOAWAY last stream id %d, expected 0" % last)
        try:
            while True:
                conn.pump()
        except Closed:
            pass
        except ConnectionResetError:
            pass
        except socket.timeout:
            raise ProtocolViolation("connection not closed after GOAWAY(PROTOCOL_ERROR)")
    finally:
        conn.close()


def main():
    if len(sys.argv) != 3:
        print("usage: client.py HOST PORT", file=sys.stderr)
        return 2
    host, port = sys.argv[1], int(sys.argv[2])
    passed = failed = 0

    def run(name, body):
        nonlocal passed, failed
        try:
            body()
        except (ProtocolViolation, Closed, OSError) as error:
            failed += 1
            print("FAIL %s: %s" % (name, error), flush=True)
        else:
            passed += 1
            print("ok %s" % name, flush=True)

    conn = None

    def connect():
        nonlocal conn
        conn = Connection(host, port)
        conn.handshake()
        expect(conn.peer[MAX_FRAME_SIZE] >= 16384, "server MAX_FRAME_SIZE %d" % conn.peer[MAX_FRAME_SIZE])

    run("settings exchange", connect)
    if conn is not None and conn.acked:
        for name, body in [
            ("unary Echo", case_unary),
            ("unary Echo, 40000 bytes in MORE chunks", case_unary_large),
            ("server streaming Expand", case_server_streaming),
            ("client streaming Sum", case_client_streaming),
            ("client streaming Sum, INVALID_ARGUMENT", case_client_streaming_error),
            ("bidirectional Shout", case_bidirectional),
            ("unknown method is UNIMPLEMENTED", case_unknown_method),
        ]:
            run(name, lambda body=body: body(conn))
    else:
        failed += 1
        print("FAIL calls: no connection", flush=True)
    if conn is not None:
        conn.close()

    run("bad magic gets GOAWAY(PROTOCOL_ERROR) and a close", lambda: case_bad_magic(host, port))

    def fresh_connection():
        fresh = Connection(host, port)
        try:
            fresh.handshake()
            case_unary(fresh)
        finally:
            fresh.close()

    run("fresh connection after the bad one", fresh_connection)

    print("%d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
