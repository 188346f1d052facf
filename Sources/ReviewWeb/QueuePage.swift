import Detector
import Foundation
import Hummingbird
import Pipeline

/// The queue's filters and order as they travel in query strings, so a case opened from the queue knows which
/// case comes next and every link keeps the reviewer's view.
struct QueueFilter {
    var query: QueueQuery

    /// Reads `status` (default `draft`, `all` for every status), `camera`, `rule`, `category` and `order`
    /// (`newest`, the default, or `oldest`).
    init(_ parameter: (String) -> String?) {
        func value(_ name: String) -> String? { parameter(name).flatMap { $0.isEmpty ? nil : $0 } }
        let status = value("status") == "all" ? nil : CaseStatus(rawValue: value("status") ?? "draft") ?? .draft
        query = QueueQuery(status: status, camera: value("camera"), rule: value("rule"), category: value("category"),
                           newestFirst: value("order") != "oldest")
    }

    init(_ request: Request) {
        self.init { request.uri.queryParameters.get($0) }
    }

    /// The filters as a query string (no `?`), for links and form actions.
    var queryString: String {
        var items = [("status", query.status?.rawValue ?? "all")]
        if let camera = query.camera { items.append(("camera", camera)) }
        if let rule = query.rule { items.append(("rule", rule)) }
        if let category = query.category { items.append(("category", category)) }
        items.append(("order", query.newestFirst ? "newest" : "oldest"))
        return items.map { "\($0.0)=\(percentEncoded($0.1))" }.joined(separator: "&")
    }

    /// The same filters over drafts only: the cases a verdict moves on to.
    var drafts: QueueFilter {
        var copy = self
        copy.query.status = .draft
        return copy
    }
}

/// `text` percent-encoded for a query value.
func percentEncoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
}

extension ReviewApp {
    /// The queue: a picture with its box, camera, rule, category, dwell and age per row; filters, keyset paging.
    func queuePage(_ request: Request, session: ReviewSession) async throws -> Response {
        let filter = QueueFilter(request)
        let strings = strings(request)
        let after = request.uri.queryParameters.get("after").flatMap(QueueCursor.init)
        let before = request.uri.queryParameters.get("before").flatMap(QueueCursor.init)
        // One row more than shown says whether there is a further page.
        var rows = try await store.queue(filter.query, after: before ?? after, backward: before != nil,
                                         limit: pageSize + 1)
        let more = rows.count > pageSize
        if more { rows = before != nil ? Array(rows.dropFirst()) : Array(rows.dropLast()) }
        let hasOlder = before != nil || more, hasNewer = before != nil ? more : after != nil
        let choices = try await store.queueChoices()
        let now = Date()
        func options(_ values: [String], _ selected: String?) -> [[String: Any]] {
            values.map { ["value": $0, "selected": $0 == selected] }
        }
        var values: [String: Any] = [
            "rows": rows.map { row -> [String: Any] in
                var values: [String: Any] = [
                    "number": row.caseNumber, "status": row.status.rawValue, "statusLabel": strings(row.status.rawValue),
                    "camera": row.camera.id, "cameraName": row.camera.name, "rule": row.rule,
                    "category": "\(row.category.code) \(row.category.name)", "dwell": durationText(row.dwell, strings),
                    "age": durationText(now.timeIntervalSince(row.firstSeen), strings),
                    "firstSeen": timeText(row.firstSeen),
                ]
                if let picture = row.afterPicture {
                    values["picture"] = picture
                    values["box"] = boxStyle(row.box)
                }
                return values
            },
            "ctx": filter.queryString,
            "count": try await store.queueCount(filter.query),
            "cameras": options(choices.cameras, filter.query.camera),
            "rules": options(choices.rules, filter.query.rule),
            "categories": options(choices.categories, filter.query.category),
            "statuses": CaseStatus.allCases.map { ["value": $0.rawValue, "label": strings($0.rawValue),
                                                  "selected": $0 == filter.query.status] },
            "allStatuses": filter.query.status == nil,
            "oldestFirst": !filter.query.newestFirst,
        ]
        if hasOlder, let last = rows.last { values["nextPage"] = "\(filter.queryString)&after=\(last.cursor)" }
        if hasNewer, let first = rows.first { values["previousPage"] = "\(filter.queryString)&before=\(first.cursor)" }
        if let done = try await doneValues(request, strings: strings) { values["done"] = done }
        return page("queue", request: request, session: session, values: values)
    }

    /// `left:40.0%;top:…` placing a box over its picture.
    func boxStyle(_ box: NormalizedBox) -> String {
        func pct(_ v: Double) -> String { String(format: "%.1f%%", min(100, max(0, v * 100))) }
        return "left:\(pct(box.x0));top:\(pct(box.y0));width:\(pct(box.x1 - box.x0));height:\(pct(box.y1 - box.y0))"
    }

    /// `45 s`, `12 min`, `3 h`, `2 d`.
    func durationText(_ seconds: Double, _ strings: Strings) -> String {
        let s = max(0, seconds)
        if s < 120 { return String(format: "%.0f %@", s, strings("sec")) }
        if s < 7200 { return String(format: "%.0f %@", s / 60, strings("min")) }
        if s < 172_800 { return String(format: "%.0f %@", s / 3600, strings("hours")) }
        return String(format: "%.0f %@", s / 86400, strings("days"))
    }
}
