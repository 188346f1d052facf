#!/usr/bin/python3
"""Labelled variants of the evaluation clips: the same scenes under light, noise, compression, frame-rate,
shake and dwell-length changes, so that `make eval` shows which condition a rule setting breaks under.

    scripts/make-variants.py LABELS [--clips DIR] [--out DIR] [--families a,b,...] [--jobs N]

LABELS is a label file (format 1, see ../shared/eval/README.md); its clips are read from --clips (default: the
label file's folder). Every clip gets one variant per family below, written as OUT/<stem>.<family>.mp4
(default OUT: .build/eval-variants in the repository; never commit these, the sources' licences forbid it), and
OUT/labels.json lists them in the same format, each clip entry with two more fields: "family" (below) and
"source" (the original file name). Event ids get ".<family>" appended so that they stay unique in the file.
Labels are carried over unchanged (boxes, frame_size, times) except where a family moves them: fps5 sets fps
to 5, long-dwell shifts times after its loop. The shake (at most 3 px) is small against the 25 % box growth of
the matching rule, so boxes stay as they are.

A variant is made again only when it is missing or older than this script or its source; one line is printed
per variant made. Output is deterministic: fixed noise seeds, one thread everywhere, bit-exact muxing, so a
rerun writes the same bytes.

FAMILIES is the documentation of what each variant is: the exact ffmpeg filter, with {placeholders} that
`parameters()` fills in per clip (times in seconds of the source). "the dwell" is the first event's
[placed_at, end], or, in a clip without events, [0, duration].
"""
import argparse
import concurrent.futures
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.abspath(__file__)


@dataclass(frozen=True)
class Family:
    summary: str
    # A -filter_complex graph from [0:v] (and, for long-dwell, [1:v]...) to [out].
    graph: str
    # libx264 constant rate factor.
    crf: int = 23
    # Only for clips with a labelled event.
    needs_event: bool = False


# eq with contrast=G and brightness=(G-1)/2 is a pure gain on luma: y' = G·(y - 0.5) + 0.5 + (G - 1)/2 = G·y.
# eval=frame makes eq evaluate G at every frame's time t.
FAMILIES = {
    "exposure-jump": Family(
        "exposure steps up ×1.35 at {jump} s (a quarter into the dwell), then darkens slowly to ×0.75 over "
        "{ramp_from}-{ramp_to} s: the reported failure (found in the original, missed with a jump + slow darkening)",
        "[0:v]eq=eval=frame"
        ":contrast='if(lt(t,{jump}),1,1.35-0.6*clip((t-{ramp_from})/{ramp_len},0,1))'"
        ":brightness='(if(lt(t,{jump}),1,1.35-0.6*clip((t-{ramp_from})/{ramp_len},0,1))-1)/2'"
        ",format=yuv420p[out]"),
    "ramp": Family(
        "camera auto-gain drift: luma gain falls linearly from 1.0 to 0.6 over the whole clip",
        "[0:v]eq=eval=frame:contrast='1-0.4*t/{duration}':brightness='-0.2*t/{duration}',format=yuv420p[out]"),
    "night-ir": Family(
        "infrared night picture: gray, luma ×0.35 around a black floor of ~10, slight blur, strong temporal noise",
        "[0:v]format=gray,eq=contrast=0.35:brightness=-0.285,gblur=sigma=0.7,"
        "noise=alls=20:allf=t:all_seed=4242,format=yuv420p[out]"),
    "compression": Family(
        "a starved encoder: the same frames at libx264 crf 44 (heavy blocking, smeared detail)",
        "[0:v]format=yuv420p[out]",
        crf=44),
    "fps5": Family(
        "the clip at 5 frames per second (a camera's sub-stream)",
        "[0:v]fps=5,format=yuv420p[out]"),
    "shake": Family(
        "camera shake: every frame moved by up to 3 px, a slow sway plus a per-frame jitter (pseudo-random "
        "from the frame number, so deterministic); the 3 px edge left uncovered repeats the border pixels",
        "[0:v]crop=w=iw-6:h=ih-6:exact=1"
        ":x='3+clip(round(1.6*sin(n*0.27)+1.2*sin(n*12.9898)),-3,3)'"
        ":y='3+clip(round(1.4*sin(n*0.19+1)+1.0*sin(n*78.233)),-3,3)',"
        "pad=w=iw+6:h=ih+6:x=3:y=3,fillborders=left=3:right=3:top=3:bottom=3:mode=smear,format=yuv420p[out]"),
    "rain": Family(
        "rain: short bright vertical streaks 2 px wide, new every frame (about 0.2 % of pixels seed one), over "
        "strong uniform temporal luma noise (±18)",
        "color=c=black:s={half_width}x{half_height}:r={rate}:d={streak_seconds},format=yuv420p,"
        "noise=c0s=100:c0f=t+u:c0_seed=1717,lutyuv=y='if(gt(val,64),255,16)':u=128:v=128,"
        "scale={width}:{height}:flags=neighbor,gblur=sigma=0.3:sigmaV=4:planes=1,"
        "lutyuv=y='clip(16+(val-16)*6,16,235)'[streaks];"
        "[0:v]format=yuv420p,noise=c0s=36:c0f=t+u:c0_seed=2323[noisy];"
        "[noisy][streaks]blend=c0_mode=lighten:c1_mode=normal:c2_mode=normal:shortest=1[out]"),
    "long-dwell": Family(
        "a minutes-long dwell: the stretch {loop_from}-{loop_to} s (the owner gone 2 s, as labels tell, to the "
        "end of the event) played {loops} more times, so the dwell lasts ~3 min; times after {loop_to} s shift by "
        "{shift} s. Each input i >= 1 is `-ss {loop_from} -t {loop_len} -i SOURCE`, input 0 is `-t {loop_to}`",
        "{concat_inputs}concat=n={segments}:v=1:a=0,format=yuv420p[out]",
        needs_event=True),
}

