"""The reference optimizer on a PEtab problem (docs/petab.md, fitting).

pyPESTO with fides (trust region, the Fisher information from AMICI's
forward sensitivities as Hessian) from N uniform starts in the bounds on
the parameters' scales, each at most --max-iterations iterations, AMICI at
rtol 1e-8 / atol 1e-12. Prints one JSON line: the best log-likelihood,
how many starts end within 0.1 of it and at or above --target, and the
wall time: how often a start of the reference optimizer reaches the
optimum from these bounds, beside sasp's own count
(`sasp petab P.yaml fit --starts N`).

    pip install amici petab fides pypesto   # needs swig, cmake, a BLAS
    python3 benches/external/petab_fides.py ../shared/petab-benchmark Boehm_JProteomeRes2014 --starts 100 --target -138.23
"""
import argparse, json, logging, os, sys, time

import numpy as np
import pypesto
import pypesto.optimize
import pypesto.petab

sys.path.insert(0, os.path.dirname(__file__))
from petab_amici import problem_of  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("problem")
    ap.add_argument("--starts", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-iterations", type=int, default=200)
    ap.add_argument("--target", type=float, default=None)
    args = ap.parse_args()
    for name in ("", "amici", "pypesto", "fides"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    importer = pypesto.petab.PetabImporter(problem_of(args.root, args.problem),
                                           output_folder=os.path.join("out", "pypesto-models", args.problem),
                                           model_name=args.problem)
    problem = importer.create_problem()
    solver = problem.objective.amici_solver
    solver.set_relative_tolerance(1e-8)
    solver.set_absolute_tolerance(1e-12)
    optimizer = pypesto.optimize.FidesOptimizer(hessian_update=None, verbose=logging.CRITICAL,
                                                options={"maxiter": args.max_iterations})
    np.random.seed(args.seed)
    start = time.perf_counter()
    result = pypesto.optimize.minimize(problem, optimizer, n_starts=args.starts, progress_bar=False)
    wall = time.perf_counter() - start
    llh = [-r.fval for r in result.optimize_result.list if r.fval is not None and np.isfinite(r.fval)]
    best = max(llh)
    line = {"problem": args.problem, "optimizer": f"pyPESTO {pypesto.__version__}, fides, Fisher information",
            "starts": args.starts, "finite": len(llh), "best_llh": best,
            "within_0.1_of_best": sum(1 for v in llh if v >= best - 0.1), "wall_s": wall}
    if args.target is not None:
        line["at_or_above_target"] = sum(1 for v in llh if v >= args.target)
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    sys.exit(main())
