"""What machine a benchmark or reliability run was measured on, for the documents they write."""

import os
import platform


def describe():
    """Architecture, cores and CPU model, memory and platform, e.g. 'x86_64, 2 cores (AMD EPYC), 24 GiB, Linux-…'."""
    model = "cpu"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with open("/proc/meminfo") as f:
        mem_gib = int(f.readline().split()[1]) / 1024 / 1024
    return f"{platform.machine()}, {os.cpu_count()} cores ({model}), {mem_gib:.0f} GiB, {platform.platform()}"
