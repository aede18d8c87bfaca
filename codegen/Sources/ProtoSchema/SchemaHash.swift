import ProtoWire

extension Schema {
    /// A fingerprint of the schema's own files (well-known types excluded):
    /// SHA-256 over each file's path and text, in path order.
    public var sourceHash: String {
        var bytes: [UInt8] = []
        for f in files where !Self.isWellKnown(file: f.path) {
            bytes += Array(f.path.utf8) + [0] + Array(f.source.utf8) + [0]
        }
        return SHA256.hex(bytes)
    }
}
