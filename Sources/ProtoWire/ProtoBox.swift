/// Immutable heap storage for a message field that would otherwise make a
/// message contain itself (recursive schemas). Generated code wraps such
/// fields in a computed property, so users never see the box.
public final class ProtoBox<Value: Hashable & Sendable>: Hashable, Sendable {
    public let value: Value
    @inlinable public init(_ value: Value) { self.value = value }
    public static func == (a: ProtoBox, b: ProtoBox) -> Bool { a === b || a.value == b.value }
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
