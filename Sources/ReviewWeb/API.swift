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
            let filter = QueueFilter { request.uri.queryParameters.get($0) }
            let cases = filter.apply(to: try await store.cases(CaseQuery(camera: filter.camera))).reversed()
            return try json(cases.map { CaseJSON($0, timeZone: timeZone) })
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
            return try json(try await store.auditLog(caseNumber: request.uri.queryParameters.get("case")))
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

func json(_ value: some Encodable) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}
