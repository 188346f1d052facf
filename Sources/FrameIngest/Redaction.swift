/// Returns `text` with the password of every `scheme://user:password@host` URL in it replaced by `***`.
///
/// Camera URLs carry credentials (`rtsp://admin:secret@10.0.0.7:554/...`); every log line, error and page
/// that may show a URL goes through this first. Only the password is hidden: the user name helps ops.
/// - Parameter text: a URL or any text that may contain URLs.
public func redactingCredentials(in text: String) -> String {
    var result = ""
    var rest = Substring(text)
    while let schemeEnd = rest.range(of: "://") {
        result += rest[..<schemeEnd.upperBound]
        rest = rest[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { "/?# \t\n\"'<>".contains($0) }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        // The last '@' ends the user info: passwords may contain '@' unescaped in camera configs.
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                result += userInfo[..<colon] + ":***"
            } else {
                result += userInfo
            }
            result += authority[at...]
        } else {
            result += authority
        }
        rest = rest[authorityEnd...]
    }
    return result + rest
}
