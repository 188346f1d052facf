/// Returns `text` with the secrets of every `scheme://…` URL in it replaced by `***`: the password of
/// `user:password@host`, and the values of query parameters whose names say they are secret (`password`, `pwd`,
/// `token`, `key`, `secret`, `auth`, `signature`…).
///
/// Camera URLs carry credentials (`rtsp://admin:secret@10.0.0.7:554/...`); every log line, error and page
/// that may show a URL goes through this first. Only secrets are hidden: the user name helps ops.
/// - Parameter text: a URL or any text that may contain URLs.
public func redactingCredentials(in text: String) -> String {
    var result = ""
    var rest = Substring(text)
    while let schemeEnd = rest.range(of: "://") {
        result += rest[..<schemeEnd.upperBound]
        rest = rest[schemeEnd.upperBound...]
        let urlEnd = rest.firstIndex(where: { " \t\r\n\"'<>".contains($0) }) ?? rest.endIndex
        var url = rest[..<urlEnd]
        rest = rest[urlEnd...]
        // The user info ends at the last '@' of the URL, not at the first '/': passwords in camera configs may
        // hold '/', '?' or '@' unescaped. When unsure (an '@' in a path), hiding too much is the safe side.
        if let at = url.lastIndex(of: "@"), let colon = url[..<at].firstIndex(of: ":"),
           !url[..<colon].contains(where: { "/?#".contains($0) }) {
            result += url[..<colon] + ":***"
            url = url[at...]
        }
        result += redactingQuery(url)
    }
    return result + rest
}

/// `url` with the values of secret-looking query parameters replaced by `***`.
private func redactingQuery(_ url: Substring) -> String {
    guard let question = url.firstIndex(of: "?") else { return String(url) }
    let fragmentStart = url[question...].firstIndex(of: "#") ?? url.endIndex
    let parameters = url[url.index(after: question)..<fragmentStart].split(separator: "&", omittingEmptySubsequences: false)
    let redacted = parameters.map { parameter -> String in
        guard let equals = parameter.firstIndex(of: "="), isSecretName(parameter[..<equals]) else { return String(parameter) }
        return parameter[...equals] + "***"
    }
    return url[...question] + redacted.joined(separator: "&") + url[fragmentStart...]
}

/// Whether a query parameter's name says its value is a secret.
private func isSecretName(_ name: Substring) -> Bool {
    let lower = name.lowercased()
    return ["pass", "pwd", "token", "secret", "key", "auth", "sig", "credential"].contains { lower.contains($0) }
}
