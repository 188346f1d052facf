import Foundation

/// Why a reviewer rejected a draft (不予立案原因): a fixed list, so the yearly report can count them.
public enum RejectReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// 误报-光线/阴影: light changes or shadows.
    case lightOrShadow = "false-light"
    /// 误报-行人/车辆: a passer-by or a vehicle, not an object left behind.
    case personOrVehicle = "false-person-vehicle"
    /// 重复: another case already covers it.
    case duplicate
    /// 非城管事项: real, but not a city-management matter.
    case notCityManagement = "not-city-matter"
    /// 证据不足: the evidence does not show it.
    case insufficientEvidence = "insufficient-evidence"
    /// 其他: anything else; the free text says what.
    case other

    /// The Chinese label shown by default and printed in reports.
    public var chinese: String {
        switch self {
        case .lightOrShadow: "误报-光线/阴影"
        case .personOrVehicle: "误报-行人/车辆"
        case .duplicate: "重复"
        case .notCityManagement: "非城管事项"
        case .insufficientEvidence: "证据不足"
        case .other: "其他"
        }
    }

    /// The English label.
    public var english: String {
        switch self {
        case .lightOrShadow: "False alarm: light/shadow"
        case .personOrVehicle: "False alarm: person/vehicle"
        case .duplicate: "Duplicate"
        case .notCityManagement: "Not a city-management matter"
        case .insufficientEvidence: "Insufficient evidence"
        case .other: "Other"
        }
    }

    /// The reason named by its id (`duplicate`) or its Chinese label (`重复`); `nil` for anything else.
    public init?(idOrLabel text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let reason = RejectReason(rawValue: trimmed) {
            self = reason
        } else if let reason = RejectReason.allCases.first(where: { $0.chinese == trimmed }) {
            self = reason
        } else {
            return nil
        }
    }
}

/// The text stored in a case's `status_reason`: the reason id, then `: note` when there is free text.
///
/// Storing the id (not the label) keeps counting stable if a label is reworded.
public struct ReviewReason: Sendable, Hashable {
    /// The fixed reason; `nil` for a confirmation note.
    public var reason: RejectReason?
    /// Free text the reviewer added.
    public var note: String?

    /// Creates a reason.
    public init(reason: RejectReason?, note: String? = nil) {
        self.reason = reason
        let trimmed = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.note = trimmed?.isEmpty == false ? trimmed : nil
    }

    /// Parses stored text; unknown ids become ``RejectReason/other`` with the whole text as the note.
    public init?(stored: String?) {
        guard let stored, !stored.isEmpty else { return nil }
        let parts = stored.split(separator: ": ", maxSplits: 1).map(String.init)
        if let reason = RejectReason(rawValue: parts[0]) {
            self.init(reason: reason, note: parts.count > 1 ? parts[1] : nil)
        } else if parts[0] == "note" {
            self.init(reason: nil, note: parts.count > 1 ? parts[1] : nil)
        } else {
            self.init(reason: .other, note: stored)
        }
    }

    /// The text to store.
    public var stored: String? {
        switch (reason, note) {
        case (nil, nil): nil
        case (nil, let note?): "note: \(note)"
        case (let reason?, nil): reason.rawValue
        case (let reason?, let note?): "\(reason.rawValue): \(note)"
        }
    }

    /// `重复` or `其他：车库门口临时施工`, for people.
    public func label(english: Bool = false) -> String {
        let name = reason.map { english ? $0.english : $0.chinese }
        switch (name, note) {
        case (nil, nil): return ""
        case (nil, let note?): return note
        case (let name?, nil): return name
        case (let name?, let note?): return english ? "\(name): \(note)" : "\(name)：\(note)"
        }
    }
}
