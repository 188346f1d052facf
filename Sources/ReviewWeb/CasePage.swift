import Foundation
import Hummingbird
import Pipeline

extension ReviewApp {
    /// A case: its pictures with the box, clip, verdict buttons, the previous and next case of the reviewer's queue
    /// view, the verdict just given (with undo), and the next case's pictures prefetched.
    func casePage(_ request: Request, number: String, session: ReviewSession) async throws -> Response {
        guard let c = try await store.case(number: number), let cursor = try await store.queueCursor(caseNumber: number) else {
            return notFound()
        }
        let filter = QueueFilter(request)
        let strings = strings(request)
        let next = try await store.queue(filter.query, after: cursor, limit: 1).first
        let previous = try await store.queue(filter.query, after: cursor, backward: true, limit: 1).first
        var values = try await caseValues(c, strings: strings)
        values["ctx"] = filter.queryString
        if let next {
            values["next"] = next.caseNumber
            // The next case's pictures load while this one is judged.
            values["prefetch"] = [next.afterPicture, next.beforePicture].compactMap { $0 }
        }
        if let previous { values["previous"] = previous.caseNumber }
        if let done = try await doneValues(request, strings: strings) { values["done"] = done }
        return page("case", request: request, session: session, values: values)
    }

    /// Where a verdict on `number` leads: the next draft of the same queue view, else the queue.
    func afterVerdict(on number: String, _ request: Request) async throws -> String {
        let filter = QueueFilter(request).drafts
        let next = try await store.queueCursor(caseNumber: number).asyncFlatMap {
            try await store.queue(filter.query, after: $0, limit: 1).first
        }
        let done = "done=\(percentEncoded(number))"
        guard let next else { return "/?\(filter.queryString)&\(done)" }
        return "/cases/\(percentEncoded(next.caseNumber))?\(filter.queryString)&\(done)"
    }

    /// The verdict named by `?done=`, for the line that says what just happened and offers undo.
    func doneValues(_ request: Request, strings: Strings) async throws -> [String: Any]? {
        guard let number = request.uri.queryParameters.get("done"), let c = try await store.case(number: number),
              c.status != .draft else { return nil }
        var values: [String: Any] = ["number": number, "status": c.status.rawValue, "statusLabel": strings(c.status.rawValue)]
        if let reason = ReviewReason(stored: c.decision?.reason)?.label(english: strings.english), !reason.isEmpty {
            values["reason"] = reason
        }
        return values
    }

    /// Everything the case template shows. Absent values are left out, never rendered as placeholders.
    func caseValues(_ c: DraftCase, strings: Strings) async throws -> [String: Any] {
        let number = c.caseNumber ?? c.incidentKey
        let history = try await store.auditLog(caseNumber: number)
        let optional: [String: Any?] = [
            "reasonLabel": ReviewReason(stored: c.decision?.reason).map { $0.label(english: strings.english) }
                .flatMap { $0.isEmpty ? nil : $0 },
            "reviewer": c.decision?.reviewer.flatMap { $0.isEmpty ? nil : $0 },
            "decidedAt": c.decision.map { timeText($0.decidedAt) },
            "before": c.evidence[.before]?.sha256, "after": c.evidence[.after]?.sha256,
            "clip": c.evidence[.clip]?.sha256,
        ]
        var values: [String: Any] = optional.compactMapValues { $0 }
        values.merge([
            "number": number, "status": c.status.rawValue, "statusLabel": strings(c.status.rawValue),
            "isDraft": c.status == .draft, "description": c.description, "box": boxStyle(c.box),
            "reasons": RejectReason.allCases.enumerated().map { i, r in
                ["id": r.rawValue, "key": "\(i + 1)", "label": strings.english ? r.english : r.chinese]
            },
            "camera": c.camera.id, "cameraName": c.camera.name, "rule": "\(c.facts.ruleID) v\(c.facts.ruleVersion)",
            "category": "\(c.category.code) \(c.category.name)", "zone": c.facts.zoneID,
            "firstSeen": timeText(c.firstSeen), "lastSeen": timeText(c.lastSeen), "dwell": durationText(c.facts.dwell, strings),
            "area": "\(c.facts.area) px (\(String(format: "%.1f", c.facts.areaFraction * 100)) %)",
            "score": String(format: "%.2f", c.facts.score),
            "values": c.facts.values.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": String(format: "%g", $0.value)] },
            "address": c.location.address,
            "coordinates": String(format: "%.6f, %.6f (%@)", c.location.longitude, c.location.latitude, c.location.crs),
            "grid": c.location.gridCode, "hasHistory": !history.isEmpty,
            "history": history.map { entry -> [String: Any] in
                var line: [String: Any] = ["at": timeText(entry.at), "actor": entry.actor,
                                           "action": strings(entry.action.rawValue),
                                           "before": strings(entry.before), "after": strings(entry.after)]
                if let reason = ReviewReason(stored: entry.reason)?.label(english: strings.english), !reason.isEmpty {
                    line["reason"] = reason
                }
                return line
            },
        ]) { _, new in new }
        return values
    }
}

extension Optional {
    /// `flatMap` for an async transform.
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
