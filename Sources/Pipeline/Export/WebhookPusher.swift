public import Foundation
public import FrameIngest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Pushes confirmed cases to the city platform's webhook, one HTTP `POST` per case, at least once.
///
/// Each body is the case's ``PlatformCase`` JSON (the same object `streetwatch export` writes on one line), sent
/// with `Content-Type: application/json`, `Idempotency-Key: <caseNumber>` and, when a token is configured,
/// `Authorization: Bearer <token>`. Because a push is repeated after a lost answer or by a later run, the
/// receiver sees a case more than once; the key lets it keep one.
///
/// Connection errors, timeouts, `408`, `429` and `5xx` are retried with ``Backoff`` up to
/// ``Configuration/attempts`` times; `2xx` is delivered; any other answer is a permanent failure for that case.
/// Redirects are not followed: the token would go along to wherever they point (another host, or from https to
/// http), and a `302` turns the `POST` into a `GET` that proves nothing; a `3xx` is a failure naming the target.
/// A failed case never stops the push: the next case follows. Reasons never contain the URL's password or
/// the token.
public final class WebhookPusher: Sendable {
    /// Where and how to push.
    public struct Configuration: Sendable {
        /// The webhook, `http` or `https`. A password in it is hidden in every message.
        public var url: URL
        /// Sent as `Authorization: Bearer <token>` when set. Default `nil`.
        public var bearerToken: String?
        /// Tries per case, the first included (≥ 1). Default 5.
        public var attempts: Int
        /// Delay between tries. Default 1 s doubling to at most 30 s, ±20 % jitter.
        public var backoff: Backoff
        /// Seconds one request may take before it counts as timed out (and is retried), rounded up to whole
        /// seconds, at least 1. Default 10.
        public var requestTimeout: Double
        /// Time zone of the times in the JSON body. Default the process's.
        public var timeZone: TimeZone

        /// Creates a configuration; every parameter but `url` has the default documented on its property.
        public init(url: URL, bearerToken: String? = nil, attempts: Int = 5,
                    backoff: Backoff = Backoff(initial: 1, maximum: 30), requestTimeout: Double = 10,
                    timeZone: TimeZone = .current) {
            self.url = url
            self.bearerToken = bearerToken
            self.attempts = attempts
            self.backoff = backoff
            self.requestTimeout = requestTimeout
            self.timeZone = timeZone
        }
    }

    /// Waits between tries; tests pass one that returns at once and records the delays.
    public typealias Sleep = @Sendable (Duration) async throws -> Void

    /// What happens during a push, for progress output.
    public enum Event: Sendable, Hashable {
        /// Try `attempt` for `caseNumber` failed with `reason`; the next follows after `delay`.
        case retrying(caseNumber: String, attempt: Int, reason: String, delay: Duration)
        /// A case is done, delivered or failed.
        case finished(PushOutcome)
    }

    private let configuration: Configuration
    private let sleep: Sleep
    private let session: URLSession
    private let timeout: Double

