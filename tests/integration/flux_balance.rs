//! Flux balance analysis against published optima (the E. coli core
//! model's growth rates as COBRA reports them), against an exhaustive
//! vertex enumeration of small random linear programs, analytic networks,
//! the fbc reader's refusals, and a model's processes as reactions.

use sasp::flux_balance::{FluxBalance, FluxOutcome, FluxRange, Sense};
use sasp::sbml::{flux_balance, read};
use std::path::Path;

fn optimum(fba: &FluxBalance) -> sasp::flux_balance::FluxDistribution {
    match fba.solve().unwrap() {
        FluxOutcome::Optimal(best) => best,
        other => panic!("expected an optimum, got {other:?}"),
    }
}

fn e_coli_core() -> FluxBalance {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fbc/e_coli_core.xml");
    let doc = read::read_file(&path).unwrap();
    flux_balance(&doc, "e_coli_core.xml").unwrap()
}

#[test]
fn e_coli_core_grows_at_the_rate_cobra_reports() {
    // Orth, Fleming & Palsson (2010), the core model COBRApy ships as its
    // textbook model: 0.8739215069684303 h⁻¹ aerobically on 10 mmol/gDW/h
    // glucose (COBRApy, COBRA.jl with GLPK), 0.21166294973531 without
    // oxygen.
    let mut fba = e_coli_core();
    assert_eq!((fba.reaction_names().count(), fba.metabolite_names().count()), (95, 72));
    let best = optimum(&fba);
    assert!((best.objective - 0.8739215069684303).abs() < 1e-9, "{}", best.objective);
    assert_eq!(best.value("obj"), Some(best.objective));
    assert!((best.flux("R_Biomass_Ecoli_core").unwrap() - best.objective).abs() < 1e-12);
    assert!(best.residual < 1e-10, "{}", best.residual);
    for (j, name) in best.reactions.iter().enumerate() {
        let (l, u) = fba.bounds(name).unwrap();
        assert!(best.fluxes[j] >= l && best.fluxes[j] <= u, "{name}: {} not in [{l}, {u}]", best.fluxes[j]);
    }
    // Glucose uptake is at its bound of 10, ATP maintenance at 8.39.
    assert_eq!(best.flux("R_EX_glc__D_e"), Some(-10.0));
    assert_eq!(best.flux("R_ATPM"), Some(8.39));
    fba.set_bounds("R_EX_o2_e", 0.0, 1000.0).unwrap();
    let anaerobic = optimum(&fba);
    assert!((anaerobic.objective - 0.21166294973531).abs() < 1e-9, "{}", anaerobic.objective);
}

#[test]
fn flux_variability_of_e_coli_core_pins_what_the_optimum_determines() {
    let fba = e_coli_core();
    let ranges = fba.flux_variability(1.0).unwrap();
    let range = |name: &str| ranges[fba.reaction_names().position(|r| r == name).unwrap()];
    // COBRApy's FVA at the optimum: ATPM [8.39, 8.39], biomass at 0.87392.
    // The optimum's slack of 1e-9·(1 + z*) lets ATPM rise by some 4e-7 (a
    // unit of growth costs hundreds of ATP): its bound 8.39 is the minimum.
    let atpm = range("R_ATPM");
    assert!(atpm.min == 8.39 && (atpm.max - 8.39).abs() < 1e-6, "{atpm:?}");
    let growth = range("R_Biomass_Ecoli_core");
    assert!((growth.max - 0.8739215069684303).abs() < 1e-8 && (growth.min - 0.8739215).abs() < 1e-6, "{growth:?}");
    for r in &ranges {
        assert!(r.min <= r.max, "{r:?}");
    }
    // At 90 % of the optimum growth itself ranges down to 0.9·z*.
    let relaxed = fba.flux_variability(0.9).unwrap();
    let j = fba.reaction_names().position(|r| r == "R_Biomass_Ecoli_core").unwrap();
    assert!((relaxed[j].min - 0.9 * 0.8739215069684303).abs() < 1e-7, "{:?}", relaxed[j]);
}

