/// proto3 JSON of `google.protobuf.Struct`, `Value`, `ListValue` and
/// `NullValue`: any JSON object, any JSON value, any JSON array, and `null`.

extension ProtoNullValue {
    /// `null` (the value name and numbers are accepted too).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        self = c.decodeNil() ? .nullValue : try Self.decodeProtoJSON(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encodeNil()
    }
}

extension ProtoValue {
    /// A value of the given kind.
    public init(_ kind: Kind) {
        self.init()
        self.kind = kind
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        try ProtoJSON.checkDepth(decoder, levelsPerKey: 3)
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            kind = .nullValue(.nullValue)
        } else if let b = try? c.decode(Bool.self) {
            kind = .boolValue(b)
        } else if let s = try? c.decode(String.self) {
            kind = .stringValue(s)
        } else if let d = try? c.decode(Double.self) {
            kind = .numberValue(d)
        } else if (try? decoder.container(keyedBy: ProtoJSON.Key.self)) != nil {
            kind = .structValue(try ProtoStruct(from: decoder))
        } else {
            kind = .listValue(try ProtoListValue(from: decoder))
        }
    }

    /// A Value without a kind prints as `null`, as other implementations do
    /// (it reads back as a null value). A number that is not finite has no JSON form.
    public func encode(to encoder: any Encoder) throws {
        switch kind {
        case nil, .nullValue?:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .numberValue(let d)?:
            guard d.isFinite else {
                throw EncodingError.invalidValue(
                    d,
                    .init(
                        codingPath: encoder.codingPath,
                        debugDescription: "Value.number_value \(d) has no JSON form (it would read back as a string)"))
            }
            var c = encoder.singleValueContainer()
            try c.encode(d)
        case .stringValue(let s)?:
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .boolValue(let b)?:
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .structValue(let s)?: try s.encode(to: encoder)
        case .listValue(let l)?: try l.encode(to: encoder)
        }
    }
}

extension ProtoStruct {
    public init(from decoder: any Decoder) throws {
        self.init()
        try ProtoJSON.checkDepth(decoder, levelsPerKey: 3)
        let c = try decoder.container(keyedBy: ProtoJSON.Key.self)
        for key in c.allKeys { fields[key.stringValue] = try c.decode(ProtoValue.self, forKey: key) }
    }

    /// Members in the order of the binary encoding (keys by UTF-8 bytes).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ProtoJSON.Key.self)
        for key in fields.protoSortedKeys { try c.encode(fields[key]!, forKey: ProtoJSON.Key(key)) }
    }
}

extension ProtoListValue {
    public init(from decoder: any Decoder) throws {
        self.init()
        try ProtoJSON.checkDepth(decoder, levelsPerKey: 3)
        var c = try decoder.unkeyedContainer()
        while !c.isAtEnd { values.append(try c.decode(ProtoValue.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        for v in values { try c.encode(v) }
    }
}
