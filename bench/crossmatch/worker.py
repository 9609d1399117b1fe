"""One linker on one data set, in a process of its own so its time and memory are its own.

    python -m bench.crossmatch.worker --tool ours --data generator --pupils 20000 \\
        --episodes 5000 --seed 1 --out result.json

The data are made (or loaded) first; the clock and the memory reading start after that, so
the time is the linker's own, training included. Peak memory is the process's peak resident
set (the data, the libraries and the linking together); the resident set just before linking
is reported too, so the linking's own share can be told apart.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
import warnings
from pathlib import Path
from typing import Any

from bench.crossmatch.metrics import Row
from cme.matching.records import Person

TOOLS = ("ours", "stand-in", "splink", "recordlinkage", "recordlinkage-postcode")


def load(
    data: str, pupils: int, episodes: int, seed: int
) -> tuple[list[Person], list[Person], dict[str, str | None], dict[str, set[str]]]:
    if data == "febrl4":
        from bench.crossmatch.febrl import febrl4

        return febrl4()
    from bench.crossmatch.generator import generate

    return generate(pupils=pupils, episodes=episodes, seed=seed)


def resident_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(
    tool: str, pupils: list[Person], episodes: list[Person], candidates: bool
) -> dict[str, Any]:
    before = resident_mb()
    started = time.perf_counter()
    found: set[tuple[str, str]] | None = None
    rows: list[Row]
    if tool == "ours":
        from bench.crossmatch import ours

        rows = ours.link(pupils, episodes)
    elif tool == "stand-in":
        from bench.crossmatch import ours

        rows = ours.stand_in(pupils, episodes)
    elif tool == "splink":
        from bench.crossmatch import splink_run

        rows, found = splink_run.link(pupils, episodes)
    else:
        from bench.crossmatch import recordlinkage_run

        rows, found = recordlinkage_run.link(
            pupils, episodes, postcode_block=tool == "recordlinkage-postcode"
        )
    seconds = time.perf_counter() - started
    peak = peak_mb()
    note = ""
    if tool == "ours" and candidates:
        try:
            from bench.crossmatch import ours

            found = ours.candidates(pupils, episodes)
        except Exception as error:  # the matcher's internals moved: say so, go on
            note = f"candidate search not measured ({type(error).__name__}: {error})"
    return {
        "rows": [[r.pupil_id, r.episode_id, r.score, r.band] for r in rows],
        "candidates": sorted(found) if found is not None else None,
        "seconds": seconds,
        "rss_before_mb": before,
        "peak_rss_mb": peak,
        "note": note,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tool", choices=TOOLS, required=True)
    parser.add_argument("--data", choices=("generator", "febrl4"), required=True)
    parser.add_argument("--pupils", type=int, default=20_000)
    parser.add_argument("--episodes", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-candidates", action="store_true")
    args = parser.parse_args()
    # recordlinkage 0.16 writes 0.5 into an integer column, which pandas 2 warns about.
    warnings.simplefilter("ignore", FutureWarning)
    pupils, episodes, _, _ = load(args.data, args.pupils, args.episodes, args.seed)
    result = run(args.tool, pupils, episodes, candidates=not args.no_candidates)
    result["pupils"] = len(pupils)
    result["episodes"] = len(episodes)
    args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
