// libFuzzer harness for the schema parser (reflection hands clients a schema to
// parse, so its text comes from the network).
//
// The input is the text of one .proto file (invalid UTF-8 is replaced). Loading
// it must give a schema or `SchemaErrors`, never a trap; a schema that loads must
// also lint, make a dynamic codec and render its docs without trapping, and every
// error must carry a message and a location in the file.
//
// Build and run with the fuzzer (see scripts/test.sh):
//   swift build -c debug --scratch-path .build-fuzz --product FuzzSchemaParser \
//       --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
//   SWIFT_BACKTRACE=enable=no .build-fuzz/debug/FuzzSchemaParser "$(mktemp -d)" Fuzz/corpus/FuzzSchemaParser \
//       schema Tests/Support/schema
// Without the fuzzer flags this file builds to a program that does nothing.

import ProtoSchema

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ d: UnsafePointer<UInt8>, _ n: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: d, count: n), as: UTF8.self)
    do {
        let schema = try SchemaLoader.load(sources: [("fuzz.proto", text)])
        _ = Linter.lint(schema)
        _ = DynamicCodec(schema: schema)
        _ = SchemaDocs.markdown(for: schema)
        _ = SchemaDocs.html(for: schema)
    } catch {
        for problem in error.errors {
            precondition(!problem.message.isEmpty, "an error without a message")
            precondition(problem.location.line >= 0, "an error without a location")
        }
    }
    return 0
}
