import Foundation
@testable import Pipeline
import ReviewFixtures
import Testing
import TestSupport

/// What only the shared PostgreSQL store has to do: many processes on one database.
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test func migrationsRunOnceWhenTwentyGroupsStartTogether() async throws {
        let server = try TestPostgres.shared()
        let url = try server.createDatabase()
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let stores = try (0..<20).map { _ in try StoreBackend.postgresStore(url: url, folder: folder) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { await store.client.run() } }
            try await withThrowingTaskGroup(of: Void.self) { starts in
                for store in stores { starts.addTask { try await store.prepare() } }
                try await starts.waitForAll()
            }
            #expect(try await PostgresSchema.applied(stores[0]) == PostgresSchema.steps.map(\.id))
            group.cancelAll()
        }
        #expect(try server.psql(url, "SELECT count(*) FROM schema_migrations").stdout == "\(PostgresSchema.steps.count)\n")
    }

    @Test func twoWriterPoolsOnOneDatabaseLoseAndDuplicateNoDraft() async throws {
        let url = try TestPostgres.shared().createDatabase()
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        // Two stores are two connection pools, as two `run` processes on two hosts would have.
        let stores = try (0..<2).map { _ in try StoreBackend.postgresStore(url: url, folder: folder) }
        let clock = CaseFixture.origin
        let events = (0..<200).map { i -> CaseEvent in
            var t = IncidentTracker(cameraID: CaseFixture.camera.id)
            let box = (Double(i % 20) / 20, Double(i / 20) / 10, Double(i % 20) / 20 + 0.04, Double(i / 20) / 10 + 0.05)
            return t.ingest(CaseFixture.finding(.start, track: i + 1, box: box, first: 10 + Double(i), last: 70 + Double(i)),
                            context: CaseFixture.context(), clock: clock)[0]
        }
        try await stores[0].withRunning { one in
            try await stores[1].withRunning { two in
                let start = ContinuousClock.now
                // Eight writers, four per pool, each applying every incident (in its own order) once.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<8 {
                        let store = writer % 2 == 0 ? one : two
                        let order = writer % 4 < 2 ? events : events.reversed()
                        group.addTask { for event in order { try await store.apply(event) } }
                    }
                    try await group.waitForAll()
                }
                let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18
                    + Double((ContinuousClock.now - start).components.seconds)
                print("postgres: 8 writers on 2 pools applied 1,600 events (200 incidents) in \(String(format: "%.2f", seconds)) s")
                let cases = try await one.cases(CaseQuery())
                #expect(cases.count == 200)
                #expect(Set(cases.map(\.incidentKey)) == Set(events.map(\.draft.incidentKey)))
                #expect(cases.compactMap(\.caseNumber).sorted() == (1...200).map { String(format: "SW-20261122-gs-east-03-%04d", $0) })
            }
        }
    }

    @Test func aCameraRunByOneProcessIsRefusedToAnotherUntilItsConnectionEnds() async throws {
        let url = try TestPostgres.shared().createDatabase()
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let first = try StoreBackend.postgresStore(url: url, folder: folder)
        let second = try StoreBackend.postgresStore(url: url, folder: folder)
        try await first.withRunning { first in
            try await second.withRunning { second in
                try await first.claimCameras(["gate-east", "gate-west"], group: "north")
                do {
                    try await second.claimCameras(["market-1", "gate-west"], group: "south")
                    Issue.record("a camera another process holds was claimed twice")
                } catch let error as CameraClaimError {
                    #expect(error.camera == "gate-west")
                    #expect(error.holder?.hasPrefix("streetwatch group 'north' on ") == true)
                    #expect(error.description.hasPrefix("camera 'gate-west' is already run by streetwatch group 'north' on "))
                }
                // The refused claim took nothing: market-1 is still free.
                try await first.claimCameras(["gate-east", "gate-west", "market-1"], group: "north")
                await first.releaseCameras()
                // The holder's connection ended (as when its host dies): the cameras are free again.
                try await second.claimCameras(["gate-west", "market-1"], group: "south")
                await second.releaseCameras()
            }
        }
    }

    @Test func reviewDeskReplicasShareSessionsAndTheLoginThrottle() async throws {
        let url = try TestPostgres.shared().createDatabase()
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let one = try StoreBackend.postgresStore(url: url, folder: folder)
        let two = try StoreBackend.postgresStore(url: url, folder: folder)
        try await one.withRunning { one in
            try await two.withRunning { two in
                let user = try await one.addUser(name: "lina", role: .reviewer, password: "correct horse battery", cost: 4)
                let (token, _) = try await one.createSession(for: user)
                #expect(try await two.session(token: token)?.user == user)
                for _ in 0..<3 { #expect(try await one.loginThrottle.begin("lina", from: "203.0.113.9") == .allowed) }
                for _ in 0..<2 { #expect(try await two.loginThrottle.begin("lina", from: "203.0.113.9") == .allowed) }
                guard case .locked = try await one.loginThrottle.begin("lina", from: "203.0.113.9") else {
                    Issue.record("five failures over two replicas should lock the address out")
                    return
                }
            }
        }
    }

    @Test func theAuditLogRefusesUpdateDeleteAndTruncateInTheDatabase() async throws {
        let server = try TestPostgres.shared()
        let url = try server.createDatabase()
        let folder = try CaseFixture.temporaryFolder()
        defer { CaseFixture.cleanup(folder) }
        let store = try StoreBackend.postgresStore(url: url, folder: folder, timeZone: ReviewSeed.timeZone)
        try await store.withRunning { store in
            let numbers = try await ReviewSeed.seed(store)
            try await store.review(caseNumber: numbers[0], verdict: .confirm(), reviewer: ReviewSeed.reviewer)
        }
        for sql in ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
            let result = try server.psql(url, sql)
            #expect(result.status != 0, "\(sql) went through")
            #expect(result.stderr.contains("audit_log is append-only"))
        }
        #expect(try server.psql(url, "SELECT count(*) FROM audit_log").stdout == "1\n")
    }

    @Test func thePasswordComesFromTheEnvironmentAndNeverFromTheURL() throws {
        let socket = try PostgresSettings(url: "postgres://sw@/cases?host=/run/postgresql", environment: ["PGPASSWORD": "s3cret"])
        #expect(socket.socketPath == "/run/postgresql/.s.PGSQL.5432")
        #expect(socket.password == "s3cret")
        #expect("\(socket)" == "postgres://sw@/cases?host=/run/postgresql")
        let tcp = try PostgresSettings(url: "postgresql://sw@db.city.local:6543/cases?sslmode=require",
                                       passwordVariable: "CITY_PG", environment: ["CITY_PG": "x", "PGPASSWORD": "y"])
        #expect(tcp.host == "db.city.local" && tcp.port == 6543 && tcp.tls == .require && tcp.password == "x")
        #expect(!"\(tcp)".contains("x@") && tcp.displayURL == "postgres://sw@db.city.local:6543/cases")
        #expect(throws: PostgresSettingsError("the URL must not carry a password: put it in the environment variable PGPASSWORD")) {
            try PostgresSettings(url: "postgres://sw:hunter2@db/cases", environment: [:])
        }
        #expect(throws: PostgresSettingsError("'postgres://sw@db' names no database: postgres://USER@HOST/DATABASE")) {
            try PostgresSettings(url: "postgres://sw@db", environment: [:])
        }
        #expect(throws: PostgresSettingsError("sslmode 'maybe' is not one of disable, prefer, require")) {
            try PostgresSettings(url: "postgres://sw@db/cases?sslmode=maybe", environment: [:])
        }
    }
}
