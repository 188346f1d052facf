#!/usr/bin/python3
"""Synthetic vending scenes (and their negatives) drawn on real camera backgrounds, with ground truth.

    scripts/make-vending-scenes.py ../shared/eval --out .build/eval-vending [--only NAME[,NAME]] [--force]

No real clip shows street vending (see ../shared/eval/README.md), and the all-synthetic samples/street-vending.mp4
has a flat textured-gray street that no background model finds hard. This script puts simple synthetic objects
(a market stall, its vendor, customers, a standing person, a car) on real footage from the eval folder, so that
sensor noise, compression artefacts, real walkers, small real motions and real ground texture stay. It writes the
clips and a `labels.json` (format 1, as ../shared/eval/labels.json; each clip also has `"family":
"synthetic-vending"` and `"source"`, the background clip's file name) into the output folder. The eval clips
themselves are only read: outputs go under .build/ and are never committed (the footage's terms forbid it).

Backgrounds (a "ping-pong" loop: a stretch of real footage played forwards then backwards, repeated, so the loop
has no seam where something jumps; real walkers in it then walk backwards half the time, which a detector
cannot tell from walking forwards). Each is made once into OUT/bg/NAME-pingpong.mkv (x264 crf 12, 10 fps) and
read with `-stream_loop -1`:
  aboda4   aboda_video4_abandoned_bag.avi 2.6-8.8 s (720x480): the sidewalk by the painted utility cabinet before
           the man arrives (he enters at ~9.2 s); nobody in the picture, only small real motions and noise.
  pets09   pets2009_s2l1_view001_vtest.avi 0-79.5 s (768x576): the campus crossroads, 3-8 real walkers at all
           times (the passers-by of these scenes). Its loop is 159 s long, so a clip repeats it less than twice;
           reversing it holds the 795 frames in memory (~0.6 GB, once).
  carpark  pets2001_ds3_cam1_carpark.mp4 0.5-16.5 s (320x240): the car park while the light is steady (the
           clouds dim it from ~17 s on), two real walkers.

Scenes (10 fps, the background's frame size; times in seconds):
  stall-with-vendor-{aboda4,pets09}  240 s. A market stall (awning stripes, goods as blocks of varied gray on
      the counter, a body, wheels in the side view) is wheeled in by its vendor 10-20 s, stands 20-215 s
      (3 min 15 s), is wheeled out 215-225 s. The vendor (a darker person-sized box) moves about beside it all
      the time (sums of slow sines), steps away 1-1.5 m and back three times; four customers each walk up, stop
      8-14 s at the stall and walk off. On aboda4 (an empty stretch) synthetic passers-by cross the sidewalk in
      every scene; on pets09 and carpark the real walkers are the passers-by.
      Label: one `vending` event, placed_at 20 (the stall stops), end 225 (out of the frame), box = the stall
      plus every position the vendor takes while the stall stands.
      Why: a stall with its vendor was once reported as dumping (a new static object) instead of vending.
  stall-alone-{aboda4,pets09}  240 s. The same stall is wheeled in 10-20 s and its vendor walks off out of the
      frame 20-30 s; the stall stands alone to the end of the clip (220 s). Label: one `vending` event, placed_at
      20, end 240, box = the stall. A stall occupying the sidewalk is vending even unattended: it must NOT be
      labelled (or reported) as dumping, although it looks like a large left object.
  person-standing-30s-{aboda4,pets09}  180 s. A person-sized box walks in 60-70 s, stands still (a 1-2 px sway)
      70-100 s and walks off 100-110 s. No events. Why: a traveller standing 30 s by his suitcase once became a
      vending case: a person standing a while is neither vending nor dumping.
  car-parked-2min-carpark  180 s. A car-sized box (top-down-ish body, a darker windscreen band, a lighter roof)
      drives in along the road 20-30 s, parks by the parked row 30-150 s and drives off to the left 150-158 s.
      No events: a parked car is neither vending nor dumping.

Filter graph of a clip (one `-filter_complex`, all with -threads 1):
    [0:v] (the ping-pong background, -stream_loop -1) settb=1/10,setpts=N,trim=end_frame=N  -> [bg]
    color=C:s=WxH:r=10:d=D, drawbox ... (static texture inside the object), noise=c0s=..:allf=t -> [stall]
    color=... -> [vendor], [c1] ... [cK]               (person boxes: body, a lighter head, darker legs)
    [bg][stall]overlay=x='EXPR(t)':y='EXPR(t)' -> [v1]; [v1][vendor]overlay=... -> [v2]; ... ; format=yuv420p
Moving things are `color` sources laid on by `overlay`, whose x/y expressions are evaluated per frame (drawbox in
FFmpeg 5.1 evaluates its position once). Each path is a `Track`: piecewise-linear key positions plus windowed
sines ("wiggles") and out-and-back "bumps"; the same Track gives the ffmpeg expression and, evaluated here in
Python for every frame (overlay rounds x/y down to even pixels for yuv420p, mirrored here), the label boxes.
Objects differ from the ground by 25-60 gray levels (the ground's level is written beside each palette; measured
on the made clips, the mean |object - empty ground| over the object's box: stall 34 (aboda4) / 44 (pets09), car
53, standing person 49 / 50), with temporal noise of their own so that they are not flat. Real walkers on pets09
pass "behind" the stall (it is drawn over them): they vanish at its edge as if occluded.

Encoding: libx264 -preset veryfast -crf 23, GOP 20, no B-frames, yuv420p, bit-exact flags, -threads 1: a rerun
gives the same bytes. A clip (or background) whose file is newer than this script is not made again; --force
remakes them. labels.json is rewritten every run.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import time

FPS = 10
FAMILY = "synthetic-vending"

X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "20", "-keyint_min", "20",
        "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p"]
BITEXACT = ["-fflags", "+bitexact", "-flags", "+bitexact", "-map_metadata", "-1", "-x264-params", "no-info=1"]
FFMPEG = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-threads", "1",
          "-filter_complex_threads", "1"]


def num(v):
    """A number for an ffmpeg expression: short, no exponent."""
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def rgb_for_luma(y, tint=(0, 0, 0)):
    """Hex RGB whose BT.601 limited-range luma (what `color` writes into yuv420p) is about y, tinted."""
    g = (y - 16) / 0.8588
    r, gg, b = (max(0, min(255, round(g + d))) for d in tint)
    # re-centre so that the tint does not move the luma
    off = g - (0.299 * r + 0.587 * gg + 0.114 * b)
    r, gg, b = (max(0, min(255, round(c + off))) for c in (r, gg, b))
    return f"0x{r:02x}{gg:02x}{b:02x}"


# --------------------------------------------------------------------------------------------------- motion

class Track:
    """A path: keys [(t, x, y)] joined linearly (held before the first and after the last), plus
    wiggles [(t0, t1, ax, ay, w, phase)] adding (ax, ay)*sin(w*t+phase) on [t0, t1] and
    bumps [(a, b, dx, dy)] adding (dx, dy)*(1-cos(2*pi*(t-a)/(b-a)))/2 on [a, b] (out and back)."""

    def __init__(self, keys, wiggles=(), bumps=()):
        self.keys = list(keys)
        self.wiggles = list(wiggles)
        self.bumps = list(bumps)
        assert all(a[0] < b[0] for a, b in zip(self.keys, self.keys[1:])), keys

    def _lin_expr(self, i):
        ks = self.keys
        expr = num(ks[-1][1 + i])
        for (t0, *p0), (t1, *p1) in reversed(list(zip(ks, ks[1:]))):
            v0, v1 = p0[i], p1[i]
            seg = num(v0) if v0 == v1 else f"{num(v0)}+(t-{num(t0)})*{num((v1 - v0) / (t1 - t0))}"
            expr = f"if(lt(t,{num(t1)}),{seg},{expr})"
        return f"if(lt(t,{num(ks[0][0])}),{num(ks[0][1 + i])},{expr})"

    def expr(self, i):
        parts = [self._lin_expr(i)]
        for t0, t1, ax, ay, w, ph in self.wiggles:
            a = (ax, ay)[i]
            if a:
                parts.append(f"{num(a)}*sin({num(w)}*t+{num(ph)})*between(t,{num(t0)},{num(t1)})")
        for a, b, dx, dy in self.bumps:
            d = (dx, dy)[i]
            if d:
                parts.append(f"{num(d / 2)}*(1-cos({num(2 * math.pi / (b - a))}*(t-{num(a)})))"
                             f"*between(t,{num(a)},{num(b)})")
        return "".join(p if i == 0 or p.startswith("-") else "+" + p for i, p in enumerate(parts))

    def at(self, t):
        ks = self.keys
        if t < ks[0][0]:
            x, y = ks[0][1], ks[0][2]
        else:
            x, y = ks[-1][1], ks[-1][2]
            for (t0, x0, y0), (t1, x1, y1) in zip(ks, ks[1:]):
                if t < t1:
                    x = x0 + (t - t0) * (x1 - x0) / (t1 - t0)
                    y = y0 + (t - t0) * (y1 - y0) / (t1 - t0)
                    break
        for t0, t1, ax, ay, w, ph in self.wiggles:
            if t0 <= t <= t1:
                x += ax * math.sin(w * t + ph)
                y += ay * math.sin(w * t + ph)
        for a, b, dx, dy in self.bumps:
            if a <= t <= b:
                f = (1 - math.cos(2 * math.pi / (b - a) * (t - a))) / 2
                x += dx * f
                y += dy * f
        return x, y

    def pixel(self, t):
        """Where overlay puts the top-left corner: the value truncated, then rounded down to even (yuv420p)."""
        x, y = self.at(t)
        return int(x) & ~1, int(y) & ~1


class Thing:
    """A drawn object: a `color` source of size w x h with static drawbox texture, moved by a Track."""

    def __init__(self, name, w, h, color, boxes, track, noise=6):
        self.name, self.w, self.h, self.color, self.boxes, self.track, self.noise = \
            name, w, h, color, boxes, track, noise

    def source(self, duration):
        chain = [f"color=c={self.color}:s={self.w}x{self.h}:r={FPS}:d={num(duration)}"]
        for x, y, w, h, c in self.boxes:
            chain.append(f"drawbox=x={x}:y={y}:w={w}:h={h}:c={c}:t=fill")
        chain.append(f"noise=c0s={self.noise}:c0f=t:c1s=2:c1f=t:c2s=2:c2f=t")
        return ",".join(chain) + f"[{self.name}]"

    def box_over(self, t0, t1):
        """[x0, y0, x1, y1] enclosing the object at every frame time in [t0, t1]."""
        xs, ys = [], []
        for n in range(int(math.ceil(t0 * FPS - 1e-9)), int(math.floor(t1 * FPS + 1e-9)) + 1):
            x, y = self.track.pixel(n / FPS)
            xs.append(x)
            ys.append(y)
        return [min(xs), min(ys), max(xs) + self.w, max(ys) + self.h]


def union(*boxes):
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


def clip_box(box, size):
    return [max(0, box[0]), max(0, box[1]), min(size[0], box[2]), min(size[1], box[3])]


# ---------------------------------------------------------------------------------------------- appearance

def stall_boxes(w, h, pal, awning_frac, side_view, seed):
    """Texture of a market stall in its own w x h picture: an awning with stripes on top, a counter with goods
    (small blocks of varied gray), the body below, and (side view) two wheels."""
    rnd = random.Random(seed)
    boxes = []
    ah = round(h * awning_frac)
    stripe = max(6, w // 9)
    boxes.append((0, 0, w, ah, pal["awning_a"]))
    for x in range(stripe, w, 2 * stripe):
        boxes.append((x, 0, min(stripe, w - x), ah, pal["awning_b"]))
    boxes.append((0, ah - 3, w, 3, pal["edge"]))                     # awning's lower hem
    ch = round(h * (0.22 if side_view else 0.25))                   # counter with goods
    cy = ah + 2
    boxes.append((0, cy, w, ch, pal["counter"]))
    x = 3
    while x < w - 8:
        bw = rnd.randint(max(5, w // 16), max(8, w // 8))
        bh = rnd.randint(max(4, ch // 2), max(5, ch - 4))
        bw = min(bw, w - 3 - x)
        boxes.append((x, cy + ch - bh - 1, bw, bh, rgb_for_luma(rnd.choice(pal["goods"]), (rnd.randint(-20, 20), 0, rnd.randint(-20, 20)))))
        x += bw + rnd.randint(1, 4)
    by = cy + ch
    boxes.append((4, by + (h - by) // 2, w - 8, 2, pal["edge"]))     # a panel line on the body
    if side_view:
        wr = max(6, h // 9)
        for wx in (w // 6, w - w // 6 - wr):
            boxes.append((wx, h - wr, wr, wr, pal["wheel"]))
    return boxes


def person_boxes(w, h, head, legs):
    hw, hh = max(4, w // 2), max(5, h // 6)
    return [((w - hw) // 2, 0, hw, hh, head), (0, h - h // 3, w, h // 3, legs)]


def car_boxes(w, h, pal):
    """A car seen from above and a little from the side, driving left: a lighter roof, a dark windscreen band
    in front of it, a dark rear window behind it."""
    return [(w * 3 // 10, 1, w * 4 // 10, h - 2, pal["roof"]),
            (w * 2 // 10, 1, max(3, w // 9), h - 2, pal["windscreen"]),
            (w * 7 // 10, 2, max(2, w // 14), h - 4, pal["windscreen"])]


# ------------------------------------------------------------------------------------------- backgrounds

BACKGROUNDS = {
    "aboda4": {
        "file": "aboda_video4_abandoned_bag.avi", "size": (720, 480), "start": 2.6, "end": 8.8,
        "note": "sidewalk by a painted utility cabinet, seen from high above (before the ABODA man arrives)",
        # ground Y ~113 where the stall stands (paving tiles 92-137)
        "palette": {
            "awning_a": rgb_for_luma(165, (28, -10, -18)), "awning_b": rgb_for_luma(140, (-6, 0, 16)),
            "edge": rgb_for_luma(70), "counter": rgb_for_luma(88, (10, 0, -10)), "body": rgb_for_luma(80, (0, 0, 20)),
            "goods": [60, 75, 95, 110, 140, 160], "wheel": rgb_for_luma(40),
            "vendor": rgb_for_luma(66, (0, 0, 15)), "head": rgb_for_luma(118, (30, 5, -20)),
            "legs": rgb_for_luma(50), "stander": rgb_for_luma(90, (10, 0, -5)),  # ground ~137 where he stands
            "stander_legs": rgb_for_luma(78),
            "people": [rgb_for_luma(y, (d, 0, -d)) for y, d in ((74, 10), (88, -10), (62, 0), (150, 20), (80, 0))],
        },
    },
    "pets09": {
        "file": "pets2009_s2l1_view001_vtest.avi", "size": (768, 576), "start": 0.0, "end": 79.5,
        "note": "campus crossroads with real walkers, seen obliquely from a building",
        # ground Y ~172-186 where the stall stands (light concrete)
        "palette": {
            "awning_a": rgb_for_luma(140, (32, -10, -22)), "awning_b": rgb_for_luma(205, (5, 0, -10)),
            "edge": rgb_for_luma(95), "counter": rgb_for_luma(150, (10, 0, -10)), "body": rgb_for_luma(142, (0, 5, 25)),
            "goods": [90, 110, 130, 150, 175, 200], "wheel": rgb_for_luma(60),
            "vendor": rgb_for_luma(122, (0, 0, 10)), "head": rgb_for_luma(160, (30, 5, -20)),
            "legs": rgb_for_luma(104), "stander": rgb_for_luma(145, (0, 0, 10)),  # ground ~190 where he stands
            "stander_legs": rgb_for_luma(132),
            "people": [rgb_for_luma(y, (d, 0, -d)) for y, d in ((128, 10), (140, -10), (120, 0), (150, 20))],
        },
    },
    "carpark": {
        "file": "pets2001_ds3_cam1_carpark.mp4", "size": (320, 240), "start": 0.5, "end": 16.5,
        "note": "university car park in steady sunlight, two real walkers",
        # road Y ~152
        "palette": {"car": rgb_for_luma(106, (-10, -5, 25)), "roof": rgb_for_luma(122, (-10, -5, 25)),
                    "windscreen": rgb_for_luma(66)},
    },
}


def need(out, script_mtime, force):
    return force or not (os.path.exists(out) and os.path.getmtime(out) > script_mtime)


def make_background(name, eval_dir, out_dir, script_mtime, force):
    """OUT/bg/NAME-pingpong.mkv: the stretch at 10 fps forwards, then backwards. `reverse` holds the whole
    stretch in memory (pets09: 795 frames, ~0.6 GB for ~15 s; reversing it in chunks inside one ffmpeg does not
    help, ffmpeg feeds every input at once)."""
    bg = BACKGROUNDS[name]
    out = os.path.join(out_dir, "bg", f"{name}-pingpong.mkv")
    if not need(out, script_mtime, force):
        return out
    os.makedirs(os.path.dirname(out), exist_ok=True)
    src = os.path.join(eval_dir, bg["file"])
    graph = (f"[0:v]trim=start={num(bg['start'])}:end={num(bg['end'])},setpts=PTS-STARTPTS,fps={FPS},"
             f"format=yuv420p,split[f][r];[r]reverse[rr];[f][rr]concat=n=2:v=1:a=0[out]")
    tmp = out + ".tmp.mkv"
    subprocess.run(FFMPEG + ["-i", src, "-filter_complex", graph, "-map", "[out]",
                             "-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-bf", "0",
                             "-pix_fmt", "yuv420p"] + BITEXACT + [tmp], check=True)
    os.replace(tmp, out)
    return out


# ------------------------------------------------------------------------------------------------- scenes

def walker(name, color, head, legs, w, h, t0, t1, p0, p1, bob=1.5):
    """A passer-by walking straight from p0 to p1 between t0 and t1, off-picture otherwise."""
    return Thing(name, w, h, color, person_boxes(w, h, head, legs),
                 Track([(t0 - 0.1, -1000, -1000), (t0, *p0), (t1, *p1), (t1 + 0.1, -1000, -1000)],
                       wiggles=[(t0, t1, 0, bob, 9.0, 0)]), noise=6)


def customer(name, color, head, legs, w, h, t_in, t_stop, t_go, t_out, p_from, p_stop, p_to):
    """Walks from p_from to p_stop (t_in..t_stop), stands there shifting a little, walks to p_to (..t_out)."""
    return Thing(name, w, h, color, person_boxes(w, h, head, legs),
                 Track([(t_in - 0.1, -1000, -1000), (t_in, *p_from), (t_stop, *p_stop), (t_go, *p_stop),
                        (t_out, *p_to), (t_out + 0.1, -1000, -1000)],
                       wiggles=[(t_stop, t_go, 2.5, 1.5, 0.9, 0.3)]), noise=6)


def layout(bg_name):
    """Where things go on each background, at that scene's scale (px per metre near the spot)."""
    if bg_name == "aboda4":
        # ~100 px/m near the manhole cover (60 px across); a man is ~45x95 px seen from above. The stall stands
        # on the paving left of the utility cabinet (cabinet from x ~495), wheeled in from the bottom edge.
        return dict(stall=(170, 120), stall_at=(290, 250), stall_from=(290, 500), stall_exit=(290, 500),
                    awning=0.55, side_view=False, person=(44, 92),
                    vendor_side=(-58, 18), vendor_push=(60, 122), step=(-120, 40),
                    wig=(8, 5), stand_spot=(340, 230), walk_from=(330, -100), walk_to=(250, 490))
    if bg_name == "pets09":
        # ~45 px/m on the pavement right of the lamp post; walkers there are ~28x80 px. Wheeled in from the
        # right edge along the pavement.
        return dict(stall=(110, 96), stall_at=(540, 250), stall_from=(780, 262), stall_exit=(780, 262),
                    awning=0.28, side_view=True, person=(28, 80),
                    vendor_side=(116, 14), vendor_push=(114, 14), step=(60, 30),
                    wig=(5, 3), stand_spot=(460, 230), walk_from=(-40, 210), walk_to=(780, 330))
    raise KeyError(bg_name)


