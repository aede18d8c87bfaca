import ProtoSchema
import ProtoWire
import Testing

private typealias F = DynamicFixtures

/// Checks `fields` print as `json` exactly, and that `json` reads back to them.
private func expectJSON(
    _ fields: [Int: DynamicValue], _ json: String, type: String = F.allTypes, sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws {
    let m = F.message(type, fields)
    #expect(try F.codec.encodeJSON(m) == json, sourceLocation: sourceLocation)
    #expect(try F.codec.decodeJSON(type, from: json) == m, sourceLocation: sourceLocation)
}

/// Checks `json` reads as `fields`.
private func expectDecode(
    _ json: String, _ fields: [Int: DynamicValue], type: String = F.allTypes, ignoreUnknown: Bool = false,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws {
    #expect(try F.codec.decodeJSON(type, from: json, ignoreUnknownFields: ignoreUnknown) == F.message(type, fields),
            sourceLocation: sourceLocation)
}

/// Checks `json` is refused with an error at `path` whose message contains `containing`.
private func expectRefused(
    _ json: String, path: String, containing: String = "", type: String = F.allTypes,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let e = F.jsonError(json, type)
    #expect(e != nil, "accepted: \(json)", sourceLocation: sourceLocation)
    guard let e else { return }
    #expect(e.path == path, "\(e)", sourceLocation: sourceLocation)
    if !containing.isEmpty { #expect(e.message.contains(containing), "\(e)", sourceLocation: sourceLocation) }
}

@Suite struct DynamicJSONOutputTests {
    @Test func emptyAndDefaultsOmitted() throws {
        try expectJSON([:], "{}")
        #expect(try F.codec.encodeJSON(F.message(F.allTypes, [5: .int32(0), 9: .string(""), 35: .list([]), 61: .map([:])])) == "{}")
        try expectJSON([:], "{}", type: F.empty)
    }

    @Test func integers() throws {
        try expectJSON([5: .int32(-5), 11: .uint32(UInt32.max), 14: .int32(Int32.min), 7: .uint32(7), 12: .int32(-1)],
                       #"{"fInt32":-5,"fFixed32":7,"fUint32":4294967295,"fSfixed32":-1,"fSint32":-2147483648}"#)
        try expectJSON([3: .int64(Int64.min), 4: .uint64(UInt64.max), 6: .uint64(1), 13: .int64(-2), 15: .int64(9_007_199_254_740_993)],
                       #"{"fInt64":"-9223372036854775808","fUint64":"18446744073709551615","fFixed64":"1","fSfixed64":"-2","fSint64":"9007199254740993"}"#)
    }

    @Test func floatingPoint() throws {
        try expectJSON([1: .double(1)], #"{"fDouble":1}"#)
        try expectJSON([1: .double(-0.0)], #"{"fDouble":-0}"#)
        try expectJSON([1: .double(0.1)], #"{"fDouble":0.1}"#)
        try expectJSON([1: .double(1.5e300)], #"{"fDouble":1.5e+300}"#)
        try expectJSON([1: .double(1e-5)], #"{"fDouble":1e-05}"#)
        try expectJSON([1: .double(.leastNonzeroMagnitude)], #"{"fDouble":5e-324}"#)
        try expectJSON([2: .float(0.1)], #"{"fFloat":0.1}"#)
        try expectJSON([2: .float(-2.5)], #"{"fFloat":-2.5}"#)
        try expectJSON([2: .float(.greatestFiniteMagnitude)], #"{"fFloat":3.4028235e+38}"#)
        try expectJSON([1: .double(.nan)], #"{"fDouble":"NaN"}"#)
        try expectJSON([1: .double(.infinity), 2: .float(-.infinity)], #"{"fDouble":"Infinity","fFloat":"-Infinity"}"#)
    }

    @Test func boolStringBytes() throws {
        try expectJSON([8: .bool(true)], #"{"fBool":true}"#)
        try expectJSON([9: .string("a\"b\\c\n\t\u{1}\u{7F}/中😀")], #"{"fString":"a\"b\\c\n\t\u0001\#u{7F}/中😀"}"#)
        try expectJSON([10: .bytes([0xFB, 0xFF])], #"{"fBytes":"+/8="}"#)
        try expectJSON([10: .bytes([1, 2, 3])], #"{"fBytes":"AQID"}"#)
        try expectJSON([10: .bytes([1])], #"{"fBytes":"AQ=="}"#)
    }

    @Test func enums() throws {
        try expectJSON([16: .enumValue(1)], #"{"fColor":"COLOR_RED"}"#)
        try expectJSON([16: .enumValue(-3)], #"{"fColor":"COLOR_NEGATIVE"}"#)
        // An alias prints as the first name declared with the number.
        try expectJSON([16: .enumValue(2)], #"{"fColor":"COLOR_GREEN"}"#)
        // Unknown numbers print as numbers.
        try expectJSON([16: .enumValue(42), 46: .list([.enumValue(1), .enumValue(-9)])],
                       #"{"fColor":42,"rColor":["COLOR_RED",-9]}"#)
    }

    @Test func namesAndOrder() throws {
        try expectJSON([18: .string("x"), 536_870_911: .int32(1), 17: .message(F.innerMessage(a: 1, b: "y")), 5: .int32(2)],
                       #"{"fInt32":2,"fInner":{"a":1,"b":"y"},"customName":"x","fLargeNumber":1}"#)
        try expectJSON([17: .message(F.innerMessage())], #"{"fInner":{}}"#)
        try expectJSON([6: .string("")], #"{"otherName":""}"#, type: F.treeNode)
    }

    @Test func repeatedAndMaps() throws {
        try expectJSON([33: .list([.int64(1), .int64(-2)]), 35: .list([.int32(0), .int32(3)]), 47: .list([.message(F.innerMessage())])],
                       #"{"rInt64":["1","-2"],"rInt32":[0,3],"rInner":[{}]}"#)
        try expectJSON([61: .map([.int32(2): .int32(0), .int32(-1): .int32(1), .int32(10): .int32(3)])],
                       #"{"mInt32Int32":{"-1":1,"2":0,"10":3}}"#)
        try expectJSON([71: .map([.bool(true): .uint64(1), .bool(false): .uint64(0)])],
                       #"{"mBoolUint64":{"false":"0","true":"1"}}"#)
        try expectJSON([72: .map([.string("b"): .message(F.innerMessage()), .string("a"): .message(F.innerMessage(a: 1))])],
                       #"{"mStringInner":{"a":{"a":1},"b":{}}}"#)
        try expectJSON([62: .map([.int64(-5): .string("x")]), 63: .map([.uint32(1): .bytes([])]), 69: .map([.int32(0): .enumValue(0)])],
                       #"{"mInt64String":{"-5":"x"},"mUint32Bytes":{"1":""},"mSfixed32Color":{"0":"COLOR_UNSPECIFIED"}}"#)
        try expectJSON([64: .map([.uint64(UInt64.max): .double(0.5)]), 68: .map([.uint64(1): .int64(-1)])],
                       #"{"mUint64Double":{"18446744073709551615":0.5},"mFixed64Sfixed64":{"1":"-1"}}"#)
    }

    @Test func oneofAndOptionalAtZero() throws {
        try expectJSON([81: .uint32(0)], #"{"oUint32":0}"#)
        try expectJSON([84: .enumValue(0)], #"{"oColor":"COLOR_UNSPECIFIED"}"#)
        try expectJSON([85: .bytes([])], #"{"oBytes":""}"#)
        try expectJSON([1: .int32(0), 2: .string(""), 3: .bool(false), 4: .double(0), 5: .enumValue(0), 6: .message(F.innerMessage()), 7: .bytes([]), 8: .int64(0)],
                       #"{"oInt32":0,"oString":"","oBool":false,"oDouble":0,"oColor":"COLOR_UNSPECIFIED","oInner":{},"oBytes":"","oSint64":"0"}"#,
                       type: F.optionalFields)
    }

    @Test func timestamps() throws {
        func ts(_ s: Int64, _ n: Int32 = 0) -> DynamicValue { .message(DynamicCodec.testSecondsNanos(F.timestamp, s, n)) }
        try expectJSON([91: ts(0)], #"{"fTimestamp":"1970-01-01T00:00:00Z"}"#)
        try expectJSON([91: ts(1, 500_000_000)], #"{"fTimestamp":"1970-01-01T00:00:01.500Z"}"#)
        try expectJSON([91: ts(1_700_000_000, 1000)], #"{"fTimestamp":"2023-11-14T22:13:20.000001Z"}"#)
        try expectJSON([91: ts(-1, 1)], #"{"fTimestamp":"1969-12-31T23:59:59.000000001Z"}"#)
        try expectJSON([93: .list([ts(-62_135_596_800), ts(253_402_300_799, 999_999_999)])],
                       #"{"rTimestamp":["0001-01-01T00:00:00Z","9999-12-31T23:59:59.999999999Z"]}"#)
        // Out of range: refused on output.
        #expect(throws: DynamicJSONError.self) { try F.codec.encodeJSON(F.message(F.allTypes, [91: ts(253_402_300_800)])) }
        #expect(throws: DynamicJSONError.self) { try F.codec.encodeJSON(F.message(F.allTypes, [91: ts(0, -1)])) }
        #expect(throws: DynamicJSONError.self) { try F.codec.encodeJSON(F.message(F.allTypes, [91: ts(0, 1_000_000_000)])) }
    }

    @Test func durations() throws {
        func du(_ s: Int64, _ n: Int32 = 0) -> DynamicValue { .message(DynamicCodec.testSecondsNanos(F.duration, s, n)) }
        try expectJSON([92: du(0)], #"{"fDuration":"0s"}"#)
        try expectJSON([92: du(1, 500_000_000)], #"{"fDuration":"1.500s"}"#)
        try expectJSON([92: du(0, -500_000_000)], #"{"fDuration":"-0.500s"}"#)
        try expectJSON([92: du(-3, -1)], #"{"fDuration":"-3.000000001s"}"#)
        try expectJSON([92: du(315_576_000_000, 20_000)], #"{"fDuration":"315576000000.000020s"}"#)
        #expect(throws: DynamicJSONError.self) { try F.codec.encodeJSON(F.message(F.allTypes, [92: du(1, -1)])) }
        #expect(throws: DynamicJSONError.self) { try F.codec.encodeJSON(F.message(F.allTypes, [92: du(315_576_000_001)])) }
    }

    @Test func mismatchedValuesAreErrors() {
        #expect(throws: DynamicJSONError.self) { try F.codec.encodeJSON(F.message(F.allTypes, [5: .string("x")])) }
        #expect(throws: DynamicJSONError.self) { try F.codec.encodeJSON(F.message(F.allTypes, [20: .int32(1)])) }
        #expect(throws: DynamicJSONError.self) { try F.codec.encodeJSON(F.message(F.allTypes, [35: .int32(1)])) }
    }
}

@Suite struct DynamicJSONInputTests {
    @Test func protoNamesAccepted() throws {
        try expectDecode(#"{"f_int32":5,"f_inner":{"a":1},"f_renamed":"x"}"#,
                         [5: .int32(5), 17: .message(F.innerMessage(a: 1)), 18: .string("x")])
        try expectDecode(#"{"customName":"x","m_int32_int32":{"1":2}}"#, [18: .string("x"), 61: .map([.int32(1): .int32(2)])])
        try expectDecode(#"{"other_name":"n"}"#, [6: .string("n")], type: F.treeNode)
    }

    @Test func whitespaceAndEscapes() throws {
        try expectDecode(" {\n\t\"fString\" : \"\\u00e9\\ud83d\\ude00\\/\\b\\f\\r\" , \"fInt32\":\r1 } ",
                         [9: .string("é😀/\u{8}\u{c}\r"), 5: .int32(1)])
    }

    @Test func int64AsNumbersOrStrings() throws {
        try expectDecode(#"{"fInt64":9007199254740993,"fUint64":"18446744073709551615","fSint64":"-9223372036854775808"}"#,
                         [3: .int64(9_007_199_254_740_993), 4: .uint64(UInt64.max), 15: .int64(Int64.min)])
        try expectDecode(#"{"fFixed64":1e3,"fSfixed64":"-5"}"#, [6: .uint64(1000), 13: .int64(-5)])
        expectRefused(#"{"fUint64":"18446744073709551616"}"#, path: "fUint64", containing: "out of range")
        expectRefused(#"{"fUint64":-1}"#, path: "fUint64", containing: "out of range")
        expectRefused(#"{"fInt64":"1.5"}"#, path: "fInt64", containing: "not an integer")
        expectRefused(#"{"fInt64":" 1"}"#, path: "fInt64")
        expectRefused(#"{"fInt64":true}"#, path: "fInt64")
    }

    @Test func int32Rules() throws {
        try expectDecode(#"{"fInt32":1.0,"fUint32":"12","fSint32":-2147483648,"fFixed32":1e2,"fSfixed32":"-0"}"#,
                         [5: .int32(1), 11: .uint32(12), 14: .int32(Int32.min), 7: .uint32(100)])
        try expectDecode(#"{"fInt32":2.50e1}"#, [5: .int32(25)])
        expectRefused(#"{"fInt32":1.5}"#, path: "fInt32", containing: "not an integer")
        expectRefused(#"{"fInt32":"1.5"}"#, path: "fInt32", containing: "not an integer")
        expectRefused(#"{"fInt32":2147483648}"#, path: "fInt32", containing: "out of range")
        expectRefused(#"{"fInt32":-2147483649}"#, path: "fInt32", containing: "out of range")
        expectRefused(#"{"fUint32":-1}"#, path: "fUint32", containing: "out of range")
        expectRefused(#"{"fUint32":1e10}"#, path: "fUint32", containing: "out of range")
        expectRefused(#"{"fInt32":"abc"}"#, path: "fInt32")
        expectRefused(#"{"fInt32":[1]}"#, path: "fInt32")
    }

    @Test func floatRules() throws {
        try expectDecode(#"{"fDouble":"NaN","fFloat":"-Infinity"}"#, [1: .double(.nan), 2: .float(-.infinity)])
        try expectDecode(#"{"fDouble":"Infinity","fFloat":"1.5"}"#, [1: .double(.infinity), 2: .float(1.5)])
        try expectDecode(#"{"fDouble":-0.0,"fFloat":1e-50}"#, [1: .double(-0.0)])
        try expectDecode(#"{"fDouble":5,"fFloat":3.4028235e38}"#, [1: .double(5), 2: .float(.greatestFiniteMagnitude)])
        expectRefused(#"{"fFloat":1e39}"#, path: "fFloat", containing: "out of range")
        expectRefused(#"{"fDouble":1e400}"#, path: "fDouble", containing: "out of range")
        expectRefused(#"{"fDouble":"nan"}"#, path: "fDouble")
        expectRefused(#"{"fDouble":"0x10"}"#, path: "fDouble")
        expectRefused(#"{"fDouble":false}"#, path: "fDouble")
    }

    @Test func boolStringBytesRules() throws {
        try expectDecode(#"{"fBool":false,"fString":"","fBytes":""}"#, [:])
        expectRefused(#"{"fBool":"true"}"#, path: "fBool")
        expectRefused(#"{"fBool":1}"#, path: "fBool")
        expectRefused(#"{"fString":1}"#, path: "fString")
        // Standard, URL-safe, padded or not.
        try expectDecode(#"{"fBytes":"+/8="}"#, [10: .bytes([0xFB, 0xFF])])
        try expectDecode(#"{"fBytes":"-_8"}"#, [10: .bytes([0xFB, 0xFF])])
        try expectDecode(#"{"fBytes":"AQ"}"#, [10: .bytes([1])])
        expectRefused(#"{"fBytes":"A"}"#, path: "fBytes", containing: "base64")
        expectRefused(#"{"fBytes":"AQ*="}"#, path: "fBytes", containing: "base64")
    }

    @Test func enumRules() throws {
        try expectDecode(#"{"fColor":"COLOR_VERDE","rColor":["COLOR_RED",2,-3,77],"oColor":0}"#,
                         [16: .enumValue(2), 46: .list([.enumValue(1), .enumValue(2), .enumValue(-3), .enumValue(77)]), 84: .enumValue(0)])
        try expectDecode(#"{"fColor":"COLOR_UNSPECIFIED"}"#, [:])
        expectRefused(#"{"fColor":"COLOR_BLUE"}"#, path: "fColor", containing: "COLOR_BLUE")
        expectRefused(#"{"fColor":"color_red"}"#, path: "fColor")
        expectRefused(#"{"fColor":1.5}"#, path: "fColor")
        expectRefused(#"{"fColor":true}"#, path: "fColor")
        // Ignoring unknown fields skips unknown names: the field, a list element, a map entry.
        try expectDecode(#"{"fColor":"COLOR_BLUE","rColor":["COLOR_BLUE","COLOR_RED"],"mSfixed32Color":{"1":"X","2":"COLOR_RED"},"oColor":"X"}"#,
                         [46: .list([.enumValue(1)]), 69: .map([.int32(2): .enumValue(1)])], ignoreUnknown: true)
    }

    @Test func nullMeansAbsent() throws {
        try expectDecode(#"{"fInt32":null,"fInner":null,"rInt32":null,"mInt32Int32":null,"fTimestamp":null,"oUint32":null,"oString":"x"}"#,
                         [82: .string("x")])
        try expectDecode(#"{"oInt32":null}"#, [:], type: F.optionalFields)
        expectRefused(#"{"rInt32":[1,null]}"#, path: "rInt32[1]", containing: "null")
        expectRefused(#"{"mInt32Int32":{"1":null}}"#, path: #"mInt32Int32["1"]"#, containing: "null")
    }

    @Test func unknownKeys() throws {
        expectRefused(#"{"fInt32":1,"nope":2}"#, path: "nope", containing: "unknown field")
        expectRefused(#"{"fInner":{"zz":{}}}"#, path: "fInner.zz", containing: "unknown field")
        expectRefused(#"{"FInt32":1}"#, path: "FInt32")
        try expectDecode(#"{"fInt32":1,"nope":{"deep":[1,2,{"x":null}]},"fInner":{"zz":1,"a":2}}"#,
                         [5: .int32(1), 17: .message(F.innerMessage(a: 2))], ignoreUnknown: true)
    }

    @Test func duplicates() {
        expectRefused(#"{"oUint32":1,"oString":"x"}"#, path: "oString", containing: "oneof choice")
        expectRefused(#"{"oInner":{},"o_color":"COLOR_RED"}"#, path: "o_color", containing: "oneof")
        expectRefused(#"{"other":{},"otherName":""}"#, path: "otherName", containing: "oneof link", type: F.treeNode)
        expectRefused(#"{"fInt32":1,"f_int32":2}"#, path: "f_int32", containing: "twice")
        expectRefused(#"{"mInt32Int32":{"1":1,"1":2}}"#, path: #"mInt32Int32["1"]"#, containing: "duplicate")
    }

    @Test func messagesAndMaps() throws {
        var inner = F.innerMessage(a: 1)
        inner.fields[3] = .message(DynamicMessage(typeName: F.deeper, fields: [2: .list([.int64(-1), .int64(5)])]))
        try expectDecode(#"{"fInner":{"a":1,"deeper":{"d":["-1",5]}}}"#, [17: .message(inner)])
        try expectDecode(#"{"mBoolUint64":{"true":1,"false":"2"},"mSint64Bool":{"-9223372036854775808":true}}"#,
                         [71: .map([.bool(true): .uint64(1), .bool(false): .uint64(2)]), 66: .map([.int64(Int64.min): .bool(true)])])
        try expectDecode(#"{"mStringInner":{"":{},"中":{"b":"x"}}}"#,
                         [72: .map([.string(""): .message(F.innerMessage()), .string("中"): .message(F.innerMessage(b: "x"))])])
        expectRefused(#"{"mBoolUint64":{"yes":1}}"#, path: #"mBoolUint64["yes"]"#, containing: "map key")
        expectRefused(#"{"mInt32Int32":{"1.0":1}}"#, path: #"mInt32Int32["1.0"]"#, containing: "map key")
        expectRefused(#"{"mInt32Int32":{"2147483648":1}}"#, path: #"mInt32Int32["2147483648"]"#, containing: "map key")
        expectRefused(#"{"mUint32Bytes":{"-1":""}}"#, path: #"mUint32Bytes["-1"]"#, containing: "map key")
        expectRefused(#"{"mInt32Int32":[1]}"#, path: "mInt32Int32", containing: "object")
        expectRefused(#"{"rInt32":{"a":1}}"#, path: "rInt32", containing: "array")
        expectRefused(#"{"fInner":[]}"#, path: "fInner", containing: "object")
        expectRefused(#"{"fInner":{"deeper":{"d":[1,"x"]}}}"#, path: "fInner.deeper.d[1]")
        expectRefused(#"{"mStringInner":{"k":{"a":"x"}}}"#, path: #"mStringInner["k"].a"#)
        expectRefused(#"{"rInner":[{},{"b":1}]}"#, path: "rInner[1].b")
    }

    @Test func wellKnownTypes() throws {
        func ts(_ s: Int64, _ n: Int32 = 0) -> DynamicValue { .message(DynamicCodec.testSecondsNanos(F.timestamp, s, n)) }
        func du(_ s: Int64, _ n: Int32 = 0) -> DynamicValue { .message(DynamicCodec.testSecondsNanos(F.duration, s, n)) }
        try expectDecode(#"{"fTimestamp":"1970-01-01T01:00:00+01:00"}"#, [91: ts(0)])
        try expectDecode(#"{"fTimestamp":"1970-01-01t00:00:01.5z"}"#, [91: ts(1, 500_000_000)])
        try expectDecode(#"{"fTimestamp":"2000-02-29T12:00:00.123456789-00:30"}"#, [91: ts(951_827_400, 123_456_789)])
        try expectDecode(#"{"fDuration":"-0.5s","rTimestamp":["1970-01-01T00:00:00Z"]}"#, [92: du(0, -500_000_000), 93: .list([ts(0)])])
        try expectDecode(#"{"fDuration":"1s"}"#, [92: du(1)])
        expectRefused(#"{"fTimestamp":"1970-01-01T00:00:00"}"#, path: "fTimestamp", containing: "timestamp")
        expectRefused(#"{"fTimestamp":"2001-02-29T00:00:00Z"}"#, path: "fTimestamp")
        expectRefused(#"{"fTimestamp":"10000-01-01T00:00:00Z"}"#, path: "fTimestamp")
        expectRefused(#"{"fTimestamp":0}"#, path: "fTimestamp")
        expectRefused(#"{"fTimestamp":{"seconds":1}}"#, path: "fTimestamp")
        expectRefused(#"{"fDuration":"1"}"#, path: "fDuration", containing: "duration")
        expectRefused(#"{"fDuration":"1.0000000001s"}"#, path: "fDuration")
        expectRefused(#"{"fDuration":"315576000001s"}"#, path: "fDuration")
        // A Timestamp or Duration on its own.
        #expect(try F.codec.encodeJSON(DynamicCodec.testSecondsNanos(F.timestamp, 86_400, 0)) == #""1970-01-02T00:00:00Z""#)
        #expect(try F.codec.decodeJSON(F.duration, from: #""2.000001s""#) == DynamicCodec.testSecondsNanos(F.duration, 2, 1000))
    }

    @Test func malformedJSON() throws {
        for bad in ["", "{", "{\"fInt32\":1,}", "{\"fInt32\" 1}", "[1]", "{} {}", "{'a':1}", "{\"fInt32\":01}",
                    "{\"fInt32\":+1}", "{\"fInt32\":1.}", "{\"fString\":\"\u{1}\"}", "{\"fString\":\"\\x\"}",
                    "{\"fString\":\"\\ud800\"}", "{\"fString\":\"\\udc00\"}", "{\"fString\":\"abc}", "nul", "{\"fBool\":tru}"] {
            #expect(F.jsonError(bad) != nil, "accepted \(bad)")
        }
        // Nesting bombs are refused, not a stack overflow.
        let deep = String(repeating: "{\"child\":", count: 5000) + "{}" + String(repeating: "}", count: 5000)
        #expect(F.jsonError(deep, F.treeNode) != nil)
        let arrays = "{\"children\":" + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "}"
        #expect(F.jsonError(arrays, F.treeNode) != nil)
        // As in binary: 100 nested messages are accepted, 101 are not.
        func chain(_ n: Int, _ key: String) -> String {
            String(repeating: "{\"\(key)\":", count: n) + "{}" + String(repeating: "}", count: n)
        }
        #expect(F.jsonError(chain(100, "child"), F.treeNode) == nil)
        #expect(F.jsonError(chain(101, "child"), F.treeNode)?.message.contains("deeper") == true)
        // A map entry around a message value is a level too, as in binary: 50 levels
        // of a map of messages are 100 nested messages.
        func named(_ n: Int) -> String {
            String(repeating: "{\"named\":{\"k\":", count: n) + "{}" + String(repeating: "}}", count: n)
        }
        #expect(F.jsonError(named(50), F.treeNode) == nil)
        #expect(F.jsonError(named(51), F.treeNode)?.message.contains("deeper") == true)
        let fifty = try F.codec.decodeJSON(F.treeNode, from: named(50))
        #expect(try F.codec.decode(F.treeNode, from: F.codec.encode(fifty)) == fifty)
    }

    @Test func errorDescriptionNamesThePath() {
        let e = F.jsonError(#"{"fInner":{"a":"x"}}"#)
        #expect(e?.path == "fInner.a")
        #expect(e?.description.hasPrefix("fInner.a: ") == true)
    }
}

extension DynamicCodec {
    /// A Timestamp or Duration message in normal form.
    static func testSecondsNanos(_ type: String, _ seconds: Int64, _ nanos: Int32) -> DynamicMessage {
        var m = DynamicMessage(typeName: type)
        if seconds != 0 { m.fields[1] = .int64(seconds) }
        if nanos != 0 { m.fields[2] = .int32(nanos) }
        return m
    }
}
