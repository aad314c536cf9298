"""Memory of this process (resident now and at its peak) and size on disk, in MB."""
from __future__ import annotations

import resource
from pathlib import Path


def folder_mb(path: Path) -> float:
    """Size on disk of a file or folder, in MB."""
    path = Path(path)
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return round(sum(p.stat().st_size for p in files) / 1e6, 2)


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, not inherited across fork+exec)."""
    peak = _status_mb("VmHWM")
    return peak if peak is not None else round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    now = _status_mb("VmRSS")
    if now is None:  # not Linux: psutil comes with the bench extra
        import psutil

        now = round(psutil.Process().memory_info().rss / 2**20, 1)
    return now


def _status_mb(field: str) -> float | None:
    """A memory line of /proc/self/status (VmRSS, VmHWM) in MB, or None where there is no /proc."""
    try:
        line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(field + ":"))
        return round(int(line.split()[1]) / 1024, 1)
    except (OSError, StopIteration, ValueError):
        return None
