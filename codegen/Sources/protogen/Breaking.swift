import ArgumentParser
import Foundation
import ProtoSchema

/// `protogen breaking`: lists the changes from a baseline schema that break
/// binary peers, JSON peers or code using the generated Swift.
struct Breaking: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the schema for changes that break existing peers or code.",
        discussion: """
            Compares --schema with --against: a directory of .proto files, or a git ref whose copy of the \
            schema folder is read with git. Each change is WIRE (binary peers break), JSON (canonical-JSON \
            peers break) and/or SOURCE (the generated Swift API breaks). Exits 0 when no change is at or \
            above --fail-on, 1 when one is, 2 on a usage or schema error.

            Rules:
            \(ruleList)
            """)

    /// One line per rule: the id, padded, and the classes it can carry.
    static var ruleList: String {
        let width = BreakingChecker.rules.map(\.id.count).max() ?? 0
        return BreakingChecker.rules.map { rule in
            let id = rule.id.padding(toLength: width, withPad: " ", startingAt: 0)
            return "  \(id)  \(rule.classes.sorted().map(\.rawValue).joined(separator: ", "))"
        }.joined(separator: "\n")
    }

    @Option(help: "The schema root (a folder of .proto files).")
    var schema = "schema"

    @Option(help: "The baseline: a directory of .proto files, or a git ref (branch, tag, commit) to read the schema folder at.")
    var against = "schema-baseline"

    @Option(help: "wire: fail on WIRE breaks only; json: on WIRE or JSON; source: on any break.")
    var failOn = "json"

    @Option(help: "text, json or markdown (a review comment with the generated docs' diff).")
    var format = "text"

    func run() throws {
        guard let threshold = BreakingThreshold(rawValue: failOn) else {
            printError("--fail-on must be wire, json or source (got \"\(failOn)\")")
            throw ExitCode(2)
        }
        guard ["text", "json", "markdown"].contains(format) else {
            printError("--format must be text, json or markdown (got \"\(format)\")")
            throw ExitCode(2)
        }
        let current = try loadSchema(schema)
        let baseline: Schema
        do {
            baseline = try SchemaBaseline.load(against: against, schemaDirectory: schema)
        } catch {
            if case .schema(let errors) = error {
                printError("the baseline \(against) does not load:")
                for e in errors.errors { printError(e.description) }
            } else {
                printError(error.description)
            }
            throw ExitCode(2)
        }
        let report = BreakingReport(changes: BreakingChecker.compare(old: baseline, new: current), threshold: threshold)
        switch format {
        case "json":
            print(report.json(), terminator: "")
        case "markdown":
            let diff = LineDiff.unified(before: SchemaDocs.markdown(for: baseline), after: SchemaDocs.markdown(for: current))
            print(report.markdown(docsDiff: diff), terminator: "")
        default:
            print(report.text(), terminator: "")
        }
        if report.isBreaking { throw ExitCode(1) }
    }
}
