import NIOSSL

/// TLS contexts from PEM files, for the transports' `tls`: TLS 1.2 or later
/// around the connection's bytes; the frames inside do not change.
public enum TLSContexts {
    /// A server's: its certificate chain and key; with `clientCA`, every client
    /// must present a certificate that CA signed (mutual TLS, for internal services).
    public static func server(certificateChain: String, privateKey: String, clientCA: String? = nil) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificateChain).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: privateKey, format: .pem)))
        configuration.minimumTLSVersion = .tlsv12
        if let clientCA {
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCA))
        }
        return try NIOSSLContext(configuration: configuration)
    }

    /// A client's: trusting `trustedCA` (the system's roots when nil); presenting a
    /// certificate and key when the server requires one.
    public static func client(trustedCA: String? = nil, certificateChain: String? = nil, privateKey: String? = nil) throws
        -> NIOSSLContext
    {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let trustedCA { configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trustedCA)) }
        if let certificateChain, let privateKey {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateChain).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: privateKey, format: .pem))
        }
        return try NIOSSLContext(configuration: configuration)
    }
}
