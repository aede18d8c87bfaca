import ProtectionMessages
import ProtectionServices
import RPCCore

/// Serves `protection.v1.ReflectionService`: the schema source the server was
/// built from, with its hash and the services it serves, so that a client with
/// no local copy of the schema can parse it and call any method.
public struct ReflectionHandler: ReflectionService.Handler {
    /// The full names of the services served.
    public let serviceNames: [String]

    /// Reflection for a server whose router is `router` (reflection included or not).
    public init(serving router: RPCRouter) {
        var names = Set(router.methods.map(\.service))
        names.insert(ReflectionService.name)
        self.serviceNames = names.sorted()
    }

    public func describeSchema(_ request: DescribeSchemaRequest, context: ServerContext) async throws -> DescribeSchemaResponse {
        var response = DescribeSchemaResponse()
        response.packageName = "protection.v1"
        response.schemaSha256 = ProtectionMessagesSchema.hash
        response.serviceNames = serviceNames
        if request.includeSources {
            response.files = ProtectionMessagesSchema.files.sorted { $0.path < $1.path }.map { file in
                var message = SchemaFile()
                message.path = file.path
                message.content = file.source
                return message
            }
        }
        return response
    }
}
