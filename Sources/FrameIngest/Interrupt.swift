internal import CFFmpeg
import Synchronization

/// The flag FFmpeg's interrupt callback polls while a demuxer call blocks.
///
/// Raised from any thread (a cancelled consumer) or fired by an armed deadline (open timeout, stall).
/// avio.h: "If the callback returns 1, the blocking operation will be aborted", and the call returns
/// `AVERROR_EXIT` (RTSP reports `AVERROR_INVALIDDATA` instead, which is why the cause is kept here).
final class Interrupt: Sendable {
    private let raised = Atomic<Bool>(false)
    /// ``now`` microseconds after which blocking calls abort; 0 = no deadline.
    private let deadline = Atomic<Int64>(0)
    private let deadlinePassed = Atomic<Bool>(false)
    /// Microseconds on the clock deadlines are on; read from FFmpeg's blocking calls, so it must not block.
    private let now: @Sendable () -> Int64

    /// A flag whose deadlines are on `now` (microseconds, any origin); `nil` for `av_gettime_relative()`, the
    /// monotonic clock FFmpeg itself uses.
    init(now: (@Sendable () -> Int64)? = nil) {
        if let now {
            // The deadline 0 means "none", so the clock starts above it.
            self.now = { 1 + now() }
        } else {
            self.now = { av_gettime_relative() }
        }
    }

    /// Aborts the current and every later blocking call.
    func raise() { raised.store(true, ordering: .relaxed) }
    /// Whether ``raise()`` was called.
    var isRaised: Bool { raised.load(ordering: .relaxed) }

    /// Aborts blocking calls that are still running `seconds` from now.
    func arm(seconds: Double) {
        deadlinePassed.store(false, ordering: .relaxed)
        deadline.store(now() + Int64(seconds * 1_000_000), ordering: .relaxed)
    }

    /// Removes the deadline.
    func disarm() { deadline.store(0, ordering: .relaxed) }

    /// Whether the armed deadline has passed (or aborted a call since it was armed).
    ///
    /// The protocol's own socket timeout has the same length but starts a little later, so a call that
    /// failed on it also finds the deadline passed: both causes read as one timeout.
    var didTimeOut: Bool {
        if deadlinePassed.load(ordering: .relaxed) { return true }
        let due = deadline.load(ordering: .relaxed)
        return due != 0 && now() > due
    }

    /// Called by FFmpeg, possibly many times a second.
    fileprivate func shouldAbort() -> Bool {
        if raised.load(ordering: .relaxed) { return true }
        let due = deadline.load(ordering: .relaxed)
        if due != 0 && now() > due {
            deadlinePassed.store(true, ordering: .relaxed)
            return true
        }
        return false
    }

    /// The C callback record pointing at this flag; valid while `self` is alive.
    var callback: AVIOInterruptCB {
        AVIOInterruptCB(
            callback: { opaque in
                guard let opaque else { return 0 }
                return Unmanaged<Interrupt>.fromOpaque(opaque).takeUnretainedValue().shouldAbort() ? 1 : 0
            },
            opaque: Unmanaged.passUnretained(self).toOpaque()
        )
    }
}
