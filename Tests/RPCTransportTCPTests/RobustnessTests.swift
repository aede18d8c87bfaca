import NIOCore
import Testing

@testable import RPCTransportTCP

/// Deterministic pseudo-random bytes (SplitMix64), so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// No input crashes the decoder or the state machine: every outcome is a frame, a wait
/// for more bytes, a typed error, or a GOAWAY.
@Suite struct RobustnessTests {
    /// Decodes what it can and feeds it to a server that has done its handshake.
    func feed(_ bytes: [UInt8]) {
        var decoder = FrameDecoder()
        var server = ConnectionStateMachine(role: .server)
        _ = server.start()
        _ = server.receive(.settings(ConnectionSettings()))
        var buffer = ByteBuffer(bytes: bytes)
        while !server.isClosed {
            do throws(FrameError) {
                guard let frame = try decoder.decodeFrame(buffer: &buffer) else { return }
                _ = server.receive(frame, now: .uptimeNanoseconds(0))
            } catch {
                let actions = server.frameError(error)
                #expect(actions.last == .closeConnection(.connectionError(.protocolError, "malformed frame: \(error)")))
                return
            }
        }
    }

    @Test func everySingleByteMutationOfTheVectors() {
        let call = Fixtures.unaryCall.dropFirst(2).filter { $0.0 == "client" }.flatMap { $0.2 }
        for index in call.indices {
            for value: UInt8 in [0x00, 0x01, 0x7F, 0x80, 0xFF, call[index] ^ 0x01] {
                var mutated = call
                mutated[index] = value
                self.feed(mutated)
            }
        }
    }

    @Test(arguments: 0..<8)
    func randomBytesAfterAValidHeader(seed: UInt64) {
        var rng = SplitMix64(state: seed)
        for _ in 0..<300 {
            let type = UInt8.random(in: 1...9, using: &rng)
            let payload = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let stream = UInt32.random(in: 0...5, using: &rng)
            self.feed(
                rawFrame(type: type, flags: UInt8.random(in: 0...3, using: &rng), streamID: stream, payload: payload))
        }
    }

    @Test func randomGarbage() {
        var rng = SplitMix64(state: 42)
        for _ in 0..<500 {
            self.feed((0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
    }
}
