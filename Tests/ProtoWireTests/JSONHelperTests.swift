import Foundation
import Testing
@testable import ProtoWire

@Suite("proto3 JSON helpers")
struct JSONHelperTests {
    @Test("base64 round trips and accepts URL-safe unpadded input", arguments: [
        ([], ""), ([0x66], "Zg=="), ([0x66, 0x6F], "Zm8="), ([0x66, 0x6F, 0x6F], "Zm9v"),
        ([0xFB, 0xFF, 0xBF], "+/+/"),
    ] as [([UInt8], String)])
    func base64(bytes: [UInt8], text: String) {
        #expect(Base64.encode(bytes) == text)
        #expect(Base64.decode(text) == bytes)
        let urlSafe = String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }.filter { $0 != "=" })
        #expect(Base64.decode(urlSafe) == bytes)
    }

    @Test("invalid base64 is refused", arguments: ["Z", "Zm9v!", "Z=m9"])
    func badBase64(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test("timestamps print as RFC 3339 with 0, 3, 6 or 9 fraction digits", arguments: [
        (Int64(0), Int32(0), "1970-01-01T00:00:00Z"),
        (1_736_330_400, 500_000_000, "2025-01-08T10:00:00.500Z"),
        (1_736_330_400, 1000, "2025-01-08T10:00:00.000001Z"),
        (1_736_330_400, 1, "2025-01-08T10:00:00.000000001Z"),
        (-62_135_596_800, 0, "0001-01-01T00:00:00Z"),
        (253_402_300_799, 999_999_999, "9999-12-31T23:59:59.999999999Z"),
        (951_782_400, 0, "2000-02-29T00:00:00Z"),
        (-1, 0, "1969-12-31T23:59:59Z"),
    ])
    func timestamps(seconds: Int64, nanos: Int32, text: String) throws {
        let t = ProtoTimestamp(seconds: seconds, nanos: nanos)
        let json = try JSONEncoder().encode([t])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(text)\"]")
        #expect(try JSONDecoder().decode([ProtoTimestamp].self, from: json) == [t])
    }

    @Test("timestamps with offsets parse to UTC; bad ones are refused")
    func timestampParsing() throws {
        let t = try JSONDecoder().decode([ProtoTimestamp].self, from: Data(#"["2025-01-08T18:00:00+08:00"]"#.utf8))
        #expect(t == [ProtoTimestamp(seconds: 1_736_330_400)])
        for bad in ["2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "2025-01-01 00:00:00Z", "2025-01-01T00:00:00",
                    "2025-01-01T00:00:00.1234567891Z", "10000-01-01T00:00:00Z"] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode([ProtoTimestamp].self, from: Data("[\"\(bad)\"]".utf8)) }
        }
        #expect(throws: EncodingError.self) { try JSONEncoder().encode([ProtoTimestamp(seconds: 0, nanos: -1)]) }
    }

    @Test("durations print as seconds with an s suffix", arguments: [
        (Int64(0), Int32(0), "0s"), (1, 500_000_000, "1.500s"), (-1, -500_000_000, "-1.500s"),
        (0, -500_000_000, "-0.500s"), (172_800, 0, "172800s"), (3, 1, "3.000000001s"),
    ])
    func durations(seconds: Int64, nanos: Int32, text: String) throws {
        let d = ProtoDuration(seconds: seconds, nanos: nanos)
        let json = try JSONEncoder().encode([d])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(text)\"]")
        #expect(try JSONDecoder().decode([ProtoDuration].self, from: json) == [d])
    }

    @Test("int64 travels as a string, numbers accepted on input")
    func int64() throws {
        let json = try JSONEncoder().encode([ProtoJSON.Int64Value(Int64.min)])
        #expect(String(decoding: json, as: UTF8.self) == "[\"-9223372036854775808\"]")
        let read = try JSONDecoder().decode([ProtoJSON.Int64Value].self, from: Data(#"["12", 13, 1e2]"#.utf8))
        #expect(read.map(\.value) == [12, 13, 100])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ProtoJSON.Int32Value].self, from: Data("[1.5]".utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ProtoJSON.Int32Value].self, from: Data("[2147483648]".utf8)) }
    }

    @Test("non-finite doubles travel as strings")
    func nonFinite() throws {
        let json = try JSONEncoder().encode([ProtoJSON.DoubleValue(.infinity), .init(-.infinity), .init(.nan)])
        #expect(String(decoding: json, as: UTF8.self) == #"["Infinity","-Infinity","NaN"]"#)
        let back = try JSONDecoder().decode([ProtoJSON.DoubleValue].self, from: json)
        #expect(back[0].value == .infinity && back[2].value.isNaN)
    }
}
