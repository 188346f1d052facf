import Foundation
import Pipeline
import Testing

/// `server.secure_cookies`: Secure cookies behind a TLS proxy on loopback.
@Suite("server config")
struct ServerConfigTests {
    @Test func aGroupConfigCanAskForSecureCookies() throws {
        let yaml = """
            group: {id: g, name: G}
            store: {database: cases.sqlite}
            server: {listen: "127.0.0.1:9100", secure_cookies: true}
            cameras:
              - id: c
                url: clip.mp4
                location: {address: Test, lon: 0, lat: 0, grid_code: 000000000000000}
                rules: [{type: zone-activity, category: "09006"}]
            """
        #expect(try GroupConfig.parse(yaml: yaml, file: "g.yaml").server.secureCookies == true)
        #expect(try GroupConfig.parse(yaml: yaml.replacingOccurrences(of: ", secure_cookies: true", with: ""),
                                      file: "g.yaml").server.secureCookies == false)
    }
}
