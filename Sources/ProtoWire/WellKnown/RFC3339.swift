/// RFC 3339 timestamps and proto3 JSON durations, without Foundation.
public enum RFC3339 {
    /// Days since 1970-01-01 for a proleptic Gregorian date.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(days z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// "", ".5" style fractions use 3, 6 or 9 digits, as proto3 JSON requires.
    public static func fraction(_ nanos: Int32) -> String {
        if nanos == 0 { return "" }
        if nanos % 1_000_000 == 0 { return "." + pad(Int64(nanos / 1_000_000), 3) }
        if nanos % 1000 == 0 { return "." + pad(Int64(nanos / 1000), 6) }
        return "." + pad(Int64(nanos), 9)
    }

    public static func format(seconds: Int64, nanos: Int32) -> String {
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rem = seconds - day * 86_400
        let (y, m, d) = civil(days: day)
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(rem / 3600, 2) + ":"
            + pad(rem / 60 % 60, 2) + ":" + pad(rem % 60, 2) + fraction(nanos) + "Z"
    }

    /// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)".
    public static func parse(_ text: String) -> (Int64, Int32)? {
        let c = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= c.count else { return nil }
            var v: Int64 = 0
            for i in from..<(from + count) {
                guard c[i] >= 48, c[i] <= 57 else { return nil }
                v = v * 10 + Int64(c[i] - 48)
            }
            return v
        }
        guard c.count >= 20, let y = num(0, 4), c[4] == UInt8(ascii: "-"), let mo = num(5, 2),
              c[7] == UInt8(ascii: "-"), let d = num(8, 2), c[10] == UInt8(ascii: "T") || c[10] == UInt8(ascii: "t"),
              let h = num(11, 2), c[13] == UInt8(ascii: ":"), let mi = num(14, 2),
              c[16] == UInt8(ascii: ":"), let s = num(17, 2)
        else { return nil }
        guard (1...12).contains(mo), d >= 1, d <= daysInMonth(y, mo), h < 24, mi < 60, s < 60 else { return nil }
        var i = 19
        var nanos: Int64 = 0
        if i < c.count, c[i] == UInt8(ascii: ".") {
            guard let n = parseFraction(c, &i) else { return nil }
            nanos = n
        }
        guard i < c.count else { return nil }
        var offset: Int64 = 0
        if c[i] == UInt8(ascii: "Z") || c[i] == UInt8(ascii: "z") {
            i += 1
        } else if c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") {
            guard let oh = num(i + 1, 2), i + 3 < c.count, c[i + 3] == UInt8(ascii: ":"), let om = num(i + 4, 2),
                  oh < 24, om < 60 else { return nil }
            offset = (oh * 3600 + om * 60) * (c[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == c.count else { return nil }
        let secs = days(year: y, month: mo, day: d) * 86_400 + h * 3600 + mi * 60 + s - offset
        return (secs, Int32(nanos))
    }

    static func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Parses "-1.5s" style durations.
    public static func parseDuration(_ text: String) -> (Int64, Int32)? {
        var c = Array(text.utf8)
        guard c.last == UInt8(ascii: "s") else { return nil }
        c.removeLast()
        var negative = false
        if c.first == UInt8(ascii: "-") { negative = true; c.removeFirst() }
        guard !c.isEmpty else { return nil }
        var secs: Int64 = 0
        var i = 0
        var intDigits = 0
        while i < c.count, c[i] >= 48, c[i] <= 57 {
            guard intDigits < 13 else { return nil }
            secs = secs * 10 + Int64(c[i] - 48)
            intDigits += 1
            i += 1
        }
        guard intDigits > 0 else { return nil }
        var nanos: Int64 = 0
        if i < c.count {
            guard c[i] == UInt8(ascii: "."), let n = parseFraction(c, &i), i == c.count else { return nil }
            nanos = n
        }
        return negative ? (-secs, Int32(-nanos)) : (secs, Int32(nanos))
    }

    /// Reads ".ddd" (1 to 9 digits) at `i` as nanoseconds, moving `i` past it.
    static func parseFraction(_ c: [UInt8], _ i: inout Int) -> Int64? {
        i += 1
        var nanos: Int64 = 0
        var digits = 0
        while i < c.count, c[i] >= 48, c[i] <= 57 {
            guard digits < 9 else { return nil }
            nanos = nanos * 10 + Int64(c[i] - 48)
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        for _ in digits..<9 { nanos *= 10 }
        return nanos
    }
}
