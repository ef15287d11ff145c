/// Meta's messages-per-second for the business number (`SEND_RATE_LIMIT`: 80 by default, 1,000 for upgraded
/// numbers). Counted over a sliding second, not a bucket: a full bucket plus its refill would let twice the limit
/// through some one-second window. The window is a little longer than a second (`window`): Meta counts sends as
/// they arrive, and two sends that leave a second apart may arrive a few milliseconds closer. After Meta answers
/// 130429 (throughput reached) the limit is halved for a minute.
public final class SendRateLimiter {
    public let limit: Int
    /// How long a 130429 halves the limit (ms).
    public let cooldown: Int64
    /// The sliding window (ms): a second and a margin for network jitter.
    public let window: Int64
    /// When the sends of the last window started (Unix ms), oldest first.
    private var recent: [Int64] = []
    private var halvedUntil: Int64 = .min

    public init(limit: Int, cooldown: Int64 = 60_000, window: Int64 = 1_020) {
        self.limit = max(1, limit)
        self.cooldown = cooldown
        self.window = max(1_000, window)
    }

    /// The limit in force at `now`.
    public func current(at now: Int64) -> Int { now < halvedUntil ? max(1, limit / 2) : limit }

    /// Milliseconds to wait before the next send may start at `now` (0: at once).
    public func wait(at now: Int64) -> Int64 {
        recent.removeAll { $0 <= now - window }
        let allowed = current(at: now)
        guard recent.count >= allowed else { return 0 }
        // The send that must leave the window for one more to fit.
        return max(1, recent[recent.count - allowed] + window - now)
    }

    /// A send started at `now`.
    public func record(at now: Int64) { recent.append(now) }

    /// Meta said 130429: slow down for a while.
    public func throttled(at now: Int64) { halvedUntil = now + cooldown }
}
