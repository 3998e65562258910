#!/usr/bin/env python3
"""sasp against libRoadRunner on the PEtab benchmark collection's SBML models.

    python3 benches/external/sbml_models.py [--base DIR] [--models A,B] [--repeat K] [--rtols 1e-4,1e-6]

For each problem directory under DIR (default /work/shared/petab-benchmark,
or $PETAB_BENCHMARK: the collection's `Benchmark-Models/`), the model
`model_<Name>.xml` (else the first of the PEtab YAML's `sbml_files`) is
simulated from 0 to T, T the largest finite time in the problem's
measurement tables (`measurement*.tsv`, training and test: the span the model is fitted over; 1000 when the table
has steady-state data only), with the parameter values the SBML file itself
gives (not the PEtab parameter table's: the same file for both programs).
Reported per model:

- load time: libRoadRunner's `RoadRunner(path)` (parse, then compile to
  machine code with LLVM; recompiled every time, median of K) and sasp's
  import (parse and build: `testset --sbml`'s `load_s`, median over the
  runs);
- agreement: the species at T (concentrations, amounts for species with
  hasOnlySubstanceUnits: libRoadRunner's `[S]` and `S` selections) from
  libRoadRunner's CVODE at rtol 1e-12, atol 1e-16 (as tight as it goes) against sasp's reference
  (`testset --sbml FILE --t-end T --reference`: Rodas5P at rtol 1e-12,
  atol 1e-14), as max |a - b| / (|b| + 1e-12 max|b|);
- speed at equal error: a tolerance sweep (--rtols, atol = 1e-4 rtol for
  both; sasp's sweep also runs a decade looser and tighter, 1e-3, 3e-4 and
  3e-9, 1e-9, so that each libRoadRunner run's error falls within it)
  timed as the median of K runs of the solve alone (more for a fast solve:
  as many as add up to 0.2 s, at most 500), the model built
  once (libRoadRunner: `resetAll(); simulate(0, T, 2)` with CVODE; sasp:
  `testset --sbml`'s `wall_s`, method auto), the mixed error of the species
  at T against sasp's reference (floor atol/rtol = 1e-4, as compare.py);
  then for each libRoadRunner run, sasp's time at the same error,
  interpolated in log-log along sasp's fastest-for-its-error runs (when
  libRoadRunner is less accurate than every sasp run, sasp's fastest run),
  and the ratio libRoadRunner time / sasp time. A model's ratio is the
  geometric mean over libRoadRunner's runs that sasp matches; the summary
  the geometric mean over models (models without species have none).

libRoadRunner runs in a child process per model, stopped after 120 s (what
it reported until then is kept); a run slower than 10 s is not repeated and
ends its sweep, and the tight run is then not tried (the agreement is then
measured on its tightest run, and said so).

Prints a markdown table and writes everything to out/sbml_models.json.
Needs: Python 3 with `pip install libroadrunner`, and cargo.
"""
import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RTOLS = [1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 3e-7, 1e-7, 3e-8, 1e-8]
# sasp's sweep reaches a decade further each way, so that sasp's time at the
# error of each libRoadRunner run is read between two of its own runs rather
# than taken from its loosest (most often more accurate, so slower than
# needed) or left out (libRoadRunner more accurate than every sasp run).
SASP_LOOSER = [1e-3, 3e-4]
# Both programs time a fast solve over at least K runs and until the runs
# add up to MIN_TIMED_S (at most MAX_REPEAT runs): a median of three runs of
# a 50 µs solve is mostly the machine's noise.
MIN_TIMED_S = 0.2
MAX_REPEAT = 500
SASP_TIGHTER = [3e-9, 1e-9]
ATOL_PER_RTOL = 1e-4
STEADY_STATE_T = 1000.0
TIMEOUT_S = 300
RR_TIMEOUT_S = 120
SLOW_S = 10.0
TIGHT_RTOL, TIGHT_ATOL = 1e-12, 1e-16


def mixed_error(y, ref, atol, rtol):
    floor = atol / rtol
    return max((abs(a - r) / (floor + abs(r)) for a, r in zip(y, ref)), default=0.0)


