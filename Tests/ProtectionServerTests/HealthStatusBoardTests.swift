import ProtectionMessages
import Testing

@testable import ProtectionServer

@Suite struct HealthStatusBoardTests {
    let integrity = "protection.v1.IntegrityService"

    @Test func aStartingServerIsAliveButNotReady() {
        let board = HealthStatusBoard(services: [integrity])
        #expect(board.answer(service: "", probe: .liveness) == .serving)
        #expect(board.answer(service: "", probe: .readiness) == .notServing(reason: "The server is starting."))
        #expect(board.answer(service: "", probe: .unspecified) == .notServing(reason: "The server is starting."))
        #expect(board.answer(service: integrity, probe: .readiness) == .notServing(reason: "The server is starting."))
        board.markReady()
        #expect(board.answer(service: "", probe: .readiness) == .serving)
        #expect(board.answer(service: integrity, probe: .readiness) == .serving)
    }

    @Test func aServiceCanBeDownWhileTheServerIsReady() {
        let board = HealthStatusBoard(services: [integrity, "protection.v1.AuditService"])
        board.markReady()
        board.set(.notServing(reason: "store unreachable"), for: integrity)
        #expect(board.answer(service: integrity, probe: .readiness) == .notServing(reason: "store unreachable"))
        #expect(board.answer(service: integrity, probe: .liveness) == .serving)
        #expect(board.answer(service: "protection.v1.AuditService", probe: .readiness) == .serving)
        #expect(board.answer(service: "", probe: .readiness) == .serving)
    }

    @Test func unknownServicesHaveNoAnswer() {
        let board = HealthStatusBoard(services: [integrity])
        #expect(board.answer(service: "protection.v1.Nope", probe: .readiness) == nil)
        #expect(board.answer(service: "protection.v1.Nope", probe: .liveness) == nil)
    }

    @Test func drainingIsNotReadyButAlive() {
        let board = HealthStatusBoard(services: [integrity])
        board.markReady()
        board.beginDraining()
        #expect(board.answer(service: integrity, probe: .readiness) == .notServing(reason: "The server is draining."))
        #expect(board.answer(service: integrity, probe: .liveness) == .serving)
        #expect(board.answer(service: "", probe: .liveness) == .serving)
    }

    @Test func watchersSeeTheStatusThenEachChangeOnce() async {
        let board = HealthStatusBoard(services: [integrity])
        var iterator = board.watch(service: integrity, probe: .readiness).makeAsyncIterator()
        #expect(await iterator.next() == .some(.notServing(reason: "The server is starting.")))
        board.markReady()
        #expect(await iterator.next() == .some(.serving))
        board.set(.serving, for: integrity)  // no change: nothing sent
        board.set(.notServing(reason: "maintenance"), for: integrity)
        #expect(await iterator.next() == .some(.notServing(reason: "maintenance")))
    }

    @Test func drainingEndsEveryWatchAfterItsLastAnswer() async {
        let board = HealthStatusBoard(services: [integrity])
        board.markReady()
        let watch = board.watch(service: "", probe: .readiness)
        board.beginDraining()
        var answers: [HealthStatusBoard.Answer] = []
        for await answer in watch { answers.append(answer) }
        #expect(answers.last == .notServing(reason: "The server is draining."), "\(answers)")
        #expect(board.isDraining)
        // A watch begun while draining answers once and ends.
        var late: [HealthStatusBoard.Answer] = []
        for await answer in board.watch(service: integrity, probe: .liveness) { late.append(answer) }
        #expect(late == [.serving])
    }
}