# Shared encoder settings: small and fast to make; one thread and bit-exact muxing so reruns give the same bytes.
# The rate cap is a camera stream's: without it the temporal noise of night-ir and rain costs ~9 Mbit/s at crf 23
# (140 MB for one 140 s clip); under it the encoder smears some of that noise away, as a real camera's would.
ENCODE = ["-c:v", "libx264", "-preset", "veryfast", "-maxrate", "1500k", "-bufsize", "3000k", "-pix_fmt", "yuv420p", "-an",
          "-fflags", "+bitexact", "-flags", "+bitexact", "-map_metadata", "-1", "-x264-params", "no-info=1"]
# How long the long-dwell family makes the dwell (placed_at to end).
LONG_DWELL_SECONDS = 180.0
# The owner has gone as labels tell, plus this margin, before the looped stretch starts.
LONG_DWELL_MARGIN = 2.0


def probe(path):
    """(frame rate as ffprobe writes it, e.g. "2997/100"; duration in seconds)."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=r_frame_rate:format=duration", "-of", "json", path],
                         check=True, capture_output=True, text=True).stdout
    info = json.loads(out)
    return info["streams"][0]["r_frame_rate"], float(info["format"]["duration"])


def seconds(value):
    return f"{value:.3f}".rstrip("0").rstrip(".")


def parameters(clip, rate, probed_duration):
    """The placeholders of FAMILIES for one clip."""
    duration = clip.get("duration") or probed_duration
    events = clip.get("events", [])
    dwell_from, dwell_to = (events[0]["placed_at"], events[0]["end"]) if events else (0.0, duration)
    jump = dwell_from + 0.25 * (dwell_to - dwell_from)
    ramp_from = jump + 3
    ramp_len = max(1.0, min(20.0, dwell_to - ramp_from))
    width, height = clip["frame_size"]
    p = {"width": width, "height": height, "half_width": width // 2, "half_height": height // 2, "rate": rate,
         "duration": seconds(duration), "streak_seconds": seconds(probed_duration + 1), "jump": seconds(jump), "ramp_from": seconds(ramp_from),
         "ramp_to": seconds(ramp_from + ramp_len), "ramp_len": seconds(ramp_len)}
    if events:
        first = events[0]
        loop_from = max(first["placed_at"], first.get("unattended_from") or first["placed_at"]) + LONG_DWELL_MARGIN
        loop_to = first["end"]
        loop_len = loop_to - loop_from
        if loop_len > 1:
            loops = max(1, round((LONG_DWELL_SECONDS - (first["end"] - first["placed_at"])) / loop_len))
            p.update(loop_from=seconds(loop_from), loop_to=seconds(loop_to), loop_len=seconds(loop_len), loops=loops,
                     shift=seconds(loops * loop_len), segments=loops + 1,
                     concat_inputs="".join(f"[{i}:v]setpts=PTS-STARTPTS[s{i}];" for i in range(loops + 1))
                     + "".join(f"[s{i}]" for i in range(loops + 1)))
    return p


def variant_labels(clip, family, file_name, p):
    """The label entry of one variant: the source's, with times moved where the family moves them."""
    entry = {"file": file_name, "family": family, "source": clip["file"], "frame_size": clip["frame_size"]}
    if "fps" in clip:
        entry["fps"] = clip["fps"]
    if "duration" in clip:
        entry["duration"] = clip["duration"]
    if "scene" in clip:
        entry["scene"] = clip["scene"]
    entry["variant"] = FAMILIES[family].summary.format(**p)
    events = [dict(e, id=f"{e['id']}.{family}") for e in clip.get("events", [])]
    if family == "fps5":
        entry["fps"] = 5
    elif family == "long-dwell":
        loop_to, shift = float(p["loop_to"]), float(p["shift"])
        # A time at or after the loop's end happens `shift` later; the looped event's own end is the loop's end.
        for e in events:
            for key in ("placed_at", "unattended_from", "end"):
                if e.get(key) is not None and e[key] >= loop_to:
                    e[key] = round(e[key] + shift, 3)
        if "duration" in entry:
            entry["duration"] = round(entry["duration"] + shift, 3)
    entry["events"] = events
    return entry


