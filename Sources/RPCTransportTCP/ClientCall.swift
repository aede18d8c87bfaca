import RPCCore
import Synchronization

/// One call on a client connection. Its phase changes only on the connection's event
/// loop; the lock makes it `Sendable`.
final class ClientCall: Sendable {
    enum Phase: Sendable {
        /// HEADERS not sent yet (they carry the request metadata, the first part written).
        case pending
        case open(UInt32)
        case ended
    }

    private final class StreamIDBox: Sendable {
        let value = Atomic<UInt32>(0)
    }

    let inbox: StreamInbox<RPCResponsePart>
    let gate = WriteGate()
    let method: String
    let deadline: Deadline?
    private let state = Mutex(Phase.pending)
    private let id: StreamIDBox

    init(method: String, deadline: Deadline?, handler: HandlerRef) {
        let id = StreamIDBox()
        self.method = method
        self.deadline = deadline
        self.id = id
        // A consumed message gives its credit back (to the connection only, once the stream has closed).
        self.inbox = StreamInbox(onConsume: { credit in
            handler.execute { $0.returnCredit(credit, streamID: id.value.load(ordering: .acquiring)) }
        })
    }

    var phase: Phase { state.withLock { $0 } }
    var streamID: UInt32 { id.value.load(ordering: .acquiring) }

    func opened(_ streamID: UInt32) {
        id.value.store(streamID, ordering: .releasing)
        state.withLock { $0 = .open(streamID) }
    }

    func end() { state.withLock { $0 = .ended } }
}
