#!/usr/bin/env python3
"""A 20-parameter Sobol' analysis with sasp, and the same through libRoadRunner and SALib.

    python3 benches/external/gsa_roadrunner.py [--samples N] [--processes P]

The analysis is models/gsa_anti_ccl2_twenty.toml: the anti-CCL2 arm of the
reference model, twenty parameters log-uniform from half to twice their
values, the tumor volume (P + Q + S) at day 14 as output, first-order and
total Sobol' indices from N (d + 2) = 180,224 runs at N = 2^13 (rtol 1e-4,
atol 1e-7, the spec's tolerances, for both; each run from injection at day
-14 to day 21 with daily output, as the spec's experiment samples).

- sasp: `sasp gsa` on the spec (the arm applied once, each run a parameter
  update of the prepared model without a rebuild, runs in parallel on every
  core), wall time of the whole command.
- libRoadRunner + SALib: the arm exported with `sasp export-sbml --arm
  anti-CCL2` (the doses are SBML events), compiled once per worker by
  libRoadRunner (LLVM, CVODE); SALib draws the Saltelli design
  (`SALib.sample.sobol`, scrambled Sobol' points, no second order) over
  the logarithms of the bounds, P worker processes (default: the number of
  cores) each set the twenty parameters to the SBML values times the
  sampled factors after `resetAll()` (and the stoichiometries made of a
  parameter, which libRoadRunner evaluates only when it loads the model), simulate day -14 to 21 (SBML time 0
  to 35, daily output) and read P + Q + S at day 14 (a run CVODE fails is
  retried with libRoadRunner's RK45 and counted: CVODE fails on a few
  points at any tolerance, at the day-0 event);
  SALib's `sobol.analyze` gives the indices. Wall
  time from the design to the indices, the SBML model already exported.

Prints both sets of indices, the wall times and their ratio as one JSON line
and writes out/gsa_roadrunner.json. The two use different sample points
(sasp's own scrambled Sobol' sequence), so their indices agree within the
estimators' sampling error, not to the digit.

Needs: Python 3 with `pip install libroadrunner SALib` and cargo.
"""
import argparse
import json
import math
import multiprocessing
import os
import subprocess
import sys
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = os.path.join(ROOT, "models", "gsa_anti_ccl2_twenty.toml")
SBML = os.path.join(ROOT, "out", "anti_ccl2.xml")

_rr = None
_names = None
_base = None
_stoichiometries = None


def parametric_stoichiometries():
    """(species reference, parameter) of each initial assignment of the
    exported file: sasp writes a stoichiometry made of parameters so; the
    ones of this model are a single parameter each."""
    import xml.etree.ElementTree as ET
    mathml = "{http://www.w3.org/1998/Math/MathML}"
    out = []
    for a in ET.parse(SBML).getroot().iter():
        if not a.tag.endswith("}initialAssignment"):
            continue
        math = list(a.find(f"{mathml}math"))
        if len(math) != 1 or math[0].tag != f"{mathml}ci":
            sys.exit(f"initial assignment to {a.get('symbol')} is not a single parameter: not handled here")
        out.append((a.get("symbol"), math[0].text.strip()))
    return out


def _init(names, rtol, atol):
    global _rr, _names, _base, _stoichiometries
    import roadrunner
    _rr = roadrunner.RoadRunner(SBML)
    _rr.integrator.relative_tolerance = rtol
    _rr.integrator.absolute_tolerance = atol
    _rr.integrator.maximum_num_steps = 1_000_000
    _rr.timeCourseSelections = ["time", "P", "Q", "S"]
    _names = names
    _base = [_rr[n] for n in names]
    _stoichiometries = parametric_stoichiometries()


def _simulate(row):
    _rr.resetAll()
    for name, base, log_factor in zip(_names, _base, row):
        _rr[name] = base * math.exp(log_factor)
    # libRoadRunner evaluates the initial assignments of species references
    # (the stoichiometries made of parameters: the NK cells a kill costs,
    # p_ex) once, when it loads the model: set them from the new values.
    for reference, parameter in _stoichiometries:
        _rr[reference] = _rr[parameter]
    y = _rr.simulate(0, 35, 36)
    return float(y[28, 1] + y[28, 2] + y[28, 3])