def stall_thing(bg_name, L, pal, track):
    w, h = L["stall"]
    return Thing("stall", w, h, pal["body"], stall_boxes(w, h, pal, L["awning"], L["side_view"], seed=12),
                 track, noise=7)


def scene_stall(bg_name, with_vendor):
    bg = BACKGROUNDS[bg_name]
    pal, L = bg["palette"], layout(bg_name)
    D = 240.0
    t_in, t_set, t_pack, t_out = 10.0, 20.0, 215.0, 225.0
    sx, sy = L["stall_at"]
    fx, fy = L["stall_from"]
    ex, ey = L["stall_exit"]
    pw, ph = L["person"]
    stall_keys = [(t_in, fx, fy), (t_set, sx, sy)]
    if with_vendor:
        stall_keys += [(t_pack, sx, sy), (t_out, ex, ey)]
    stall = stall_thing(bg_name, L, pal, Track(stall_keys))
    # the vendor pushes (vendor_push: his offset from the stall's corner while pushing), then stands beside it
    px, py = L["vendor_push"]
    vx, vy = sx + L["vendor_side"][0], sy + L["vendor_side"][1]
    if with_vendor:
        keys = [(t_in, fx + px, fy + py), (t_set, sx + px, sy + py), (t_set + 3, vx, vy),
                (t_pack - 3, vx, vy), (t_pack, sx + px, sy + py), (t_out, ex + px, ey + py),
                (t_out + 0.1, -1000, -1000)]
        wx, wy = L["wig"]
        a, b = t_set + 3, t_pack - 3
        wiggles = [(a, b, wx, 0, 0.71, 0), (a, b, wx * 0.5, 0, 1.9, 1.0), (a, b, 0, wy, 1.13, 0.4),
                   (a, b, 0, wy * 0.5, 2.3, 2.0)]
        sx_, sy_ = L["step"]
        bumps = [(48, 60, sx_, sy_), (104, 114, sx_ * 0.8, -sy_), (158, 172, sx_ * 1.2, sy_ * 0.5)]
        vendor = Thing("vendor", pw, ph, pal["vendor"], person_boxes(pw, ph, pal["head"], pal["legs"]),
                       Track(keys, wiggles, bumps), noise=6)
    else:
        # he leaves it and walks out of the picture
        away = (-80, sy + 40) if bg_name == "aboda4" else (sx + 40, 620)
        keys = [(t_in, fx + px, fy + py), (t_set, sx + px, sy + py), (t_set + 1, sx + px, sy + py),
                (t_set + 10, *away), (t_set + 10.1, -1000, -1000)]
        vendor = Thing("vendor", pw, ph, pal["vendor"], person_boxes(pw, ph, pal["head"], pal["legs"]),
                       Track(keys), noise=6)
    things = [stall, vendor]
    people = pal["people"]
    if with_vendor:
        # customers: walk up, stop 8-14 s at the stall's front corner, walk off
        if bg_name == "aboda4":
            stops = [(sx - 30, sy + 122), (sx + 40, sy + 124), (sx - 20, sy + 118), (sx + 90, sy + 126)]
            froms = [(-60, 420), (200, 500), (sx + 40, -100), (-60, 380)]
            tos = [(200, 500), (-60, 440), (330, 500), (sx - 60, -100)]
        else:
            stops = [(sx - 30, sy + 20), (sx - 26, sy + 30), (sx + 30, sy + 70), (sx - 34, sy + 16)]
            froms = [(-40, 215), (400, 600), (780, 420), (300, 190)]
            tos = [(400, 600), (-40, 220), (-40, 330), (780, 380)]
        times = [(35, 41, 52, 60), (80, 86, 94, 101), (130, 137, 151, 158), (184, 190, 198, 206)]
        for i, ((a, b, c, d), st, fr, to) in enumerate(zip(times, stops, froms, tos)):
            things.append(customer(f"c{i}", people[i % len(people)], pal["head"], pal["legs"], pw, ph,
                                   a, b, c, d, fr, st, to))
    if bg_name == "aboda4":
        things += aboda4_passers(pal, pw, ph, D)
    # label
    placed_box = stall.box_over(t_set, t_pack if with_vendor else D)
    if with_vendor:
        box = union(placed_box, vendor.box_over(t_set + 3, t_pack - 3))
        end = t_out
        ev_id = f"{bg_name}-stall-with-vendor"
    else:
        box, end, ev_id = placed_box, D, f"{bg_name}-stall-alone"
    box = clip_box(box, bg["size"])
    ev = {"id": ev_id, "kind": "vending", "placed_at": t_set, "end": end, "box": box}
    if with_vendor:
        scene = (f"{bg['note']}; a market stall is wheeled in 10-20 s by its vendor, stands 20-215 s with the vendor "
                 f"moving about beside it (stepping away and back three times) and four customers stopping briefly, "
                 f"and is wheeled out 215-225 s")
    else:
        scene = (f"{bg['note']}; a market stall is wheeled in 10-20 s, its vendor walks out of the picture 20-30 s "
                 f"and the stall stands alone to the end (a vending case, NOT dumping)")
    return D, things, [ev], scene


