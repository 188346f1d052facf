import Foundation
import FrameIngest
import TestSupport
import Testing

/// Passwords in URLs never reach output, wherever in the URL they are.
@Suite("credential redaction")
struct RedactionTests {
    @Test func aPasswordWithASlashIsHidden() {
        #expect(redactingCredentials(in: "rtsp://admin:pa/ss@10.0.0.7:554/Streaming/Channels/102")
                == "rtsp://admin:***@10.0.0.7:554/Streaming/Channels/102")
        #expect(redactingCredentials(in: "opening rtsp://admin:a/b/c@h/x failed")
                == "opening rtsp://admin:***@h/x failed")
    }

    @Test func secretsInTheQueryStringAreHidden() {
        #expect(redactingCredentials(in: "rtsp://10.0.0.7/live?user=admin&password=s3cret&channel=1")
                == "rtsp://10.0.0.7/live?user=admin&password=***&channel=1")
        #expect(redactingCredentials(in: "http://cam/snap.cgi?PWD=x1&token=abc#top")
                == "http://cam/snap.cgi?PWD=***&token=***#top")
        #expect(redactingCredentials(in: "http://cam/a?Passwd=x1 and more")
                == "http://cam/a?Passwd=*** and more")
        // Ordinary parameters stay readable.
        #expect(redactingCredentials(in: "rtsp://cam/live?channel=1&subtype=0") == "rtsp://cam/live?channel=1&subtype=0")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: streetwatchBinary), "streetwatch binary not built"))
    func probeNeverPrintsThePassword() throws {
        let port = freePort()  // nobody listens: the probe fails and prints the URL in its error
        for url in ["rtsp://admin:pa/ss@127.0.0.1:\(port)/Streaming/Channels/102",
                    "rtsp://127.0.0.1:\(port)/live?user=admin&password=s3cret"] {
            let result = try runCommand(streetwatchBinary, ["probe", url, "--timeout", "2"])
            #expect(result.status == 1)
            #expect(result.output.contains("cannot probe rtsp://"), "\(result.output)")
            #expect(!result.output.contains("pa/ss") && !result.output.contains("s3cret"), "\(result.output)")
        }
    }
}