/// A network with two routes from A to B (costs 1 and 2 units of A).
fn two_routes() -> FluxBalance {
    let mut fba = FluxBalance::new();
    fba.add_reaction("uptake", &[("A", 1.0)], 0.0, 10.0).unwrap();
    fba.add_reaction("route1", &[("A", -1.0), ("B", 1.0)], 0.0, f64::INFINITY).unwrap();
    fba.add_reaction("route2", &[("A", -2.0), ("B", 1.0)], 0.0, f64::INFINITY).unwrap();
    fba.add_reaction("growth", &[("B", -1.0)], 0.0, f64::INFINITY).unwrap();
    fba.set_objective("z", Sense::Maximize, &[("growth", 1.0)]).unwrap();
    fba
}

#[test]
fn analytic_networks_optimal_infeasible_and_unbounded() {
    let mut fba = two_routes();
    let best = optimum(&fba);
    assert_eq!((best.objective, best.flux("route1"), best.flux("route2")), (10.0, Some(10.0), Some(0.0)));
    // Route 1 capped at 4: the other 6 units of A make 3 of B.
    fba.set_bounds("route1", 0.0, 4.0).unwrap();
    assert_eq!(optimum(&fba).objective, 7.0);
    // Minimizing uptake while growth must be at least 2: 2 units of A.
    fba.set_bounds("growth", 2.0, f64::INFINITY).unwrap();
    fba.set_objective("uptake needed", Sense::Minimize, &[("uptake", 1.0)]).unwrap();
    let least = optimum(&fba);
    assert_eq!((least.objective, least.value("uptake needed")), (2.0, Some(2.0)));
    // Growth of at least 20 needs uptake past its bound of 10.
    fba.set_bounds("growth", 20.0, f64::INFINITY).unwrap();
    assert_eq!(fba.solve().unwrap(), FluxOutcome::Infeasible);
    // Bounds that exclude each other (a model's ≤ 1 and ≥ 2): infeasible,
    // not an error; set_bounds refuses them as a mistake.
    let mut crossed = two_routes();
    crossed.intersect_bounds("route2", f64::NEG_INFINITY, 1.0).unwrap();
    crossed.intersect_bounds("route2", 2.0, f64::INFINITY).unwrap();
    assert_eq!(crossed.bounds("route2"), Some((2.0, 1.0)));
    assert_eq!(crossed.solve().unwrap(), FluxOutcome::Infeasible);
    assert!(crossed.intersect_bounds("route2", f64::NAN, 1.0).is_err());
    // A source of B with no limit: growth is unbounded.
    let mut open = two_routes();
    open.add_reaction("free B", &[("B", 1.0)], 0.0, f64::INFINITY).unwrap();
    assert_eq!(open.solve().unwrap(), FluxOutcome::Unbounded);
    // A free cycle (route1 forward, a reverse reaction back) leaves the
    // optimum bounded and the cycle's flux undetermined.
    let mut cycle = two_routes();
    cycle.add_reaction("back", &[("B", -1.0), ("A", 1.0)], f64::NEG_INFINITY, f64::INFINITY).unwrap();
    assert_eq!(optimum(&cycle).objective, 10.0);
    let ranges = cycle.flux_variability(1.0).unwrap();
    assert_eq!(ranges[0], FluxRange { min: 10.0, max: 10.0 });
    // route1 − back carries the 10 units; back may run either way, forward
    // without limit, backward until route1 is 0.
    assert_eq!((ranges[1].max, ranges[4]), (f64::INFINITY, FluxRange { min: -10.0, max: f64::INFINITY }));
}

/// A small deterministic generator (64-bit LCG, top bits).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn int(&mut self, lo: i32, hi: i32) -> f64 {
        (lo + (self.next() * f64::from(hi - lo + 1)) as i32).min(hi) as f64
    }
}

