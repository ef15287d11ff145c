import Domain
import Testing

@Suite struct OpeningHoursTests {
    /// Minutes of the week for a day (Mon = 0) and a wall-clock time.
    func at(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Int { day * 1440 + hour * 60 + minute }

    @Test func theUsualWeek() throws {
        let hours = try OpeningHours.parse("Mon-Fri 09:00-21:00; Sat-Sun 10:00-22:00")
        #expect(!hours.isOpen(atMinuteOfWeek: at(0, 8, 59)))
        #expect(hours.isOpen(atMinuteOfWeek: at(0, 9)))
        #expect(hours.isOpen(atMinuteOfWeek: at(4, 20, 59)))
        #expect(!hours.isOpen(atMinuteOfWeek: at(4, 21)))
        #expect(!hours.isOpen(atMinuteOfWeek: at(5, 9, 30)))
        #expect(hours.isOpen(atMinuteOfWeek: at(6, 21, 59)))
        #expect(hours.nextOpening(afterMinuteOfWeek: at(4, 22)) == at(5, 10))
        #expect(OpeningHours.describe(opening: at(5, 10), from: at(4, 22)) == "tomorrow at 10:00")
        #expect(OpeningHours.describe(opening: at(0, 9), from: at(0, 7, 15)) == "today at 09:00")
        #expect(OpeningHours.describe(opening: at(0, 9), from: at(6, 23)) == "tomorrow at 09:00")
        #expect(OpeningHours.describe(opening: at(0, 9), from: at(4, 22)) == "on Monday at 09:00")
    }

    @Test func acrossMidnightAndAcrossTheWeek() throws {
        let hours = try OpeningHours.parse("Fri-Sat 18:00-02:00; Sun 20:00-01:30; Mon-Thu 17:00-23:00")
        #expect(hours.isOpen(atMinuteOfWeek: at(5, 1, 59)))  // Saturday 01:59, from Friday night
        #expect(!hours.isOpen(atMinuteOfWeek: at(5, 2)))
        #expect(hours.isOpen(atMinuteOfWeek: at(0, 1, 0)))  // Monday 01:00, from Sunday night
        #expect(!hours.isOpen(atMinuteOfWeek: at(0, 1, 30)))
        #expect(hours.nextOpening(afterMinuteOfWeek: at(0, 2)) == at(0, 17))
        #expect(hours.nextOpening(afterMinuteOfWeek: at(6, 23)) == at(0, 17))
    }

    @Test func closedDaysSplitRangesAndLaterGroupsWin() throws {
        let hours = try OpeningHours.parse("daily 09:00-14:00, 17:00-22:00; Sun closed; Wed 12:00-13:00")
        #expect(hours.isOpen(atMinuteOfWeek: at(1, 13)))
        #expect(!hours.isOpen(atMinuteOfWeek: at(1, 15)))
        #expect(hours.isOpen(atMinuteOfWeek: at(1, 17)))
        #expect(!hours.isOpen(atMinuteOfWeek: at(6, 12)))
        #expect(!hours.isOpen(atMinuteOfWeek: at(2, 10)))
        #expect(hours.isOpen(atMinuteOfWeek: at(2, 12, 30)))
        #expect(hours.nextOpening(afterMinuteOfWeek: at(5, 23)) == at(0, 9))
        #expect(try OpeningHours.parse("  ") == .alwaysOpen)
        #expect(try OpeningHours.parse("Mon-Sun closed").nextOpening(afterMinuteOfWeek: 0) == nil)
        #expect(try OpeningHours.parse("Mon 00:00-24:00").isOpen(atMinuteOfWeek: at(0, 23, 59)))
    }

    @Test func mistakesAreNamed() {
        for (text, fragment) in [
            ("Mon-Fri", "needs days and hours"), ("Funday 09:00-10:00", "is not a day"),
            ("Mon 9-10", "is not a time range"), ("Mon 09:00-25:00", "is not a time range"),
            ("Mon 09:60-10:00", "is not a time range"),
        ] {
            #expect(throws: OpeningHours.ParseError.self, "\(text)") { try OpeningHours.parse(text) }
            do {
                _ = try OpeningHours.parse(text)
            } catch {
                #expect("\(error)".contains(fragment), "\(text): \(error)")
            }
        }
    }

    @Test func theRestaurantsClockFollowsItsTimeZone() {
        // 2026-11-23 was a Monday; 23:30 UTC is Tuesday 00:30 in Lagos and Monday 18:30 in New York.
        let instant: Int64 = 1_795_476_600_000
        #expect(OpeningHours.minuteOfWeek(unixMilliseconds: instant, utcOffsetSeconds: 0) == at(0, 23, 30))
        #expect(OpeningHours.minuteOfWeek(unixMilliseconds: instant, utcOffsetSeconds: 3600) == at(1, 0, 30))
        #expect(OpeningHours.minuteOfWeek(unixMilliseconds: instant, utcOffsetSeconds: -5 * 3600) == at(0, 18, 30))
        #expect(OpeningHours.minuteOfWeek(unixMilliseconds: instant, utcOffsetSeconds: 13 * 3600) == at(1, 12, 30))
        let hours = try! OpeningHours.parse("Mon-Fri 09:00-23:00")
        #expect(
            hours.isOpen(
                atMinuteOfWeek: OpeningHours.minuteOfWeek(unixMilliseconds: instant, utcOffsetSeconds: -5 * 3600)))
        #expect(
            !hours.isOpen(atMinuteOfWeek: OpeningHours.minuteOfWeek(unixMilliseconds: instant, utcOffsetSeconds: 3600)))
    }
}
