import ProtectionMessages
import ProtoWire

// Small helpers on the values every decision handles: money, scores, times and
// enum names, in integers, as people read them.

/// An amount in minor units of `currency`.
func money(_ minor: Int64, _ currency: String) -> Money {
    var money = Money()
    money.amountMinor = minor
    money.currency = currency
    return money
}

/// Money as people read it: 30 CNY minor units → "¥0.30"; other currencies by code.
public func moneyText(_ money: Money) -> String {
    let sign = money.amountMinor < 0 ? "-" : ""
    let magnitude = money.amountMinor.magnitude
    let cents = magnitude % 100
    let text = "\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    return money.currency == "CNY" ? "\(sign)¥\(text)" : "\(sign)\(text) \(money.currency)"
}

/// Scores in thousandths as people read them: 4800 → "4.8", 4750 → "4.75".
public func scoreText(_ milli: Int32) -> String {
    let whole = milli / 1_000
    var fraction = String(milli % 1_000)
    while fraction.count < 3 { fraction = "0" + fraction }
    while fraction.hasSuffix("0") { fraction.removeLast() }
    return fraction.isEmpty ? "\(whole)" : "\(whole).\(fraction)"
}

/// An enum value's schema name without its type prefix: COMPLAINT_TYPE_FAKE_RETURN → FAKE_RETURN.
func shortName<E: ProtoEnum>(_ value: E, prefix: String) -> String {
    guard let name = value.protoName else { return "\(value.rawValue)" }
    return name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
}

/// Whether a window of `duration` opened at `start` is closed at `time`. A
/// window's end is exclusive everywhere: at `start + duration` it is closed.
func isClosed(at time: ProtoTimestamp, opened start: ProtoTimestamp, lasting duration: ProtoDuration?) -> Bool {
    time >= adding(duration, to: start)
}

/// Durations as people read them: whole days, else whole hours, else seconds.
public func durationText(_ duration: ProtoDuration) -> String {
    let seconds = duration.seconds
    if seconds > 0, seconds % 86_400 == 0 { return seconds == 86_400 ? "24 hours" : "\(seconds / 86_400) days" }
    if seconds > 0, seconds % 3_600 == 0 { return "\(seconds / 3_600) hours" }
    return "\(seconds) seconds"
}

/// Whether a × m > b × n, exactly (the products in 128 bits).
func exceeds(_ a: Int64, times m: Int64, _ b: Int64, times n: Int64) -> Bool {
    let left = a.multipliedFullWidth(by: m)
    let right = b.multipliedFullWidth(by: n)
    return (left.high, left.low) > (right.high, right.low)
}

/// `time` moved on by `duration` (by nothing when there is none).
public func adding(_ duration: ProtoDuration?, to time: ProtoTimestamp) -> ProtoTimestamp {
    guard let duration else { return time }
    let nanos = Int64(time.nanos) + Int64(duration.nanos)
    let carry = nanos >= 1_000_000_000 ? Int64(1) : nanos < 0 ? -1 : 0
    return ProtoTimestamp(
        seconds: time.seconds + duration.seconds + carry, nanos: Int32(nanos - carry * 1_000_000_000))
}

/// An instant as people read it, in UTC: "2026-01-01T00:00:00Z".
public func timeText(_ time: ProtoTimestamp) -> String {
    RFC3339.format(seconds: time.seconds, nanos: time.nanos)
}

/// Basis points as people read them: 5000 → "5,000 bp".
func bpText(_ bp: Int32) -> String {
    let digits = String(bp.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
        out.append(ch)
    }
    return (bp < 0 ? "-" : "") + out + " bp"
}