/// The optimum of `max c·v, S v = 0, l ≤ v ≤ u` (finite bounds) by
/// enumerating vertices: every choice of `n − m` fluxes at their bounds,
/// the other `m` solved from `S v = 0` when that square system is regular.
fn vertex_optimum(s: &[Vec<f64>], l: &[f64], u: &[f64], c: &[f64]) -> Option<f64> {
    let (m, n) = (s.len(), l.len());
    let mut best: Option<f64> = None;
    for basic in 0u32..(1 << n) {
        if basic.count_ones() as usize != m {
            continue;
        }
        let free: Vec<usize> = (0..n).filter(|j| basic & (1 << j) != 0).collect();
        let fixed: Vec<usize> = (0..n).filter(|j| basic & (1 << j) == 0).collect();
        let a = nalgebra::DMatrix::from_fn(m, m, |i, k| s[i][free[k]]);
        let Some(inverse) = a.try_inverse() else { continue };
        for at_upper in 0u32..(1 << fixed.len()) {
            let mut v = vec![0.0; n];
            for (k, &j) in fixed.iter().enumerate() {
                v[j] = if at_upper & (1 << k) != 0 { u[j] } else { l[j] };
            }
            let rhs = nalgebra::DVector::from_fn(m, |i, _| -fixed.iter().map(|&j| s[i][j] * v[j]).sum::<f64>());
            let x = &inverse * rhs;
            for (k, &j) in free.iter().enumerate() {
                v[j] = x[k];
            }
            if (0..n).all(|j| v[j] >= l[j] - 1e-9 && v[j] <= u[j] + 1e-9) {
                let z: f64 = (0..n).map(|j| c[j] * v[j]).sum();
                best = Some(best.map_or(z, |b: f64| b.max(z)));
            }
        }
    }
    best
}

#[test]
fn random_linear_programs_agree_with_vertex_enumeration() {
    // 300 problems of 7 reactions over 3 metabolites, integer
    // stoichiometry in [−2, 2], bounds in [−4, 4]: the simplex's optimum
    // against the best feasible vertex; infeasible where none is.
    let mut rng = Lcg(2026);
    let (mut optimal, mut infeasible) = (0, 0);
    for case in 0..300 {
        let (m, n) = (3, 7);
        let s: Vec<Vec<f64>> = (0..m).map(|_| (0..n).map(|_| rng.int(-2, 2)).collect()).collect();
        let (mut l, mut u) = (vec![0.0; n], vec![0.0; n]);
        for j in 0..n {
            let (a, b) = (rng.int(-4, 4), rng.int(-4, 4));
            (l[j], u[j]) = (a.min(b), a.max(b));
        }
        let c: Vec<f64> = (0..n).map(|_| rng.int(-3, 3)).collect();
        let mut fba = FluxBalance::new();
        let names: Vec<String> = (0..n).map(|j| format!("r{j}")).collect();
        for j in 0..n {
            let changes: Vec<(String, f64)> = (0..m).map(|i| (format!("m{i}"), s[i][j])).collect();
            let changes: Vec<(&str, f64)> = changes.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            fba.add_reaction(&names[j], &changes, l[j], u[j]).unwrap();
        }
        let terms: Vec<(&str, f64)> = (0..n).map(|j| (names[j].as_str(), c[j])).collect();
        fba.set_objective("z", Sense::Maximize, &terms).unwrap();
        // A rank-deficient S has vertices with fewer than m basic fluxes;
        // enumerate those problems on the rows that are independent.
        let rank = nalgebra::DMatrix::from_fn(m, n, |i, j| s[i][j]).rank(1e-9);
        let rows: Vec<Vec<f64>> = if rank == m { s.clone() } else { independent_rows(&s) };
        let expected = vertex_optimum(&rows, &l, &u, &c);
        match (fba.solve().unwrap(), expected) {
            (FluxOutcome::Optimal(best), Some(z)) => {
                assert!((best.objective - z).abs() < 1e-7, "case {case}: simplex {} vertices {z}", best.objective);
                optimal += 1;
            }
            (FluxOutcome::Infeasible, None) => infeasible += 1,
            (got, want) => panic!("case {case}: simplex {got:?}, vertices {want:?}"),
        }
    }
    assert!(optimal > 100 && infeasible > 10, "{optimal} optimal, {infeasible} infeasible");
}

/// A maximal set of linearly independent rows of `s`.
fn independent_rows(s: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let mut kept: Vec<Vec<f64>> = Vec::new();
    for row in s {
        let mut trial = kept.clone();
        trial.push(row.clone());
        let n = row.len();
        if nalgebra::DMatrix::from_fn(trial.len(), n, |i, j| trial[i][j]).rank(1e-9) == trial.len() {
            kept = trial;
        }
    }
    kept
}

