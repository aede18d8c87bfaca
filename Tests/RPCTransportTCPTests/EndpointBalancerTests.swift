import Testing

@testable import RPCTransportTCP

/// Round-robin and backoff rules of the client, without sockets: connections are
/// names, attempts are numbers, time is a parameter.
@Suite struct EndpointBalancerTests {
    final class Conn {
        let name: String
        var usable = true
        init(_ name: String) { self.name = name }
    }

    typealias Balancer = EndpointBalancer<Conn, Int>
    let endpoints = [Endpoint(host: "a", port: 1), Endpoint(host: "b", port: 2), Endpoint(host: "c", port: 3)]
    let t0 = ContinuousClock.now
    let noJitter = Backoff(initial: .milliseconds(100), multiplier: 2, maximum: .seconds(1), jitter: 0)

    /// Chooses, counting the attempts made; attempt numbers are 1, 2, ...
    func choose(_ balancer: inout Balancer, at now: ContinuousClock.Instant, made: inout [String]) -> Balancer.Choice {
        balancer.choose(now: now, isUsable: { $0.usable }) { endpoint in
            made.append(endpoint.host)
            return made.count
        }
    }

    func connectAll(_ balancer: inout Balancer) -> [Conn] {
        var made: [String] = []
        var conns: [Conn] = []
        for index in endpoints.indices {
            _ = balancer.upkeep(index, now: t0, isUsable: { $0.usable }) { made.append($0.host); return made.count }
            let conn = Conn(endpoints[index].host)
            balancer.connected(index, attempt: made.count, connection: conn, same: ==)
            conns.append(conn)
        }
        return conns
    }

    @Test func callsGoToTheReadyEndpointsInTurn() {
        var balancer = Balancer(endpoints: endpoints, backoff: noJitter)
        _ = connectAll(&balancer)
        var made: [String] = []
        var names: [String] = []
        for _ in 0..<7 {
            guard case .use(let conn) = choose(&balancer, at: t0, made: &made) else {
                Issue.record("expected a connection")
                return
            }
            names.append(conn.name)
        }
        #expect(names == ["a", "b", "c", "a", "b", "c", "a"])
        #expect(made.isEmpty)
    }

    @Test func anUnusableConnectionIsSkippedAndReplaced() {
        var balancer = Balancer(endpoints: endpoints, backoff: noJitter)
        let conns = connectAll(&balancer)
        conns[1].usable = false  // b received GOAWAY
        var made: [String] = []
        var names: [String] = []
        for _ in 0..<4 {
            if case .use(let conn) = choose(&balancer, at: t0, made: &made) { names.append(conn.name) }
        }
        #expect(names == ["a", "c", "a", "c"])
        // The maintenance loop opens a new connection to b.
        guard case .await(let attempt, let isNew) = balancer.upkeep(1, now: t0, isUsable: { $0.usable }, connect: { _ in 99 }) else {
            Issue.record("expected a new attempt")
            return
        }
        #expect(attempt == 99 && isNew)
    }

    @Test func firstCallStartsOneAttemptAndOthersWaitForIt() {
        var balancer = Balancer(endpoints: endpoints, backoff: noJitter)
        var made: [String] = []
        guard case .await(let first, 0, true) = choose(&balancer, at: t0, made: &made),
            case .await(let second, 0, false) = choose(&balancer, at: t0, made: &made)
        else {
            Issue.record("expected one attempt on a, then a wait for it")
            return
        }
        #expect(first == second)
        #expect(made == ["a"])
    }

    @Test func failedEndpointsBackOffAndTheNextIsTried() {
        var balancer = Balancer(endpoints: endpoints, backoff: noJitter)
        var made: [String] = []
        for (index, host) in ["a", "b", "c"].enumerated() {
            guard case .await(let attempt, let at, true) = choose(&balancer, at: t0, made: &made) else {
                Issue.record("expected an attempt on \(host)")
                return
            }
            #expect(at == index)
            let until = balancer.failed(at, attempt: attempt, error: "refused", now: t0, random: 0.5, same: ==)
            #expect(until == t0.advanced(by: .milliseconds(100)))
        }
        #expect(made == ["a", "b", "c"])
        guard case .unavailable(let retryAt, let reasons) = choose(&balancer, at: t0, made: &made) else {
            Issue.record("expected every endpoint to be backing off")
            return
        }
        #expect(retryAt == t0.advanced(by: .milliseconds(100)))
        #expect(reasons == "a:1 (refused), b:2 (refused), c:3 (refused)")
        // One millisecond early: still unavailable; at the instant: a new attempt.
        guard case .unavailable = choose(&balancer, at: t0.advanced(by: .milliseconds(99)), made: &made),
            case .await(_, _, true) = choose(&balancer, at: t0.advanced(by: .milliseconds(100)), made: &made)
        else {
            Issue.record("expected the backoff to end exactly at its instant")
            return
        }
    }

    @Test func consecutiveFailuresGrowTheBackoffAndASuccessResetsIt() {
        var balancer = EndpointBalancer<Conn, Int>(endpoints: [endpoints[0]], backoff: noJitter)
        var now = t0
        var waits: [Duration] = []
        for attempt in 1...6 {
            _ = balancer.upkeep(0, now: now, isUsable: { $0.usable }, connect: { _ in attempt })
            let until = balancer.failed(0, attempt: attempt, error: "refused", now: now, random: 0.5, same: ==)!
            waits.append(now.duration(to: until))
            now = until
        }
        #expect(waits == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        _ = balancer.upkeep(0, now: now, isUsable: { $0.usable }, connect: { _ in 7 })
        balancer.connected(0, attempt: 7, connection: Conn("a"), same: ==)
        #expect(balancer.entries[0].failures == 0)
        balancer.closed(0) { _ in true }
        _ = balancer.upkeep(0, now: now, isUsable: { $0.usable }, connect: { _ in 8 })
        let until = balancer.failed(0, attempt: 8, error: "refused", now: now, random: 0.5, same: ==)!
        #expect(now.duration(to: until) == .milliseconds(100))
    }

    @Test func staleOutcomesAreIgnored() {
        var balancer = Balancer(endpoints: [endpoints[0]], backoff: noJitter)
        _ = balancer.upkeep(0, now: t0, isUsable: { $0.usable }, connect: { _ in 1 })
        // Attempt 2 is not the current one: neither its success nor its failure counts.
        balancer.connected(0, attempt: 2, connection: Conn("x"), same: ==)
        #expect(balancer.failed(0, attempt: 2, error: "x", now: t0, random: 0.5, same: ==) == nil)
        let current = Conn("a")
        balancer.connected(0, attempt: 1, connection: current, same: ==)
        // An old connection closing does not disturb the current one.
        balancer.closed(0) { $0 !== current }
        #expect(balancer.connections.map(\.name) == ["a"])
        balancer.closed(0) { $0 === current }
        #expect(balancer.connections.isEmpty)
    }

    @Test(arguments: [0.0, 0.25, 0.5, 1.0])
    func jitterSpreadsTheWaitWithinItsFraction(random: Double) {
        let backoff = Backoff(initial: .seconds(1), multiplier: 1.6, maximum: .seconds(10), jitter: 0.2)
        let wait = backoff.delay(afterFailures: 1, random: random)
        #expect(wait == .milliseconds(Int64(800 + 400 * random)))
        #expect(backoff.delay(afterFailures: 2, random: 0.5) == .milliseconds(1600))
        #expect(backoff.delay(afterFailures: 100, random: 1) == .seconds(12))
    }
}