def aboda4_passers(pal, pw, ph, D):
    """A few synthetic passers-by on the (empty) aboda4 sidewalk, walking up or down it."""
    out = []
    plan = [(5, 14, (150, 500), (200, -100)), (66, 76, (420, -100), (150, 500)), (118, 126, (60, 500), (120, -100)),
            (172, 181, (200, -100), (40, 500)), (228, 237, (100, 500), (260, -100))]
    for i, (a, b, p0, p1) in enumerate(plan):
        if b < D:
            out.append(walker(f"w{i}", pal["people"][(i + 2) % len(pal["people"])], pal["head"], pal["legs"],
                              pw, ph, a, b, p0, p1))
    return out


def scene_person(bg_name):
    bg = BACKGROUNDS[bg_name]
    pal, L = bg["palette"], layout(bg_name)
    D = 180.0
    pw, ph = L["person"]
    spot = L["stand_spot"]
    person = Thing("person", pw, ph, pal["stander"], person_boxes(pw, ph, pal["head"], pal["stander_legs"]),
                   Track([(59.9, -1000, -1000), (60, *L["walk_from"]), (70, *spot), (100, *spot), (110, *L["walk_to"]),
                          (110.1, -1000, -1000)],
                         wiggles=[(70, 100, 1.5, 1.2, 0.6, 0), (60, 70, 0, 1.5, 9.0, 0), (100, 110, 0, 1.5, 9.0, 0)]),
                   noise=6)
    things = [person]
    if bg_name == "aboda4":
        things += aboda4_passers(pal, pw, ph, D)
    others = "synthetic passers-by" if bg_name == "aboda4" else "the real walkers"
    scene = (f"{bg['note']}; a person walks in 60-70 s, stands still 70-100 s and walks off 100-110 s; "
             f"apart from {others} nothing else happens")
    return D, things, [], scene


