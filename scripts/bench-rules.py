#!/usr/bin/env python3
"""What all rules of a camera cost per analysis frame: `streetwatch detect` over each clip at 320 px wide and
5 fps, every registered rule on one scene model, thread CPU time of the rules only (decoding excluded), the
median of three runs. Prints one markdown row per clip and the median over clips.

Usage: scripts/bench-rules.py STREETWATCH [CLIP ...]   (default: the clips in ../shared/eval, else samples/)
"""
import pathlib
import re
import statistics
import subprocess
import sys

RUNS = 3


def cost(binary: str, clip: pathlib.Path) -> tuple[str, float]:
    """(frame size, median µs per frame) of the rules on `clip`."""
    samples, size = [], "?"
    for _ in range(RUNS):
        out = subprocess.run([binary, "detect", str(clip), "--width", "320", "--fps", "5", "--starts-only"],
                             check=True, capture_output=True, text=True).stdout
        match = re.search(r"(\d+) frames of (\d+x\d+); rules \[.*\] took (\d+) µs CPU per frame", out)
        if not match:
            sys.exit(f"bench-rules: no cost line from detect on {clip}:\n{out}")
        size = match.group(2)
        samples.append(float(match.group(3)))
    return size, statistics.median(samples)


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    root = pathlib.Path(__file__).resolve().parent.parent
    clips = [pathlib.Path(c) for c in sys.argv[2:]]
    if not clips:
        shared = root.parent / "shared" / "eval"
        clips = sorted(shared.glob("*.avi")) + sorted(shared.glob("*.mp4")) or sorted((root / "samples").glob("*.mp4"))
    print("| clip | analysis frame | all rules, µs CPU per frame (median of 3) |")
    print("|---|---|---:|")
    costs = []
    for clip in clips:
        size, micros = cost(binary, clip)
        costs.append(micros)
        print(f"| {clip.name} | {size} | {micros:.0f} |")
    print(f"| **median over clips** | | **{statistics.median(costs):.0f}** |")


if __name__ == "__main__":
    main()
