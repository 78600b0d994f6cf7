"""Benchmark of the data generator (`seed_demo --scale N`): rows per table, seconds, rows/s.

    .venv/bin/python bench/generate_bench.py                      # 1, 10, 100 × on both engines
    .venv/bin/python bench/generate_bench.py --scales 1 10 --engines sqlite
    .venv/bin/python bench/generate_bench.py --fresh              # time new builds now

By default each (scale, engine) is the benchmark dataset of bench/datasets.py: built if missing
or outdated, otherwise its marker gives the seconds its generation took when it was built. With
`--fresh`, every dataset is generated again now into a scratch database
(`ceis_genbench_<scale>` / `var/bench/genbench-<scale>.sqlite3`), measured and dropped, so the
shared datasets are left alone.

Seconds: with `--fresh`, the generator's own time as `seed_demo` prints it ("N lignes en X s":
Django start-up and `migrate` excluded); from a marker, the wall time of the `seed_demo`
process (start-up included, a few seconds). Both on this machine, whatever else runs on it.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.datasets import (
    COUNTED_TABLES,
    VAR,
    _drop,
    build_dataset,
    dataset_counts,
    dataset_marker,
    ensure_dataset,
    scale_label,
)


def _measure(scale: float, engine: str, fresh: bool) -> dict:
    if fresh:
        label = scale_label(scale)
        name = (
            f"ceis_genbench_{label}"
            if engine == "postgresql"
            else str(VAR / f"genbench-{label}.sqlite3")
        )
        result = build_dataset(scale, engine, name, quiet=True)
        counts = dataset_counts(result["url"])
        _drop(engine, name)
        return {"counts": counts, "seconds": result["generation_seconds"], "note": "now"}
    url = ensure_dataset(scale, engine, quiet=True)
    marker = dataset_marker(url)
    return {"counts": dataset_counts(url), "seconds": marker["seconds"], "note": "marker"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10, 100])
    parser.add_argument(
        "--engines", nargs="+", choices=["postgresql", "sqlite"], default=["postgresql", "sqlite"]
    )
    parser.add_argument("--fresh", action="store_true", help="generate again into scratch DBs")
    args = parser.parse_args(argv)

    columns = []
    for scale in args.scales:
        for engine in args.engines:
            started = time.perf_counter()
            result = _measure(scale, engine, args.fresh)
            result["heading"] = f"{scale:g}× {'PG' if engine == 'postgresql' else 'SQLite'}"
            columns.append(result)
            print(
                f"{result['heading']}: {sum(result['counts'].values()):,} rows, "
                f"{result['seconds']:.1f} s ({result['note']}; "
                f"call {time.perf_counter() - started:.1f} s)",
                file=sys.stderr,
            )

    width = max(len(table) for table in COUNTED_TABLES) + 2
    print(f"{'table':<{width}}" + "".join(f"{c['heading']:>16}" for c in columns))
    for table in COUNTED_TABLES:
        print(f"{table:<{width}}" + "".join(f"{c['counts'][table]:>16,}" for c in columns))
    totals = [sum(c["counts"].values()) for c in columns]
    print(f"{'total rows':<{width}}" + "".join(f"{t:>16,}" for t in totals))
    print(f"{'seconds':<{width}}" + "".join(f"{c['seconds']:>16.1f}" for c in columns))
    print(
        f"{'rows/s':<{width}}"
        + "".join(
            f"{t / max(c['seconds'], 0.001):>16,.0f}" for t, c in zip(totals, columns, strict=True)
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
