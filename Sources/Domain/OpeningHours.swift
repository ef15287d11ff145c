/// When the kitchen takes orders, as `OPENING_HOURS` says it: `Mon-Fri 09:00-21:00; Sat-Sun 10:00-22:00`.
///
/// Groups are separated by `;`, each a day or day range and one or more time ranges (`Mon-Fri 09:00-14:00,
/// 17:00-22:00`), or `closed` (`Sun closed`). A range that ends at or before it starts runs past midnight
/// (`Fri 18:00-02:00` is open until 2 am on Saturday). Later groups win for the days they name. An empty setting
/// means always open. Times are the restaurant's wall clock; the edge turns "now" into that (`TIME_ZONE`).
public struct OpeningHours: Equatable, Sendable {
    /// Minutes from the start of Monday (0) to the end of Sunday (7 × 1440), as half-open spans. Spans that run
    /// past the end of Sunday wrap to Monday.
    public var spans: [Range<Int>]
    /// True when no hours were configured: always open.
    public var always: Bool

    public static let alwaysOpen = OpeningHours(spans: [], always: true)

    public static let week = 7 * 1440

    public init(spans: [Range<Int>], always: Bool = false) {
        self.spans = spans
        self.always = always
    }

    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { "OPENING_HOURS: \(message)" }
    }

    static let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    public static func parse(_ text: String) throws -> OpeningHours {
        let groups = text.split(separator: ";").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        if groups.isEmpty { return .alwaysOpen }
        var byDay: [[Range<Int>]] = Array(repeating: [], count: 7)
        for group in groups {
            let parts = group.split(separator: " ", maxSplits: 1).map { String($0).trimmingSpaces }
            guard parts.count == 2 else {
                throw ParseError(message: "\"\(group)\" needs days and hours, e.g. \"Mon-Fri 09:00-21:00\"")
            }
            let days = try dayList(parts[0], group: group)
            let ranges: [Range<Int>]
            if parts[1].lowercased() == "closed" {
                ranges = []
            } else {
                ranges = try parts[1].split(separator: ",").map { try timeRange($0.trimmingSpaces, group: group) }
            }
            for day in days { byDay[day] = ranges }
        }
        var spans: [Range<Int>] = []
        for (day, ranges) in byDay.enumerated() {
            for range in ranges {
                let start = day * 1440 + range.lowerBound
                let end = day * 1440 + range.upperBound
                if end <= week {
                    spans.append(start..<end)
                } else {
                    spans.append(start..<week)
                    spans.append(0..<(end - week))
                }
            }
        }
        return OpeningHours(spans: spans.sorted { $0.lowerBound < $1.lowerBound })
    }

    /// `Mon`, `Mon-Fri`, `Sat-Sun`, `Fri-Mon` (wrapping), `Mon,Wed`, `daily`: weekday indexes, Monday = 0.
    static func dayList(_ text: String, group: String) throws -> [Int] {
        if ["daily", "every day", "mon-sun"].contains(text.lowercased()) { return Array(0..<7) }
        var result: [Int] = []
        for item in text.split(separator: ",") {
            let ends = item.split(separator: "-").map { $0.trimmingSpaces.lowercased() }
            guard (1...2).contains(ends.count), let first = day(ends[0]), let last = day(ends.last ?? "") else {
                throw ParseError(message: "\"\(item)\" in \"\(group)\" is not a day or day range (Mon, Mon-Fri)")
            }
            var index = first
            while true {
                result.append(index)
                if index == last { break }
                index = (index + 1) % 7
            }
        }
        return result
    }

    static func day(_ text: String) -> Int? {
        days.firstIndex { text.hasPrefix($0) && $0.count <= text.count && text.count <= 9 }
    }

    /// `09:00-21:00` as minutes after the day's midnight; an end at or before the start is on the next day.
    static func timeRange(_ text: String, group: String) throws -> Range<Int> {
        let ends = text.split(separator: "-").map { $0.trimmingSpaces }
        guard ends.count == 2, let start = minutes(ends[0]), let end = minutes(ends[1]) else {
            throw ParseError(message: "\"\(text)\" in \"\(group)\" is not a time range (09:00-21:00)")
        }
        return start..<(end > start ? end : end + 1440)
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...24).contains(hours), (0..<60).contains(minutes), hours * 60 + minutes <= 1440
        else { return nil }
        return hours * 60 + minutes
    }

    // MARK: - Evaluation

    /// A moment on the restaurant's clock: minutes since the start of its week (Monday 00:00).
    public static func minuteOfWeek(unixMilliseconds: Int64, utcOffsetSeconds: Int) -> Int {
        let local = unixMilliseconds / 1000 + Int64(utcOffsetSeconds)
        let minutes = Int((local / 60) % Int64(week) + Int64(week)) % week
        // 1970-01-01 was a Thursday: shift so that Monday is 0.
        return (minutes + 3 * 1440) % week
    }

    public func isOpen(atMinuteOfWeek minute: Int) -> Bool {
        always || spans.contains { $0.contains(minute) }
    }

    /// The next opening at or after `minute`, as minutes of the week, or nil when the hours never open.
    public func nextOpening(afterMinuteOfWeek minute: Int) -> Int? {
        guard !always else { return minute }
        let starts = spans.map(\.lowerBound).filter { start in
            // A span that starts where another ends is not an opening.
            !spans.contains { $0.upperBound == start || ($0.upperBound == OpeningHours.week && start == 0) }
        }
        guard !starts.isEmpty else { return nil }
        return starts.first { $0 > minute } ?? starts.min()
    }

    /// The next closing after `minute` while open, as minutes of the week, or nil when the hours never close.
    public func nextClosing(afterMinuteOfWeek minute: Int) -> Int? {
        guard !always, isOpen(atMinuteOfWeek: minute) else { return nil }
        for step in 1...OpeningHours.week {
            let candidate = (minute + step) % OpeningHours.week
            if !isOpen(atMinuteOfWeek: candidate) { return candidate }
        }
        return nil
    }

    /// "09:05": the time of day of a minute of the week (or of the day).
    public static func clock(_ minute: Int) -> String {
        let hours = minute % 1440 / 60
        let minutes = minute % 60
        return "\(hours < 10 ? "0" : "")\(hours):\(minutes < 10 ? "0" : "")\(minutes)"
    }

    /// "at 09:00", "tomorrow at 09:00", "on Monday at 10:00": when `opening` comes, seen from `minute`.
    public static func describe(opening: Int, from minute: Int) -> String {
        let dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        let time = clock(opening)
        let today = minute / 1440
        let day = opening / 1440
        let ahead = (day - today + 7) % 7
        if ahead == 0 && opening > minute { return "today at \(time)" }
        if ahead == 1 { return "tomorrow at \(time)" }
        return "on \(dayNames[day]) at \(time)"
    }
}