def scene_car(bg_name):
    bg = BACKGROUNDS[bg_name]
    pal = bg["palette"]
    D = 180.0
    # ~12 px/m on the road in front of the parked row (cars there are ~32x17 px, a walker ~12x28 px)
    w, h = 40, 18
    car = Thing("car", w, h, pal["car"], car_boxes(w, h, pal),
                Track([(19.9, -1000, -1000), (20, 330, 190), (30, 152, 150), (150, 152, 150), (158, -50, 142),
                       (158.1, -1000, -1000)]), noise=6)
    scene = (f"{bg['note']}; a car drives in along the road 20-30 s, parks in front of the parked row 30-150 s and "
             f"drives off 150-158 s; nothing is vending or dumping")
    return D, [car], [], scene


SCENES = {
    "stall-with-vendor-aboda4": ("aboda4", lambda: scene_stall("aboda4", True)),
    "stall-with-vendor-pets09": ("pets09", lambda: scene_stall("pets09", True)),
    "stall-alone-aboda4": ("aboda4", lambda: scene_stall("aboda4", False)),
    "stall-alone-pets09": ("pets09", lambda: scene_stall("pets09", False)),
    "person-standing-30s-aboda4": ("aboda4", lambda: scene_person("aboda4")),
    "person-standing-30s-pets09": ("pets09", lambda: scene_person("pets09")),
    "car-parked-2min-carpark": ("carpark", lambda: scene_car("carpark")),
}


