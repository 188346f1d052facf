import Foundation

extension GroupConfig {
    /// The cameras whose url ends in the file name `file`: the camera(s) a labelled clip of that name is scanned as.
    public func cameras(forClipFile file: String) -> [CameraConfig] {
        cameras.filter { URL(fileURLWithPath: $0.url).lastPathComponent == file }
    }

    /// The camera every camera of the group amounts to for scanning a clip, or `nil` when they differ.
    ///
    /// Cameras amount to the same when their rules and their analysis overrides (`analysis_fps`,
    /// `analysis_width`, `keyframes_only`) are equal; name, url and location do not change what a scan finds.
    /// The first camera stands for all of them.
    public var sharedRulesCamera: CameraConfig? {
        guard let first = cameras.first else { return nil }
        let same = cameras.allSatisfy {
            $0.rules == first.rules && $0.analysisFPS == first.analysisFPS && $0.analysisWidth == first.analysisWidth
                && $0.keyframesOnly == first.keyframesOnly && $0.decode == first.decode
        }
        return same ? first : nil
    }

    /// A camera for a labelled clip that no camera of the group names: `template` with an id made from `file`.
    ///
    /// The id is the file name without its extension, lowercased, with each run of characters outside
    /// `[a-z0-9]` turned into one `-` and cut to the 64 characters camera ids allow (`Night Bag_2.rain.mp4` →
    /// `night-bag-2-rain`); when that id is in `taken`, `-2`, `-3`, … is appended.
    /// - Parameters:
    ///   - file: the clip's file name.
    ///   - template: the camera whose rules and settings the clip is scanned with (``sharedRulesCamera``).
    ///   - taken: ids already in use (the group's cameras and earlier clips).
    public static func clipCamera(for file: String, like template: CameraConfig, avoiding taken: Set<String>) -> CameraConfig {
        let stem = (file as NSString).deletingPathExtension
        var base = ""
        for scalar in stem.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                base.unicodeScalars.append(scalar)
            } else if !base.isEmpty && !base.hasSuffix("-") {
                base += "-"
            }
        }
        func fitted(_ id: String, suffix: String) -> String {
            var head = String(id.prefix(64 - suffix.count))
            while head.hasSuffix("-") { head.removeLast() }
            return (head.isEmpty ? "clip" : head) + suffix
        }
        var id = fitted(base, suffix: "")
        var number = 2
        while taken.contains(id) {
            id = fitted(base, suffix: "-\(number)")
            number += 1
        }
        var camera = template
        camera.id = id
        camera.name = file
        camera.url = file
        camera.urlTemplate = file
        return camera
    }
}