def _run(rows):
    """The outputs of `rows`, and how many runs CVODE failed (each retried
    with libRoadRunner's RK45 at the same tolerances)."""
    out, failed = [], 0
    for row in rows:
        try:
            out.append(_simulate(row))
        except RuntimeError:
            failed += 1
            rtol, atol = _rr.integrator.relative_tolerance, _rr.integrator.absolute_tolerance
            _rr.setIntegrator("rk45")
            _rr.integrator.relative_tolerance, _rr.integrator.absolute_tolerance = rtol, atol
            out.append(_simulate(row))
            _rr.setIntegrator("cvode")
            _rr.integrator.relative_tolerance, _rr.integrator.absolute_tolerance = rtol, atol
            _rr.integrator.maximum_num_steps = 1_000_000
    return out, failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=None, help="N (default: the spec's, 2^13)")
    parser.add_argument("--processes", type=int, default=os.cpu_count())
    args = parser.parse_args()
    try:
        import numpy as np
        import roadrunner
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import sobol as sobol_sample
    except ImportError:
        sys.exit("libRoadRunner or SALib is missing: pip install libroadrunner SALib")

    with open(SPEC, "rb") as f:
        spec = tomllib.load(f)
    n = args.samples or spec["samples"]
    names = [p["name"] for p in spec["parameter"]]
    # Log-uniform from low to high = uniform in log(x / value) from log(low/value) to log(high/value).
    model = {}
    with open(os.path.join(ROOT, "models", "iannello2013.toml"), "rb") as f:
        model = {p["name"]: p["value"] for p in tomllib.load(f)["parameter"]}
    bounds = [[math.log(p["low"] / model[p["name"]]), math.log(p["high"] / model[p["name"]])]
              for p in spec["parameter"]]
    rtol, atol = spec.get("rtol", 1e-4), spec.get("atol", 1e-7)

    os.makedirs(os.path.join(ROOT, "out"), exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "sasp"], cwd=ROOT, check=True)
    sasp = os.path.join(ROOT, "target", "release", "sasp")
    subprocess.run([sasp, "export-sbml", "models/iannello2013.toml", "--arm", "anti-CCL2", "-o", SBML], cwd=ROOT,
                   check=True, capture_output=True)

    # sasp: the whole command.
    spec_run = SPEC
    if args.samples:
        spec_run = os.path.join(ROOT, "out", "gsa_twenty_spec.toml")
        with open(SPEC) as f, open(spec_run, "w") as g:
            g.write(f.read().replace(f"samples = {spec['samples']}", f"samples = {n}"))
    sasp_json = os.path.join(ROOT, "out", "gsa_twenty_sasp.json")
    start = time.perf_counter()
    subprocess.run([sasp, "gsa", spec_run, "-o", sasp_json], cwd=ROOT, check=True, capture_output=True)
    sasp_wall = time.perf_counter() - start
    with open(sasp_json) as f:
        sobol = json.load(f)
    sobol = sobol.get("Sobol", sobol)

    # libRoadRunner + SALib.
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    start = time.perf_counter()
    design = sobol_sample.sample(problem, n, calc_second_order=False, seed=1)
    chunks = np.array_split(design, 64 * args.processes)
    with multiprocessing.Pool(args.processes, initializer=_init, initargs=(names, rtol, atol)) as pool:
        parts = pool.map(_run, chunks)
    y = np.concatenate([np.asarray(values) for values, _ in parts])
    failed = sum(f for _, f in parts)
    indices = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=1)
    rr_wall = time.perf_counter() - start

    result = {
        "problem": f"anti-CCL2 arm, {len(names)} parameters, N = {n}, {len(design)} runs",
        "names": names,
        "sasp": {"wall_s": sasp_wall, "S1": sobol["first_order"], "ST": sobol["total"]},
        "roadrunner_salib": {"version": roadrunner.__version__, "processes": args.processes, "wall_s": rr_wall,
                             "S1": [float(v) for v in indices["S1"]], "ST": [float(v) for v in indices["ST"]],
                             "runs_cvode_failed_retried_rk45": failed},
        "ratio": rr_wall / sasp_wall,
    }
    result["largest_difference"] = {
        key: max(abs(a - b) for a, b in zip(result["sasp"][key], result["roadrunner_salib"][key]))
        for key in ("S1", "ST")
    }
    print(json.dumps(result))
    with open(os.path.join(ROOT, "out", "gsa_roadrunner.json"), "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
