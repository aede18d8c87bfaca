/// A type-erased, `Sendable` asynchronous sequence of messages or stream parts.
///
/// Sequences built from a transport's inbound stream are single-consumer: iterate
/// them once.
public struct RPCAsyncSequence<Element: Sendable>: AsyncSequence, Sendable {
    public typealias Failure = any Error

    private let makeNext: @Sendable () -> @Sendable () async throws -> Element?

    /// Wraps any `Sendable` asynchronous sequence.
    public init<Base: AsyncSequence & Sendable>(wrapping base: Base) where Base.Element == Element {
        self.makeNext = {
            let box = IteratorBox(base.makeAsyncIterator())
            return { try await box.next() }
        }
    }

    /// A sequence whose every iterator calls `next` until it returns `nil`; suited
    /// to single-consumer sources such as a transport's inbound buffer.
    public init(next: @escaping @Sendable () async throws -> Element?) {
        self.makeNext = { next }
    }

    /// A sequence of the given elements.
    public static func elements(_ elements: [Element]) -> RPCAsyncSequence<Element> {
        RPCAsyncSequence(
            wrapping: AsyncElements(elements: elements))
    }

    /// A sequence that finishes immediately.
    public static var empty: RPCAsyncSequence<Element> { elements([]) }

    /// A sequence that throws `error` on the first call to `next()`.
    public static func failing(_ error: any Error) -> RPCAsyncSequence<Element> {
        RPCAsyncSequence(next: { throw error })
    }

    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let nextElement: @Sendable () async throws -> Element?

        public mutating func next() async throws -> Element? {
            try await nextElement()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(nextElement: makeNext())
    }

    /// Transforms every element (lazily, as it is read).
    public func mapElements<New: Sendable>(
        _ transform: @escaping @Sendable (Element) async throws -> New
    ) -> RPCAsyncSequence<New> {
        let makeNext = self.makeNext
        return RPCAsyncSequence<New>(unsafeMakeNext: {
            let next = makeNext()
            return {
                guard let element = try await next() else { return nil }
                return try await transform(element)
            }
        })
    }

    /// Collects every element into an array.
    public func collect() async throws -> [Element] {
        var result: [Element] = []
        for try await element in self { result.append(element) }
        return result
    }

    init(unsafeMakeNext: @escaping @Sendable () -> @Sendable () async throws -> Element?) {
        self.makeNext = unsafeMakeNext
    }
}

/// Holds a non-`Sendable` iterator for one consumer at a time.
private final class IteratorBox<Base: AsyncIteratorProtocol>: @unchecked Sendable where Base.Element: Sendable {
    private var base: Base

    init(_ base: Base) { self.base = base }

    func next() async throws -> Base.Element? {
        try await base.next()
    }
}

/// The elements of an array, as an asynchronous sequence.
private struct AsyncElements<Element: Sendable>: AsyncSequence, Sendable {
    typealias Failure = Never
    let elements: [Element]

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: IndexingIterator<[Element]>
        mutating func next() async -> Element? { base.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: elements.makeIterator()) }
}