    /// Creates a pusher.
    /// - Parameters:
    ///   - configuration: the webhook and retry policy; `attempts` below 1 counts as 1.
    ///   - sleep: waits between tries; default `Task.sleep(for:)`. Throwing (cancellation) ends the case.
    public init(_ configuration: Configuration, sleep: @escaping Sleep = { try await Task.sleep(for: $0) }) {
        self.configuration = configuration
        self.sleep = sleep
        // swift-corelibs-foundation arms its request timer with Int(timeoutInterval) * 1000 ms, so 0.5 s would
        // become 0 ms and time out before anything is sent: use whole seconds, at least one.
        self.timeout = max(1, configuration.requestTimeout.rounded(.up))
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = timeout
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: sessionConfiguration, delegate: RedirectRefuser(), delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// Pushes every confirmed case of `cases` in order; drafts and rejected cases are skipped, not sent.
    /// - Parameters:
    ///   - cases: e.g. `store.cases(CaseQuery(status: .confirmed, decidedFrom: since))`.
    ///   - onEvent: called after each failed try that will be retried and after each case.
    /// - Returns: one outcome per confirmed case, plus the case numbers skipped.
    public func push(_ cases: [DraftCase], onEvent: @Sendable (Event) -> Void = { _ in }) async -> PushSummary {
        var summary = PushSummary()
        for draft in cases {
            let platformCase = PlatformCase(draft, timeZone: configuration.timeZone)
            guard draft.status == .confirmed else {
                summary.skipped.append(platformCase.caseNumber)
                continue
            }
            let outcome = await deliver(platformCase, onEvent: onEvent)
            summary.outcomes.append(outcome)
            onEvent(.finished(outcome))
        }
        return summary
    }

    /// Pushes one case, retrying as the type's documentation says.
    /// - Parameters:
    ///   - platformCase: the body; its ``PlatformCase/caseNumber`` is the idempotency key.
    ///   - onEvent: called after each failed try that will be retried.
    /// - Returns: delivered with the HTTP status, or failed with the last reason.
    public func deliver(_ platformCase: PlatformCase, onEvent: @Sendable (Event) -> Void = { _ in }) async
        -> PushOutcome {
        let key = platformCase.caseNumber
        let body: Data
        do {
            body = Data(try platformCase.jsonLine().utf8)
        } catch {
            return PushOutcome(caseNumber: key, attempts: 0, result: .failed(reason: "cannot encode: \(error)"))
        }
        var request = URLRequest(url: configuration.url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(key, forHTTPHeaderField: "Idempotency-Key")
        request.setValue("streetwatch", forHTTPHeaderField: "User-Agent")
        if let token = configuration.bearerToken {
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }

        let attempts = max(1, configuration.attempts)
        var generator = SystemRandomNumberGenerator()
        var attempt = 0
        while true {
            attempt += 1
            if Task.isCancelled {
                return PushOutcome(caseNumber: key, attempts: attempt - 1, result: .failed(reason: "cancelled"))
            }
            let verdict = await send(request)
            switch verdict {
            case .delivered(let status):
                return PushOutcome(caseNumber: key, attempts: attempt, result: .delivered(status: status))
            case .permanent(let reason):
                return PushOutcome(caseNumber: key, attempts: attempt, result: .failed(reason: hide(reason)))
            case .transient(let reason):
                guard attempt < attempts else {
                    return PushOutcome(caseNumber: key, attempts: attempt,
                                       result: .failed(reason: hide("gave up after \(attempt) attempt(s): \(reason)")))
                }
                let seconds = configuration.backoff.delay(afterFailures: attempt, using: &generator)
                let delay = Duration.milliseconds(Int64((seconds * 1000).rounded()))
                onEvent(.retrying(caseNumber: key, attempt: attempt, reason: hide(reason), delay: delay))
                do {
                    try await sleep(delay)
                } catch {
                    return PushOutcome(caseNumber: key, attempts: attempt,
                                       result: .failed(reason: hide("cancelled while waiting to retry: \(reason)")))
                }
            }
        }
    }

    /// How one try ended.
    private enum Verdict {
        case delivered(Int)
        case transient(String)
        case permanent(String)
    }

    private func send(_ request: URLRequest) async -> Verdict {
        let target = redactingCredentials(in: configuration.url.absoluteString)
        let data: Data, response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch let error as URLError {
            let what = "\(Self.describe(error.code)) (URLError \(error.code.rawValue)) posting to \(target)"
            return Self.isTransient(error.code) ? .transient(what) : .permanent(what)
        } catch {
            return .permanent("\(error) posting to \(target)")
        }
        guard let http = response as? HTTPURLResponse else {
            return .transient("not an HTTP response from \(target)")
        }
        let status = http.statusCode
        var what = "HTTP \(status) from \(target)"
        let text = String(decoding: data.prefix(512), as: UTF8.self)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if !text.isEmpty { what += ": " + String(text.prefix(200)) }
        switch status {
        case 200..<300:
            return .delivered(status)
        // 408 is the server's own request timeout: a timeout like ours, so retried like one.
        case 408, 429, 500..<600:
            return .transient(what)
        case 300..<400:
            let target = http.value(forHTTPHeaderField: "Location").map { " to \(redactingCredentials(in: $0))" } ?? ""
            return .permanent("\(what) (redirect\(target) not followed: set --url to the final address)")
        default:
            return .permanent(what)
        }
    }

    /// Removes the URL's password and the token from `text`.
    private func hide(_ text: String) -> String {
        var result = redactingCredentials(in: text)
        // A password that is a common short word would blank out ordinary text; the URL form is covered above.
        if let password = configuration.url.password(percentEncoded: false), password.count >= 4 {
            result = result.replacingOccurrences(of: password, with: "***")
        }
        if let token = configuration.bearerToken, !token.isEmpty {
            result = result.replacingOccurrences(of: token, with: "***")
        }
        return result
    }

    /// Transport failures that another try may cure: the receiver down, slow, restarting, or the network.
    /// A malformed URL, a refused certificate or a cancellation will fail the same way every time.
    private static func isTransient(_ code: URLError.Code) -> Bool {
        switch code {
        case .badURL, .unsupportedURL, .cancelled, .userCancelledAuthentication, .userAuthenticationRequired,
             .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
             .serverCertificateHasUnknownRoot, .clientCertificateRejected, .clientCertificateRequired,
             .appTransportSecurityRequiresSecureConnection:
            false
        default:
            true
        }
    }

    private static func describe(_ code: URLError.Code) -> String {
        switch code {
        case .timedOut: "timed out"
        case .cannotConnectToHost: "cannot connect"
        case .networkConnectionLost: "connection lost"
        case .cannotFindHost, .dnsLookupFailed: "host not found"
        case .notConnectedToInternet: "no network"
        case .badServerResponse: "bad server response"
        case .secureConnectionFailed: "TLS handshake failed"
        case .badURL, .unsupportedURL: "unusable URL"
        case .cancelled: "cancelled"
        default: "request failed"
        }
    }
}

/// How the push of one case ended.
public struct PushOutcome: Sendable, Hashable {
    /// Delivered or failed.
    public enum Result: Sendable, Hashable {
        /// The webhook answered this `2xx` status.
        case delivered(status: Int)
        /// Not delivered; why (last HTTP status and body start, or the transport error), credentials removed.
        case failed(reason: String)
    }

    /// The case number, also the idempotency key sent.
    public var caseNumber: String
    /// Requests sent for this case.
    public var attempts: Int
    /// Delivered or failed.
    public var result: Result

    /// Creates an outcome.
    public init(caseNumber: String, attempts: Int, result: Result) {
        self.caseNumber = caseNumber
        self.attempts = attempts
        self.result = result
    }

    /// Whether the webhook took the case.
    public var isDelivered: Bool {
        if case .delivered = result { true } else { false }
    }

    /// The failure reason, or `nil` when delivered.
    public var failureReason: String? {
        if case .failed(let reason) = result { reason } else { nil }
    }
}

/// The result of ``WebhookPusher/push(_:onEvent:)``.
public struct PushSummary: Sendable, Hashable {
    /// One per confirmed case, in push order.
    public var outcomes: [PushOutcome] = []
    /// Case numbers not pushed because they are not confirmed.
    public var skipped: [String] = []

    /// Creates an empty summary.
    public init() {}

    /// Cases the webhook took.
    public var delivered: [PushOutcome] { outcomes.filter(\.isDelivered) }
    /// Cases not delivered, with their reasons.
    public var failed: [PushOutcome] { outcomes.filter { !$0.isDelivered } }
}

/// Refuses every redirect, so the `3xx` answer itself comes back (see ``WebhookPusher``).
private final class RedirectRefuser: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
