/// A `Sendable` writer of messages or stream parts, back-pressured: `write(_:)`
/// suspends while the peer's buffer is full.
///
/// Writers handed to request producers and response handlers are finished by the
/// call layer; only raw transport writers need ``finish()`` from their user.
public struct RPCWriter<Element: Sendable>: Sendable {
    private let writeElement: @Sendable (Element) async throws -> Void
    private let finishWriting: @Sendable ((any Error)?) async -> Void

    /// A writer from two closures: one that writes an element, one that ends the
    /// stream (with an error, if one is given).
    public init(
        write: @escaping @Sendable (Element) async throws -> Void,
        finish: @escaping @Sendable ((any Error)?) async -> Void = { _ in }
    ) {
        self.writeElement = write
        self.finishWriting = finish
    }

    /// Writes one element; suspends while the peer's buffer is full; throws when the
    /// stream is closed or the writing task is cancelled.
    public func write(_ element: Element) async throws {
        try await writeElement(element)
    }

    /// Writes every element of `elements`, in order.
    public func write(contentsOf elements: some Sequence<Element>) async throws {
        for element in elements { try await writeElement(element) }
    }

    /// Writes every element of an asynchronous sequence, in order.
    public func write<Source: AsyncSequence>(contentsOf elements: Source) async throws
    where Source.Element == Element {
        for try await element in elements { try await writeElement(element) }
    }

    /// Ends the stream normally.
    public func finish() async {
        await finishWriting(nil)
    }

    /// Ends the stream with an error.
    public func finish(throwing error: any Error) async {
        await finishWriting(error)
    }

    /// A writer of `New` values that converts each one and writes it here.
    /// Finishing it finishes this writer.
    public func map<New: Sendable>(_ transform: @escaping @Sendable (New) throws -> Element) -> RPCWriter<New> {
        let write = self.writeElement
        return RPCWriter<New>(write: { try await write(transform($0)) }, finish: finishWriting)
    }

    /// A writer that cannot be finished through the result (finishing is a no-op);
    /// used to hand a stream to code that must not end it.
    public func withoutFinish() -> RPCWriter<Element> {
        RPCWriter(write: writeElement, finish: { _ in })
    }
}
