internal import Foundation

extension GroupConfig {
    /// The text of a config file, or an issue at its first byte that is not UTF-8.
    ///
    /// Foundation's own decoding only says "the file isn't in the correct format"; an operator needs the place.
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - file: the name the issue carries.
    /// - Throws: ``ConfigError`` with one issue at `line:column` (columns count Unicode scalars, as libyaml does).
    static func text(of bytes: [UInt8], file: String) throws(ConfigError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var parser = Unicode.UTF8.ForwardParser()
        var input = bytes.makeIterator()
        var offset = 0
        var line = 1
        var column = 1
        while true {
            switch parser.parseScalar(from: &input) {
            case .valid(let encoded):
                if encoded.count == 1, encoded.first == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                offset += encoded.count
            case .error(let length):
                let shown = bytes[offset..<min(bytes.count, offset + max(1, length))]
                    .map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
                throw ConfigError(issues: [ConfigIssue(
                    file: file, line: line, column: column, path: [],
                    message: "not valid UTF-8: byte \(shown) at offset \(offset); save the file as UTF-8")])
            case .emptyInput:
                // `String(validating:)` refused the bytes, so the parser finds an error before the end.
                return String(decoding: bytes, as: UTF8.self)
            }
        }
    }
}
