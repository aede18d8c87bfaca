import Foundation

/// Why the schema to compare against could not be read.
public enum SchemaBaselineError: Error, Sendable, CustomStringConvertible {
    /// `git` is not installed (or not on `PATH`).
    case gitNotFound
    /// The schema folder is not inside a git checkout.
    case notARepository(directory: String, detail: String)
    /// Neither an existing directory nor a ref git knows.
    case unknownRef(String)
    /// A git command failed.
    case gitFailed(command: String, detail: String)
    /// The ref has no `.proto` file in the schema folder.
    case noProtoFiles(ref: String, directory: String)
    /// The old schema does not load.
    case schema(SchemaErrors)

    public var description: String {
        switch self {
        case .gitNotFound:
            "git is not installed or not on PATH; pass a directory to compare against instead"
        case .notARepository(let directory, let detail):
            "\(directory) is not inside a git repository, so a git ref cannot be read: \(detail)"
        case .unknownRef(let ref):
            "\"\(ref)\" is neither a directory nor a git ref (branch, tag or commit) of this repository"
        case .gitFailed(let command, let detail):
            "\(command) failed: \(detail)"
        case .noProtoFiles(let ref, let directory):
            "no .proto files in \(directory) at \(ref)"
        case .schema(let errors):
            errors.description
        }
    }
}

/// The old side of a breaking-change check: a directory of `.proto` files,
/// or the schema folder as it was at a git ref, read into memory with `git`.
public enum SchemaBaseline {
    /// Loads `against` as a directory when one exists there, else as a git ref of the
    /// repository holding `schemaDirectory`, reading that same folder at the ref.
    public static func load(against: String, schemaDirectory: String) throws(SchemaBaselineError) -> Schema {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: against, isDirectory: &isDirectory), isDirectory.boolValue {
            do {
                return try SchemaLoader.load(directory: against)
            } catch {
                throw .schema(error)
            }
        }
        return try load(gitRef: against, schemaDirectory: schemaDirectory)
    }

    /// Loads `schemaDirectory` as it was at `ref`; file paths are relative to the folder, as for a directory.
    public static func load(gitRef ref: String, schemaDirectory: String) throws(SchemaBaselineError) -> Schema {
        let files = try sources(gitRef: ref, schemaDirectory: schemaDirectory)
        do {
            return try SchemaLoader.load(sources: files)
        } catch {
            throw .schema(error)
        }
    }

    /// The `.proto` files below `schemaDirectory` at `ref` (hidden folders skipped), sorted by path.
    public static func sources(gitRef ref: String, schemaDirectory: String) throws(SchemaBaselineError) -> [(path: String, source: String)] {
        guard !ref.isEmpty, !ref.hasPrefix("-") else { throw .unknownRef(ref) }
        let directory = URL(fileURLWithPath: schemaDirectory, isDirectory: true).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .gitFailed(command: "reading \(ref)", detail: "schema directory \(schemaDirectory) not found")
        }
        let gitDir = try git(["rev-parse", "--git-dir"], in: directory)
        guard gitDir.status == 0 else {
            throw .notARepository(directory: schemaDirectory, detail: gitDir.errorText)
        }
        let resolved = try git(["rev-parse", "--verify", "--quiet", ref + "^{commit}"], in: directory)
        guard resolved.status == 0, let commit = resolved.text?.trimmingCharacters(in: .whitespacesAndNewlines), !commit.isEmpty else {
            throw .unknownRef(ref)
        }
        // Run inside the folder: ls-tree lists it relative to there, and `<commit>:./<path>` reads relative to there.
        let listing = try git(["ls-tree", "-r", "-z", "--name-only", commit, "--", "."], in: directory)
        guard listing.status == 0, let names = listing.text else {
            throw .gitFailed(command: "git ls-tree \(ref)", detail: listing.errorText)
        }
        let paths = names.split(separator: "\0").map(String.init).filter { path in
            path.hasSuffix(".proto") && !path.split(separator: "/").contains { $0.hasPrefix(".") }
        }.sorted()
        guard !paths.isEmpty else { throw .noProtoFiles(ref: ref, directory: schemaDirectory) }
        var out: [(path: String, source: String)] = []
        for path in paths {
            let shown = try git(["show", "\(commit):./\(path)"], in: directory)
            guard shown.status == 0 else {
                throw .gitFailed(command: "git show \(ref):\(path)", detail: shown.errorText)
            }
            guard let text = shown.text else {
                throw .schema(SchemaErrors([SchemaError(location: SourceLocation(file: path, line: 1, column: 1), message: "file is not valid UTF-8")]))
            }
            out.append((path, text))
        }
        return out
    }

    private struct Output {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var text: String? { String(data: stdout, encoding: .utf8) }
        var errorText: String {
            let s = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return s.isEmpty ? "exit status \(status)" : s
        }
    }

    /// Runs `git` (found on PATH) in `directory`, collecting its output in memory.
    private static func git(_ arguments: [String], in directory: URL) throws(SchemaBaselineError) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .gitNotFound
        }
        // git writes little to stderr here, so reading stdout to the end first cannot stall.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // `env` exits 127 when it cannot find the command.
        if process.terminationStatus == 127 { throw .gitNotFound }
        return Output(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
