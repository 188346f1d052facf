import Foundation
import Testing

/// Paths of the committed test clips (see Fixtures/README.md for how each was made).
enum Fixture {
    static func path(_ name: String) -> String {
        // The clips are copied into the test bundle by `resources: [.copy("Fixtures")]`.
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            fatalError("fixture \(name) missing from the test bundle") // a packaging error, not a test outcome
        }
        return url.path
    }
}
