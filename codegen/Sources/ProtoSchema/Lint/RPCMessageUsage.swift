/// Which rpcs take or return each message, across the schema's own files.
struct RPCMessageUsage {
    enum Role: String {
        case request, response
    }

    struct Use {
        /// The rpc's full name (`protection.v1.IntegrityService.FileComplaint`).
        var rpc: String
        var role: Role
        var location: SourceLocation
    }

    /// Message full name -> its uses, in file and declaration order.
    private(set) var uses: [String: [Use]] = [:]

    init(_ schema: Schema) {
        for file in schema.files where !Schema.isWellKnown(file: file.path) {
            for name in file.services {
                guard let service = schema.services[name] else { continue }
                for method in service.methods {
                    let rpc = service.fullName + "." + method.name
                    uses[method.inputType, default: []].append(Use(rpc: rpc, role: .request, location: method.location))
                    uses[method.outputType, default: []].append(Use(rpc: rpc, role: .response, location: method.location))
                }
            }
        }
    }

    /// The first use of `message` (the one that owns it), if any rpc uses it.
    func owner(of message: String) -> Use? { uses[message]?.first }
}