#[test]
fn bad_problems_are_refused_with_their_item() {
    let mut fba = two_routes();
    let message = |e: sasp::SaspError| e.to_string();
    assert!(message(fba.add_reaction("route1", &[], 0.0, 1.0).unwrap_err()).contains("'route1'"));
    assert!(message(fba.set_bounds("route1", 2.0, 1.0).unwrap_err()).contains("exceeds the upper bound"));
    assert!(message(fba.set_bounds("route1", f64::NAN, 1.0).unwrap_err()).contains("NaN"));
    assert!(message(fba.set_bounds("nowhere", 0.0, 1.0).unwrap_err()).contains("'nowhere'"));
    assert!(message(fba.set_bounds("route1", f64::INFINITY, f64::INFINITY).unwrap_err()).contains("no finite flux"));
    assert!(message(fba.set_objective("z", Sense::Maximize, &[("nowhere", 1.0)]).unwrap_err()).contains("'nowhere'"));
    assert!(message(fba.add_reaction("x", &[("A", f64::NAN)], 0.0, 1.0).unwrap_err()).contains("stoichiometry"));
    assert!(message(FluxBalance::new().solve().unwrap_err()).contains("no objective"));
    assert!(message(fba.flux_variability(1.5).unwrap_err()).contains("not in [0, 1]"));
}

const FBC_HEAD: &str = r#"<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" xmlns:fbc="http://www.sbml.org/sbml/level3/version1/fbc/version2" level="3" version="1" fbc:required="false"><model id="m" fbc:strict="false">
<listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
<listOfSpecies><species id="A" compartment="c" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
<species id="X" compartment="c" hasOnlySubstanceUnits="false" boundaryCondition="true" constant="false"/></listOfSpecies>"#;

/// An fbc document: `parameters`, reactions `in` (X → A, bounds `in_bounds`)
/// and `out` (A → X, its product's stoichiometry `out_ref`), then `tail`.
fn fbc_doc(parameters: &str, in_bounds: &str, out_ref: &str, tail: &str) -> String {
    format!(
        r#"{FBC_HEAD}<listOfParameters><parameter id="zero" value="0" constant="true"/><parameter id="ten" value="10" constant="true"/>{parameters}</listOfParameters>
<listOfReactions><reaction id="in" reversible="false" fast="false" {in_bounds}><listOfReactants><speciesReference species="X" stoichiometry="1" constant="true"/></listOfReactants><listOfProducts><speciesReference species="A" stoichiometry="1" constant="true"/></listOfProducts></reaction>
<reaction id="out" reversible="false" fast="false" fbc:lowerFluxBound="zero"><listOfReactants><speciesReference species="A" {out_ref} constant="true"/></listOfReactants><listOfProducts><speciesReference species="X" stoichiometry="1" constant="true"/></listOfProducts></reaction></listOfReactions>
{tail}</model></sbml>"#
    )
}

const OBJECTIVE: &str = r#"<fbc:listOfObjectives fbc:activeObjective="o"><fbc:objective fbc:id="o" fbc:type="maximize"><fbc:listOfFluxObjectives><fbc:fluxObjective fbc:reaction="out" fbc:coefficient="1"/></fbc:listOfFluxObjectives></fbc:objective></fbc:listOfObjectives>"#;

fn problem(xml: &str) -> sasp::Result<FluxBalance> {
    let doc = read::read_str(xml, "inline.xml")?;
    flux_balance(&doc, "inline.xml")
}

