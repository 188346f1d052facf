import Testing
@testable import Pipeline

/// SHA-256 against the FIPS 180-4 example vectors (NIST CSRC "Examples with Intermediate Values", SHA256.pdf,
/// SHA256_2.pdf) and the long-message vector of FIPS 180-2 Appendix B.3.
@Suite("SHA-256")
struct StoreSHA256Tests {
    @Test func emptyMessage() {
        #expect(SHA256.hex(of: [UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func oneBlockMessage() {
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func twoBlockMessage() {
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256.hex(of: Array(message.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func longMessage896Bits() {
        let message = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
        #expect(SHA256.hex(of: Array(message.utf8)) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func oneMillionA() {
        #expect(SHA256.hex(of: [UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func feedingInPiecesEqualsFeedingAtOnce() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        // Splits that cross block boundaries at every offset class.
        for split in [1, 55, 56, 63, 64, 65, 127, 999] {
            var h = SHA256()
            h.update(bytes[..<split])
            h.update(bytes[split...])
            #expect(h.hexDigest() == SHA256.hex(of: bytes), "split at \(split)")
        }
    }
}
