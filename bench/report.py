"""Turn the raw wrk lines of a run into tables: per database, each URL's requests/s, p50, p95 and
its share of the ceiling against the target. Prints them and writes ``bench/results/latest.md``.

Input (written by ``bench/run.sh`` into the results directory): ``raw.tsv`` with one line per URL
and database (database, label, path, target share, HTTP status, the 1-minute load average when wrk
started, wrk's ``BENCH_RESULT`` line, the ceiling's requests/s measured right before that URL),
``meta.env`` (the run's settings and versions) and ``queries-<database>.md`` (the query counts
and in-process first visits) and ``engineering-<database>.txt`` (the month's charges).
"""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path


@dataclass
class Row:
    database: str
    label: str
    path: str
    share: float | None
    status: str
    load: str
    values: dict[str, float]
    paired_ceiling: float | None


def parse(raw: Path) -> list[Row]:
    rows = []
    for line in raw.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        database, label, path, share, status, load, result, paired = line.split("\t")
        values = {}
        for pair in result.split()[1:]:
            key, _, value = pair.partition("=")
            values[key] = float(value)
        rows.append(
            Row(
                database,
                label,
                path,
                float(share) if share else None,
                status,
                load,
                values,
                float(paired) if paired else None,
            )
        )
    return rows


def machine() -> list[tuple[str, str]]:
    cpu = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return [
        ("date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("cores (nproc)", str(os.cpu_count())),
        ("memory", memory),
        ("CPU", cpu),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("Django", version("django")),
        ("gunicorn", version("gunicorn")),
        ("psycopg", version("psycopg")),
    ]


def table(rows: list[Row]) -> list[str]:
    ceiling = next((r.values["rps"] for r in rows if r.label == "ceiling"), None)
    lines = [
        "| URL | req/s | p50 ms | p95 ms | p99 ms | ceiling just before, req/s | share of ceiling "
        "| target | | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for row in rows:
        rps = row.values.get("rps", 0.0)
        reference = row.paired_ceiling or ceiling
        share = rps / reference if reference else 0.0
        errors = int(row.values.get("socket_errors", 0) + row.values.get("http_errors", 0))
        if row.status != "200":
            verdict = f"HTTP {row.status}: not measured as a page"
        elif errors:
            verdict = f"{errors} errors"
        elif row.share is None:
            verdict = ""
        else:
            verdict = "meets" if share >= row.share else "BELOW TARGET"
        target = "" if row.share is None else f"≥ {row.share:.0%}"
        lines.append(
            f"| {row.label} `{row.path}` | {rps:,.0f} | {row.values.get('p50_ms', 0):.1f} | "
            f"{row.values.get('p95_ms', 0):.1f} | {row.values.get('p99_ms', 0):.1f} | "
            f"{(row.paired_ceiling or rps):,.0f} | {share:.0%} | {target} | {verdict} | {row.load} |"
        )
    return lines


def main(results: Path) -> int:
    rows = parse(results / "raw.tsv")
    meta = dict(
        line.split("=", 1)
        for line in (results / "meta.env").read_text(encoding="utf-8").splitlines()
        if "=" in line
    )
    out = ["# Benchmark results", "", "| | |", "|---|---|"]
    out += [f"| {key} | {value} |" for key, value in machine()]
    out += [f"| {key.lower().replace('_', ' ')} | {value} |" for key, value in meta.items()]
    below = False
    for database in dict.fromkeys(r.database for r in rows):
        chosen = [r for r in rows if r.database == database]
        out += ["", f"## {database}", ""]
        out += table(chosen)
        below = below or any("BELOW" in line or "HTTP" in line for line in table(chosen))
        counts = results / f"queries-{database}.md"
        if counts.exists():
            out += [
                "",
                "Queries per request (small park against the generated one) and in-process "
                "milliseconds: the first visit after a write, every cache emptied, cached:",
                "",
            ]
            out += counts.read_text(encoding="utf-8").strip().splitlines()
        charges = results / f"engineering-{database}.txt"
        if charges.exists():
            out += ["", "```", *charges.read_text(encoding="utf-8").strip().splitlines(), "```"]
    text = "\n".join(out) + "\n"
    (results / "latest.md").write_text(text, encoding="utf-8")
    print(text)
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("bench/results")))
