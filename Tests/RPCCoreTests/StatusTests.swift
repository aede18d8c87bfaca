import RPCCore
import Testing

@Suite struct StatusTests {
    static let expected: [(Int, String)] = [
        (0, "OK"), (1, "CANCELLED"), (2, "UNKNOWN"), (3, "INVALID_ARGUMENT"), (4, "DEADLINE_EXCEEDED"),
        (5, "NOT_FOUND"), (6, "ALREADY_EXISTS"), (7, "PERMISSION_DENIED"), (8, "RESOURCE_EXHAUSTED"),
        (9, "FAILED_PRECONDITION"), (10, "ABORTED"), (11, "OUT_OF_RANGE"), (12, "UNIMPLEMENTED"),
        (13, "INTERNAL"), (14, "UNAVAILABLE"), (15, "DATA_LOSS"), (16, "UNAUTHENTICATED"),
    ]

    @Test func seventeenCodesWithTheirNumbersAndNames() {
        #expect(Status.Code.allCases.count == 17)
        for (number, name) in Self.expected {
            let code = Status.Code(rawValue: number)
            #expect(code?.name == name)
            #expect(Status.Code(name: name) == code)
            #expect(code.map { !$0.meaning.isEmpty } == true)
        }
        #expect(Status.Code(rawValue: 17) == nil)
        #expect(Status.Code(wireValue: 99) == .unknown)
        #expect(Status.Code(wireValue: -1) == .unknown)
    }

    @Test(arguments: 1...16) func errorCodesRoundTrip(number: Int) throws {
        let code = try #require(RPCError.Code(rawValue: number))
        #expect(code.rawValue == number)
        #expect(code.statusCode.rawValue == number)
        #expect(code.description == Self.expected[number].1)
        #expect(RPCError.Code(code.statusCode) == code)
    }

    @Test func errorCodesRejectOKAndUnknownNumbers() {
        #expect(RPCError.Code(rawValue: 0) == nil)
        #expect(RPCError.Code(rawValue: 17) == nil)
        #expect(RPCError.Code(rawValue: -3) == nil)
        #expect(RPCError.Code(.ok) == nil)
        #expect(RPCError.Code.internalError.description == "INTERNAL")
        #expect(RPCError.Code.unauthenticated.rawValue == 16)
    }

    @Test func errorToStatusAndBack() throws {
        var metadata = Metadata()
        try metadata.addString("v", forKey: "k")
        let error = RPCError(code: .notFound, message: "no case 7", metadata: metadata, details: [9, 8])
        #expect(error.status == Status(code: .notFound, message: "no case 7", details: [9, 8]))
        let back = try #require(RPCError(status: error.status, metadata: metadata))
        #expect(back.code == .notFound)
        #expect(back.message == "no case 7")
        #expect(back.details == [9, 8])
        #expect(back.metadata == metadata)
        #expect(RPCError(status: .ok) == nil)
        #expect(Status(code: .aborted, message: "x").description == "ABORTED: x")
    }

    @Test func retryability() throws {
        #expect(RPCError(code: .unavailable, message: "").isRetryable)
        #expect(!RPCError(code: .resourceExhausted, message: "").isRetryable)
        var hint = Metadata()
        try hint.addString("250", forKey: RPCError.retryAfterMillisecondsKey)
        #expect(RPCError(code: .resourceExhausted, message: "", metadata: hint).isRetryable)
        for code in [RPCError.Code.deadlineExceeded, .aborted, .internalError, .invalidArgument, .cancelled] {
            #expect(!RPCError(code: code, message: "", metadata: hint).isRetryable)
        }
    }

    @Test func convertingHidesForeignErrors() {
        struct Secret: Error { var text = "password=hunter2" }
        let converted = RPCError(converting: Secret())
        #expect(converted.code == .unknown)
        #expect(!converted.message.contains("hunter2"))
        #expect(converted.cause is Secret)
        #expect(RPCError(converting: CancellationError()).code == .cancelled)
        #expect(RPCError(converting: RPCError(code: .aborted, message: "m")).message == "m")
    }

    @Test func methodDescriptors() {
        let descriptor = MethodDescriptor(service: "protection.v1.IntegrityService", method: "FileComplaint", kind: .unary)
        #expect(descriptor.fullyQualifiedMethod == "protection.v1.IntegrityService/FileComplaint")
        #expect(MethodDescriptor(fullyQualifiedMethod: "/protection.v1.IntegrityService/FileComplaint", kind: .unary) == descriptor)
        #expect(MethodDescriptor(fullyQualifiedMethod: "a/b/c", kind: .unary) == nil)
        #expect(MethodDescriptor(fullyQualifiedMethod: "a/", kind: .unary) == nil)
        #expect(MethodDescriptor(fullyQualifiedMethod: "/a", kind: .unary) == nil)
        #expect(MethodDescriptor(fullyQualifiedMethod: "//b", kind: .unary) == nil)
        #expect(MethodDescriptor(fullyQualifiedMethod: "", kind: .unary) == nil)
        #expect(MethodDescriptor(fullyQualifiedMethod: "/", kind: .unary) == nil)
        #expect(MethodDescriptor(fullyQualifiedMethod: "ab", kind: .unary) == nil)
        let unicode = MethodDescriptor(fullyQualifiedMethod: "服务.v1.S/方法", kind: .unary)
        #expect(unicode?.service == "服务.v1.S" && unicode?.method == "方法")
        #expect(unicode?.fullyQualifiedMethod == "服务.v1.S/方法")
        #expect(MethodDescriptor.CallKind.bidirectionalStreaming.isClientStreaming)
        #expect(!MethodDescriptor.CallKind.serverStreaming.isClientStreaming)
    }

    @Test func deadlines() {
        let soon = Deadline.after(.seconds(60))
        #expect(!soon.hasPassed)
        #expect(soon.remaining > .seconds(59))
        #expect(Deadline.after(.seconds(-1)).hasPassed)
        #expect(Deadline.forCall(.defaults) == nil)
        #expect(Deadline.forCall(CallOptions(timeout: .seconds(1))) != nil)
        #expect(Deadline.after(.seconds(1)) < soon)
    }
}
