public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Evidence files (snapshots, clips) named by content: `<base>/evidence/<sha256[0..2]>/<sha256>.<ext>`.
///
/// A file is written to a hidden temporary file in its final folder, flushed with `fsync`, renamed into place
/// (atomic on POSIX file systems), and the folder is flushed too. A reader therefore sees a whole file or
/// none; a crash leaves at most a hidden `.<sha256>.<ext>.tmp-<pid>-<random>` file, which
/// ``removeLeftoverTemporaryFiles(olderThan:now:)`` deletes. Equal content is stored once.
public struct EvidenceStore: Sendable {
    /// The folder that `relativePath`s are relative to (the database's folder).
    public let baseDirectory: String

    /// Creates a store rooted at `baseDirectory`; folders are made on first write.
    public init(baseDirectory: String) {
        self.baseDirectory = baseDirectory
    }

    /// The absolute path of a stored reference.
    public func path(of ref: EvidenceRef) -> String {
        baseDirectory + "/" + ref.relativePath
    }

    /// Whether a complete file with this hash and extension exists.
    public func contains(sha256: String, fileExtension: String) -> Bool {
        FileManager.default.fileExists(atPath: baseDirectory + "/" + Self.relativePath(sha256: sha256, fileExtension: fileExtension))
    }

    /// Stores `bytes` unless a file with the same content is already there.
    /// - Parameters:
    ///   - bytes: the content.
    ///   - fileExtension: without the dot, e.g. `jpg`; lowercase letters and digits.
    /// - Returns: the reference to the stored file.
    /// - Throws: ``EvidenceError`` when a folder or the file cannot be written.
    public func put(_ bytes: [UInt8], fileExtension: String) throws(EvidenceError) -> EvidenceRef {
        let ext = fileExtension.lowercased()
        precondition(!ext.isEmpty && ext.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) },
                     "evidence extension '\(fileExtension)' must be letters and digits")
        let hash = SHA256.hex(of: bytes)
        let relative = Self.relativePath(sha256: hash, fileExtension: ext)
        let ref = EvidenceRef(sha256: hash, relativePath: relative, byteCount: bytes.count,
                              mediaType: Self.mediaType(forExtension: ext))
        let final = baseDirectory + "/" + relative
        if FileManager.default.fileExists(atPath: final) { return ref }

        let evidenceDir = baseDirectory + "/evidence"
        let shardDir = evidenceDir + "/" + String(hash.prefix(2))
        try makeDirectory(baseDirectory)
        try makeDirectory(evidenceDir)
        try makeDirectory(shardDir)
        let temp = shardDir + "/.\(hash).\(ext).tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try writeSynced(bytes, to: temp)
        guard rename(temp, final) == 0 else {
            let error = EvidenceError(operation: "rename", path: final, errno: errno)
            unlink(temp)
            throw error
        }
        // https://man7.org/linux/man-pages/man2/fsync.2.html: "Calling fsync() does not necessarily ensure that
        // the entry in the directory containing the file has also reached disk. For that an explicit fsync() on a
        // file descriptor for the directory is also needed."
        try syncDirectory(shardDir)
        return ref
    }

    /// Stores a copy of the file at `path`; the extension comes from the path (`bin` when it has none).
    ///
    /// Reads the whole file into memory: evidence clips are a few seconds long (a few MB).
    /// - Throws: ``EvidenceError`` when the file cannot be read or the copy cannot be written.
    public func put(fileAt path: String) throws(EvidenceError) -> EvidenceRef {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EvidenceError(operation: "read", path: path, errno: ENOENT)
        }
        let ext = (path as NSString).pathExtension
        return try put([UInt8](data), fileExtension: ext.isEmpty ? "bin" : ext)
    }

    /// Complete evidence files on disk (hidden temporary files are not evidence), as references.
    public func storedFiles() -> [EvidenceRef] {
        let fm = FileManager.default
        let evidenceDir = baseDirectory + "/evidence"
        var refs: [EvidenceRef] = []
        for shard in ((try? fm.contentsOfDirectory(atPath: evidenceDir)) ?? []).sorted() where !shard.hasPrefix(".") {
            for name in ((try? fm.contentsOfDirectory(atPath: evidenceDir + "/" + shard)) ?? []).sorted()
            where !name.hasPrefix(".") {
                let parts = name.split(separator: ".", maxSplits: 1)
                guard parts.count == 2, parts[0].count == 64 else { continue }
                let relative = "evidence/\(shard)/\(name)"
                let size = (try? fm.attributesOfItem(atPath: baseDirectory + "/" + relative)[.size] as? Int) ?? 0
                refs.append(EvidenceRef(sha256: String(parts[0]), relativePath: relative, byteCount: size,
                                        mediaType: Self.mediaType(forExtension: String(parts[1]))))
            }
        }
        return refs
    }

    /// Deletes temporary files a crash left behind: those whose writing process is gone (its id is in the name),
    /// and any older than `age` seconds.
    ///
    /// A young temporary file of a live process may belong to a writer that is still running (another process on
    /// the same store), so it stays; `age` 0 removes all, for a single-process deployment at start-up.
    /// - Returns: how many files were removed.
    @discardableResult
    public func removeLeftoverTemporaryFiles(olderThan age: TimeInterval = 600, now: Date = Date()) -> Int {
        let fm = FileManager.default
        let evidenceDir = baseDirectory + "/evidence"
        var removed = 0
        for shard in (try? fm.contentsOfDirectory(atPath: evidenceDir)) ?? [] {
            let dir = evidenceDir + "/" + shard
            for name in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix(".") && name.contains(".tmp-") {
                let path = dir + "/" + name
                if let writer = Self.writer(ofTemporary: name), processIsGone(writer) {
                    if (try? fm.removeItem(atPath: path)) != nil { removed += 1 }
                    continue
                }
                let modified = (try? fm.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? nil
                if let modified, now.timeIntervalSince(modified) < age { continue }
                if (try? fm.removeItem(atPath: path)) != nil { removed += 1 }
            }
        }
        return removed
    }

    /// The process id in a temporary file's name (`….tmp-<pid>-<random>`); `nil` in names without one.
    static func writer(ofTemporary name: String) -> Int32? {
        guard let range = name.range(of: ".tmp-", options: .backwards) else { return nil }
        let parts = name[range.upperBound...].split(separator: "-")
        return parts.count == 2 ? Int32(parts[0]) : nil
    }

    /// `evidence/<sha256[0..2]>/<sha256>.<ext>`.
    public static func relativePath(sha256: String, fileExtension: String) -> String {
        "evidence/\(sha256.prefix(2))/\(sha256).\(fileExtension.lowercased())"
    }

    /// The MIME type for an extension; `application/octet-stream` when unknown.
    public static func mediaType(forExtension ext: String) -> String {
        switch ext.lowercased() {
        case "jpg", "jpeg": "image/jpeg"
        case "png": "image/png"
        case "mp4": "video/mp4"
        case "ts": "video/mp2t"
        default: "application/octet-stream"
        }
    }

    private func makeDirectory(_ path: String) throws(EvidenceError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw EvidenceError(operation: "mkdir", path: path, errno: errno)
        }
    }

    private func writeSynced(_ bytes: [UInt8], to path: String) throws(EvidenceError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw EvidenceError(operation: "open", path: path, errno: errno) }
        var failure: EvidenceError?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)  // `!`: count > 0 here
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = EvidenceError(operation: "write", path: path, errno: errno)
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = EvidenceError(operation: "fsync", path: path, errno: errno) }
        if close(fd) != 0, failure == nil { failure = EvidenceError(operation: "close", path: path, errno: errno) }
        if let failure {
            unlink(path)
            throw failure
        }
    }

    private func syncDirectory(_ path: String) throws(EvidenceError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw EvidenceError(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw EvidenceError(operation: "fsync", path: path, errno: errno) }
    }
}

/// A failed file operation of the ``EvidenceStore``.
public struct EvidenceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The POSIX call, e.g. `rename`.
    public var operation: String
    /// The path it was called on.
    public var path: String
    /// The `errno` it left.
    public var code: Int32

    /// Creates an error from a failed call's `errno`.
    public init(operation: String, path: String, errno code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String {
        "\(operation) failed: \(String(cString: strerror(code))) (\(code)) on \(path)"
    }
}
