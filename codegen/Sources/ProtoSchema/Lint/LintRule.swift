/// One lint rule: a stable SCREAMING_SNAKE id (what findings carry and what
/// `// protogen:lint-ignore` names) and a one-line summary.
public struct LintRule: Hashable, Sendable, Codable, CustomStringConvertible {
    public var id: String
    public var summary: String

    public init(id: String, summary: String) {
        self.id = id
        self.summary = summary
    }

    public var description: String { id }
}

extension LintRule {
    // Naming.
    public static let messagePascalCase = LintRule(
        id: "MESSAGE_PASCAL_CASE", summary: "Message names are PascalCase.")
    public static let enumPascalCase = LintRule(
        id: "ENUM_PASCAL_CASE", summary: "Enum names are PascalCase.")
    public static let servicePascalCase = LintRule(
        id: "SERVICE_PASCAL_CASE", summary: "Service names are PascalCase.")
    public static let rpcPascalCase = LintRule(
        id: "RPC_PASCAL_CASE", summary: "RPC names are PascalCase.")
    public static let fieldSnakeCase = LintRule(
        id: "FIELD_SNAKE_CASE", summary: "Field and oneof names are lower_snake_case.")
    public static let enumValuePrefix = LintRule(
        id: "ENUM_VALUE_PREFIX",
        summary: "Enum values start with the enum name in UPPER_SNAKE_CASE and '_' (ComplaintType -> COMPLAINT_TYPE_).")
    public static let enumValueUpperSnake = LintRule(
        id: "ENUM_VALUE_UPPER_SNAKE", summary: "Enum value names are UPPER_SNAKE_CASE.")
    public static let enumZeroValueUnspecified = LintRule(
        id: "ENUM_ZERO_VALUE_UNSPECIFIED", summary: "An enum's zero value is <PREFIX>UNSPECIFIED (COMPLAINT_TYPE_UNSPECIFIED).")

    // Documentation.
    public static let commentRequired = LintRule(
        id: "COMMENT_REQUIRED",
        summary: "Every message, field, oneof, enum, enum value, service and rpc has a leading comment.")

    // Services.
    public static let rpcRequestResponseNames = LintRule(
        id: "RPC_REQUEST_RESPONSE_NAMES", summary: "RPC Foo takes FooRequest and returns FooResponse.")
    public static let rpcRequestResponseUnique = LintRule(
        id: "RPC_REQUEST_RESPONSE_UNIQUE",
        summary: "A request or response message belongs to one rpc and is not used as a field type.")
    public static let idempotencyKeyRequired = LintRule(
        id: "IDEMPOTENCY_KEY_REQUIRED",
        summary: "The request of every mutating rpc has a `string idempotency_key` field.")
    public static let rpcRolesDeclared = LintRule(
        id: "RPC_ROLES_DECLARED",
        summary: "Every rpc's comment has one `Roles:` line naming who may call it (`Roles: merchant (own), reviewer.`).")

    // Fields.
    public static let noProto3Optional = LintRule(
        id: "NO_PROTO3_OPTIONAL", summary: "No proto3 `optional` fields (protobuf-c 1.4.1 refuses them).")

    // Files.
    public static let importUnused = LintRule(
        id: "IMPORT_UNUSED",
        summary: "Every non-public import provides a type the file uses, itself or through its `import public`s.")
    public static let packageRequired = LintRule(
        id: "PACKAGE_REQUIRED", summary: "Every file declares a package.")
    public static let packageVersionSuffix = LintRule(
        id: "PACKAGE_VERSION_SUFFIX", summary: "The package's last component is a version (v1, v2beta1, v1alpha).")

    // Directives.
    public static let lintIgnoreUnknownRule = LintRule(
        id: "LINT_IGNORE_UNKNOWN_RULE", summary: "A `protogen:lint-ignore` directive names only known rule ids.")
}
