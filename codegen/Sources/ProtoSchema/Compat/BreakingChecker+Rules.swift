extension BreakingChecker {
    /// One row per rule: its stable id, every class it can carry, and what it
    /// means. A change carries a subset of the classes when the rule's summary
    /// says so (a reserved number takes WIRE off `FIELD_DELETED`, and so on).
    /// Additions (files, messages, enums, services, rpcs, fields, enum values,
    /// reservations) are never breaking, nor is a `packed` toggle: parsers
    /// accept packed and unpacked encodings alike.
    public static let rules: [(id: String, classes: Set<BreakClass>, summary: String)] = [
        (
            RuleID.packageChanged, [.wire, .json, .source],
            "A file's package changed: its rpc paths, google.protobuf.Any type URLs and Swift names all move."
        ),
        (
            RuleID.messageDeleted, [.wire, .json, .source],
            "A message was deleted or renamed. Always SOURCE (its Swift type is gone) and JSON (a google.protobuf.Any "
                + "\"@type\" naming it no longer resolves); WIRE too when a field or rpc that survives used it."
        ),
        (
            RuleID.enumDeleted, [.wire, .json, .source],
            "An enum was deleted or renamed. Always SOURCE; WIRE and JSON too when a field that survives used it."
        ),
        (
            RuleID.serviceDeleted, [.wire, .json, .source],
            "A service was deleted or renamed: every call to it fails, whatever the encoding."
        ),
        (
            RuleID.rpcDeleted, [.wire, .json, .source],
            "An rpc was deleted or renamed: calls to it fail, whatever the encoding."
        ),
        (
            RuleID.rpcRequestTypeChanged, [.wire, .json, .source],
            "An rpc takes another request message."
        ),
        (
            RuleID.rpcResponseTypeChanged, [.wire, .json, .source],
            "An rpc returns another response message."
        ),
        (
            RuleID.rpcStreamingChanged, [.wire, .json, .source],
            "An rpc's client or server streaming changed: the call's shape differs on every transport."
        ),
        (
            RuleID.rpcRoleRemoved, [.wire, .json, .access],
            "A role was removed from an rpc's `Roles:` line, or limited to its own records: its callers now get "
                + "PERMISSION_DENIED or NOT_FOUND, whatever the encoding."
        ),
        (
            RuleID.rpcRoleAdded, [.access],
            "A role was added to an rpc's `Roles:` line, or no longer limited to its own records: no caller fails, "
                + "but more callers reach more records."
        ),
        (
            RuleID.fieldDeleted, [.wire, .json, .source],
            "A field number is gone. Not WIRE when the number is now reserved; not JSON when the name is now "
                + "reserved; so reserving both leaves only SOURCE."
        ),
        (
            RuleID.fieldNumberChanged, [.wire],
            "A field kept its name under another number: binary data carries numbers, JSON and Swift carry names."
        ),
        (
            RuleID.fieldRenamed, [.json, .source],
            "A field number has another name. SOURCE always; JSON unless json_name keeps the JSON name."
        ),
        (
            RuleID.fieldJSONNameChanged, [.json],
            "A field kept its name but its JSON name changed (json_name added, removed or edited)."
        ),
        (
            RuleID.fieldTypeChanged, [.wire, .json, .source],
            "A field's type changed. Not WIRE within {int32, int64, uint32, uint64, bool}, {sint32, sint64}, "
                + "{fixed32, sfixed32}, {fixed64, sfixed64}, string to bytes, enum to or from int32, int64, uint32 "
                + "or uint64, and enum to enum; not JSON nor SOURCE when the value type stays the same (int32, sint32 "
                + "and sfixed32; uint32 and fixed32; int64, sint64 and sfixed64; uint64 and fixed64). A message type "
                + "change is always all three. Map keys and values follow the same rules."
        ),
        (
            RuleID.fieldCardinalityChanged, [.wire, .json, .source],
            "A field moved between implicit, optional, repeated and map. Implicit to or from optional: SOURCE "
                + "only (none for message fields, which have presence either way). Singular to or from repeated: JSON "
                + "and SOURCE, plus WIRE for packed numbers, bools and enums. Map to or from anything: all three, "
                + "except a repeated message shaped like the map entry (key = 1, value = 2), which is not WIRE."
        ),
        (
            RuleID.fieldOneofChanged, [.wire, .json, .source],
            "A field moved into, out of or between oneofs (or its oneof was renamed). SOURCE always; WIRE and JSON "
                + "too when it now shares a oneof with a field that was not in the same oneof before, so data "
                + "setting both loses one (binary) or is rejected (JSON)."
        ),
        (
            RuleID.enumValueDeleted, [.wire, .json, .source],
            "An enum number is gone. Not WIRE when the number is now reserved; not JSON when the name is now "
                + "reserved; so reserving both leaves only SOURCE."
        ),
        (
            RuleID.enumValueNumberChanged, [.wire],
            "An enum value kept its name under another number: binary data carries numbers, JSON and Swift carry names."
        ),
        (
            RuleID.enumValueRenamed, [.json, .source],
            "An enum number has another name (or lost an alias): JSON carries the name and Swift the case."
        ),
        (
            RuleID.reservedRangeRemoved, [.wire],
            "A reserved number (or part of a range) is no longer reserved, so it may be reused for other data."
        ),
        (
            RuleID.reservedNameRemoved, [.json],
            "A reserved name is no longer reserved, so it may be reused with another meaning in JSON."
        ),
    ]

    /// The rule ids, as constants for the checker and tests.
    public enum RuleID {
        public static let packageChanged = "PACKAGE_CHANGED"
        public static let messageDeleted = "MESSAGE_DELETED"
        public static let enumDeleted = "ENUM_DELETED"
        public static let serviceDeleted = "SERVICE_DELETED"
        public static let rpcDeleted = "RPC_DELETED"
        public static let rpcRequestTypeChanged = "RPC_REQUEST_TYPE_CHANGED"
        public static let rpcResponseTypeChanged = "RPC_RESPONSE_TYPE_CHANGED"
        public static let rpcStreamingChanged = "RPC_STREAMING_CHANGED"
        public static let rpcRoleRemoved = "RPC_ROLE_REMOVED"
        public static let rpcRoleAdded = "RPC_ROLE_ADDED"
        public static let fieldDeleted = "FIELD_DELETED"
        public static let fieldNumberChanged = "FIELD_NUMBER_CHANGED"
        public static let fieldRenamed = "FIELD_RENAMED"
        public static let fieldJSONNameChanged = "FIELD_JSON_NAME_CHANGED"
        public static let fieldTypeChanged = "FIELD_TYPE_CHANGED"
        public static let fieldCardinalityChanged = "FIELD_CARDINALITY_CHANGED"
        public static let fieldOneofChanged = "FIELD_ONEOF_CHANGED"
        public static let enumValueDeleted = "ENUM_VALUE_DELETED"
        public static let enumValueNumberChanged = "ENUM_VALUE_NUMBER_CHANGED"
        public static let enumValueRenamed = "ENUM_VALUE_RENAMED"
        public static let reservedRangeRemoved = "RESERVED_RANGE_REMOVED"
        public static let reservedNameRemoved = "RESERVED_NAME_REMOVED"
    }

    /// The classes a rule can carry at most (empty for an unknown id).
    public static func classes(ofRule id: String) -> Set<BreakClass> {
        rules.first { $0.id == id }?.classes ?? []
    }
}
