import FrameIngest

/// A runtime failure of a command: printed as `Error: <message>` without the usage text
/// (which `ValidationError` adds and which only helps when the arguments were wrong).
struct CommandFailure: Error, CustomStringConvertible {
    /// What failed and where; must not contain credentials.
    let description: String

    /// Wraps `message` after removing URL passwords from it.
    init(_ message: String) {
        description = redactingCredentials(in: message)
    }
}
