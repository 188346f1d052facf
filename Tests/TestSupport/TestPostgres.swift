public import Foundation
import Synchronization

/// A throw-away PostgreSQL cluster for this test process, from Debian's `postgresql` package: `initdb` into a
/// temporary folder, a unix socket only (no port to clash with), started on first use and stopped at exit; every
/// test gets a database of its own (``createDatabase()``).
///
/// `initdb` and `postgres` refuse to run as root, and CI runs as root: then they run as the `postgres` user that the
/// package creates (`runuser -u postgres`) on a folder it owns. There is no skipping: without the server the tests
/// that need it fail, saying how to install it (`scripts/install-deps.sh`).
public final class TestPostgres: Sendable {
    /// The folder holding the cluster, its log and its socket.
    public let folder: String
    /// The role every test connects as (trust authentication on the socket, no password).
    public let user = "streetwatch"
    private let bin: String

    /// The cluster of this process, started on first use.
    /// - Throws: ``ServerError`` saying why the server could not be started.
    public static func shared() throws -> TestPostgres {
        try started.get()
    }

    private static let started: Result<TestPostgres, ServerError> = Result { try TestPostgres() }
        .mapError { $0 as? ServerError ?? ServerError("\($0)") }

    private init() throws {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.compactMap(Int.init).max() else {
            throw ServerError("""
                PostgreSQL server not installed (no /usr/lib/postgresql/*/bin/initdb): run scripts/install-deps.sh, \
                which installs Debian's postgresql package
                """)
        }
        bin = "/usr/lib/postgresql/\(version)/bin"
        let made = try runCommand("/usr/bin/mktemp", ["-d", "/tmp/sw-pg.XXXXXX"])
        folder = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard made.status == 0, !folder.isEmpty else { throw ServerError("mktemp failed: \(made.output)") }
        if getuid() == 0 {
            let owned = try runCommand("/bin/chown", ["postgres:", folder])
            guard owned.status == 0 else {
                throw ServerError("cannot hand \(folder) to the postgres user (\(owned.output.trimmingCharacters(in: .whitespacesAndNewlines))); is Debian's postgresql package installed?")
            }
        }
        try asServer(bin + "/initdb", ["-D", folder + "/data", "-U", user, "--auth=trust", "-E", "UTF8",
                                       "--locale=C.UTF-8", "-N"], what: "initdb")
        try asServer(bin + "/pg_ctl", ["-D", folder + "/data", "-l", folder + "/log", "-w", "-t", "30", "-o",
                                       "-c listen_addresses='' -k \(folder) -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
                                       "start"], what: "pg_ctl start")
        Self.running.withLock { $0 = (bin, folder) }
        atexit {
            guard let running = TestPostgres.running.withLock({ $0 }) else { return }
            let (bin, folder) = running
            let stop = [bin + "/pg_ctl", "-D", folder + "/data", "-m", "immediate", "-w", "stop"]
            _ = try? runCommand(getuid() == 0 ? "/usr/sbin/runuser" : stop[0],
                                getuid() == 0 ? ["-u", "postgres", "--"] + stop : Array(stop.dropFirst()))
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// The server's binaries folder and the cluster folder, for the exit handler.
    private static let running = Mutex<(String, String)?>(nil)

    /// Runs a server program as the `postgres` user when this process is root, else as this user, and waits for it.
    ///
    /// Not through `Process`: the server that `pg_ctl start` leaves running would inherit the descriptors
    /// Foundation watches to see its child end, and the wait would never finish. bash (dash reads `exec 10>&-` as a
    /// command) closes every descriptor above 2 first and sends the output to a file; `waitpid` waits for it.
    private func asServer(_ program: String, _ arguments: [String], what: String) throws {
        let output = folder + "/" + what.replacingOccurrences(of: " ", with: "-") + ".out"
        let command = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", program] + arguments : [program] + arguments
        let script = """
            for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-"; done
            exec "$@" >"$SW_PG_OUTPUT" 2>&1 </dev/null
            """
        let argv = ["/bin/bash", "-c", script, "bash"] + command
        let environment = ["SW_PG_OUTPUT=" + output, "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8"]
        var cArguments = argv.map { strdup($0) } + [nil]
        var cEnvironment = environment.map { strdup($0) } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", nil, nil, &cArguments, &cEnvironment)
        guard spawned == 0 else { throw ServerError("\(what): cannot start /bin/bash (errno \(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode = (status >> 8) & 0xFF
        guard status & 0x7F == 0, exitCode == 0 else {
            let said = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            let log = (try? String(contentsOfFile: folder + "/log", encoding: .utf8)) ?? ""
            throw ServerError("\(what) failed (status \(status)): \(said)\(log.suffix(2000))")
        }
    }

    /// Creates a new, empty database and returns its URL (`postgres://streetwatch@/NAME?host=<socket folder>`).
    public func createDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        let result = try runCommand(bin + "/createdb", ["-h", folder, "-U", user, String(name)])
        guard result.status == 0 else { throw ServerError("createdb \(name) failed: \(result.output)") }
        return "postgres://\(user)@/\(name)?host=\(folder)"
    }

    /// Runs SQL through `psql` on `database` (for checks that go around the store, e.g. a raw DELETE).
    public func psql(_ url: String, _ sql: String) throws -> CommandResult {
        // The URL is ours (``createDatabase()``): `postgres://streetwatch@/NAME?host=…`.
        let database = url.components(separatedBy: "@/").last?.components(separatedBy: "?").first ?? ""
        return try runCommand(bin + "/psql", ["-h", folder, "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1",
                                              "-At", "-c", sql])
    }
}
