/// Sends a bearer token with every call: `authorization: Bearer <token>` request
/// metadata, replacing any the call set.
public struct BearerTokenInterceptor: ClientInterceptor {
    public static let metadataKey = "authorization"
    let value: String

    public init(token: String) {
        self.value = "Bearer " + token
    }

    public func intercept(
        request: StreamingClientRequest<[UInt8]>, context: ClientContext,
        next: (StreamingClientRequest<[UInt8]>, ClientContext) async throws -> StreamingClientResponse<[UInt8]>
    ) async throws -> StreamingClientResponse<[UInt8]> {
        var request = request
        try request.metadata.replaceString(value, forKey: Self.metadataKey)
        return try await next(request, context)
    }
}
