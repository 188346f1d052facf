public import Detector
public import Foundation

/// A backtest sweep: one numeric option of one rule type, set in turn to each value of a range on every camera
/// that has that rule (`evaluate --sweep abandoned-object.min_static_seconds=5:30:5`).
public struct Sweep: Sendable, Hashable {
    /// The rule type, e.g. `abandoned-object`.
    public var rule: String
    /// The option key, e.g. `min_static_seconds`.
    public var option: String
    /// The values, from FROM to TO (included when a whole number of steps away) every STEP, each rounded to
    /// ``decimals`` places.
    public var values: [Double]
    /// Decimal places of FROM and STEP, whichever has more: `0.05:0.2:0.05` gives 2, so `0.15` is not
    /// `0.15000000000000002`.
    public var decimals: Int

    /// The most values one sweep may have: each value scans every clip again.
    public static let maxValues = 50
    /// Precision a setting should reach to be deployed.
    public static let targetPrecision = 0.95
    /// Recall a setting should reach to be deployed.
    public static let targetRecall = 0.90

    /// Parses `RULE.OPTION=FROM:TO:STEP`.
    /// - Throws: ``SweepError`` when the text has another shape, a number does not parse or is not finite,
    ///   FROM > TO, STEP ≤ 0, or the range holds more than ``maxValues`` values.
    public init(parsing text: String) throws(SweepError) {
        let shape = SweepError("expected RULE.OPTION=FROM:TO:STEP, e.g. abandoned-object.min_static_seconds=5:30:5; got '\(text)'")
        let sides = text.split(separator: "=", omittingEmptySubsequences: false)
        guard sides.count == 2, let dot = sides[0].firstIndex(of: ".") else { throw shape }
        rule = String(sides[0][..<dot])
        option = String(sides[0][sides[0].index(after: dot)...])
        let bounds = sides[1].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard !rule.isEmpty, !option.isEmpty, bounds.count == 3 else { throw shape }
        var numbers: [Double] = []
        for (name, word) in zip(["FROM", "TO", "STEP"], bounds) {
            guard let number = Double(word), number.isFinite else { throw SweepError("\(name) '\(word)' is not a number") }
            numbers.append(number)
        }
        let (from, to, step) = (numbers[0], numbers[1], numbers[2])
        guard from <= to else { throw SweepError("FROM \(bounds[0]) is greater than TO \(bounds[1])") }
        guard step > 0 else { throw SweepError("STEP must be greater than 0, got \(bounds[2])") }
        // A whole step short of TO by less than a millionth of a step is TO itself, missed by rounding.
        let steps = (to - from) / step + 1e-6
        guard steps < Double(Self.maxValues) else {
            throw SweepError("\(bounds[0]):\(bounds[1]):\(bounds[2]) gives \(steps >= 1e9 ? "more than a billion" : String(Int(steps) + 1)) values; "
                                 + "at most \(Self.maxValues) (use a larger STEP or a shorter range)")
        }
        decimals = max(Self.decimalPlaces(from), Self.decimalPlaces(step))
        let scale = pow(10, Double(decimals))
        values = (0...Int(steps)).map { i in ((from + Double(i) * step) * scale).rounded() / scale }
    }

    /// `rule.option`.
    public var name: String { "\(rule).\(option)" }

    /// `value` with ``decimals`` places: `10`, `0.15`.
    public func format(_ value: Double) -> String { String(format: "%.\(decimals)f", value) }

    /// Places after the point in the shortest decimal that is `x` (at most 10).
    static func decimalPlaces(_ x: Double) -> Int {
        var scale = 1.0
        for places in 0..<10 {
            if (x * scale).rounded() / scale == x { return places }
            scale *= 10
        }
        return 10
    }

    /// Checks the sweep against a group before anything is scanned: some camera has the rule, and every value
    /// is valid for every rule entry of that type.
    /// - Throws: ``SweepError`` naming the rule types present when none is `rule`, or the rule's own option
    ///   problems (unknown key with a "did you mean", out of range) as `rule.option: message`.
    public func check(against group: GroupConfig, registry: RuleRegistry = .standard) throws(SweepError) {
        let present = group.cameras.flatMap(\.rules).map(\.type).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard present.contains(rule) else {
            let hint = closestMatch(to: rule, in: present).map { " (did you mean '\($0)'?)" } ?? ""
            throw SweepError("no camera has a rule of type '\(rule)'\(hint); types present: \(present.joined(separator: ", "))")
        }
        // Zone and schedule sit next to `type`, and RuleConfig puts them over the options, so a number set
        // there would be dropped without a word.
        guard option != "zone", option != "schedule" else {
            throw SweepError("\(name): '\(option)' is not a number option")
        }
        for camera in group.cameras {
            for value in values { _ = try setting(value, on: camera, registry: registry) }
        }
    }

    /// `camera` with the option set to `value` in each of its rules of type ``rule``.
    /// - Throws: ``SweepError`` with the rule's option problems.
    public func setting(_ value: Double, on camera: CameraConfig, registry: RuleRegistry = .standard) throws(SweepError) -> CameraConfig {
        var changed = camera
        for (i, entry) in camera.rules.enumerated() where entry.type == rule {
            do {
                changed.rules[i] = try entry.setting(option: option, to: value, registry: registry)
            } catch let error as OptionsError {
                throw SweepError(error.issues.map { "\(rule).\($0)" }.joined(separator: "\n"))
            } catch {
                throw SweepError("\(name): \(error)")
            }
        }
        return changed
    }

    /// `group` with the option set to `value` on every camera (``setting(_:on:registry:)``).
    /// - Throws: ``SweepError`` with the rule's option problems.
    public func setting(_ value: Double, on group: GroupConfig, registry: RuleRegistry = .standard) throws(SweepError) -> GroupConfig {
        var changed = group
        for i in group.cameras.indices { changed.cameras[i] = try setting(value, on: group.cameras[i], registry: registry) }
        return changed
    }

    /// The value among ``values`` that every rule of type ``rule`` in `group` runs with now, or `nil` when
    /// none is (the cameras differ, or the configured value lies outside the sweep).
    ///
    /// Compared by the decoded options, so a rule that leaves the option at its default counts as configured
    /// with the default.
    public func configuredValue(in group: GroupConfig, registry: RuleRegistry = .standard) -> Double? {
        let entries = group.cameras.flatMap(\.rules).filter { $0.type == rule }
        return values.first { value in
            !entries.isEmpty && entries.allSatisfy { (try? $0.setting(option: option, to: value, registry: registry))?.spec == $0.spec }
        }
    }
}

/// Why a sweep cannot run; the message names no flag (the command adds it).
public struct SweepError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var description: String

    /// Creates an error with `description`.
    public init(_ description: String) { self.description = description }
}

/// How a sweep's group scored at one value.
public struct SweepRow: Sendable, Hashable {
    /// The option value.
    public var value: Double
    /// The scores at that value.
    public var report: EvaluationReport

    /// Creates a row.
    public init(value: Double, report: EvaluationReport) {
        self.value = value
        self.report = report
    }

    /// Whether both precision and recall reach ``Sweep/targetPrecision`` and ``Sweep/targetRecall``.
    public var meetsTarget: Bool {
        guard let precision = report.precision, let recall = report.recall else { return false }
        return precision >= Sweep.targetPrecision && recall >= Sweep.targetRecall
    }
}
