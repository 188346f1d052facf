import Foundation

/// Full-resolution pictures kept for "before" snapshots, thinning with age.
///
/// A 1080p picture is 3 MB, and a "before" must reach back past the longest dwell a rule waits (minutes), so
/// keeping one every few seconds would cost hundreds of megabytes per camera. Instead a picture is dropped when
/// its neighbours are close enough without it: consecutive kept ages always satisfy older ≤ 2 × newer + spacing,
/// so a picture asked for at any age in the horizon comes back at most about twice as old, and about
/// 2 × log2(horizon / spacing) pictures are kept (10–14 for 5 s and 15 minutes). Ageing keeps the bound true,
/// so thinning never has to undo itself.
struct RecentPictures<Picture> {
    /// Pictures are offered more often than this (seconds); it is also the slack of the age bound.
    let spacing: Double
    /// Pictures older than this (seconds) are dropped.
    let horizon: Double
    private let time: KeyPath<Picture, Double>
    /// Kept pictures, oldest first.
    private(set) var pictures: [Picture] = []

    init(spacing: Double, horizon: Double, time: KeyPath<Picture, Double>) {
        precondition(spacing > 0 && horizon >= spacing)
        self.spacing = spacing
        self.horizon = horizon
        self.time = time
    }

    /// Offers the newest picture and thins the older ones.
    mutating func offer(_ picture: Picture) {
        let now = picture[keyPath: time]
        if let last = pictures.last, now < last[keyPath: time] { pictures.removeAll() }  // time went back: a new stream
        let newestFirst = [picture] + pictures.reversed().filter { now - $0[keyPath: time] <= horizon }
        var kept = [picture]
        var keptAge = 0.0
        for (index, candidate) in newestFirst.enumerated().dropFirst() {
            let age = now - candidate[keyPath: time]
            // Skippable when the next older picture is still within the bound of the last one kept.
            if index + 1 < newestFirst.count, now - newestFirst[index + 1][keyPath: time] <= 2 * keptAge + spacing {
                continue
            }
            kept.append(candidate)
            keptAge = age
        }
        pictures = kept.reversed()
    }

    /// The newest picture taken at or before `moment`, else the oldest kept.
    func latest(before moment: Double) -> Picture? {
        pictures.last { $0[keyPath: time] <= moment } ?? pictures.first
    }
}
