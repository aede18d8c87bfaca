import NIOCore
import RPCCore

/// Encodes frames into bytes and parses frame payloads. Stateless; see `FrameDecoder`
/// for reading frames off a byte stream.
public enum FrameCodec {
    /// Appends `frame`, header and payload, to `buffer`. Throws, leaving `buffer` as it
    /// was, if the payload is over what the 24-bit length field can carry.
    public static func encode(_ frame: Frame, into buffer: inout ByteBuffer) throws(FrameError) {
        let headerIndex = buffer.writerIndex
        // Reserve the header, write the payload, then fill the header in.
        buffer.writeRepeatingByte(0, count: FrameHeader.size)
        let payloadStart = buffer.writerIndex
        let flags = Self.writePayload(of: frame, into: &buffer)
        let length = buffer.writerIndex - payloadStart
        guard length <= FrameHeader.maxPayloadLength else {
            buffer.moveWriterIndex(to: headerIndex)
            throw .frameTooLarge(length: length, max: FrameHeader.maxPayloadLength)
        }
        let header = FrameHeader(
            type: frame.type, flags: flags, payloadLength: length, streamID: frame.streamID)
        header.set(at: headerIndex, in: &buffer)
    }

    /// Returns `frame` encoded on its own.
    public static func encode(_ frame: Frame) throws(FrameError) -> ByteBuffer {
        var buffer = ByteBuffer()
        try Self.encode(frame, into: &buffer)
        return buffer
    }

    /// The payload length `frame` encodes to.
    /// Counted, not encoded: every frame sent is checked against the peer's limit.
    public static func payloadLength(of frame: Frame) -> Int {
        switch frame {
        case .settings(let settings):
            return (ConnectionSettings.Identifier.allCases.count - 1) * 8 + 4 + settings.schemaHash.count
        case .settingsAck:
            return 0
        case .headers(_, let headers, _):
            return stringLength(headers.method) + varintLength(headers.deadlineMicroseconds)
                + metadataLength(headers.metadata)
        case .message(_, let bytes, _, _):
            return bytes.readableBytes
        case .trailers(_, let trailers):
            return 4 + stringLength(trailers.message) + varintLength(UInt64(trailers.details.count))
                + trailers.details.count + metadataLength(trailers.metadata)
        case .cancel, .windowUpdate:
            return 4
        case .ping, .pong:
            return 8
        case .goAway(let goAway):
            return 8 + goAway.reason.utf8.count
        }
    }

    static func varintLength(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }

    static func stringLength(_ string: String) -> Int {
        let count = string.utf8.count
        return varintLength(UInt64(count)) + count
    }

    static func metadataLength(_ metadata: WireMetadata) -> Int {
        var length = varintLength(UInt64(metadata.entries.count))
        for entry in metadata.entries {
            length += stringLength(entry.key) + 1
            switch entry.value {
            case .string(let text): length += stringLength(text)
            case .binary(let bytes): length += varintLength(UInt64(bytes.count)) + bytes.count
            }
        }
        return length
    }

    private static func writePayload(of frame: Frame, into buffer: inout ByteBuffer) -> FrameFlags {
        switch frame {
        case .settings(let settings):
            for id in ConnectionSettings.Identifier.allCases {
                buffer.writeInteger(id.rawValue)
                let value: Int
                switch id {
                case .maxFrameSize: value = settings.maxFrameSize
                case .maxMessageSize: value = settings.maxMessageSize
                case .maxConcurrentStreams: value = settings.maxConcurrentStreams
                case .initialWindowSize: value = settings.initialWindowSize
                case .schemaHash:
                    buffer.writeInteger(UInt16(settings.schemaHash.count))
                    buffer.writeBytes(settings.schemaHash)
                    continue
                }
                buffer.writeInteger(UInt16(4))
                buffer.writeInteger(UInt32(clamping: value))
            }
            return []
        case .settingsAck:
            return .ack
        case .headers(_, let headers, let endStream):
            buffer.writeVarintString(headers.method)
            buffer.writeVarint(headers.deadlineMicroseconds)
            buffer.writeMetadata(headers.metadata)
            return endStream ? .endStream : []
        case .message(_, let bytes, let more, let endStream):
            buffer.writeImmutableBuffer(bytes)
            var flags: FrameFlags = []
            if more { flags.insert(.more) }
            if endStream { flags.insert(.endStream) }
            return flags
        case .trailers(_, let trailers):
            buffer.writeInteger(trailers.code.rawValue)
            buffer.writeVarintString(trailers.message)
            buffer.writeVarint(UInt64(trailers.details.count))
            buffer.writeBytes(trailers.details)
            buffer.writeMetadata(trailers.metadata)
            return []
        case .cancel(_, let code):
            buffer.writeInteger(code.rawValue)
            return []
        case .ping(let data):
            buffer.writeInteger(data)
            return []
        case .pong(let data):
            buffer.writeInteger(data)
            return .ack
        case .goAway(let goAway):
            buffer.writeInteger(goAway.lastStreamID)
            buffer.writeInteger(goAway.code.rawValue)
            buffer.writeString(goAway.reason)
            return []
        case .windowUpdate(_, let increment):
            buffer.writeInteger(increment)
            return []
        }
    }

