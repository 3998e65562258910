#!/usr/bin/env python3
"""The Vilar oscillator: sasp's exact stochastic simulation against rebop.

rebop (https://github.com/Armavica/rebop, `pip install rebop`) is a Rust
Gillespie simulator with Python bindings; its benchmark is the Vilar et al.
(PNAS 2002) oscillator, 9 species and 16 mass-action reactions, t = 0..200
recorded at t = 0, 1, ..., 200 (`nb_steps = 200`, 201 points), 100
trajectories. This script builds the same network as rebop's
`benches/vilar/vilar.py` (same reactions, constants and initial state, the
same as `examples/ssa_vilar.rs`), times 100 trajectories of rebop's direct
method (one thread, as rebop runs), then runs

    cargo run --release --example ssa_vilar -- --method direct
    cargo run --release --example ssa_vilar -- --method next-reaction

and prints one JSON object: both timings side by side (median and fastest of
--repeat runs, ms per 100 trajectories, ns per jump) and a sanity check that
the two simulate the same process — the means of A, R and C at t = 25, 50,
..., 200 from rebop and from sasp differ by z = (m1 - m2)/sqrt(s1^2/n1 +
s2^2/n2), which should be within about +-3 (24 comparisons: one beyond 3 is
possible by chance).

rebop is timed two ways: `Gillespie.run` as users call it (it builds an
xarray Dataset per trajectory) and the extension's own `run` (times and a
dict of arrays, no Dataset), which is rebop's simulation alone. Jumps of
rebop are counted from the same seeds with `nb_steps = 0` (every reaction is
returned, the initial state and the first reaction at or after t_end
included: jumps = points - 2).

    python3 benches/external/rebop_vilar.py [--trajectories 100] [--repeat 3] [--sanity 1000]

`--sanity N` runs N trajectories of each side for the statistical check
(default: the timed 100).
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import rebop

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

PARAMETERS = dict(
    alphaA=50.0, alphapA=500.0, alphaR=0.01, alphapR=50.0, betaA=50.0, betaR=5.0,
    deltaMA=10.0, deltaMR=0.5, deltaA=1.0, deltaR=0.2, gammaA=1.0, gammaR=1.0,
    gammaC=2.0, thetaA=50.0, thetaR=100.0,
)
# rebop's benches/vilar/vilar.py, in its order: rate constant, reactants, products.
REACTIONS = [
    ("gammaA", ["Da", "A"], ["Dpa"]),
    ("gammaR", ["Dr", "A"], ["Dpr"]),
    ("thetaA", ["Dpa"], ["Da", "A"]),
    ("thetaR", ["Dpr"], ["Dr", "A"]),
    ("alphaA", ["Da"], ["Da", "Ma"]),
    ("alphaR", ["Dr"], ["Dr", "Mr"]),
    ("alphapA", ["Dpa"], ["Dpa", "Ma"]),
    ("alphapR", ["Dpr"], ["Dpr", "Mr"]),
    ("betaA", ["Ma"], ["Ma", "A"]),
    ("betaR", ["Mr"], ["Mr", "R"]),
    ("gammaC", ["A", "R"], ["C"]),
    ("deltaA", ["C"], ["R"]),
    ("deltaMA", ["Ma"], []),
    ("deltaMR", ["Mr"], []),
    ("deltaA", ["A"], []),
    ("deltaR", ["R"], []),
]
INIT = {"Da": 1, "Dr": 1}
T_END, NB_STEPS = 200.0, 200
PROBE = [25 * q for q in range(1, 9)]  # output indices = times (step 1)


def vilar():
    g = rebop.Gillespie()
    for k, reactants, products in REACTIONS:
        g.add_reaction(PARAMETERS[k], reactants, products)
    return g


def time_rebop(g, n, seed):
    """Wall ms of n trajectories through the Python API (xarray Dataset)."""
    start = time.perf_counter()
    for j in range(n):
        g.run(INIT, tmax=T_END, nb_steps=NB_STEPS, rng=seed + j)
    return (time.perf_counter() - start) * 1e3


def time_rebop_core(g, n, seed):
    """Wall ms of n trajectories through the extension's run (no Dataset)."""
    start = time.perf_counter()
    for j in range(n):
        g.gillespie.set_init(INIT)
        g.gillespie.run(T_END, NB_STEPS, params={}, seed=seed + j, sparse=None, var_names=None)
    return (time.perf_counter() - start) * 1e3


