public import ArgumentParser
import Foundation
import Pipeline
#if canImport(Glibc)
import Glibc
#endif

/// `streetwatch user add|passwd`: review accounts. The password is read from standard input (one line) or, on a
/// terminal, from a prompt without echo; never from an argument, which `ps` and shell history would show.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage review accounts (reviewers and admins).",
        subcommands: [Add.self, Passwd.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account; the password comes from stdin or a prompt.")

        @Argument(help: "Login name (letters, digits, '.', '_', '-').")
        var name: String

        @Option(help: "reviewer or admin.")
        var role: UserRole = .reviewer

        @Option(help: "The case database: an SQLite file (created when missing), or a postgres:// URL (password from PGPASSWORD).")
        var db = "streetwatch.sqlite"

        func run() async throws {
            let opened: OpenedStore
            if PostgresSettings.isURL(db) {
                opened = try openExistingStore(db)
            } else {
                do { opened = OpenedStore(store: try SQLiteCaseStore(path: db), postgres: nil) } catch {
                    throw CommandFailure("cannot open \(db): \(error)")
                }
            }
            let password = try readPassword()
            try await opened.withReady { store in
                do {
                    try await store.addUser(name: name, role: role, password: password)
                } catch let error as AccountError {
                    throw CommandFailure("\(error)")
                }
            }
            print("added \(role.rawValue) \(name)")
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set an account's password (and role); ends its web sessions.")

        @Argument(help: "Login name.")
        var name: String

        @Option(help: "Change the role too: reviewer or admin.")
        var role: UserRole?

        @Option(help: "The case database: an SQLite file, or a postgres:// URL (password from PGPASSWORD).")
        var db = "streetwatch.sqlite"

        func run() async throws {
            try await openExistingStore(db).withReady { store in
                let password = try readPassword()
                do {
                    try await store.setPassword(name: name, password: password, role: role)
                } catch let error as AccountError {
                    throw CommandFailure("\(error)")
                }
                print("password of \(name) changed")
            }
        }
    }
}

extension UserRole: ExpressibleByArgument {}

/// One line from standard input, or on a terminal a prompt (twice, without echo).
private func readPassword() throws -> String {
    guard isatty(STDIN_FILENO) == 1 else {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CommandFailure("no password on standard input")
        }
        return line
    }
    // getpass(3) is obsolete but present in glibc and does exactly this: /dev/tty, no echo.
    guard let first = getpass("Password: ").map({ String(cString: $0) }),
          let second = getpass("Again: ").map({ String(cString: $0) }) else {
        throw CommandFailure("no password entered")
    }
    guard first == second else { throw CommandFailure("the two passwords differ") }
    return first
}
