"""AMICI's side of the PEtab comparison (docs/petab.md).

For each problem: AMICI's log-likelihood at the nominal parameters and the
median wall time of its simulations alone (compiled model, prepared
ExpData, no PEtab bookkeeping), without and with forward sensitivities,
and the gradient on the parameters' scales, at rtol 1e-8 / atol 1e-12 (or --rtol/--atol). One JSON line per problem.

    pip install amici petab scipy   # needs swig, cmake, a BLAS
    python3 benches/external/petab_amici.py ../shared/petab-benchmark Boehm_JProteomeRes2014 …

Models are compiled once into out/amici-models/ (minutes per model).
"""
import argparse, glob, json, os, statistics, sys, time

import petab.v1 as petab
import amici
from amici.importers.petab.v1 import import_petab_problem
from amici.sim.sundials.petab import v1 as sim
import amici.sim.sundials as sundials


def problem_of(root, name):
    yamls = [y for y in glob.glob(os.path.join(root, name, "*.yaml")) if "test_" not in os.path.basename(y)]
    problem = petab.Problem.from_yaml(yamls[0])
    if petab.lint.measurement_table_has_timepoint_specific_mappings(problem.measurement_df):
        petab.flatten_timepoint_specific_output_overrides(problem)
    return problem


def median_time(f, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("problems", nargs="+")
    ap.add_argument("--rtol", type=float, default=1e-8)
    ap.add_argument("--atol", type=float, default=1e-12)
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()
    for name in args.problems:
        problem = problem_of(args.root, name)
        out = os.path.join("out", "amici-models", name)
        with open(os.devnull, "w") as quiet:  # the compiler's log goes nowhere
            saved = os.dup(1)
            os.dup2(quiet.fileno(), 1)
            try:
                model = import_petab_problem(problem, output_dir=out, model_name=name)
            finally:
                os.dup2(saved, 1)
        solver = model.create_solver()
        solver.set_relative_tolerance(args.rtol)
        solver.set_absolute_tolerance(args.atol)
        solver.set_max_steps(10**6)
        result = sim.simulate_petab(problem, amici_model=model, solver=solver)
        llh = result[sim.LLH]
        edatas = sim.create_parameterized_edatas(model, problem, dict(zip(problem.x_ids, problem.x_nominal)))
        rdatas = sundials.run_simulations(model, solver, edatas)
        if any(r.status != 0 for r in rdatas) or abs(sum(r.llh for r in rdatas) - llh) > 1e-6 * max(1.0, abs(llh)):
            raise SystemExit(f"{name}: the prepared simulations do not reproduce the llh {llh}")
        run = lambda: sundials.run_simulations(model, solver, edatas)
        t_llh = median_time(run, args.repeats)
        solver.set_sensitivity_order(sundials.SensitivityOrder.first)
        solver.set_sensitivity_method(sundials.SensitivityMethod.forward)
        rdatas = run()
        if any(r.status != 0 for r in rdatas):
            raise SystemExit(f"{name}: the simulation with sensitivities failed")
        t_grad = median_time(run, max(3, args.repeats // 4))
        # The gradient on the parameters' own scales, by forward sensitivities.
        gradient = sim.simulate_petab(problem, amici_model=model, solver=solver, scaled_gradients=True)[sim.SLLH]
        print(json.dumps({"problem": name, "amici_llh": llh, "simulate_s": t_llh, "simulate_forward_sensitivities_s": t_grad,
                          "amici_gradient": {k: float(v) for k, v in gradient.items()},
                          "rtol": args.rtol, "atol": args.atol}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
