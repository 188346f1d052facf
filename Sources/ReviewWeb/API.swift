import Foundation
import Hummingbird
import Pipeline

/// The JSON API: the same queue, cases, verdicts and report as the pages.
extension ReviewApp {
    func addAPI(to router: Router<ReviewContext>) {
        let api = router.group("api")
        api.get("me") { _, context in
            let session = try requireSession(context)
            return try json(["user": session.user.name, "role": session.user.role.rawValue, "csrfToken": session.csrfToken])
        }
        api.get("cases") { request, context in
            _ = try requireSession(context)
            // The queue's filters, order and keyset paging: `limit` (1–500, default 100) cases `after` a cursor; the
            // `X-Next-After` header holds the cursor of the next page when there is one.
            let limit = min(500, max(1, request.uri.queryParameters.get("limit", as: Int.self) ?? 100))
            let after = request.uri.queryParameters.get("after").flatMap(QueueCursor.init)
            let rows = try await store.queue(QueueFilter(request).query, after: after, limit: limit + 1)
            var cases: [CaseJSON] = []
            for row in rows.prefix(limit) {
                if let c = try await store.case(number: row.caseNumber) { cases.append(CaseJSON(c, timeZone: timeZone)) }
            }
            var response = try json(cases)
            // `!`: a constant, valid header name.
            if rows.count > limit, let last = rows.prefix(limit).last { response.headers[.init("X-Next-After")!] = "\(last.cursor)" }
            return response
        }
        // Server-sent events, one `draft` (or `confirmed`, `rejected`) event per change, for the live queue.
        api.get("queue/events") { _, context in
            _ = try requireSession(context)
            let changes = store.queueChanges()
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                            body: ResponseBody { writer in
                                try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                                for try await change in changes {
                                    let data = String(decoding: try JSONEncoder().encode(change), as: UTF8.self)
                                    try await writer.write(ByteBuffer(string: "event: \(change.status)\ndata: \(data)\n\n"))
                                }
                                try await writer.finish(nil)
                            })
        }
        api.get("cases/:number") { _, context in
            _ = try requireSession(context)
            guard let c = try await store.case(number: context.parameters.require("number")) else { return notFound() }
            return try json(CaseJSON(c, timeZone: timeZone))
        }
        api.post("cases/:number/:action") { request, context in
            let session = try requireSession(context)
            // Browsers cannot set custom headers on cross-site form posts, and the token is the session's.
            let header = request.headers.first { $0.name.canonicalName == "x-csrf-token" }?.value
            guard constantTimeEqual(header ?? "", session.csrfToken) else {
                return forbidden("X-CSRF-Token header missing or wrong")
            }
            let body = try await JSONDecoder().decode(VerdictBody.self, from: request, context: context)
            let number = try context.parameters.require("number")
            do {
                try await act(context.parameters.require("action"), on: number, reason: body.reason, note: body.note,
                              session: session)
            } catch let error as ReviewError {
                var response = try json(["error": "\(error)"])
                response.status = .conflict
                return response
            }
            guard let c = try await store.case(number: number) else { return notFound() }
            return try json(CaseJSON(c, timeZone: timeZone))
        }
        api.get("audit") { request, context in
            _ = try requireSession(context)
            return try json(try await store.auditLog(caseNumber: request.uri.queryParameters.get("case")), timeZone: timeZone)
        }
        api.get("report") { request, context in
            _ = try requireSession(context)
            guard let year = requestedYear(request) else { return badYear() }
            let report = try await YearlyReport.build(year: year, store: store, timeZone: timeZone)
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: try report.json())))
        }
    }
}

struct VerdictBody: Decodable {
    var reason: String?
    var note: String?
}

/// `value` as JSON; dates in ISO 8601 with the offset of `timeZone` (the group's).
func json(_ value: some Encodable, timeZone: TimeZone = TimeZone(secondsFromGMT: 0)!) throws -> Response {
    // `!` above: zero seconds from GMT is always a valid zone.
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .custom { date, encoder in
        var container = encoder.singleValueContainer()
        try container.encode(isoTime(date, timeZone: timeZone))
    }
    return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}
