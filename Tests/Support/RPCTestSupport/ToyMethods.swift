import RPCCore

/// The methods every toy test service shares, with UTF-8 text as messages:
/// echo (unary), expand (server streaming: one message per word), sum
/// (client streaming: adds numbers, INVALID_ARGUMENT for anything else),
/// shout (bidirectional: upper-cases each message) and reject (unary: always
/// INVALID_ARGUMENT with metadata and typed details).
public struct ToyMethods: Sendable {
    public let echo: MethodDescriptor
    public let expand: MethodDescriptor
    public let sum: MethodDescriptor
    public let shout: MethodDescriptor
    public let reject: MethodDescriptor

    public static let encode: @Sendable (String) -> [UInt8] = { Array($0.utf8) }
    public static let decode: @Sendable ([UInt8]) throws -> String = { String(decoding: $0, as: UTF8.self) }

    /// The details `reject` sends: a field-1 string "receipt", as an encoded detail message.
    public static let rejectDetails: [UInt8] = [0x0A, 0x07] + Array("receipt".utf8)

    public init(service: String) {
        echo = MethodDescriptor(service: service, method: "Echo", kind: .unary)
        expand = MethodDescriptor(service: service, method: "Expand", kind: .serverStreaming)
        sum = MethodDescriptor(service: service, method: "Sum", kind: .clientStreaming)
        shout = MethodDescriptor(service: service, method: "Shout", kind: .bidirectionalStreaming)
        reject = MethodDescriptor(service: service, method: "Reject", kind: .unary)
    }

    public func register(into router: inout RPCRouter) {
        let encode = Self.encode
        let decode = Self.decode
        router.registerUnary(echo, deserializer: decode, serializer: encode) { text, _ in text }
        router.registerServerStreaming(expand, deserializer: decode, serializer: encode) { text, writer, _ in
            for word in text.split(separator: " ") { try await writer.write(String(word)) }
        }
        router.registerClientStreaming(sum, deserializer: decode, serializer: encode) { numbers, _ in
            var total = 0
            for try await number in numbers {
                guard let value = Int(number) else {
                    throw RPCError(code: .invalidArgument, message: "'\(number)' is not a number")
                }
                total += value
            }
            return String(total)
        }
        router.registerBidirectionalStreaming(shout, deserializer: decode, serializer: encode) { texts, writer, _ in
            for try await text in texts { try await writer.write(text.uppercased()) }
        }
        router.registerUnary(reject, deserializer: decode, serializer: encode) { (_: String, _) -> String in
            throw RPCError(
                code: .invalidArgument, message: "missing evidence", metadata: try Metadata([("x-field", "receipt")]),
                details: Self.rejectDetails)
        }
    }
}
