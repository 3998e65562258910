#!/usr/bin/env python3
"""sasp against SUNDIALS CVODE and SciPy on the stiff test problems.

    python3 benches/external/compare.py [--repeat K] [--problems robertson,hires,pollution]

Runs, on Robertson (to 1e5), HIRES and Pollution, a tolerance sweep
(rtol 1e-4 ... 1e-8 at 1, 2, 5 per decade; atol = 1e-4 rtol, as sasp's
`testset` and benches use) of

- sasp's Rodas5P and BDF (the `testset` example, built here with cargo);
- CVODE's BDF (`cvode_stiff.c`, compiled here against the system's SUNDIALS;
  dense direct solver, analytic Jacobian);
- SciPy's `solve_ivp` with BDF, Radau and LSODA (analytic dense Jacobian).

Every solver's state at t_end is measured with the IVP test set's mixed error
against the same reference (`testset --reference`: the test set's published
solution for HIRES and Pollution). Times are medians of K repeats and include
each solver's set-up (sasp builds its stepper, CVODE its memory and solver,
SciPy its integrator object). Prints a table per problem and a summary of
speed at equal error: for each other solver at rtol 1e-6, the fastest sasp
run whose error is no worse. Writes everything to out/compare.json.

Needs: Python 3 with NumPy and SciPy (`pip install scipy`), gcc, and SUNDIALS
built with optimization under SUNDIALS_DIR (default /usr/local; README.md here
says how). A missing CVODE or SciPy is reported and skipped.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
RTOLS = [1e-4, 5e-5, 2e-5, 1e-5, 5e-6, 2e-6, 1e-6, 5e-7, 2e-7, 1e-7, 5e-8, 2e-8, 1e-8]
T_END = {"robertson": 1e5, "hires": 321.8122, "pollution": 60.0}


def mixed_error(y, ref, atol, rtol):
    floor = atol / rtol
    return max(abs(a - r) / (floor + abs(r)) for a, r in zip(y, ref))


def testset_binary():
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "testset"], cwd=ROOT, check=True)
    return os.path.join(ROOT, "target", "release", "examples", "testset")


def cvode_binary():
    """Compiles the CVODE harness against SUNDIALS_DIR (include/, lib/ with the
    static CVODE libraries); None, with a message, when that fails."""
    prefix = os.environ.get("SUNDIALS_DIR", "/usr/local")
    out = os.path.join(ROOT, "out", "cvode_stiff")
    libs = ["cvode", "nvecserial", "sunlinsoldense", "sunmatrixdense", "sunnonlinsolnewton"]
    cmd = ["gcc", "-O2", "-std=c11", "-I", os.path.join(prefix, "include"), os.path.join(HERE, "cvode_stiff.c"),
           "-o", out, "-L", os.path.join(prefix, "lib")] + [f"-lsundials_{lib}" for lib in libs] + ["-lm"]
    if shutil.which("gcc") is None:
        print("CVODE skipped: no gcc", file=sys.stderr)
        return None
    built = subprocess.run(cmd, capture_output=True, text=True)
    if built.returncode != 0:
        print(f"CVODE skipped: the harness did not build against SUNDIALS_DIR={prefix}:", file=sys.stderr)
        print(built.stderr.strip()[:600], file=sys.stderr)
        return None
    return out


def run_json(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


# --- SciPy: the same three problems --------------------------------------------------------

POLLUTION_K = [0.35, 26.6, 1.23e4, 8.6e-4, 8.2e-4, 1.5e4, 1.3e-4, 2.4e4, 1.65e4, 9.0e3, 2.2e-2, 1.2e4, 1.88,
               1.63e4, 4.8e6, 3.5e-4, 1.75e-2, 1.0e8, 4.44e11, 1.24e3, 2.1, 5.78, 4.74e-2, 1.78e3, 3.12]
POLLUTION_REACTANTS = [(0,), (1, 3), (4, 1), (6,), (6,), (6, 5), (8,), (8, 5), (10, 1), (10, 0), (12,), (9, 1), (13,),
                       (0, 5), (2,), (3,), (3,), (15,), (15,), (16, 5), (18,), (18,), (0, 3), (18, 0), (19,)]
POLLUTION_CHANGES = [
    [(0, -1), (1, 1), (2, 1)], [(1, -1), (3, -1), (0, 1)], [(4, -1), (1, -1), (0, 1), (5, 1)],
    [(6, -1), (4, 2), (7, 1)], [(6, -1), (7, 1)], [(6, -1), (5, -1), (4, 1), (7, 1)],
    [(8, -1), (4, 1), (7, 1), (9, 1)], [(8, -1), (5, -1), (10, 1)], [(10, -1), (1, -1), (0, 1), (9, 1), (11, 1)],
    [(10, -1), (0, -1), (12, 1)], [(12, -1), (0, 1), (10, 1)], [(9, -1), (1, -1), (0, 1), (13, 1)],
    [(13, -1), (4, 1), (6, 1)], [(0, -1), (5, -1), (14, 1)], [(2, -1), (3, 1)], [(3, -1), (15, 1)],
    [(3, -1), (2, 1)], [(15, -1), (5, 2)], [(15, -1), (2, 1)], [(16, -1), (5, -1), (4, 1), (17, 1)],
    [(18, -1), (1, 1)], [(18, -1), (0, 1), (2, 1)], [(0, -1), (3, -1), (18, 1)], [(18, -1), (0, -1), (19, 1)],
    [(19, -1), (0, 1), (18, 1)]]


def scipy_problem(name):
    import numpy as np

    if name == "robertson":
        def f(t, y):
            a, b, c = 0.04 * y[0], 1e4 * y[1] * y[2], 3e7 * y[1] * y[1]
            return np.array([-a + b, a - b - c, c])

        def jac(t, y):
            return np.array([[-0.04, 1e4 * y[2], 1e4 * y[1]],
                             [0.04, -1e4 * y[2] - 6e7 * y[1], -1e4 * y[1]],
                             [0.0, 6e7 * y[1], 0.0]])
        return f, jac, np.array([1.0, 0.0, 0.0])
    if name == "hires":
        lin = np.zeros((8, 8))
        for i, j, v in [(0, 0, -1.71), (0, 1, 0.43), (0, 2, 8.32), (1, 0, 1.71), (1, 1, -8.75), (2, 2, -10.03),
                        (2, 3, 0.43), (2, 4, 0.035), (3, 1, 8.32), (3, 2, 1.71), (3, 3, -1.12), (4, 4, -1.745),
                        (4, 5, 0.43), (4, 6, 0.43), (5, 3, 0.69), (5, 4, 1.71), (5, 5, -0.43), (5, 6, 0.69),
                        (6, 6, -1.81), (7, 6, 1.81)]:
            lin[i, j] = v
        source = np.zeros(8)
        source[0] = 0.0007

        def f(t, y):
            dy = lin @ y + source
            r = 280.0 * y[5] * y[7]
            dy[5] -= r
            dy[6] += r
            dy[7] -= r
            return dy

        def jac(t, y):
            j = lin.copy()
            a, b = 280.0 * y[7], 280.0 * y[5]
            j[5, 5] -= a
            j[5, 7] -= b
            j[6, 5] += a
            j[6, 7] += b
            j[7, 5] -= a
            j[7, 7] -= b
            return j
        y0 = np.zeros(8)
        y0[0], y0[7] = 1.0, 0.0057
        return f, jac, y0
    if name == "pollution":
        k = np.array(POLLUTION_K)
        stoich = np.zeros((20, 25))
        for r, changes in enumerate(POLLUTION_CHANGES):
            for i, nu in changes:
                stoich[i, r] += nu
        first = np.array([rs[0] for rs in POLLUTION_REACTANTS])
        second = np.array([rs[1] if len(rs) > 1 else -1 for rs in POLLUTION_REACTANTS])
        bimolecular = second >= 0

        def rates(y):
            return k * y[first] * np.where(bimolecular, y[np.maximum(second, 0)], 1.0)

        def f(t, y):
            return stoich @ rates(y)

        def jac(t, y):
            # d rate_r / d y: k y_b at the first reactant, k y_a at the second.
            d = np.zeros((25, 20))
            rows = np.arange(25)
            d[rows, first] += k * np.where(bimolecular, y[np.maximum(second, 0)], 1.0)
            bi = rows[bimolecular]
            d[bi, second[bi]] += k[bi] * y[first[bi]]
            return stoich @ d
        y0 = np.zeros(20)
        y0[1], y0[3], y0[6], y0[7], y0[8], y0[16] = 0.2, 0.04, 0.1, 0.3, 0.01, 0.007
        return f, jac, y0
    raise ValueError(name)


def scipy_run(name, method, rtol, atol, repeat):
    from scipy.integrate import solve_ivp

    f, jac, y0 = scipy_problem(name)
    t_end = T_END[name]
    times, sol = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        sol = solve_ivp(f, (0.0, t_end), y0, method=method, rtol=rtol, atol=atol, jac=jac, t_eval=[t_end])
        times.append(time.perf_counter() - start)
    if not sol.success:
        raise RuntimeError(f"scipy {method} failed on {name}: {sol.message}")
    return {"y": list(sol.y[:, -1]), "wall_s": statistics.median(times), "rhs_evals": int(sol.nfev),
            "jac_evals": int(sol.njev), "factorizations": int(sol.nlu)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20, help="repeats per run for the compiled solvers")
    parser.add_argument("--scipy-repeat", type=int, default=3, help="repeats per SciPy run")
    parser.add_argument("--problems", default="robertson,hires,pollution")
    args = parser.parse_args()
    os.makedirs(os.path.join(ROOT, "out"), exist_ok=True)
    testset = testset_binary()
    cvode = cvode_binary()
    try:
        import scipy
        scipy_methods = ["BDF", "Radau", "LSODA"]
        scipy_version = scipy.__version__
    except ImportError:
        print("SciPy skipped: not installed (pip install scipy)", file=sys.stderr)
        scipy_methods, scipy_version = [], None
    results = {"scipy": scipy_version, "problems": {}}
    for name in args.problems.split(","):
        ref = run_json([testset, "--problem", name, "--reference"])["reference"]
        rows = []
        for rtol in RTOLS:
            atol = 1e-4 * rtol
            for method in ["rodas5p", "bdf"]:
                r = run_json([testset, "--problem", name, "--method", method, "--rtol", str(rtol),
                              "--atol", str(atol), "--repeat", str(args.repeat)])
                rows.append({"solver": f"sasp {method}", "rtol": rtol, "y": r["y"], "wall_s": r["wall_s"],
                             "steps": r["steps"], "rhs_evals": r["rhs_evals"]})
            if cvode:
                r = run_json([cvode, name, str(rtol), str(atol), str(args.repeat)])
                rows.append({"solver": "cvode bdf", "rtol": rtol, "y": r["y"], "wall_s": r["wall_s_with_setup"],
                             "steps": r["steps"], "rhs_evals": r["rhs_evals"]})
            for method in scipy_methods:
                r = scipy_run(name, method, rtol, atol, args.scipy_repeat)
                rows.append({"solver": f"scipy {method}", "rtol": rtol, "y": r["y"], "wall_s": r["wall_s"],
                             "steps": None, "rhs_evals": r["rhs_evals"]})
        for row in rows:
            row["error"] = mixed_error(row["y"], ref, 1e-4 * row["rtol"], row["rtol"])
        results["problems"][name] = rows
        print(f"\n{name} (mixed error against the reference; time = median wall time incl. set-up)")
        print(f"{'solver':<14} {'rtol':>7} {'error':>9} {'time':>10}")
        for row in rows:
            print(f"{row['solver']:<14} {row['rtol']:>7.0e} {row['error']:>9.2e} {1e3 * row['wall_s']:>8.3f} ms")
        print(f"{name}: at equal or better error than each solver at rtol 1e-6, the fastest sasp run")
        ours = [r for r in rows if r["solver"].startswith("sasp")]
        for other in sorted({r["solver"] for r in rows} - {r["solver"] for r in ours}):
            target = next(r for r in rows if r["solver"] == other and r["rtol"] == 1e-6)
            good = [r for r in ours if r["error"] <= target["error"]]
            if not good:
                print(f"  {other:<12} error {target['error']:.2e}: no sasp run that accurate")
                continue
            best = min(good, key=lambda r: r["wall_s"])
            print(f"  {other:<12} {1e3 * target['wall_s']:8.3f} ms at error {target['error']:.2e}; "
                  f"{best['solver']} rtol {best['rtol']:.0e} {1e3 * best['wall_s']:.3f} ms at {best['error']:.2e}: "
                  f"{target['wall_s'] / best['wall_s']:.1f}x faster")
    with open(os.path.join(ROOT, "out", "compare.json"), "w") as out:
        json.dump(results, out, indent=1)


if __name__ == "__main__":
    main()
