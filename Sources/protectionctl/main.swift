import ArgumentParser
import Foundation
import NIOSSL
import RPCCore
import RPCTransportTCP
import SchemaClient

/// Calls any method of a running server, with no local copy of the schema: the
/// schema comes from the server's reflection service; requests and responses are
/// JSON (proto3 canonical form).
@main
struct ProtectionCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protectionctl",
        abstract: "Call the merchant-protection service: list, describe, call any method, check health.",
        subcommands: [List.self, Describe.self, Call.self, Health.self])

    struct Connection: ParsableArguments {
        @Option(name: .customLong("address"), help: "Server host:port; repeat for several (calls go round-robin).")
        var addresses: [String] = ["127.0.0.1:7878"]

        @Option(help: "Seconds the call may take.")
        var timeout: Double = 10

        @Option(name: .customLong("metadata"), help: "Request metadata key=value; repeatable.")
        var metadata: [String] = []

        @Option(help: "Bearer token of every call (`authorization: Bearer <token>`); defaults to $PROTECTION_TOKEN.")
        var token: String?

        @Flag(help: "Connect over TLS (trusting the system's roots unless --tls-ca is given).") var tls = false
        @Option(help: "Trust this PEM CA for the server's certificate (implies --tls).") var tlsCa: String?
        @Option(help: "Present this PEM client certificate chain (with --tls-key; implies --tls).") var tlsCert: String?
        @Option(help: "The PEM private key of --tls-cert.") var tlsKey: String?
        @Option(help: "The name the server's certificate must carry, when not the address's host.") var tlsServerName: String?

        func tlsContext() throws -> NIOSSLContext? {
            guard tls || tlsCa != nil || tlsCert != nil else { return nil }
            guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together.") }
            do {
                return try TLSContexts.client(trustedCA: tlsCa, certificateChain: tlsCert, privateKey: tlsKey)
            } catch {
                throw ValidationError("The TLS files cannot be used: \(error)")
            }
        }

        func endpoints() throws -> [Endpoint] {
            try addresses.map { address in
                guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
                    (0...65535).contains(port)
                else { throw ValidationError("'\(address)' is not host:port.") }
                return Endpoint(host: String(address[..<colon]), port: port)
            }
        }

        func requestMetadata() throws -> Metadata {
            var out = Metadata()
            for pair in metadata {
                guard let equals = pair.firstIndex(of: "=") else { throw ValidationError("'\(pair)' is not key=value.") }
                try out.addString(String(pair[equals...].dropFirst()), forKey: String(pair[..<equals]))
            }
            return out
        }

        var options: CallOptions { CallOptions(timeout: .milliseconds(Int64(timeout * 1000))) }

        /// Runs `body` with a client of the addresses, then shuts it down.
        func withClient<T: Sendable>(_ body: @escaping @Sendable (RPCClient) async throws -> T) async throws -> T {
            var configuration = TCPClientTransport.Configuration(endpoints: try endpoints())
            configuration.tls = try tlsContext()
            configuration.tlsServerName = tlsServerName
            let transport = TCPClientTransport(configuration: configuration)
            let token = self.token ?? ProcessInfo.processInfo.environment["PROTECTION_TOKEN"]
            let client = RPCClient(transport: transport, interceptors: token.map { [BearerTokenInterceptor(token: $0)] } ?? [])
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await client.runConnections()
                    return nil
                }
                do {
                    let result = try await body(client)
                    client.beginGracefulShutdown()
                    return result
                } catch {
                    client.beginGracefulShutdown()
                    throw error
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the server's services and methods.")
        @OptionGroup var connection: Connection

        func run() async throws {
            let options = connection.options
            let text = try await connection.withClient { client in
                let remote = try await RemoteSchema.fetch(from: client, options: options)
                return (["schema sha256 \(remote.hash)"] + remote.methods.map { method in
                    "\(method.fullyQualifiedName)  \(method.kind.rawValue)  \(method.requestType) -> \(method.responseType)"
                }).joined(separator: "\n")
            }
            print(text)
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a service, method (Service/Method), message or enum of the server's schema.")
        @OptionGroup var connection: Connection
        @Argument(help: "A full or short name.") var name: String

        func run() async throws {
            let (options, name) = (connection.options, self.name)
            let text = try await connection.withClient { client in
                try await RemoteSchema.fetch(from: client, options: options).describe(name)
            }
            guard let text else { throw ValidationError("The server's schema has nothing named '\(name)'.") }
            print(text)
        }
    }

    struct Call: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Call a method with JSON requests; prints each response as one line of JSON.")
        @OptionGroup var connection: Connection
        @Argument(help: "Service/Method, e.g. protection.v1.HealthService/CheckHealth.") var method: String
        @Argument(help: "Request messages as JSON; '-' reads one per line from standard input.") var requests: [String] = ["{}"]

        func run() async throws {
            var jsons = requests
            if jsons == ["-"] { jsons = Array(sequence(state: ()) { _ in readLine() }.filter { !$0.isEmpty }) }
            let (options, metadata, name, messages) = (connection.options, try connection.requestMetadata(), method, jsons)
            try await connection.withClient { client in
                let remote = try await RemoteSchema.fetch(from: client, options: options)
                let method = try remote.method(named: name)
                for line in try await remote.call(method, requests: messages, on: client, metadata: metadata, options: options) {
                    print(line)
                }
            }
        }
    }

    struct Health: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check the server's (or one service's) health.")
        @OptionGroup var connection: Connection
        @Option(help: "A full service name; empty for the whole server.") var service = ""
        @Flag(help: "Ask whether the process is alive rather than ready.") var liveness = false

        func run() async throws {
            let probe = liveness ? "HEALTH_PROBE_LIVENESS" : "HEALTH_PROBE_READINESS"
            let request = #"{"service": "\#(service)", "probe": "\#(probe)"}"#
            let options = connection.options
            let answer = try await connection.withClient { client in
                let remote = try await RemoteSchema.fetch(from: client, options: options)
                return try await remote.call(
                    try remote.method(named: "protection.v1.HealthService/CheckHealth"), requests: [request], on: client,
                    options: options)
            }
            print(answer.joined(separator: "\n"))
        }
    }
}
