#!/usr/bin/python3
"""The PostgreSQL store's benchmark rows (issue 14, point 8). A script, not a test: it prints measured numbers.

    scripts/bench-pg.py STREETWATCH_BINARY [--writers 8] [--drafts 1000] [--cases 1000000]

On a throw-away PostgreSQL cluster (scripts/pgcluster.py; fsync and synchronous_commit at their defaults, on):
1. Draft insert rate: --writers `streetwatch store-bench insert` processes, each on its own 4 cameras, start at
   the same moment and each insert --drafts drafts through the store's `apply` (one transaction per draft: the
   incident look-up, the case number, the case row and its three evidence-due rows, as a camera worker writes
   them). Rate = all drafts / (last writer's end - first writer's start). Also one writer alone, for scale.
2. Queue page time with --cases cases: the table is filled to that count in SQL (copies of a stored draft spread
   over 2,000 cameras and one year, 1 in 20 still a draft, the rest decided), ANALYZEd, then
   `streetwatch store-bench queue` times 50-row pages: the first page, a page after the middle draft, and one
   camera's first page (median and slowest of 20 reads each, in the store's own process, no HTTP).
3. Yearly report time for 2,000 cameras × 1 year of uptime: the daily rollup filled in SQL (a row per camera and
   day), then `streetwatch store-bench report` builds the 2026 report (the year's cases above, the rollup) and
   its Markdown, three times.
Prints a Markdown table for docs/benchmarks.md.
"""
import argparse
import json
import os
import subprocess
import sys
import time

from pgcluster import Postgres


