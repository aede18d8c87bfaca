/// A line-based diff (Myers' O(ND) algorithm) printed in the unified format
/// `diff -u` and `git diff` use.
public enum LineDiff {
    /// One step turning the old lines into the new ones.
    public enum Edit: Hashable, Sendable {
        case same(String)
        case delete(String)
        case insert(String)
    }

    /// Beyond this many differing lines the diff stops looking for the shortest
    /// edit and replaces the rest wholesale (still a correct diff, just longer).
    static let maxEditDistance = 2000

    /// The lines of `text`; a final newline ends the last line rather than starting an empty one.
    public static func lines(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        var out = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { out.removeLast() }
        return out
    }

    /// A shortest edit script from `old` to `new` (deletions before insertions at each change).
    public static func edits(_ old: [String], _ new: [String]) -> [Edit] {
        // Lines as small integers, so comparisons are cheap.
        var ids: [String: Int] = [:]
        let a = old.map { line in ids[line] ?? { ids[line] = ids.count; return ids.count - 1 }() }
        let b = new.map { line in ids[line] ?? { ids[line] = ids.count; return ids.count - 1 }() }
        var prefix = 0
        while prefix < a.count && prefix < b.count && a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix && suffix < b.count - prefix && a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
            suffix += 1
        }
        let midA = Array(a[prefix..<(a.count - suffix)])
        let midB = Array(b[prefix..<(b.count - suffix)])
        let middle = myers(midA, midB) ?? (Array(repeating: Step.delete, count: midA.count) + Array(repeating: Step.insert, count: midB.count))

        var out: [Edit] = old[0..<prefix].map { .same($0) }
        var i = prefix
        var j = prefix
        for step in middle {
            switch step {
            case .same:
                out.append(.same(old[i]))
                i += 1
                j += 1
            case .delete:
                out.append(.delete(old[i]))
                i += 1
            case .insert:
                out.append(.insert(new[j]))
                j += 1
            }
        }
        out += old[i...].map { .same($0) }
        return out
    }

    enum Step { case same, delete, insert }

    /// Myers' greedy forward search, keeping each round's frontier to walk back; nil past `maxEditDistance`.
    static func myers(_ a: [Int], _ b: [Int]) -> [Step]? {
        let n = a.count
        let m = b.count
        if n == 0 { return Array(repeating: .insert, count: m) }
        if m == 0 { return Array(repeating: .delete, count: n) }
        let limit = min(n + m, maxEditDistance)
        let offset = limit + 1
        var v = [Int](repeating: 0, count: 2 * limit + 3)
        var trace: [[Int]] = []
        var found = -1
        search: for d in 0...limit {
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n && y < m && a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n && y >= m {
                    trace.append(Array(v[(offset - d)...(offset + d)]))
                    found = d
                    break search
                }
            }
            trace.append(Array(v[(offset - d)...(offset + d)]))
        }
        if found < 0 { return nil }

        var steps: [Step] = []
        var x = n
        var y = m
        for d in stride(from: found, to: 0, by: -1) {
            let previous = trace[d - 1]
            func at(_ k: Int) -> Int { previous[k + d - 1] }
            let k = x - y
            let prevK = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1
            let prevX = at(prevK)
            let prevY = prevX - prevK
            while x > prevX && y > prevY {
                steps.append(.same)
                x -= 1
                y -= 1
            }
            steps.append(x == prevX ? .insert : .delete)
            x = prevX
            y = prevY
        }
        while x > 0 && y > 0 {
            steps.append(.same)
            x -= 1
            y -= 1
        }
        return steps.reversed()
    }

    /// The unified diff of one file; empty when the texts have the same lines.
    /// A nil side is an absent file (`/dev/null`).
    public static func unified(before: String?, after: String?, name: String, context: Int = 3) -> String {
        let script = edits(lines(before ?? ""), lines(after ?? ""))
        guard script.contains(where: { if case .same = $0 { false } else { true } }) else { return "" }
        var out = ["--- " + (before == nil ? "/dev/null" : "a/" + name), "+++ " + (after == nil ? "/dev/null" : "b/" + name)]

        // Lines consumed on each side before each edit.
        var oldAt: [Int] = []
        var newAt: [Int] = []
        var o = 0
        var p = 0
        for e in script {
            oldAt.append(o)
            newAt.append(p)
            switch e {
            case .same: o += 1; p += 1
            case .delete: o += 1
            case .insert: p += 1
            }
        }
        let changed = script.indices.filter { if case .same = script[$0] { false } else { true } }
        var groups: [(first: Int, last: Int)] = []
        for i in changed {
            if let g = groups.last, i - g.last - 1 <= 2 * context {
                groups[groups.count - 1].last = i
            } else {
                groups.append((i, i))
            }
        }
        for g in groups {
            let start = max(0, g.first - context)
            let end = min(script.count, g.last + 1 + context)
            var oldCount = 0
            var newCount = 0
            var body: [String] = []
            for e in script[start..<end] {
                switch e {
                case .same(let l): body.append(" " + l); oldCount += 1; newCount += 1
                case .delete(let l): body.append("-" + l); oldCount += 1
                case .insert(let l): body.append("+" + l); newCount += 1
                }
            }
            out.append("@@ -\(range(oldAt[start], oldCount)) +\(range(newAt[start], newCount)) @@")
            out += body
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `start,count` as unified diffs write it: 1-based, the count left out when 1,
    /// and an empty range placed after the line it follows.
    private static func range(_ linesBefore: Int, _ count: Int) -> String {
        switch count {
        case 0: "\(linesBefore),0"
        case 1: "\(linesBefore + 1)"
        default: "\(linesBefore + 1),\(count)"
        }
    }

    /// The unified diff of a set of files (name to text), by name; files only on one side
    /// diff against `/dev/null`. Empty when nothing changed.
    public static func unified(before: [String: String], after: [String: String], context: Int = 3) -> String {
        Set(before.keys).union(after.keys).sorted().map { name in
            unified(before: before[name], after: after[name], name: name, context: context)
        }.joined()
    }
}