def rebop_stats(g, n, seed):
    values = {v: [] for v in ("A", "R", "C")}
    for j in range(n):
        ds = g.run(INIT, tmax=T_END, nb_steps=NB_STEPS, rng=seed + j)
        for v in values:
            values[v].append(ds[v].values[PROBE].astype(float))
    out = {}
    for v, rows in values.items():
        a = np.array(rows)
        out[v] = {"mean": a.mean(axis=0).tolist(), "sd": a.std(axis=0, ddof=1).tolist()}
    return out


def rebop_jumps(g, n, seed):
    return sum(len(g.run(INIT, tmax=T_END, nb_steps=0, rng=seed + j).time) - 2 for j in range(n))


def sasp(method, n, repeat, seed):
    cmd = ["cargo", "run", "--release", "--quiet", "--example", "ssa_vilar", "--",
           "--method", method, "--trajectories", str(n), "--repeat", str(repeat), "--seed", str(seed)]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def compare(a, na, b, nb):
    rows, worst = [], 0.0
    for v in ("A", "R", "C"):
        for k, t in enumerate(PROBE):
            m1, s1, m2, s2 = a[v]["mean"][k], a[v]["sd"][k], b[v]["mean"][k], b[v]["sd"][k]
            se = math.sqrt(s1 * s1 / na + s2 * s2 / nb)
            z = (m1 - m2) / se if se > 0 else 0.0
            worst = max(worst, abs(z))
            rows.append({"species": v, "t": t, "rebop_mean": m1, "sasp_mean": m2, "z": round(z, 2)})
    return {"rows": rows, "max_abs_z": round(worst, 2), "beyond_3": sum(abs(r["z"]) > 3 for r in rows)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trajectories", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sanity", type=int, default=0, help="trajectories for the statistical check (0: the timed ones)")
    args = ap.parse_args()
    n, r = args.trajectories, args.repeat
    g = vilar()
    g.run(INIT, tmax=T_END, nb_steps=NB_STEPS, rng=0)  # warm up
    # Timings: rebop then sasp, back to back.
    api = [time_rebop(g, n, args.seed) for _ in range(r)]
    core = [time_rebop_core(g, n, args.seed) for _ in range(r)]
    direct = sasp("direct", n, r, args.seed)
    nrm = sasp("next-reaction", n, r, args.seed)
    jumps = rebop_jumps(g, n, args.seed)
    rb = {
        "version": rebop.__version__,
        "ms_python_api": statistics.median(api), "ms_python_api_min": min(api),
        "ms_core": statistics.median(core), "ms_core_min": min(core),
        "jumps": jumps,
        "ns_per_jump_python_api": statistics.median(api) * 1e6 / jumps,
        "ns_per_jump_core": statistics.median(core) * 1e6 / jumps,
    }
    keys = ["method", "ms_one_thread", "ms_one_thread_min", "ms_pool", "ms_pool_min", "pool_threads", "jumps", "ns_per_jump"]
    result = {
        "model": "vilar", "trajectories": n, "t_end": T_END, "outputs": NB_STEPS + 1, "repeat": r,
        "rebop": rb,
        "sasp_direct": {k: direct[k] for k in keys},
        "sasp_next_reaction": {k: nrm[k] for k in keys},
        "speedup_direct_vs_rebop_core": rb["ms_core"] / direct["ms_one_thread"],
    }
    # Sanity: the same process on both sides.
    m = args.sanity or n
    rstats = rebop_stats(g, m, 10_000 + args.seed)
    sstats = direct if m == n else sasp("direct", m, 1, args.seed)
    result["sanity"] = {"trajectories": m, **compare(rstats, m, sstats, m)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
