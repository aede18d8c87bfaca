// The codec benchmark: our generated codec against swift-protobuf, protobuf-c,
// python's protobuf (upb) and Foundation's JSON coders, on the same messages
// in the same run. Run from Benchmarks/: swift run -c release Codec
import BenchSupport
import Foundation
import ProtectionMessages
import ProtobufCPeer
import ProtoWire
import Subjects
import SwiftProtobuf
import SwiftProtobufPeer

struct Subject {
    var name: String
    var ours: [UInt8]
    var encodeOurs: () -> Void
    var decodeOurs: () -> Void
    var encodePeer: () -> Void
    var decodePeer: () -> Void
    var cType: UnsafeRawPointer
    var encodeJSON: () -> Void
    var decodeJSON: () -> Void
}

func fail(_ text: String) -> Never {
    FileHandle.standardError.write(Data((text + "\n").utf8))
    exit(1)
}

var deterministic = BinaryEncodingOptions()
deterministic.useDeterministicOrdering = true
let jsonEncoder = JSONEncoder()
let jsonDecoder = JSONDecoder()

/// Builds a subject and checks, before any timing, that every peer writes
/// the same bytes and that the decoders read the same values.
@MainActor func subject<Ours: ProtoMessage, Peer: SwiftProtobuf.Message>(
    _ name: String, _ value: Ours, _: Peer.Type, cType: UnsafeRawPointer,
    ourChecksum: @escaping (Ours) -> UInt64, peerChecksum: @escaping (Peer) -> UInt64
) throws -> Subject {
    let bytes = value.serializedBytes()
    let peer = try Peer(serializedBytes: bytes)
    let peerBytes: [UInt8] = try peer.serializedBytes(options: deterministic)
    guard peerBytes == bytes else { fail("\(name): swift-protobuf writes other bytes") }
    guard let cMessage = bytes.withUnsafeBufferPointer({ bench_c_unpack(cType, $0.baseAddress, $0.count) }) else {
        fail("\(name): protobuf-c refuses our bytes")
    }
    var cOut: UnsafeMutablePointer<UInt8>?
    let cCount = bench_c_encode(cMessage, &cOut)
    guard [UInt8](UnsafeBufferPointer(start: cOut, count: cCount)) == bytes else { fail("\(name): protobuf-c writes other bytes") }
    free(cOut)
    bench_c_free(cMessage)
    guard ourChecksum(try Ours(serializedBytes: bytes)) == peerChecksum(peer) else { fail("\(name): checksums differ") }
    let json = try jsonEncoder.encode(value)
    guard try jsonDecoder.decode(Ours.self, from: json) == value else { fail("\(name): JSON round trip differs") }
    let cChecksum = bytes.withUnsafeBufferPointer { bench_c_decode_checksum(cType, $0.baseAddress, $0.count) }
    print("\(name): \(bytes.count) bytes, identical from our codec, swift-protobuf and protobuf-c; "
        + "checksums: ours and swift-protobuf \(peerChecksum(peer)), protobuf-c \(cChecksum)")

    return Subject(
        name: name, ours: bytes,
        encodeOurs: { blackHole(value.serializedBytes()) },
        decodeOurs: { blackHole(ourChecksum(try! Ours(serializedBytes: bytes))) },
        encodePeer: { blackHole(try! peer.serializedBytes(options: deterministic) as [UInt8]) },
        decodePeer: { blackHole(peerChecksum(try! Peer(serializedBytes: bytes))) },
        cType: cType,
        encodeJSON: { blackHole(try! jsonEncoder.encode(value)) },
        decodeJSON: { blackHole(try! jsonDecoder.decode(Ours.self, from: json)) })
}

@MainActor func cEncode(_ s: Subject) -> () -> Void {
    let message = s.ours.withUnsafeBufferPointer { bench_c_unpack(s.cType, $0.baseAddress, $0.count) }!
    return {
        var out: UnsafeMutablePointer<UInt8>?
        blackHole(bench_c_encode(message, &out))
        free(out)
    }
}

@MainActor func cDecode(_ s: Subject) -> () -> Void {
    let bytes = s.ours
    return { blackHole(bytes.withUnsafeBufferPointer { bench_c_decode_checksum(s.cType, $0.baseAddress, $0.count) }) }
}

/// python's protobuf (upb), in its own process, timing the same bytes.
@MainActor func python(_ subjects: [Subject]) -> [String: Double] {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("codec-bench-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var args = ["python/codec_bench.py", "--schema", "../schema"]
    for s in subjects {
        let url = dir.appendingPathComponent(s.name + ".bin")
        try! Data(s.ours).write(to: url)
        args += [s.name + "=" + url.path]
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + args
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { fail("cannot run python3: \(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
          let results = try? JSONSerialization.jsonObject(with: data) as? [String: Double]
    else { fail("python peer failed") }
    return results
}

let subjects = [
    try subject("complaint", Subjects.complaint(), Protection_V1_Complaint.self, cType: bench_c_complaint_type(),
                ourChecksum: Checksum.of, peerChecksum: PeerChecksum.of),
    try subject("page of 100 complaints", Subjects.complaintPage(), Protection_V1_ListComplaintsResponse.self,
                cType: bench_c_complaint_page_type(), ourChecksum: Checksum.of, peerChecksum: PeerChecksum.of),
]
// CODEC_PROFILE="<subject index> encode|decode" loops one of our cases for a
// profiler (perf record, valgrind --tool=callgrind) and prints nothing else.
if let spec = ProcessInfo.processInfo.environment["CODEC_PROFILE"] {
    let parts = spec.split(separator: " ")
    let s = subjects[Int(parts[0]) ?? 0]
    let body = parts.count > 1 && parts[1] == "encode" ? s.encodeOurs : s.decodeOurs
    let iterations = Int(ProcessInfo.processInfo.environment["CODEC_ITERATIONS"] ?? "") ?? 20000
    for _ in 0..<iterations { body() }
    exit(0)
}
let pythonResults = python(subjects)

print()
print("| case | bytes | ours ns | swift-protobuf ns | protobuf-c ns | python upb ns | JSONEncoder/Decoder ns | ours MB/s | × swift-protobuf | × protobuf-c | × upb | spread (ours) |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for s in subjects {
    for (op, ours, peer, c, json) in [
        ("encode", s.encodeOurs, s.encodePeer, cEncode(s), s.encodeJSON),
        ("decode", s.decodeOurs, s.decodePeer, cDecode(s), s.decodeJSON),
    ] {
        let (m, ratios) = measureInterleaved([("ours", ours), ("swift-protobuf", peer), ("protobuf-c", c), ("json", json)])
        let o = m[0]
        guard let py = pythonResults["\(s.name) \(op)"] else { fail("python gave no \(s.name) \(op)") }
        let mbps = Double(s.ours.count) / o.median * 1000
        print("| \(s.name) \(op) | \(s.ours.count) | \(grouped(o.median)) | \(grouped(m[1].median)) | \(grouped(m[2].median)) | \(grouped(py)) | \(grouped(m[3].median)) | \(fixed(mbps, 0)) | \(fixed(ratios[1], 2)) | \(fixed(ratios[2], 2)) | \(fixed(py / o.median, 2)) | \(fixed(o.spread * 100, 1))% |")
    }
}
