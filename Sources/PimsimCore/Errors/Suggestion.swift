/// "Did you mean" suggestions for misspelt names, flags and fields.
public enum Suggestion {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo
    /// (at most a third of the word's length, at least 1, at most 3 edits).
    public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let length = word.count
        let limit = min(3, max(1, length / 3))
        let lowered = word.lowercased()
        var best: (String, Int)?
        // The distance is at least the length difference: skip what cannot be close (so a
        // 50 MB word costs one pass, not a 50 MB x candidate table).
        for candidate in candidates.sorted() where abs(candidate.count - length) <= limit {
            let d = editDistance(lowered, candidate.lowercased())
            if d <= limit, best == nil || d < best!.1 { best = (candidate, d) }
        }
        return best?.0
    }

    /// Levenshtein distance between two strings.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
