/// The one error type of the wire runtime: a code, the byte offset where decoding
/// stopped, and the field number involved when there is one.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong. Extensible: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        @usableFromInline let raw: UInt8
        @inlinable init(_ raw: UInt8) { self.raw = raw }

        /// The input ended inside a tag, a value or a length-delimited field.
        public static let truncated = Code(1)
        /// A varint ran over 10 bytes, or its 10th byte carried more than one bit.
        public static let malformedVarint = Code(2)
        /// A length prefix points past the end of the enclosing message.
        public static let lengthExceedsInput = Code(3)
        /// The message is larger than `DecodeOptions.maxMessageSize`.
        public static let messageTooLarge = Code(4)
        /// Messages nest deeper than `DecodeOptions.maxDepth`.
        public static let depthLimitExceeded = Code(5)
        /// A known field arrived with a wire type its declaration cannot have.
        public static let wrongWireType = Code(6)
        /// Field number 0, or one above 2^29 - 1.
        public static let invalidFieldNumber = Code(7)
        /// Wire type 3 or 4 (proto2 groups): not part of proto3.
        public static let groupsNotSupported = Code(8)
        /// Wire type 6 or 7: no such wire type exists.
        public static let invalidWireType = Code(9)
        /// A string field holds bytes that are not valid UTF-8.
        public static let invalidUTF8 = Code(10)
        /// A packed field's length is not a multiple of its element size.
        public static let malformedPackedField = Code(11)
        /// A value is out of the range its type allows (e.g. Timestamp nanos).
        public static let valueOutOfRange = Code(12)

        public var description: String {
            switch raw {
            case 1: "truncated"
            case 2: "malformedVarint"
            case 3: "lengthExceedsInput"
            case 4: "messageTooLarge"
            case 5: "depthLimitExceeded"
            case 6: "wrongWireType"
            case 7: "invalidFieldNumber"
            case 8: "groupsNotSupported"
            case 9: "invalidWireType"
            case 10: "invalidUTF8"
            case 11: "malformedPackedField"
            case 12: "valueOutOfRange"
            default: "code(\(raw))"
            }
        }
    }

    public var code: Code
    /// Offset in the top-level input where the problem was found.
    public var offset: Int
    /// The field being read, when known.
    public var fieldNumber: Int?

    @inlinable
    public init(_ code: Code, offset: Int, fieldNumber: Int? = nil) {
        self.code = code
        self.offset = offset
        self.fieldNumber = fieldNumber
    }

    public var description: String {
        var s = "wire error \(code) at byte \(offset)"
        if let fieldNumber { s += " (field \(fieldNumber))" }
        return s
    }
}