#[test]
fn fbc_documents_become_problems_and_bad_ones_are_refused() {
    // in ≤ 10 and out consumes 2 A: out = 5. An initial assignment of the
    // stoichiometry (4) and of a bound (ten ← 8) count.
    let xml = fbc_doc("", r#"fbc:lowerFluxBound="zero" fbc:upperFluxBound="ten""#, r#"stoichiometry="2""#, OBJECTIVE);
    assert_eq!(optimum(&problem(&xml).unwrap()).value("o"), Some(5.0));
    let assigned = r#"<listOfInitialAssignments><initialAssignment symbol="s"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>4</cn></math></initialAssignment>
<initialAssignment symbol="ten"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn>8</cn></math></initialAssignment></listOfInitialAssignments>"#;
    let xml = fbc_doc("", r#"fbc:lowerFluxBound="zero" fbc:upperFluxBound="ten""#, r#"id="s" stoichiometry="2""#, "")
        .replace("<listOfReactions>", &format!("{assigned}<listOfReactions>"))
        .replace("</listOfReactions>", &format!("</listOfReactions>{OBJECTIVE}"));
    assert_eq!(optimum(&problem(&xml).unwrap()).value("o"), Some(2.0));
    // fbc v1 bounds intersect: ≤ 10 and ≤ 6 and ≥ 1.
    let v1 = fbc_doc(
        "",
        "",
        r#"stoichiometry="1""#,
        &format!(
            r#"<fbc:listOfFluxBounds><fbc:fluxBound fbc:reaction="in" fbc:operation="lessEqual" fbc:value="10"/><fbc:fluxBound fbc:reaction="in" fbc:operation="lessEqual" fbc:value="6"/><fbc:fluxBound fbc:reaction="in" fbc:operation="greaterEqual" fbc:value="1"/></fbc:listOfFluxBounds>{OBJECTIVE}"#
        ),
    );
    assert_eq!(problem(&v1).unwrap().bounds("in"), Some((1.0, 6.0)));
    let crossed = v1.replace(r#""greaterEqual" fbc:value="1""#, r#""greaterEqual" fbc:value="7""#);
    assert_eq!(problem(&crossed).unwrap().solve().unwrap(), FluxOutcome::Infeasible);
    // Refusals, each naming its construct.
    let strict = v1.replace("\"lessEqual\" fbc:value=\"6\"", "\"less\" fbc:value=\"6\"");
    let e = problem(&strict).unwrap_err();
    assert!(e.is_unsupported() && e.to_string().contains("'less'"), "{e}");
    let no_objective = fbc_doc("", "", r#"stoichiometry="1""#, "");
    assert!(problem(&no_objective).unwrap_err().to_string().contains("active fbc objective"));
    let unknown = fbc_doc("", r#"fbc:upperFluxBound="eleven""#, r#"stoichiometry="1""#, OBJECTIVE);
    assert!(problem(&unknown).unwrap_err().to_string().contains("'eleven' is not a parameter"));
    let ruled = fbc_doc("", "", r#"id="s" stoichiometry="1""#, OBJECTIVE).replace(
        "<listOfReactions>",
        r#"<listOfRules><assignmentRule variable="s"><math xmlns="http://www.w3.org/1998/Math/MathML"><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol></math></assignmentRule></listOfRules><listOfReactions>"#,
    );
    let e = problem(&ruled).unwrap_err();
    assert!(e.is_unsupported() && e.to_string().contains("variable stoichiometry"), "{e}");
    let v3 = fbc_doc("", "", r#"stoichiometry="1""#, OBJECTIVE)
        .replace("fbc/version2", "fbc/version3")
        .replace("</model>", "<fbc:listOfUserDefinedConstraints/></model>");
    let e = problem(&v3).unwrap_err();
    assert!(e.is_unsupported() && e.to_string().contains("user-defined constraints"), "{e}");
    let plain = read::read_str(
        r#"<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2"><model id="m"/></sbml>"#,
        "p.xml",
    )
    .unwrap();
    assert!(flux_balance(&plain, "p.xml").unwrap_err().to_string().contains("no flux balance constraints"));
}

#[test]
fn a_models_processes_are_reactions() {
    // SBML Test Suite case 00001: S1 → S2 at k1·S1·compartment.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sbml-test-suite/cases/00001/00001-sbml-l3v2.xml");
    let model = sasp::model::Model::from_sbml(path).unwrap();
    let mut fba = FluxBalance::from_model(&model).unwrap();
    assert_eq!(fba.reaction_names().collect::<Vec<_>>(), ["reaction1"]);
    assert_eq!(fba.metabolite_names().collect::<Vec<_>>(), ["S1", "S2"]);
    // S1 and S2 at steady state: a closed network carries no flux.
    fba.set_objective("z", Sense::Maximize, &[("reaction1", 1.0)]).unwrap();
    assert_eq!(optimum(&fba).objective, 0.0);
    // Add an inflow of S1 and an outflow of S2, bounded: the flux is the bound.
    fba.add_reaction("feed", &[("S1", 1.0)], 0.0, 3.0).unwrap();
    fba.add_reaction("drain", &[("S2", -1.0)], 0.0, f64::INFINITY).unwrap();
    assert_eq!(optimum(&fba).objective, 3.0);
}