    /// Parses the payload of a frame whose header has already been validated.
    /// `payload` holds exactly the frame's payload bytes.
    public static func parsePayload(header: FrameHeader, payload: ByteBuffer) throws(FrameError) -> Frame {
        var reader = PayloadReader(type: header.type, buffer: payload)
        let frame: Frame
        switch header.type {
        case .settings:
            if header.flags.contains(.ack) {
                guard reader.isEmpty else { throw .malformedPayload(.settings, "SETTINGS ACK with a payload") }
                return .settingsAck
            }
            frame = .settings(try reader.readSettings())
        case .headers:
            let method = try reader.readString()
            let deadline = try reader.readVarint()
            let metadata = try reader.readMetadata()
            frame = .headers(
                streamID: header.streamID,
                HeadersPayload(method: method, deadlineMicroseconds: deadline, metadata: metadata),
                endStream: header.flags.contains(.endStream))
        case .message:
            let more = header.flags.contains(.more)
            let endStream = header.flags.contains(.endStream)
            guard !(more && endStream) else {
                throw .malformedPayload(.message, "MORE and END_STREAM on one frame")
            }
            frame = .message(streamID: header.streamID, reader.readRest(), more: more, endStream: endStream)
        case .trailers:
            let code = WireStatusCode(rawValue: try reader.readUInt32())
            let message = try reader.readString()
            let details = try reader.readLengthPrefixedBytes()
            let metadata = try reader.readMetadata()
            frame = .trailers(
                streamID: header.streamID,
                TrailersPayload(code: code, message: message, details: details, metadata: metadata))
        case .cancel:
            frame = .cancel(streamID: header.streamID, code: WireStatusCode(rawValue: try reader.readUInt32()))
        case .ping:
            frame = .ping(try reader.readUInt64())
        case .pong:
            frame = .pong(try reader.readUInt64())
        case .goAway:
            let last = try reader.readUInt32()
            guard last <= FrameHeader.maxStreamID else {
                throw .malformedPayload(.goAway, "last stream id has the reserved bit set")
            }
            let code = GoAwayCode(rawValue: try reader.readUInt32())
            let reason = try reader.readUTF8(reader.remaining)
            frame = .goAway(GoAwayPayload(lastStreamID: last, code: code, reason: reason))
        case .windowUpdate:
            let increment = try reader.readUInt32()
            guard increment >= 1, increment <= UInt32(ConnectionSettings.maxWindowSize) else {
                throw .malformedPayload(.windowUpdate, "increment \(increment) outside 1...2^31-1")
            }
            frame = .windowUpdate(streamID: header.streamID, increment: increment)
        }
        guard reader.isEmpty else {
            throw .malformedPayload(header.type, "\(reader.remaining) trailing bytes")
        }
        return frame
    }
}

// MARK: - Writing helpers

extension ByteBuffer {
    /// Unsigned LEB128, as protobuf varints: 7 bits per byte, least significant group first.
    mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            self.writeInteger(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        self.writeInteger(UInt8(v))
    }

    mutating func writeVarintString(_ string: String) {
        self.writeVarint(UInt64(string.utf8.count))
        self.writeString(string)
    }

    mutating func writeMetadata(_ metadata: WireMetadata) {
        self.writeVarint(UInt64(metadata.entries.count))
        for entry in metadata.entries {
            self.writeVarintString(entry.key)
            switch entry.value {
            case .string(let s):
                self.writeInteger(UInt8(0))
                self.writeVarintString(s)
            case .binary(let bytes):
                self.writeInteger(UInt8(1))
                self.writeVarint(UInt64(bytes.count))
                self.writeBytes(bytes)
            }
        }
    }
}

// MARK: - Reading helpers

/// Strict reading of one payload: every read either succeeds or throws a typed error.
struct PayloadReader {
    let type: FrameType
    var buffer: ByteBuffer

    var remaining: Int { self.buffer.readableBytes }
    var isEmpty: Bool { self.buffer.readableBytes == 0 }

    mutating func readUInt32() throws(FrameError) -> UInt32 {
        guard let v = self.buffer.readInteger(as: UInt32.self) else { throw .truncatedPayload(self.type) }
        return v
    }

    mutating func readUInt64() throws(FrameError) -> UInt64 {
        guard let v = self.buffer.readInteger(as: UInt64.self) else { throw .truncatedPayload(self.type) }
        return v
    }

