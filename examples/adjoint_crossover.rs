//! Where adjoint sensitivities overtake forward ones: a family of PEtab
//! problems with `n` species and `p` estimated parameters, the gradient of
//! each by both, one JSON line per problem (docs/petab.md, *Adjoint
//! sensitivities*):
//!
//! ```sh
//! cargo run --release --example adjoint_crossover [-- --repeat K]
//! ```
//!
//! The model is a ring of `n` species, `Aᵢ ⇌ Aᵢ₊₁` (rate constants `kᵢ`,
//! `rᵢ`) and `Aᵢ + Aᵢ₊₁ → Aᵢ₊₂` (`cᵢ`), `3n` parameters of which the first
//! `p` are estimated; four observables (sums of a quarter of the ring each)
//! measured at 20 times. The problems are written under
//! `out/adjoint_crossover/`. Each line gives the median wall time of K
//! gradients (likelihood included) by forward (`forward_s`) and adjoint
//! (`adjoint_s`) sensitivities at rtol 1e-8, and their largest difference
//! relative to the largest component.

#[path = "shared/gradient_timing.rs"]
mod gradient_timing;

use gradient_timing::time_gradient;
use sasp::petab::{Problem, Sensitivities};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Writes the problem with `n` species and `p` estimated parameters.
fn write_problem(dir: &Path, n: usize, p: usize) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let mut species = String::new();
    let mut parameters = String::new();
    let mut reactions = String::new();
    let mut table = String::from("parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate\n");
    for i in 0..n {
        let x0 = 1.0 + (i % 7) as f64 * 0.3;
        writeln!(species, r#"<species id="A{i}" compartment="c" initialConcentration="{x0}" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>"#).unwrap();
    }
    let mut k = 0;
    let mut parameter = |id: String, value: f64, parameters: &mut String, table: &mut String| {
        writeln!(parameters, r#"<parameter id="{id}" value="{value}" constant="true"/>"#).unwrap();
        writeln!(table, "{id}\tlog10\t1e-3\t1e3\t{value}\t{}", u8::from(k < p)).unwrap();
        k += 1;
        id
    };
    let law = |factors: &[&str]| {
        let inner: String = factors.iter().map(|f| format!("<ci> {f} </ci>")).collect();
        format!(
            r#"<kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/>{inner}</apply></math></kineticLaw>"#
        )
    };
    let reference = |s: &str| format!(r#"<speciesReference species="{s}" stoichiometry="1" constant="true"/>"#);
    for i in 0..n {
        let (a, b, c) = (format!("A{i}"), format!("A{}", (i + 1) % n), format!("A{}", (i + 2) % n));
        let kf = parameter(format!("k{i}"), 1.0 + (i % 5) as f64 * 0.2, &mut parameters, &mut table);
        let kr = parameter(format!("r{i}"), 0.5 + (i % 3) as f64 * 0.1, &mut parameters, &mut table);
        let kc = parameter(format!("c{i}"), 0.05 + (i % 4) as f64 * 0.01, &mut parameters, &mut table);
        for (id, from, to, rate) in [
            (format!("f{i}"), vec![a.clone()], vec![b.clone()], law(&[&kf, &a, "c"])),
            (format!("b{i}"), vec![b.clone()], vec![a.clone()], law(&[&kr, &b, "c"])),
            (format!("j{i}"), vec![a.clone(), b.clone()], vec![c.clone()], law(&[&kc, &a, &b, "c"])),
        ] {
            let reactants: String = from.iter().map(|s| reference(s)).collect();
            let products: String = to.iter().map(|s| reference(s)).collect();
            writeln!(reactions, r#"<reaction id="{id}" reversible="false"><listOfReactants>{reactants}</listOfReactants><listOfProducts>{products}</listOfProducts>{rate}</reaction>"#).unwrap();
        }
    }
    let sbml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
<model id="ring"><listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
<listOfSpecies>{species}</listOfSpecies><listOfParameters>{parameters}</listOfParameters>
<listOfReactions>{reactions}</listOfReactions></model></sbml>"#
    );
    std::fs::write(dir.join("model.xml"), sbml)?;
    std::fs::write(dir.join("conditions.tsv"), "conditionId\nbase\n")?;
    let mut observables = String::from("observableId\tobservableFormula\tnoiseFormula\n");
    let mut measurements = String::from("observableId\tsimulationConditionId\tmeasurement\ttime\n");
    for q in 0..4 {
        let members: Vec<String> = (q * n / 4..(q + 1) * n / 4).map(|i| format!("A{i}")).collect();
        writeln!(observables, "y{q}\t{}\t0.1", members.join(" + ")).unwrap();
        for t in 1..=20 {
            writeln!(
                measurements,
                "y{q}\tbase\t{}\t{}",
                members.len() as f64 * (1.0 + 0.01 * t as f64),
                t as f64 * 0.5
            )
            .unwrap();
        }
    }
    std::fs::write(dir.join("observables.tsv"), observables)?;
    std::fs::write(dir.join("measurements.tsv"), measurements)?;
    std::fs::write(dir.join("parameters.tsv"), table)?;
    let yaml = "format_version: 1\nparameter_file: parameters.tsv\nproblems:\n  - sbml_files: [model.xml]\n    \
                condition_files: [conditions.tsv]\n    observable_files: [observables.tsv]\n    \
                measurement_files: [measurements.tsv]\n";
    std::fs::write(dir.join("problem.yaml"), yaml)?;
    Ok(dir.join("problem.yaml"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut repeat = 5usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--repeat" => repeat = args.next().ok_or("--repeat needs a number")?.parse()?,
            _ => return Err(format!("unknown argument '{a}'; usage: adjoint_crossover [--repeat K ≥ 1]").into()),
        }
    }
    if repeat == 0 {
        return Err("--repeat must be at least 1".into());
    }
    for n in [8, 32, 128] {
        for p in [1, 4, 16, 64, 3 * n].into_iter().filter(|&p| p <= 3 * n) {
            let dir = Path::new("out/adjoint_crossover").join(format!("n{n}_p{p}"));
            let problem = Problem::from_file(write_problem(&dir, n, p)?)?;
            let (forward_s, forward) = time_gradient(&problem, repeat, Sensitivities::Forward)?;
            let (adjoint_s, adjoint) = time_gradient(&problem, repeat, Sensitivities::Adjoint)?;
            let scale = forward.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
            let difference = forward.iter().zip(&adjoint).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max) / scale;
            println!(
                "{}",
                serde_json::json!({
                    "species": n,
                    "parameters": p,
                    "forward_s": forward_s,
                    "adjoint_s": adjoint_s,
                    "forward_over_adjoint": forward_s / adjoint_s,
                    "difference": difference,
                })
            );
        }
    }
    Ok(())
}