def command(source, family, p, output):
    spec = FAMILIES[family]
    inputs = ["-i", source]
    if family == "long-dwell":
        inputs = ["-t", p["loop_to"], "-i", source]
        for _ in range(p["loops"]):
            inputs += ["-ss", p["loop_from"], "-t", p["loop_len"], "-i", source]
    return (["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-threads", "1", "-filter_threads", "1",
             "-filter_complex_threads", "1"] + inputs
            + ["-filter_complex", spec.graph.format(**p), "-map", "[out]"]
            + ENCODE + ["-threads", "1", "-crf", str(spec.crf), "-f", "mp4", output])


def is_fresh(output, source):
    if not os.path.exists(output):
        return False
    made = os.path.getmtime(output)
    return made > os.path.getmtime(SCRIPT) and made > os.path.getmtime(source)


def make(job):
    source, family, p, output = job
    partial = output + ".partial"
    started = time.monotonic()
    result = subprocess.run(command(source, family, p, partial), capture_output=True, text=True)
    if result.returncode != 0:
        if os.path.exists(partial):
            os.remove(partial)
        return f"FAILED {os.path.basename(output)}: {result.stderr.strip()}"
    os.replace(partial, output)
    return f"made {os.path.basename(output)} ({family} of {os.path.basename(source)}) in {time.monotonic() - started:.1f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labels", help="label file (format 1)")
    parser.add_argument("--clips", help="folder of the clips (default: the label file's folder)")
    parser.add_argument("--out", default=os.path.join(ROOT, ".build", "eval-variants"), help="output folder")
    parser.add_argument("--families", default=",".join(FAMILIES), help="comma-separated subset of: " + ", ".join(FAMILIES))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="ffmpeg processes at once")
    args = parser.parse_args()

    families = [f for f in args.families.split(",") if f]
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        sys.exit(f"make-variants: unknown famil{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)}; "
                 f"known: {', '.join(FAMILIES)}")
    with open(args.labels) as f:
        labels = json.load(f)
    if labels.get("format") != 1:
        sys.exit(f"make-variants: {args.labels}: format {labels.get('format')} is not supported (only 1)")
    clips_dir = args.clips or os.path.dirname(os.path.abspath(args.labels))
    os.makedirs(args.out, exist_ok=True)

    entries, jobs, fresh = [], [], 0
    for clip in labels["clips"]:
        source = os.path.join(clips_dir, clip["file"])
        if not os.path.exists(source):
            sys.exit(f"make-variants: {clip['file']}: not found in {clips_dir}")
        rate, probed_duration = probe(source)
        p = parameters(clip, rate, probed_duration)
        stem = os.path.splitext(clip["file"])[0]
        for family in families:
            if FAMILIES[family].needs_event and "loops" not in p:
                continue
            name = f"{stem}.{family}.mp4"
            output = os.path.join(args.out, name)
            entries.append(variant_labels(clip, family, name, p))
            if is_fresh(output, source):
                fresh += 1
            else:
                jobs.append((source, family, p, output))

    started = time.monotonic()
    failed = False
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for line in pool.map(make, jobs):
            print(line, flush=True)
            failed = failed or line.startswith("FAILED")

    out_labels = {
        "format": 1,
        "description": f"Variants of the clips of {os.path.abspath(args.labels)}, made by scripts/make-variants.py; "
                       "times are seconds from the start of the variant, boxes pixels of its decoded frame.",
        "clips": entries,
    }
    with open(os.path.join(args.out, "labels.json.partial"), "w") as f:
        json.dump(out_labels, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(os.path.join(args.out, "labels.json.partial"), os.path.join(args.out, "labels.json"))
    print(f"{len(jobs)} variant(s) made in {time.monotonic() - started:.0f} s, {fresh} up to date; "
          f"labels in {os.path.join(args.out, 'labels.json')}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
