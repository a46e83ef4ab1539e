"""The python-weather code location, written against the unmodified upstream
``dagster-pipes`` client exactly as a Dagster user would.

Environment: the Pipes variables (``DAGSTER_PIPES_CONTEXT``,
``DAGSTER_PIPES_MESSAGES``); ``GANTRY_VEGA_DATA_DIR`` (the vega-datasets
``data`` folder; default: found by walking up to ``node_modules``);
``GANTRY_EXAMPLE_DATA_DIR`` (outputs go to ``<dir>/python-weather``; default
``<repo>/.gantry/examples``). Exit code 0 on success; on an error
``open_dagster_pipes`` reports ``closed`` with the exception and it re-raises.
"""

from __future__ import annotations

import csv
import hashlib
import os
import time
from collections import Counter
from pathlib import Path

from dagster_pipes import PipesContext, open_dagster_pipes

HERE = Path(__file__).resolve().parent
DAILY = "weather/daily_weather"
MONTHLY = "weather/monthly_summary"
DAILY_COLUMNS = ["date", "precipitation", "temp_max", "temp_min", "wind", "weather"]


def vega_data_dir() -> Path:
    """The vega-datasets data folder: $GANTRY_VEGA_DATA_DIR, or node_modules/vega-datasets/data above this file."""
    configured = os.environ.get("GANTRY_VEGA_DATA_DIR")
    if configured:
        return Path(configured)
    for directory in [HERE, *HERE.parents]:
        candidate = directory / "node_modules" / "vega-datasets" / "data"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"node_modules/vega-datasets/data not found above {HERE}; set GANTRY_VEGA_DATA_DIR")


def output_dir() -> Path:
    """Where the assets' CSV files are written (created if missing)."""
    base = os.environ.get("GANTRY_EXAMPLE_DATA_DIR") or str(HERE.parent.parent / ".gantry" / "examples")
    out = Path(base) / "python-weather"
    out.mkdir(parents=True, exist_ok=True)
    return out


def markdown_table(rows: list[dict], limit: int = 5) -> str:
    """The first ``limit`` rows as a Markdown table (metadata type ``md``)."""
    if not rows:
        return "_no rows_"
    columns = list(rows[0].keys())
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    for row in rows[:limit]:
        lines.append("| " + " | ".join(str(row[c]) for c in columns) + " |")
    return "\n".join(lines)


def write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)


def read_daily(path: Path) -> list[dict]:
    """Parses a seattle-weather CSV into typed rows (floats for the measures)."""
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != DAILY_COLUMNS:
            raise ValueError(f"{path}: expected columns {DAILY_COLUMNS}, got {reader.fieldnames}")
        return [
            {
                "date": r["date"],
                "precipitation": float(r["precipitation"]),
                "temp_max": float(r["temp_max"]),
                "temp_min": float(r["temp_min"]),
                "wind": float(r["wind"]),
                "weather": r["weather"],
            }
            for r in reader
        ]


def materialize_daily(pipes: PipesContext) -> list[dict]:
    started = time.perf_counter()
    source = vega_data_dir() / "seattle-weather.csv"
    rows = read_daily(source)
    target = output_dir() / "daily_weather.csv"
    write_csv(target, rows)
    implausible = [r["date"] for r in rows if not (-30 <= r["temp_min"] <= r["temp_max"] <= 50)]
    pipes.report_asset_materialization(
        asset_key=DAILY,
        data_version=hashlib.sha256(source.read_bytes()).hexdigest()[:16],
        metadata={
            "row_count": {"raw_value": len(rows), "type": "int"},
            "columns": {"raw_value": DAILY_COLUMNS, "type": "json"},
            "first_day": rows[0]["date"],
            "last_day": rows[-1]["date"],
            "weather_types": {"raw_value": dict(Counter(r["weather"] for r in rows).most_common()), "type": "json"},
            "preview": {"raw_value": markdown_table(rows), "type": "md"},
            "source": {"raw_value": str(source), "type": "path"},
            "path": {"raw_value": str(target), "type": "path"},
            "duration_ms": {"raw_value": round((time.perf_counter() - started) * 1000), "type": "int"},
        },
    )
    pipes.report_asset_check(
        asset_key=DAILY,
        check_name="temperatures_plausible",
        passed=not implausible,
        metadata={
            "implausible_days": {"raw_value": len(implausible), "type": "int"},
            "min_temp_c": min(r["temp_min"] for r in rows),
            "max_temp_c": max(r["temp_max"] for r in rows),
        },
    )
    pipes.log.info(f"{DAILY}: {len(rows)} days written to {target}")
    return rows


def materialize_monthly(pipes: PipesContext, daily: list[dict]) -> list[dict]:
    started = time.perf_counter()
    by_month: dict[str, list[dict]] = {}
    for r in daily:
        by_month.setdefault(r["date"][:7], []).append(r)
    summary = [
        {
            "month": month,
            "days": len(days),
            "mean_temp_max_c": round(sum(d["temp_max"] for d in days) / len(days), 2),
            "mean_temp_min_c": round(sum(d["temp_min"] for d in days) / len(days), 2),
            "precipitation_mm": round(sum(d["precipitation"] for d in days), 1),
            "rainy_days": sum(1 for d in days if d["precipitation"] > 0),
            "most_common_weather": Counter(d["weather"] for d in days).most_common(1)[0][0],
        }
        for month, days in sorted(by_month.items())
    ]
    target = output_dir() / "monthly_summary.csv"
    write_csv(target, summary)
    wettest = max(summary, key=lambda m: m["precipitation_mm"])
    hottest = max(summary, key=lambda m: m["mean_temp_max_c"])
    pipes.report_asset_materialization(
        asset_key=MONTHLY,
        metadata={
            "row_count": {"raw_value": len(summary), "type": "int"},
            "months": {"raw_value": [summary[0]["month"], summary[-1]["month"]], "type": "json"},
            "wettest_month": f"{wettest['month']} ({wettest['precipitation_mm']} mm)",
            "hottest_month": f"{hottest['month']} (mean max {hottest['mean_temp_max_c']} °C)",
            "preview": {"raw_value": markdown_table(summary), "type": "md"},
            "path": {"raw_value": str(target), "type": "path"},
            "duration_ms": {"raw_value": round((time.perf_counter() - started) * 1000), "type": "int"},
        },
    )
    pipes.report_custom_message(
        {"kind": "weather_summary", "months": len(summary), "wettest_month": wettest["month"], "hottest_month": hottest["month"]}
    )
    pipes.log.info(f"{MONTHLY}: {len(summary)} months written to {target}")
    return summary


def main() -> None:
    with open_dagster_pipes() as pipes:
        selected = pipes.asset_keys
        unknown = set(selected) - {DAILY, MONTHLY}
        if unknown:
            raise ValueError(f"assets {sorted(unknown)} are not part of the python-weather code location")
        pipes.log.info(f"python-weather: materializing {', '.join(selected)}")
        daily: list[dict] | None = None
        if DAILY in selected:
            daily = materialize_daily(pipes)
        if MONTHLY in selected:
            if daily is None:
                upstream = output_dir() / "daily_weather.csv"
                if not upstream.exists():
                    raise FileNotFoundError(f"{MONTHLY} needs {DAILY}, which is neither in this run nor materialized at {upstream}")
                daily = read_daily(upstream)
            materialize_monthly(pipes, daily)


if __name__ == "__main__":
    main()