def make_clip(out, bg_file, duration, things):
    n = int(round(duration * FPS))
    graph = [f"[0:v]settb=1/{FPS},setpts=N,trim=end_frame={n}[bg]"]
    graph += [t.source(duration) for t in things]
    prev = "bg"
    for i, t in enumerate(things):
        last = i == len(things) - 1
        label = "out" if last else f"v{i}"
        tail = ",format=yuv420p" if last else ""
        graph.append(f"[{prev}][{t.name}]overlay=x='{t.track.expr(0)}':y='{t.track.expr(1)}'"
                     f":eof_action=pass{tail}[{label}]")
        prev = label
    tmp = out + ".tmp.mp4"
    subprocess.run(FFMPEG + ["-stream_loop", "-1", "-i", bg_file, "-filter_complex", ";".join(graph),
                             "-map", "[out]", "-frames:v", str(n), "-r", str(FPS)] + X264 + BITEXACT + [tmp],
                   check=True)
    os.replace(tmp, out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("eval_dir", help="the folder of real eval clips (../shared/eval)")
    ap.add_argument("--out", default=".build/eval-vending", help="output folder (default .build/eval-vending)")
    ap.add_argument("--only", help="comma-separated scene names (default: all): " + ", ".join(SCENES))
    ap.add_argument("--force", action="store_true", help="remake clips even when newer than this script")
    args = ap.parse_args()

    script_mtime = os.path.getmtime(os.path.abspath(__file__))
    names = args.only.split(",") if args.only else list(SCENES)
    for name in names:
        if name not in SCENES:
            sys.exit(f"unknown scene {name!r}; known: {', '.join(SCENES)}")
    missing = sorted({BACKGROUNDS[SCENES[n][0]]["file"] for n in SCENES
                      if not os.path.exists(os.path.join(args.eval_dir, BACKGROUNDS[SCENES[n][0]]["file"]))})
    if missing:
        sys.exit(f"missing in {args.eval_dir}: {', '.join(missing)}")
    os.makedirs(args.out, exist_ok=True)

    clips = []
    t_all = time.monotonic()
    for name in SCENES:                      # labels.json lists every scene, made this run or before
        bg_name, build = SCENES[name]
        bg = BACKGROUNDS[bg_name]
        duration, things, events, scene = build()
        out = os.path.join(args.out, name + ".mp4")
        if name in names:
            t0 = time.monotonic()
            bg_file = make_background(bg_name, args.eval_dir, args.out, script_mtime, args.force)
            if need(out, script_mtime, args.force):
                make_clip(out, bg_file, duration, things)
                print(f"{name}.mp4: made in {time.monotonic() - t0:.1f} s", flush=True)
            else:
                print(f"{name}.mp4: up to date", flush=True)
        clips.append({"file": name + ".mp4", "frame_size": list(bg["size"]), "fps": FPS, "duration": duration,
                      "family": FAMILY, "source": bg["file"], "scene": scene, "events": events})
    labels = {
        "format": 1,
        "description": ("Event-level ground truth for the synthetic vending scenes made by "
                        "scripts/make-vending-scenes.py: synthetic objects drawn on looped stretches of real footage "
                        "from ../shared/eval (`source`). Times are seconds from the start of the clip; boxes are "
                        "[x0, y0, x1, y1] in pixels of the decoded frame."),
        "clips": clips,
    }
    with open(os.path.join(args.out, "labels.json"), "w") as f:
        json.dump(labels, f, indent=2)
        f.write("\n")
    print(f"labels.json: {len(clips)} clips; total {time.monotonic() - t_all:.1f} s")


if __name__ == "__main__":
    main()