def insert_round(binary, url, writers, drafts, first_writer):
    start_at = time.time() + 3 + 0.3 * writers  # every process connected and migrated before the start
    processes = [subprocess.Popen([binary, "store-bench", "insert", "--db", url, "--writer", str(first_writer + w),
                                   "--count", str(drafts), "--start-at", f"{start_at:.3f}"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for w in range(writers)]
    results = []
    for p in processes:
        out, err = p.communicate(timeout=1800)
        if p.returncode != 0:
            raise SystemExit(f"bench-pg: store-bench insert failed ({p.returncode}): {err[-1000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    first = min(r["started"] for r in results)
    last = max(r["started"] + r["seconds"] for r in results)
    total = sum(r["drafts"] for r in results)
    return total, last - first, max(r["seconds"] for r in results) if results else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--drafts", type=int, default=1000, help="drafts per writer")
    parser.add_argument("--cases", type=int, default=1_000_000)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    pg = Postgres()
    rows = []
    try:
        version = pg.sql("SHOW server_version")[0][0]
        one, one_s, _ = insert_round(binary, pg.url, 1, args.drafts, 100)
        rows.append((f"draft inserts, 1 writer process ({one} drafts)", f"{one / one_s:.0f} drafts/s ({one_s:.1f} s)"))
        total, span, _ = insert_round(binary, pg.url, args.writers, args.drafts, 0)
        rows.append((f"draft inserts, {args.writers} concurrent writer processes ({total} drafts)",
                     f"**{total / span:.0f} drafts/s** ({span:.1f} s)"))
        duplicates = pg.sql("SELECT count(*) - count(DISTINCT incident_key) FROM cases")[0][0]
        gaps = pg.sql("SELECT count(*) FROM (SELECT number_prefix FROM cases GROUP BY number_prefix "
                      "HAVING max(number_seq) <> count(*)) g")[0][0]
        rows.append(("after the inserts: duplicate incidents; prefixes with a gap", f"{duplicates}; {gaps}"))

        stored = int(pg.sql("SELECT count(*) FROM cases")[0][0])
        fill = max(0, args.cases - stored)
        columns = [r[0] for r in pg.sql("SELECT column_name FROM information_schema.columns WHERE table_name = 'cases' "
                                        "AND is_identity = 'NO' ORDER BY ordinal_position")]
        # Copies of one stored draft: 2,000 cameras, one year of first-seen times, 1 in 20 still a draft.
        made = {
            "incident_key": "'fill|' || g", "case_number": "'SW-fill-' || lpad(g::text, 7, '0')",
            "number_prefix": "'SW-fill'", "number_seq": "g",
            "camera_id": "'city-' || lpad((g % 2000)::text, 4, '0')", "camera_name": "'city ' || (g % 2000)",
            "first_seen_at": f"1767196800 + g * (31536000.0 / {max(fill, 1)})",
            "last_seen_at": f"1767196800 + g * (31536000.0 / {max(fill, 1)}) + 60",
            "status": "CASE WHEN g % 20 = 0 THEN 'draft' WHEN g % 20 < 16 THEN 'confirmed' ELSE 'rejected' END",
            "incident_state": "'closed'",
        }
        select = ", ".join(made.get(c, f"t.{c}") for c in columns)
        started = time.monotonic()
        pg.sql("ALTER TABLE cases DISABLE TRIGGER cases_notify_insert")
        pg.sql(f"INSERT INTO cases ({', '.join(columns)}) SELECT {select} FROM "
               f"(SELECT * FROM cases ORDER BY id LIMIT 1) t, generate_series(1, {fill}) g")
        pg.sql("ALTER TABLE cases ENABLE TRIGGER cases_notify_insert")
        pg.sql("ANALYZE cases")
        fill_seconds = time.monotonic() - started
        total_cases = int(pg.sql("SELECT count(*) FROM cases")[0][0])
        drafts = int(pg.sql("SELECT count(*) FROM cases WHERE status = 'draft'")[0][0])
        middle = pg.sql(f"SELECT case_number FROM cases WHERE status = 'draft' ORDER BY first_seen_at DESC, id DESC "
                        f"OFFSET {drafts // 2} LIMIT 1")[0][0]
        done = subprocess.run([binary, "store-bench", "queue", "--db", pg.url, "--deep-after", middle,
                               "--camera", "city-0040"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            raise SystemExit(f"bench-pg: store-bench queue failed: {done.stderr[-1000:]}")
        q = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append((f"filling to {total_cases:,} cases ({drafts:,} drafts) in SQL, with ANALYZE", f"{fill_seconds:.0f} s"))
        for name, what in (("first", "the first page (newest drafts)"),
                           ("deep", f"a page after draft {drafts // 2:,} (keyset cursor)"),
                           ("camera", "one camera's first page of drafts (city-0040)")):
            r = q[name]
            rows.append((f"queue page of 50 at {total_cases:,} cases: {what}",
                         f"**{r['median_ms']:.1f} ms** median, {r['max_ms']:.1f} ms slowest ({r['rows']} rows)"))

        # A year of uptime for 2,000 cameras, as `run` leaves it in the daily rollup: a row per camera and day (a
        # sample a minute, online all day but for 30 minutes, 4.9 fps of 5). The year's cases are the ones above.
        started = time.monotonic()
        pg.sql("INSERT INTO camera_uptime_days (camera_id, day, first_at, online_seconds, last_at, online_samples, "
               "fps_sum, configured_fps) SELECT 'city-' || lpad(c::text, 4, '0'), to_char(date '2026-01-01' + d, "
               "'YYYY-MM-DD'), extract(epoch FROM (date '2026-01-01' + d)::timestamp AT TIME ZONE 'UTC'), 84600, "
               "extract(epoch FROM (date '2026-01-01' + d)::timestamp AT TIME ZONE 'UTC') + 86340, 1410, 1410 * 4.9, 5 "
               "FROM generate_series(0, 1999) c, generate_series(0, 364) d")
        pg.sql("ANALYZE camera_uptime_days")
        days = int(pg.sql("SELECT count(*) FROM camera_uptime_days WHERE camera_id LIKE 'city-%'")[0][0])
        rows.append((f"filling the uptime rollup: 2,000 cameras × 365 days ({days:,} rows)",
                     f"{time.monotonic() - started:.0f} s"))
        reports = []
        for _ in range(3):
            done = subprocess.run([binary, "store-bench", "report", "--db", pg.url, "--year", "2026"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if done.returncode != 0:
                raise SystemExit(f"bench-pg: store-bench report failed: {done.stderr[-1000:]}")
            reports.append(json.loads(done.stdout.strip().splitlines()[-1]))
        reports.sort(key=lambda r: r["build_seconds"])
        r = reports[1]
        runs = ", ".join(f"{x['build_seconds']:.1f}" for x in reports)
        rows.append((f"yearly report 2026: {r['cameras']:,} cameras × 1 year of uptime, {r['cases']:,} cases of the "
                     "year (read and build; median of 3)",
                     f"**{r['build_seconds']:.1f} s** (runs: {runs} s)"))
        rows.append(("the same report as Markdown text", f"{r['markdown_seconds'] * 1000:.0f} ms, {r['markdown_bytes']:,} bytes"))
    finally:
        pg.stop()
    print(f"PostgreSQL {version}, unix socket, fsync and synchronous_commit on; {os.cpu_count()} cores shared with "
          f"other work; measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `scripts/bench-pg.py` "
          f"(debug build of streetwatch unless said otherwise).\n")
    print("| what | measured |\n|---|---|")
    for what, value in rows:
        print(f"| {what} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
