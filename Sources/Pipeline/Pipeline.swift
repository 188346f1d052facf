// Pipeline: camera groups, dedup, cases, store (see issue 4).
