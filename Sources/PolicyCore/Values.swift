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
func moneyText(_ money: Money) -> String {
    let sign = money.amountMinor < 0 ? "-" : ""
    let magnitude = money.amountMinor.magnitude
    let cents = magnitude % 100
    let text = "\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    return money.currency == "CNY" ? "\(sign)¥\(text)" : "\(sign)\(text) \(money.currency)"
}

/// Scores in thousandths as people read them: 4800 → "4.8", 4750 → "4.75".
func scoreText(_ milli: Int32) -> String {
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

/// Whether `time` is later than `start + duration`.
func isAfter(_ time: ProtoTimestamp, _ start: ProtoTimestamp, plus duration: ProtoDuration) -> Bool {
    let end = (start.seconds + duration.seconds, Int64(start.nanos) + Int64(duration.nanos))
    let endNormalized = (end.0 + end.1 / 1_000_000_000, end.1 % 1_000_000_000)
    return (time.seconds, Int64(time.nanos)) > endNormalized
}

/// Durations as people read them: whole days, else whole hours, else seconds.
func durationText(_ duration: ProtoDuration) -> String {
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
func adding(_ duration: ProtoDuration?, to time: ProtoTimestamp) -> ProtoTimestamp {
    ProtoTimestamp(seconds: time.seconds + (duration?.seconds ?? 0), nanos: time.nanos)
}
