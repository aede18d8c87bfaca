#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation
import ProtectionMessages

/// `credentials.json`: the development credentials' tokens, readable by the
/// server's user only (mode 0600). The only place a token is ever written.
enum CredentialsFile {
    struct Entry: Codable {
        var role: String
        var principalId: String
        var credentialId: String
        var token: String
    }

    struct Contents: Codable {
        var note: String
        var credentials: [Entry]
    }

    static func write(_ issued: [IssueTokenResponse], to path: String) throws {
        let contents = Contents(
            note: "Development credentials of this data directory. Send one as 'authorization: Bearer <token>' "
                + "(protectionctl --token or PROTECTION_TOKEN). Revoke them before real use: "
                + "protection-server tokens revoke <credential id>.",
            credentials: issued.map { answer in
                let credential = answer.credential ?? Credential()
                return Entry(
                    role: credential.role.callerName,
                    principalId: credential.principalId, credentialId: credential.credentialId, token: answer.token)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try writePrivate(try encoder.encode(contents) + Data("\n".utf8), to: path)
    }

    /// Writes `data` to a new file of mode 0600 beside `path`, then renames it over
    /// `path`: the file is never readable by others, not even for a moment.
    static func writePrivate(_ data: Data, to path: String) throws {
        let temporary = path + ".new"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary]) }
        defer { close(fd) }
        let written = data.withUnsafeBytes { posixWrite(fd, $0.baseAddress, $0.count) }
        guard written == data.count, fsync(fd) == 0, rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}

#if canImport(Glibc)
private let posixWrite = Glibc.write
#else
private let posixWrite = Darwin.write
#endif
