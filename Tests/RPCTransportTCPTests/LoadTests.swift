import Glibc
import NIOCore
import RPCCore
import RPCTransportTCP
import Synchronization
import Testing

/// The transport under load: a reader that stops, a drain with calls in flight, and
/// a thousand connections at once.
@Suite(.serialized) struct LoadTests {
    static let firehose = MethodDescriptor(service: TCPToy.service, method: "Firehose", kind: .serverStreaming)
    static let work = MethodDescriptor(service: TCPToy.service, method: "Work", kind: .unary)

    final class Counters: Sendable {
        /// Payload bytes whose write the transport accepted.
        let writtenBytes = Atomic<Int>(0)
        let started = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
    }

    static func router(_ counters: Counters) -> RPCRouter {
        var router = TCPToy.router()
        // "<count> <size>": count messages of size bytes, counting what the transport accepted.
        router.registerServerStreaming(firehose, deserializer: TCPToy.decode, serializer: TCPToy.encode) { request, writer, _ in
            let numbers = request.split(separator: " ").compactMap { Int($0) }
            for index in 0..<numbers[0] {
                try await writer.write(String(repeating: String(index % 10), count: numbers[1]))
                counters.writtenBytes.add(numbers[1], ordering: .relaxed)
            }
        }
        router.registerUnary(work, deserializer: TCPToy.decode, serializer: TCPToy.encode) { (text: String, _) -> String in
            counters.started.add(1, ordering: .relaxed)
            try await Task.sleep(for: .milliseconds(20))
            counters.finished.add(1, ordering: .relaxed)
            return text
        }
        return router
    }

    /// Waits until `value` has not changed for `quiet`, and returns it.
    static func settled(_ value: () -> Int, quiet: Duration = .milliseconds(300)) async throws -> Int {
        var last = value()
        while true {
            try await Task.sleep(for: quiet)
            let now = value()
            if now == last { return now }
            last = now
        }
    }

    @Test func aReaderThatStopsCostsTheSenderAtMostItsWindowPlusOneFrame() async throws {
        let counters = Counters()
        let (held, total) = try await withTCPToyServer(router: Self.router(counters)) { client, _, _ in
            try await client.serverStreaming(
                request: "1000 1000", descriptor: Self.firehose, serializer: TCPToy.encode, deserializer: TCPToy.decode
            ) { response in
                var iterator = response.messages.makeAsyncIterator()
                var consumed = try await iterator.next()?.utf8.count ?? 0
                // The reader stops: the sender must stop too, with bounded bytes outstanding.
                let written = try await Self.settled { counters.writtenBytes.load(ordering: .relaxed) }
                let held = written - consumed
                while let message = try await iterator.next() { consumed += message.utf8.count }
                return (held, consumed)
            }
        }
        let settings = ConnectionSettings()
        #expect(held > 0)
        #expect(held <= settings.initialWindowSize + settings.maxFrameSize, "\(held) bytes outstanding")
        #expect(total == 1_000_000, "nothing lost once the reader resumes")
    }

    @Test func drainingUnderLoadLosesNoAcceptedCall() async throws {
        let counters = Counters()
        try await withTimeLimit(seconds: 120) {
            let serverTransport = loopbackServer()
            let server = RPCServer(transport: serverTransport, router: Self.router(counters))
            let serving = Task { try await server.serve() }
            let port = try await serverTransport.listeningPort
            let client = RPCClient(transport: loopbackClient(port: port))
            let connections = Task { try await client.runConnections() }

            let outcomes = try await withThrowingTaskGroup(of: [RPCError.Code?].self) { group in
                for loop in 0..<32 {
                    group.addTask {
                        var outcomes: [RPCError.Code?] = []
                        for index in 0..<1_000 {
                            do {
                                let answer = try await client.unary(
                                    request: "\(loop)-\(index)", descriptor: Self.work, serializer: TCPToy.encode,
                                    deserializer: TCPToy.decode)
                                #expect(answer.message == "\(loop)-\(index)")
                                outcomes.append(nil)
                            } catch let error as RPCError {
                                outcomes.append(error.code)
                                break
                            }
                        }
                        return outcomes
                    }
                }
                // Drain once calls are flowing.
                while counters.finished.load(ordering: .relaxed) < 200 { try await Task.sleep(for: .milliseconds(10)) }
                server.beginGracefulShutdown()
                return try await group.reduce(into: []) { $0 += $1 }
            }
            try await serving.value
            let succeeded = outcomes.filter { $0 == nil }.count
            let failures = outcomes.compactMap { $0 }
            #expect(failures.count == 32, "every loop ends with one refused call")
            // Refused calls were sent again transparently until no server was left.
            #expect(failures.allSatisfy { $0 == .unavailable }, "refusals are retryable: \(Set(failures))")
            #expect(counters.started.load(ordering: .relaxed) == succeeded, "every call a handler started was answered")
            #expect(counters.finished.load(ordering: .relaxed) == succeeded)
            client.beginGracefulShutdown()
            try await connections.value
        }
    }

    /// Raises the open-files limit to at least `count` (both ends of every connection live here).
    static func ensureFileLimit(_ count: rlim_t) throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < count {
            limit.rlim_cur = min(count, limit.rlim_max)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        try #require(limit.rlim_cur >= count, "the open-files limit \(limit.rlim_cur) is below \(count)")
    }

    @Test func aThousandConnectionsAtOnce() async throws {
        try Self.ensureFileLimit(2_500)
        try await withTCPToyServer { _, _, port in
            let clients = (0..<1_000).map { _ in RPCClient(transport: loopbackClient(port: port)) }
            defer { for client in clients { client.beginGracefulShutdown() } }
            // Each client opens its own connection and learns the peer address the server saw.
            let peers = try await withThrowingTaskGroup(of: String.self) { group in
                for client in clients {
                    group.addTask {
                        try await client.unary(
                            request: "", descriptor: TCPToy.whoAmI, serializer: TCPToy.encode,
                            deserializer: TCPToy.decode, options: CallOptions(timeout: .seconds(120))
                        ).message
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(peers.count == 1_000, "one connection each")
            // All of them are open at once and still carry calls.
            let echoes = try await withThrowingTaskGroup(of: String.self) { group in
                for (index, client) in clients.enumerated() {
                    group.addTask {
                        try await client.unary(
                            request: "c\(index)", descriptor: TCPToy.echo, serializer: TCPToy.encode,
                            deserializer: TCPToy.decode, options: CallOptions(timeout: .seconds(120))
                        ).message
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(echoes == Set((0..<1_000).map { "c\($0)" }))
        }
    }
}