def agreement(y, ref):
    """max |a - b| / (|b| + 1e-12 max|b|): relative, with an absolute floor."""
    if not ref:
        return None
    floor = 1e-12 * max(abs(b) for b in ref) or 1e-300
    return max(abs(a - b) / (abs(b) + floor) for a, b in zip(y, ref))


def yaml_list(text, key):
    """The items of a YAML block list `key:` (enough of YAML for PEtab's problem files)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == f"{key}:":
            items = []
            for item in lines[i + 1:]:
                m = re.match(r"\s*-\s+(\S.*)$", item)
                if not m:
                    break
                items.append(m.group(1).strip().strip("'\""))
            return items
    return []


def problems(base):
    """(name, sbml path, t_end, note) for each PEtab problem directory under base."""
    out = []
    for name in sorted(os.listdir(base)):
        path = os.path.join(base, name)
        yamls = [f for f in os.listdir(path) if f.endswith(".yaml")] if os.path.isdir(path) else []
        if not yamls:
            continue
        text = open(os.path.join(path, sorted(yamls)[0])).read()
        sbml = os.path.join(path, f"model_{name}.xml")
        if not os.path.exists(sbml):
            sbml = os.path.join(path, yaml_list(text, "sbml_files")[0])
        times = []
        tables = set(yaml_list(text, "measurement_files"))
        tables |= {f for f in os.listdir(path) if f.startswith("measurement") and f.endswith(".tsv")}
        for table in sorted(tables):
            with open(os.path.join(path, table)) as f:
                header = f.readline().rstrip("\n").split("\t")
                column = header.index("time")
                for line in f:
                    fields = line.rstrip("\n").split("\t")
                    try:
                        t = float(fields[column])
                    except (ValueError, IndexError):
                        continue
                    if math.isfinite(t):
                        times.append(t)
        note = "" if times else f"steady-state data only: T = {STEADY_STATE_T:g}"
        out.append((name, sbml, max(times) if times else STEADY_STATE_T, note))
    return out


def only_substance(sbml):
    """Species ids with hasOnlySubstanceUnits="true"."""
    ids = set()
    for element in ET.parse(sbml).iter():
        if element.tag.rsplit("}", 1)[-1] == "species" and element.get("hasOnlySubstanceUnits") == "true":
            ids.add(element.get("id"))
    return ids


def run_testset(testset, sbml, t_end, *extra):
    """testset's JSON, or (None, the error message)."""
    try:
        done = subprocess.run([testset, "--sbml", sbml, "--t-end", repr(t_end), *extra], capture_output=True,
                              text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, f"timeout after {TIMEOUT_S} s"
    if done.returncode != 0:
        return None, done.stderr.strip().removeprefix("testset: ")
    return json.loads(done.stdout), None


def roadrunner_run(rr, t_end, rtol, atol, repeat):
    """(species at T, median wall time, fastest) of libRoadRunner's CVODE; a
    run slower than SLOW_S is not repeated."""
    rr.integrator.relative_tolerance = rtol
    rr.integrator.absolute_tolerance = atol
    rr.integrator.maximum_num_steps = 1_000_000
    times = []
    while len(times) < repeat or (sum(times) < MIN_TIMED_S and len(times) < MAX_REPEAT):
        rr.resetAll()
        start = time.perf_counter()
        out = rr.simulate(0, t_end, 2)
        times.append(time.perf_counter() - start)
        if times[-1] > SLOW_S:
            break
    return [float(v) for v in out[-1, 1:]], statistics.median(times), min(times)


def roadrunner_worker(task):
    """libRoadRunner's part for one model, in a child process the parent can
    stop: one JSON line per result (load, each run of the sweep, the tight
    run), flushed as it comes."""
    import roadrunner
    roadrunner.Logger.setLevel(roadrunner.Logger.LOG_ERROR)
    roadrunner.Config.setValue(roadrunner.Config.LOADSBMLOPTIONS_RECOMPILE, True)

    def emit(**line):
        print(json.dumps(line), flush=True)

    loads = []
    try:
        for _ in range(task["repeat"]):
            start = time.perf_counter()
            rr = roadrunner.RoadRunner(task["sbml"])
            loads.append(time.perf_counter() - start)
    except Exception as e:  # noqa: BLE001 - libRoadRunner raises plain RuntimeErrors
        emit(kind="load", failed=str(e).strip())
        return
    species = len(rr.model.getFloatingSpeciesIds()) + len(rr.model.getBoundarySpeciesIds())
    emit(kind="load", load_s=statistics.median(loads), species=species, version=roadrunner.__version__)
    if not task["names"]:
        return
    amounts = only_substance(task["sbml"])
    rr.timeCourseSelections = ["time"] + [n if n in amounts else f"[{n}]" for n in task["names"]]
    for rtol in task["rtols"]:
        try:
            y, median, fastest = roadrunner_run(rr, task["t_end"], rtol, ATOL_PER_RTOL * rtol, task["repeat"])
        except Exception as e:  # noqa: BLE001
            emit(kind="run", rtol=rtol, failed=str(e).strip())
            continue
        emit(kind="run", rtol=rtol, wall_s=median, wall_min_s=fastest, y=y)
        if median > SLOW_S:
            emit(kind="note", text=f"libRoadRunner's sweep stopped: the run at rtol {rtol:g} took {median:.0f} s")
            emit(kind="tight", rtol=TIGHT_RTOL, failed="not tried (the sweep was too slow)")
            return
    try:
        y, median, _ = roadrunner_run(rr, task["t_end"], TIGHT_RTOL, TIGHT_ATOL, 1)
        emit(kind="tight", rtol=TIGHT_RTOL, y=y, wall_s=median)
    except Exception as e:  # noqa: BLE001
        emit(kind="tight", rtol=TIGHT_RTOL, failed=str(e).strip())


def roadrunner_part(sbml, t_end, names, rtols, repeat):
    """The worker's lines, as far as it got within RR_TIMEOUT_S."""
    task = {"sbml": sbml, "t_end": t_end, "names": names, "rtols": rtols, "repeat": repeat}
    cmd = [sys.executable, os.path.abspath(__file__), "--rr-worker", json.dumps(task)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=RR_TIMEOUT_S)
        out, timed_out = done.stdout, False
    except subprocess.TimeoutExpired as e:
        out, timed_out = (e.stdout.decode() if isinstance(e.stdout, bytes) else e.stdout or ""), True
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    if timed_out:
        lines.append({"kind": "note", "text": f"libRoadRunner stopped after {RR_TIMEOUT_S} s"})
    elif done.returncode != 0 and not any(x["kind"] == "load" for x in lines):
        lines.append({"kind": "load", "failed": done.stderr.strip()[-300:]})
    return lines


def pareto(points):
    """(error, time) points no other point beats in both, by increasing error."""
    front = []
    for e, t in sorted(points):
        if not front or t < front[-1][1]:
            front.append((e, t))
    return front


def time_at_error(front, error):
    """sasp's time at `error`, interpolated in log-log along its front; None
    when no sasp run is that accurate."""
    tiny = 1e-300
    if not front or error < front[0][0]:
        return None
    if error >= front[-1][0]:
        return front[-1][1]
    for (e0, t0), (e1, t1) in zip(front, front[1:]):
        if e0 <= error <= e1:
            if e1 <= e0:
                return t1
            s = (math.log(max(error, tiny)) - math.log(max(e0, tiny))) / (
                math.log(max(e1, tiny)) - math.log(max(e0, tiny)))
            return math.exp(math.log(t0) + s * (math.log(t1) - math.log(t0)))
    return None


def geomean(values):
    values = [v for v in values if v is not None and v > 0]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else None


def study(name, sbml, t_end, note, testset, args, rtols):
    row = {"model": name, "sbml": sbml, "t_end": t_end, "notes": [note] if note else [], "sasp_error": None,
           "rr_error": None, "runs": []}
    # sasp: the reference, which also says whether it imports
    ref, err = run_testset(testset, sbml, t_end, "--reference")
    if ref is None:
        row["sasp_error"] = err
    else:
        row["names"] = ref["names"]
        row["reference"] = ref["reference"]
        row["species"] = len(ref["names"])
    # libRoadRunner, in a child process
    lines = roadrunner_part(sbml, t_end, ref["names"] if ref else [], rtols, args.repeat)
    for line in lines:
        if line["kind"] == "load":
            if "failed" in line:
                row["rr_error"] = f"load: {line['failed']}"
            else:
                row["rr_load_s"] = line["load_s"]
                row["rr_version"] = line["version"]
                row.setdefault("species", line["species"])
        elif line["kind"] == "note":
            row["notes"].append(line["text"])
    if ref is None:
        return row
    rr_runs = {x["rtol"]: x for x in lines if x["kind"] == "run"}
    tight = next((x for x in lines if x["kind"] == "tight"), None)
    ok_runs = [x for x in rr_runs.values() if "failed" not in x]
    if tight and "failed" not in tight:
        row["rr_tight"], row["agreement_rtol"] = tight["y"], tight["rtol"]
    elif ok_runs:
        best = min(ok_runs, key=lambda x: x["rtol"])
        row["rr_tight"], row["agreement_rtol"] = best["y"], best["rtol"]
        row["notes"].append(f"libRoadRunner at rtol {TIGHT_RTOL:g}: "
                            f"{tight['failed'] if tight else 'not reached'}; agreement at rtol {best['rtol']:g}")
    if "rr_tight" in row:
        row["agreement"] = agreement(row["rr_tight"], ref["reference"])
    # sasp's sweep, and libRoadRunner's runs measured against the same reference
    sasp_loads = [ref["load_s"]]
    sweep = sorted(set(rtols) | ({*SASP_LOOSER, *SASP_TIGHTER} if args.wide else set()), reverse=True)
    for rtol in sweep:
        atol = ATOL_PER_RTOL * rtol
        r, err = run_testset(testset, sbml, t_end, "--rtol", repr(rtol), "--atol", repr(atol), "--repeat",
                             str(args.repeat))
        if r is not None and r["wall_s"] * args.repeat < MIN_TIMED_S:
            # A fast solve: timed again over as many runs as fill MIN_TIMED_S.
            k = min(MAX_REPEAT, max(args.repeat, math.ceil(MIN_TIMED_S / max(r["wall_s"], 1e-9))))
            r, err = run_testset(testset, sbml, t_end, "--rtol", repr(rtol), "--atol", repr(atol), "--repeat", str(k))
        if r is None:
            row["runs"].append({"solver": "sasp", "rtol": rtol, "failed": err})
        else:
            sasp_loads.append(r["load_s"])
            row["runs"].append({"solver": "sasp", "method": r["method"], "rtol": rtol, "wall_s": r["wall_s"],
                                "wall_min_s": r["wall_min_s"], "steps": r["steps"],
                                "error": mixed_error(r["y"], ref["reference"], atol, rtol)})
        x = rr_runs.get(rtol)
        if x is None:
            continue
        if "failed" in x:
            row["runs"].append({"solver": "libroadrunner", "rtol": rtol, "failed": x["failed"]})
        else:
            row["runs"].append({"solver": "libroadrunner", "rtol": rtol, "wall_s": x["wall_s"],
                                "wall_min_s": x["wall_min_s"], "error": mixed_error(x["y"], ref["reference"], atol, rtol)})
    row["sasp_load_s"] = statistics.median(sasp_loads)
    ok = [r for r in row["runs"] if "failed" not in r]
    front = pareto([(r["error"], r["wall_s"]) for r in ok if r["solver"] == "sasp"])
    ratios = []
    for r in ok:
        if r["solver"] == "libroadrunner":
            t = time_at_error(front, r["error"])
            r["sasp_s_at_error"] = t
            if t:
                ratios.append(r["wall_s"] / t)
    # with no species there is nothing to measure an error on
    row["speed_ratio"] = geomean(ratios) if ref["names"] else None
    row["speed_ratio_points"] = len(ratios)
    return row


def fmt(v, spec):
    return "–" if v is None else format(v, spec)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default=os.environ.get("PETAB_BENCHMARK", "/work/shared/petab-benchmark"))
    parser.add_argument("--models", default="", help="comma-separated problem names (default: all)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rtols", default=",".join(f"{r:g}" for r in RTOLS))
    parser.add_argument("--narrow", dest="wide", action="store_false",
                        help="sasp's sweep only over --rtols (as libRoadRunner's), not a decade wider each way")
    parser.add_argument("--rr-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rr_worker:
        roadrunner_worker(json.loads(args.rr_worker))
        return
    try:
        import roadrunner
    except ImportError:
        sys.exit("libRoadRunner is missing: pip install libroadrunner")
    rtols = [float(r) for r in args.rtols.split(",")]
    chosen = {m for m in args.models.split(",") if m}

    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "testset"], cwd=ROOT, check=True)
    testset = os.path.join(ROOT, "target", "release", "examples", "testset")
    todo = [p for p in problems(args.base) if not chosen or p[0] in chosen]
    missing = chosen - {p[0] for p in todo}
    if missing:
        sys.exit(f"no such problems under {args.base}: {', '.join(sorted(missing))}")

    rows = []
    started = time.perf_counter()
    for name, sbml, t_end, note in todo:
        t0 = time.perf_counter()
        rows.append(study(name, sbml, t_end, note, testset, args, rtols))
        print(f"{name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)

    print(f"libRoadRunner {roadrunner.__version__} (CVODE) against sasp; T = last measurement time; "
          f"rtol {', '.join(f'{r:g}' for r in rtols)}, atol 1e-4 rtol; median of {args.repeat}\n")
    print("| model | species | T | loads (sasp / rr) | agreement | load ms (sasp / rr) "
          "| solve ms at rtol 1e-6 (sasp / rr) | rr time / sasp time at equal error |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for r in rows:
        loads = f"{'no' if r['sasp_error'] else 'yes'} / {'no' if r['rr_error'] and 'load' in r['rr_error'] else 'yes'}"
        at6 = {x["solver"]: x for x in r["runs"] if x["rtol"] == 1e-6 and "failed" not in x}
        ms = {k: format(v["wall_s"] * 1e3, ".3g") for k, v in at6.items()}
        solve = f"{ms.get('sasp', '–')} / {ms.get('libroadrunner', '–')}"
        load_ms = (f"{fmt(r.get('sasp_load_s') and r['sasp_load_s'] * 1e3, '.3g')} / "
                   f"{fmt(r.get('rr_load_s') and r['rr_load_s'] * 1e3, '.3g')}")
        agree = "no species" if r.get("species") == 0 and not r["sasp_error"] else fmt(r.get("agreement"), ".1e")
        ratio = fmt(r.get("speed_ratio"), ".2f")
        print(f"| {r['model']} | {r.get('species', '–')} | {r['t_end']:g} | {loads} | {agree} | {load_ms} | {solve} "
              f"| {ratio} |")
    ratios = [r.get("speed_ratio") for r in rows]
    loads = [r["rr_load_s"] / r["sasp_load_s"] for r in rows if r.get("rr_load_s") and r.get("sasp_load_s")]
    print(f"\ngeometric mean over {len([x for x in ratios if x])} models of libRoadRunner time / sasp time at equal "
          f"error: {fmt(geomean(ratios), '.2f')}")
    print(f"geometric mean over {len(loads)} models of libRoadRunner load / sasp load: {fmt(geomean(loads), '.1f')}")
    for r in rows:
        if r["sasp_error"]:
            print(f"sasp refuses {r['model']}: {r['sasp_error']}")
        if r["rr_error"]:
            print(f"libRoadRunner fails {r['model']}: {r['rr_error']}")
        for x in r["runs"]:
            if "failed" in x:
                print(f"{x['solver']} fails {r['model']} at rtol {x['rtol']:g}: {x['failed']}")
        for note in r["notes"]:
            print(f"{r['model']}: {note}")
    print(f"\n{time.perf_counter() - started:.0f} s in all", file=sys.stderr)
    os.makedirs(os.path.join(ROOT, "out"), exist_ok=True)
    with open(os.path.join(ROOT, "out", "sbml_models.json"), "w") as f:
        json.dump({"roadrunner": roadrunner.__version__, "repeat": args.repeat, "rtols": rtols, "models": rows}, f,
                  indent=1)


if __name__ == "__main__":
    main()
