import Foundation
import Pipeline
import ReviewFixtures
import Synchronization
import Testing

/// bcrypt is slow on purpose; a flood of logins must not take the threads every other task runs on.
@Suite("password hashing", .serialized)
struct PasswordHashingTests {
    @Test func aLoginFloodLeavesTheCooperativePoolFree() async throws {
        let folder = try ReviewSeed.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (store, _) = try await ReviewSeed.store(in: folder)
        // Cost 12 (the default): about a quarter of a second per check on this kind of machine.
        try await store.addUser(name: "flooded", role: .reviewer, password: "some long password", cost: 12)
        let checks = 8 * ProcessInfo.processInfo.activeProcessorCount
        let finished = Counter()
        let flood = Task {
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<checks {
                    group.addTask {
                        _ = try? await store.verifyPassword(name: "flooded", password: "guess \(i)")
                        finished.value.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        // Ten tiny tasks, one after the other, each needing a cooperative thread. On the cooperative pool the
        // checks would hold every thread and the tiny tasks would queue behind nearly all of them; off it they
        // run at once. Counting checks rather than timing keeps this independent of the machine's speed (other
        // suites running beside this one also delay the tiny tasks).
        for _ in 0..<10 { _ = await Task.detached { 1 }.value }
        let before = finished.value.load(ordering: .relaxed)
        await flood.value
        #expect(before < checks / 2, "\(before) of \(checks) checks had finished before ten tiny tasks could run")
    }

    /// Checks finished so far, shared with the flood's child tasks.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }
}
