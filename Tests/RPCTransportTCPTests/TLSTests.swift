import Foundation
import NIOSSL
import RPCCore
import RPCTransportTCP
import Testing

/// TLS around the transport's bytes: calls over TLS and mutual TLS work; a plain
/// client against a TLS server, a client without a certificate or with one from
/// another CA against a server that requires one, fail cleanly (UNAVAILABLE),
/// and the server keeps serving others.
@Suite struct TLSTests {
    /// Test-only certificates (Tests/Support/tls/make.sh).
    static func file(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Support/tls/\(name)").path
    }

    static func serverContext(requireClientCertificates: Bool) throws -> NIOSSLContext {
        try TLSContexts.server(
            certificateChain: file("server.pem"), privateKey: file("server.key"),
            clientCA: requireClientCertificates ? file("ca.pem") : nil)
    }

    /// The result of one echo call from a fresh client with `tls`.
    static func echo(port: Int, tls: NIOSSLContext?, serverName: String? = nil) async -> Result<String, RPCError> {
        var configuration = TCPClientTransport.Configuration(host: "127.0.0.1", port: port, connectTimeout: .seconds(5))
        configuration.tls = tls
        configuration.tlsServerName = serverName
        let client = RPCClient(transport: TCPClientTransport(configuration: configuration))
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await client.runConnections() }
            defer { client.beginGracefulShutdown() }
            do {
                let answer = try await client.unary(
                    request: "hello", descriptor: TCPToy.echo, serializer: TCPToy.encode, deserializer: TCPToy.decode,
                    options: CallOptions(timeout: .seconds(10)))
                return .success(answer.message)
            } catch {
                return .failure(RPCError(converting: error))
            }
        }
    }

    /// Runs `body` with the toy service served over TLS.
    static func withTLSServer<T: Sendable>(
        requireClientCertificates: Bool, _ body: @Sendable (Int) async throws -> T
    ) async throws -> T {
        var configuration = loopbackConfiguration
        configuration.tls = try serverContext(requireClientCertificates: requireClientCertificates)
        let transport = loopbackServer(configuration)
        let server = RPCServer(transport: transport, router: TCPToy.router())
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            defer { server.beginGracefulShutdown() }
            return try await body(try await transport.listeningPort)
        }
    }

    @Test func aCallOverTLSWorksAndAPlainClientFailsCleanly() async throws {
        try await Self.withTLSServer(requireClientCertificates: false) { port in
            let trusted = try TLSContexts.client(trustedCA: Self.file("ca.pem"))
            #expect(try await Self.echo(port: port, tls: trusted).get() == "hello")
            #expect(try await Self.echo(port: port, tls: trusted, serverName: "localhost").get() == "hello")
            if case .failure(let error) = await Self.echo(port: port, tls: nil) {
                #expect(error.code == .unavailable)
            } else {
                Issue.record("a plain client got an answer from a TLS server")
            }
            // A server certificate the client does not trust.
            let untrusting = try TLSContexts.client(trustedCA: Self.file("other-ca.pem"))
            if case .success = await Self.echo(port: port, tls: untrusting) { Issue.record("an untrusted server was accepted") }
            #expect(try await Self.echo(port: port, tls: trusted).get() == "hello", "the server keeps serving")
        }
    }

    @Test func aServerRequiringClientCertificatesRefusesClientsWithoutOne() async throws {
        try await Self.withTLSServer(requireClientCertificates: true) { port in
            let withCertificate = try TLSContexts.client(
                trustedCA: Self.file("ca.pem"), certificateChain: Self.file("client.pem"), privateKey: Self.file("client.key"))
            #expect(try await Self.echo(port: port, tls: withCertificate).get() == "hello")
            let without = try TLSContexts.client(trustedCA: Self.file("ca.pem"))
            if case .failure(let error) = await Self.echo(port: port, tls: without) {
                #expect(error.code == .unavailable)
            } else {
                Issue.record("a client without a certificate was served")
            }
            let stranger = try TLSContexts.client(
                trustedCA: Self.file("ca.pem"), certificateChain: Self.file("stranger.pem"), privateKey: Self.file("stranger.key"))
            if case .success = await Self.echo(port: port, tls: stranger) { Issue.record("another CA's client was served") }
            #expect(try await Self.echo(port: port, tls: withCertificate).get() == "hello", "the server keeps serving")
        }
    }
}