    mutating func readVarint() throws(FrameError) -> UInt64 {
        var result: UInt64 = 0
        for index in 0..<10 {
            guard let byte = self.buffer.readInteger(as: UInt8.self) else { throw .truncatedPayload(self.type) }
            if index == 9 && byte > 1 { throw .malformedPayload(self.type, "varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << (7 * UInt64(index))
            if byte & 0x80 == 0 { return result }
        }
        throw .malformedPayload(self.type, "varint longer than 10 bytes")
    }

    /// A varint length that must fit in what is left of the payload.
    mutating func readLength() throws(FrameError) -> Int {
        let length = try self.readVarint()
        guard length <= UInt64(self.remaining) else { throw .truncatedPayload(self.type) }
        return Int(length)
    }

    mutating func readBytes(_ count: Int) throws(FrameError) -> [UInt8] {
        guard let bytes = self.buffer.readBytes(length: count) else { throw .truncatedPayload(self.type) }
        return bytes
    }

    mutating func readUTF8(_ count: Int) throws(FrameError) -> String {
        let bytes = try self.readBytes(count)
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw .malformedPayload(self.type, "invalid UTF-8")
        }
        return string
    }

    mutating func readString() throws(FrameError) -> String {
        try self.readUTF8(try self.readLength())
    }

    mutating func readLengthPrefixedBytes() throws(FrameError) -> [UInt8] {
        try self.readBytes(try self.readLength())
    }

    mutating func readRest() -> ByteBuffer {
        self.buffer.readSlice(length: self.buffer.readableBytes)!
    }

    mutating func readMetadata() throws(FrameError) -> WireMetadata {
        let count = try self.readVarint()
        guard count <= UInt64(WireMetadata.maxEntries) else {
            throw .malformedPayload(self.type, "\(count) metadata entries, more than \(WireMetadata.maxEntries)")
        }
        var entries: [WireMetadata.Entry] = []
        entries.reserveCapacity(Int(count))
        for _ in 0..<Int(count) {
            let keyBytes = try self.readLengthPrefixedBytes()
            guard WireMetadata.isValidKey(keyBytes) else {
                throw .malformedPayload(self.type, "invalid metadata key")
            }
            let key = String(decoding: keyBytes, as: UTF8.self)
            guard let kind = self.buffer.readInteger(as: UInt8.self) else { throw .truncatedPayload(self.type) }
            switch kind {
            case 0: entries.append(.init(key: key, value: .string(try self.readString())))
            case 1: entries.append(.init(key: key, value: .binary(try self.readLengthPrefixedBytes())))
            default: throw .malformedPayload(self.type, "unknown metadata value kind \(kind)")
            }
        }
        return WireMetadata(entries)
    }

    mutating func readSettings() throws(FrameError) -> ConnectionSettings {
        var settings = ConnectionSettings()
        var seen: Set<UInt16> = []
        while !self.isEmpty {
            guard let rawID = self.buffer.readInteger(as: UInt16.self),
                let length = self.buffer.readInteger(as: UInt16.self)
            else { throw .truncatedPayload(.settings) }
            guard seen.insert(rawID).inserted else {
                throw .malformedPayload(.settings, "setting 0x\(String(rawID, radix: 16)) repeated")
            }
            let value = try self.readBytes(Int(length))
            guard let id = ConnectionSettings.Identifier(rawValue: rawID) else { continue }  // unknown: ignored
            if id == .schemaHash {
                guard value.count <= ConnectionSettings.maxSchemaHashLength else {
                    throw .malformedPayload(.settings, "schema hash longer than 64 bytes")
                }
                settings.schemaHash = value
                continue
            }
            guard value.count == 4 else {
                throw .malformedPayload(.settings, "setting \(id) has \(value.count) bytes, not 4")
            }
            let number = value.reduce(0) { $0 << 8 | Int($1) }
            switch id {
            case .maxFrameSize:
                guard number >= ConnectionSettings.defaultMaxFrameSize, number <= FrameHeader.maxPayloadLength else {
                    throw .malformedPayload(.settings, "max frame size \(number) outside 16384...16777215")
                }
                settings.maxFrameSize = number
            case .maxMessageSize: settings.maxMessageSize = number
            case .maxConcurrentStreams: settings.maxConcurrentStreams = number
            case .initialWindowSize:
                guard number <= ConnectionSettings.maxWindowSize else {
                    throw .malformedPayload(.settings, "initial window \(number) over 2^31-1")
                }
                settings.initialWindowSize = number
            case .schemaHash: break
            }
        }
        return settings
    }
}

extension TrailersPayload {
    /// The trailers cut to fit one frame payload of at most `maxPayloadLength` bytes
    /// (docs/PROTOCOL.md, section 3.4): trailers that fit are unchanged; otherwise the
    /// message is cut (ending in "…") while details and metadata are kept; when even
    /// an empty message leaves no room, details and metadata are dropped and the
    /// message is cut to what remains. The code always survives.
    public func fitting(maxPayloadLength: Int) -> TrailersPayload {
        func length(_ t: TrailersPayload) -> Int { FrameCodec.payloadLength(of: .trailers(streamID: 1, t)) }
        guard length(self) > maxPayloadLength else { return self }
        var cut = self
        cut.message = ""
        if length(cut) + 64 > maxPayloadLength {
            cut.details = []
            cut.metadata = []
        }
        // What the message may take: the room left, less its length prefix (5 bytes at most).
        let room = maxPayloadLength - length(cut) - 4
        cut.message = room >= 3 ? Status.cut(message, toBytes: room) : ""
        return cut
    }
}
