#!/usr/bin/env python3
"""sasp's flux balance analysis against COBRApy (GLPK through optlang).

For each SBML model with fbc (default: the E. coli core model in
tests/data/fbc, and any given with --model): the optimum of the active
objective and its wall time, read and solve separately, median of --repeat;
flux variability at the optimum (fraction 1) where --fva-max-reactions
allows. sasp runs as `sasp flux-balance` (its JSON line gives its own read,
solve and FVA seconds); COBRApy as `read_sbml_model`, `slim_optimize` and
`flux_variability_analysis(processes=1)`.

    pip install cobra
    cargo build --release --bin sasp
    python3 benches/external/cobra_fba.py [--model iJO1366.xml] [--repeat 5]

Prints a markdown table; results in out/cobra_fba.json.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SASP = os.path.join(ROOT, "target", "release", "sasp")


def sasp_run(model, fva, repeat):
    runs = []
    for _ in range(repeat):
        out_csv = os.path.join(ROOT, "out", "cobra_fba_sasp.csv")
        cmd = [SASP, "flux-balance", model, "-o", out_csv]
        if fva:
            cmd += ["--fva", "1"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    pick = lambda k: statistics.median(r[k] for r in runs) if runs[0][k] is not None else None
    return {"value": runs[0]["value"], "read_s": pick("read_s"), "solve_s": pick("solve_s"), "fva_s": pick("fva_s"),
            "reactions": runs[0]["reactions"], "residual": runs[0]["residual"], "csv": out_csv}


def cobra_run(model, fva, repeat):
    import cobra
    from cobra.flux_analysis import flux_variability_analysis

    reads, solves, fvas = [], [], []
    value, ranges = None, None
    for _ in range(repeat):
        t = time.perf_counter()
        m = cobra.io.read_sbml_model(model)
        reads.append(time.perf_counter() - t)
        t = time.perf_counter()
        value = m.slim_optimize()
        solves.append(time.perf_counter() - t)
        if fva:
            t = time.perf_counter()
            ranges = flux_variability_analysis(m, fraction_of_optimum=1.0, processes=1)
            fvas.append(time.perf_counter() - t)
    return {"value": value, "read_s": statistics.median(reads), "solve_s": statistics.median(solves),
            "fva_s": statistics.median(fvas) if fvas else None, "solver": cobra.Configuration().solver.__name__,
            "ranges": ranges}


def largest_range_difference(sasp_csv, ranges):
    """Largest |min or max difference| between sasp's and COBRApy's FVA."""
    worst = 0.0
    with open(sasp_csv) as f:
        next(f)
        for line in f:
            name, _, lo, hi = line.strip().split(",")
            rid = name[2:] if name.startswith("R_") else name
            if rid not in ranges.index:
                continue
            worst = max(worst, abs(float(lo) - ranges.loc[rid, "minimum"]), abs(float(hi) - ranges.loc[rid, "maximum"]))
    return worst


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", action="append", default=[])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--fva-max-reactions", type=int, default=500)
    a = p.parse_args()
    models = [os.path.join(ROOT, "tests", "data", "fbc", "e_coli_core.xml")] + a.model
    os.makedirs(os.path.join(ROOT, "out"), exist_ok=True)
    results = []
    print("| model | reactions | sasp z | COBRApy z | |Δz| | read sasp / COBRApy (s) | solve sasp / COBRApy (ms) | FVA sasp / COBRApy (s) | FVA max |Δ| |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for model in models:
        first = sasp_run(model, False, 1)
        fva = first["reactions"] <= a.fva_max_reactions
        s = sasp_run(model, fva, a.repeat)
        c = cobra_run(model, fva, a.repeat)
        diff = largest_range_difference(s["csv"], c["ranges"]) if fva else None
        row = {"model": os.path.basename(model), "reactions": s["reactions"], "sasp": {k: v for k, v in s.items() if k != "csv"},
               "cobra": {k: v for k, v in c.items() if k != "ranges"}, "fva_max_difference": diff}
        results.append(row)
        fva_cell = f"{s['fva_s']:.3f} / {c['fva_s']:.3f}" if fva else "—"
        diff_cell = f"{diff:.1e}" if diff is not None else "—"
        print(f"| {row['model']} | {s['reactions']} | {s['value']:.13f} | {c['value']:.13f} | {abs(s['value'] - c['value']):.1e} "
              f"| {s['read_s']:.3f} / {c['read_s']:.3f} | {1e3 * s['solve_s']:.1f} / {1e3 * c['solve_s']:.1f} | {fva_cell} | {diff_cell} |")
        sys.stdout.flush()
    with open(os.path.join(ROOT, "out", "cobra_fba.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
