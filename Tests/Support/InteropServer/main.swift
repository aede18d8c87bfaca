// Serves the toy service `interop.v1.Toy` over the TCP transport on 127.0.0.1 and
// a free port, for clients written in other languages (Tests/interop/client.py).
// Prints `listening <port>` once bound; stops on SIGTERM or when stdin closes.
import Dispatch
import RPCCore
import RPCTestSupport
import RPCTransportTCP
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

var router = RPCRouter()
ToyMethods(service: "interop.v1.Toy").register(into: &router)

let transport = TCPServerTransport(
    configuration: TCPServerTransport.Configuration(host: "127.0.0.1", port: 0, drainGracePeriod: .seconds(5)))
let server = RPCServer(transport: transport, router: router)

// Stop on SIGTERM or when stdin closes: both raise a flag a watching thread acts on
// (a signal handler may do little more than an atomic store).
let stopRequested = Atomic<Bool>(false)
signal(SIGTERM) { _ in stopRequested.store(true, ordering: .relaxed) }
DispatchQueue.global().async {
    // Raw reads: a thread blocked in stdio's `readLine` would hold stdin's lock and
    // keep `exit` (which flushes every stream) from finishing after a SIGTERM.
    var buffer = [UInt8](repeating: 0, count: 512)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if count > 0 || (count < 0 && errno == EINTR) { continue }
        break
    }
    stopRequested.store(true, ordering: .relaxed)
}
DispatchQueue.global().async {
    while !stopRequested.load(ordering: .relaxed) { usleep(100_000) }
    server.beginGracefulShutdown()
}

let announce = Task {
    let port = try await transport.listeningPort
    print("listening \(port)")
    fflush(nil)
}

do {
    try await server.serve()
} catch {
    announce.cancel()
    let message = "InteropServer: \(error)\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    exit(1)
}
_ = try? await announce.value
