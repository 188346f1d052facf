#!/bin/sh
# Benchmark (not a test): CPU seconds per video second of FrameIngest (decode + scale to 320-wide gray)
# next to the ffmpeg CLI doing the same work on the same 1080p25 clip, full and keyframe-only.
# Usage: scripts/bench-ingest.sh STREETWATCH_BINARY [CLIP] [RUNS]
set -eu
binary=${1:?usage: scripts/bench-ingest.sh STREETWATCH_BINARY [CLIP] [RUNS]}
clip=${2:-.build-bench/bench_1080p25.mp4}
runs=${3:-3}
[ -e "$clip" ] || scripts/make-bench-clip.sh "$clip" >/dev/null
exec /usr/bin/python3 - "$binary" "$clip" "$runs" <<'PY'
import os, platform, resource, subprocess, sys

binary, clip, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])

def video_seconds():
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", clip],
                         check=True, capture_output=True, text=True).stdout
    return float(out)

def cpu_seconds(argv):
    """Median over `runs` of user+system CPU seconds of one child process."""
    samples = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        samples.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    samples.sort()
    return samples[len(samples) // 2]

seconds = video_seconds()
scale = "scale=320:-2:flags=bilinear,format=gray"
ffmpeg = ["ffmpeg", "-nostdin", "-v", "error", "-threads", "1"]
rows = [
    ("full decode, every frame scaled",
     ffmpeg + ["-i", clip, "-filter_threads", "1", "-vf", scale, "-f", "null", "-"],
     [binary, "decode", clip, "--width", "320", "--fps", "all"]),
    ("keyframes only, every keyframe scaled",
     ffmpeg + ["-skip_frame", "nokey", "-i", clip, "-filter_threads", "1", "-vf", scale, "-f", "null", "-"],
     [binary, "decode", clip, "--width", "320", "--fps", "all", "--keyframes-only"]),
    ("full decode, 5 fps scaled (analysis rate)",
     ffmpeg + ["-i", clip, "-filter_threads", "1", "-vf", "fps=5," + scale, "-f", "null", "-"],
     [binary, "decode", clip, "--width", "320", "--fps", "5"]),
]
print(f"clip: {clip} ({seconds:.1f} s of video); median of {runs} runs; "
      f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
print(f"{'mode':44} {'ffmpeg CPU-s/s':>15} {'FrameIngest CPU-s/s':>20} {'ratio':>7}")
for name, reference, ours in rows:
    a = cpu_seconds(reference) / seconds
    b = cpu_seconds(ours) / seconds
    print(f"{name:44} {a:15.4f} {b:20.4f} {b / a:7.3f}")
PY
