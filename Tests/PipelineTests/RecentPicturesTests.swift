import Testing
@testable import Pipeline

/// The "before" picture store: few pictures, reaching back past a long dwell, none much older than asked for.
@Suite("recent pictures")
struct RecentPicturesTests {
    struct Picture: Equatable { let pts: Double }

    /// Offers a picture every `step` seconds from 0 to `end`.
    func fed(until end: Double, step: Double = 0.2) -> RecentPictures<Picture> {
        var recent = RecentPictures(spacing: 5, horizon: 900, time: \Picture.pts)
        for i in 0...Int(end / step) { recent.offer(Picture(pts: Double(i) * step)) }
        return recent
    }

    @Test func aQuarterHourAtFiveFramesASecondKeepsFewPictures() {
        let recent = fed(until: 1000)
        let ages = recent.pictures.map { 1000 - $0.pts }
        #expect(recent.pictures.count <= 14)
        #expect(ages.allSatisfy { $0 <= 900 })
        // A vending dwell of 5 minutes still finds a picture from before the stall arrived.
        #expect((ages.max() ?? 0) > 450)
    }

    @Test func everyMomentInTheHorizonHasAPictureAtMostAboutTwiceAsOld() {
        let now = 1000.0
        let recent = fed(until: now)
        for wanted in stride(from: 6.0, through: 440, by: 1) {
            let picture = recent.latest(before: now - wanted)
            let age = now - (picture?.pts ?? -.infinity)
            #expect(age >= wanted && age <= 2 * wanted + 5, "asked for a picture \(wanted) s old, got \(age) s")
        }
    }

    @Test func timeGoingBackStartsAfresh() {
        var recent = fed(until: 100)
        recent.offer(Picture(pts: 3))
        #expect(recent.pictures == [Picture(pts: 3)])
        #expect(recent.latest(before: 0) == Picture(pts: 3))
    }
}
