import Testing

@testable import RPCCore

@Suite struct CallTests {
    @Test func unary() async throws {
        let response = try await withToyServer { client, _ in
            try await client.unary(
                request: "hello", descriptor: Toy.echo, serializer: Toy.encode, deserializer: Toy.decode)
        }
        #expect(response.message == "hello")
    }

    @Test func serverStreaming() async throws {
        let words = try await withToyServer { client, _ in
            try await client.serverStreaming(
                request: "one two three", descriptor: Toy.expand, serializer: Toy.encode, deserializer: Toy.decode
            ) { response in
                try await response.messages.collect()
            }
        }
        #expect(words == ["one", "two", "three"])
    }

    @Test func clientStreaming() async throws {
        let response = try await withToyServer { client, _ in
            try await client.clientStreaming(
                descriptor: Toy.sum, serializer: Toy.encode, deserializer: Toy.decode
            ) { writer in
                try await writer.write(contentsOf: (1...100).map(String.init))
            }
        }
        #expect(response.message == "5050")
    }

    @Test func bidirectionalStreaming() async throws {
        let replies = try await withToyServer { client, _ in
            try await client.bidirectionalStreaming(
                descriptor: Toy.shout, serializer: Toy.encode, deserializer: Toy.decode,
                requestProducer: { writer in
                    for word in ["a", "bc", "def"] { try await writer.write(word) }
                },
                onResponse: { response in try await response.messages.collect() })
        }
        #expect(replies == ["A", "BC", "DEF"])
    }

    @Test func manyConcurrentCalls() async throws {
        let results = try await withToyServer(bufferSize: 2) { client, _ in
            try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        try await client.unary(
                            request: "m\(index)", descriptor: Toy.echo, serializer: Toy.encode,
                            deserializer: Toy.decode
                        ).message
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
        }
        #expect(results.count == 50)
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        let error = try await withToyServer { client, _ in
            try await #require(throws: RPCError.self) {
                try await client.unary(
                    request: "x", descriptor: Toy.missing, serializer: Toy.encode, deserializer: Toy.decode)
            }
        }
        #expect(error.code == .unimplemented)
        #expect(error.message.contains("test.v1.Toy/Missing"))
    }

    @Test func rpcErrorReachesTheClientIntact() async throws {
        let error = try await withToyServer { client, _ in
            try await #require(throws: RPCError.self) {
                try await client.unary(
                    request: "x", descriptor: Toy.reject, serializer: Toy.encode, deserializer: Toy.decode)
            }
        }
        #expect(error.code == .invalidArgument)
        #expect(error.message == "missing evidence")
        #expect(error.details == [0x0A, 0x07] + Array("receipt".utf8))
        #expect(error.metadata.firstString(forKey: "x-field") == "receipt")
    }

    @Test func streamingErrorAfterMessages() async throws {
        let error = try await withToyServer { client, _ in
            try await #require(throws: RPCError.self) {
                try await client.clientStreaming(
                    descriptor: Toy.sum, serializer: Toy.encode, deserializer: Toy.decode
                ) { writer in
                    try await writer.write(contentsOf: ["1", "2", "three"])
                }
            }
        }
        #expect(error.code == .invalidArgument)
        #expect(error.message == "'three' is not a number")
    }

    @Test func plainErrorBecomesUnknownWithoutLeaking() async throws {
        let error = try await withToyServer { client, _ in
            try await #require(throws: RPCError.self) {
                try await client.unary(
                    request: "x", descriptor: Toy.crash, serializer: Toy.encode, deserializer: Toy.decode)
            }
        }
        #expect(error.code == .unknown)
        #expect(!error.message.contains("hunter2"))
        #expect(!String(describing: error).contains("hunter2"))
        #expect(error.details.isEmpty)
    }

    @Test func oversizedRequestIsRefusedByTheClient() async throws {
        let error = try await withToyServer { client, _ in
            try await #require(throws: RPCError.self) {
                try await client.unary(
                    request: String(repeating: "x", count: 100), descriptor: Toy.echo, serializer: Toy.encode,
                    deserializer: Toy.decode, options: CallOptions(maxRequestMessageBytes: 10))
            }
        }
        #expect(error.code == .resourceExhausted)
    }

    @Test func oversizedResponseIsRefusedByTheClient() async throws {
        let error = try await withToyServer { client, _ in
            try await #require(throws: RPCError.self) {
                try await client.unary(
                    request: String(repeating: "y", count: 100), descriptor: Toy.echo, serializer: Toy.encode,
                    deserializer: Toy.decode, options: CallOptions(maxResponseMessageBytes: 50))
            }
        }
        #expect(error.code == .resourceExhausted)
    }

    @Test func failingRequestProducerFailsTheCallWithItsError() async throws {
        let error = try await withToyServer { client, _ in
            try await #require(throws: RPCError.self) {
                try await client.clientStreaming(
                    descriptor: Toy.sum, serializer: Toy.encode, deserializer: Toy.decode
                ) { writer in
                    try await writer.write("1")
                    throw RPCError(code: .failedPrecondition, message: "no more input")
                }
            }
        }
        #expect(error.code == .failedPrecondition)
        #expect(error.message == "no more input")
    }

    @Test func callsAfterShutdownAreUnavailable() async throws {
        let transport = InProcessTransport()
        let client = RPCClient(transport: transport.client)
        transport.server.beginGracefulShutdown()
        let error = try await #require(throws: RPCError.self) {
            try await client.unary(
                request: "x", descriptor: Toy.echo, serializer: Toy.encode, deserializer: Toy.decode)
        }
        #expect(error.code == .unavailable)
        #expect(error.isRetryable)
    }
}
