//! New parameter values without a rebuild.
//!
//! A build turns the declaration into compiled kinetics whose numbers are
//! functions of the parameters: a term's coefficient `c = ±Π p_k^{e_k}`
//! (numbers and parameters in canonical units), a change `ν` of the same
//! form, a factor's constant (`K` of a saturation, `Kⁿ` of a Hill function,
//! `1/K` of room, `ε` of a ratio). While it builds, the model notes for each
//! number how it follows from the parameters (a [`Recipe`]); new values then
//! recompute those numbers, and the kinetics recompute their coefficients
//! from them ([`Kinetics::with_numbers`](super::kinetics::Kinetics)), with
//! the same products in the same order: the model is the one a rebuild
//! gives, bit for bit (`tests/model.rs` compares them).
//!
//! The recipes cover the parameters that factor laws use. Expressions (a
//! rate, an assignment, an event) name parameters
//! ([`parameter_name`](crate::expr::parameter_name)): their tapes take the
//! new values ([`Tape::set_parameters`](crate::expr::Tape::set_parameters)),
//! and the assignments read them when evaluated. An expression rate lowered
//! to the factor program holds the values as numbers, so the parameters it
//! reads are *opaque*; so is the update of a
//! value that would change what the build checks or compiles: a value that
//! is not finite and positive, one whose uncertainty declaration refuses
//! it, a coefficient or change whose sign or zero-ness changes (the
//! consumption check and the sparsity of the right-hand side depend on
//! them), two factors that were one and now differ. [`Model::with_parameters`]
//! rebuilds the model from its declaration then, which validates the new
//! values as any build does.

use super::kinetics::{FactorFn, Numbers};
use super::{Model, Unit};

/// A number of the kinetics as the parameters give it: `(sign · Π x_k^{e_k})
/// · scale`, multiplied left to right as the build does, each `x_k` a
/// number or a parameter's canonical value.
#[derive(Clone, Debug)]
pub(crate) struct Monomial {
    pub sign: f64,
    pub parts: Vec<(Part, i32)>,
    pub scale: f64,
}

/// One base of a [`Monomial`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum Part {
    Number(f64),
    Parameter(usize),
}

impl Monomial {
    fn value(&self, canonical: &[f64]) -> f64 {
        let mut value = self.sign;
        for &(part, exponent) in &self.parts {
            let x = match part {
                Part::Number(x) => x,
                Part::Parameter(k) => canonical[k],
            };
            value *= x.powi(exponent);
        }
        value * self.scale
    }

    /// The same monomial times `scale`.
    pub(super) fn scaled(mut self, scale: f64) -> Monomial {
        self.scale *= scale;
        self
    }
}

/// How a term's coefficient or a change follows from the parameters.
#[derive(Clone, Debug)]
pub(crate) enum Recipe {
    /// A number of the declaration, or one that only opaque parameters
    /// give: it stays as built.
    Fixed,
    Monomial(Monomial),
}

/// How a factor's constant follows from the parameters.
#[derive(Clone, Copy, Debug)]
pub(crate) enum FactorRecipe {
    /// No constant, or one from numbers or opaque parameters.
    Fixed,
    /// The canonical value `K` of this parameter ([`FactorFn::with_constant`]).
    Parameter(usize),
}

/// What [`Model::with_parameters`] needs to update a model in place of
/// rebuilding it: each parameter's declared unit and whether an expression
/// reads it, and the recipe of every number of the kinetics, in the order
/// of [`Numbers`] and of the changes (`Kinetics::changes`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Parametrization {
    /// `None` for an undeclared unit (the value is used as it is).
    pub units: Vec<Option<Unit>>,
    pub opaque: Vec<bool>,
    pub terms: Vec<Recipe>,
    pub changes: Vec<Recipe>,
    pub factors: Vec<FactorRecipe>,
}

/// The sign of a number, or `None` for NaN: a recomputed number must keep it.
fn class(x: f64) -> Option<std::cmp::Ordering> {
    x.partial_cmp(&0.0)
}

impl Model {
    /// The model with the parameters `updates` (position, value in the
    /// declared unit) set, without a rebuild; `None` when a rebuild must
    /// decide (see the module docs).
    pub(super) fn reparameterized(&self, updates: &[(usize, f64)]) -> Option<Model> {
        let pz = &*self.parametrization;
        let old = &self.kinetics.numbers;
        if (pz.terms.len(), pz.changes.len(), pz.factors.len())
            != (old.terms.len(), self.kinetics.changes.len(), old.factors.len())
        {
            return None;
        }
        let mut canonical = self.parameter_values.clone();
        for &(k, value) in updates {
            if pz.opaque[k] || !(value.is_finite() && value > 0.0) {
                return None;
            }
            let declared = &self.spec.parameters[k];
            if declared.uncertainty.as_ref().is_some_and(|u| u.distribution_at(value).is_err()) {
                return None;
            }
            let c = pz.units[k].map_or(value, |unit| unit.to_canonical(value));
            if !(c.is_finite() && c > 0.0) {
                return None;
            }
            canonical[k] = c;
        }
        let recompute = |recipes: &[Recipe], old: &[f64]| -> Option<Vec<f64>> {
            recipes
                .iter()
                .zip(old)
                .map(|(r, &o)| match r {
                    Recipe::Fixed => Some(o),
                    Recipe::Monomial(m) => {
                        let v = m.value(&canonical);
                        (v.is_finite() && class(v) == class(o)).then_some(v)
                    }
                })
                .collect()
        };
        let terms = recompute(&pz.terms, &old.terms)?;
        let old_changes: Vec<f64> = self.kinetics.changes.iter().map(|&(_, nu)| nu).collect();
        let changes = recompute(&pz.changes, &old_changes)?;
        let factors = pz
            .factors
            .iter()
            .zip(&old.factors)
            .map(|(r, f)| match *r {
                FactorRecipe::Fixed => Some(f.clone()),
                FactorRecipe::Parameter(k) => f.with_constant(canonical[k]),
            })
            .collect::<Option<Vec<FactorFn>>>()?;
        let mut kinetics = self.kinetics.with_numbers(Numbers { terms, factors }, &changes)?;
        kinetics.set_expression_parameters(&canonical);
        let mut events = self.events.clone();
        for e in &mut events {
            e.set_parameters(&canonical);
        }
        let mut declared =
            self.declared.clone().unwrap_or_else(|| self.spec.parameters.iter().map(|p| p.value).collect());
        for &(k, value) in updates {
            declared[k] = value;
        }
        Some(Model {
            spec: self.spec.clone(),
            declared: Some(declared),
            current_spec: std::sync::OnceLock::new(),
            kinetics,
            locked_kinetics: std::sync::OnceLock::new(),
            parameter_values: canonical,
            initial: self.initial.clone(),
            default_inputs: self.default_inputs.clone(),
            compartment_index: self.compartment_index.clone(),
            parameter_index: self.parameter_index.clone(),
            input_index: self.input_index.clone(),
            pools: self.pools.clone(),
            transport: self.transport.clone(),
            assignments: self.assignments.clone(),
            events,
            algebraic: self.algebraic.clone(),
            relaxing: self.relaxing.clone(),
            delays: self.delays.clone(),
            unchecked_units: self.unchecked_units.clone(),
            parametrization: self.parametrization.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Model;

    /// Every number the kinetics evaluate, as bits.
    fn numbers(m: &Model) -> Vec<u64> {
        let k = &m.kinetics;
        let mut out: Vec<f64> = Vec::new();
        for t in &k.rate_tapes {
            out.extend(&t.coefficient);
        }
        out.extend(&k.derivative.matrix.coefficient);
        out.extend(&k.jacobian_sparse.matrix.coefficient);
        out.extend(k.jac_plan.iter().map(|e| e.scale));
        for f in &k.unique {
            out.extend(f.function.parts().2);
        }
        out.extend(&k.constants);
        out.extend(k.changes.iter().map(|&(_, nu)| nu));
        out.extend(k.customs.iter().flat_map(|c| c.changes.iter().map(|&(_, nu)| nu)));
        out.extend(&m.parameter_values);
        out.iter().map(|x| x.to_bits()).collect()
    }

    /// The update without a rebuild, checked against a rebuild: the same
    /// numbers to the bit, compiled kernels kept.
    fn check(model: &Model, updates: &[(usize, f64)]) {
        let fast = model.reparameterized(updates).expect("an update without a rebuild");
        let mut spec = model.spec().clone();
        for &(k, v) in updates {
            spec.parameters[k].value = v;
        }
        let rebuilt = Model::from_spec(spec).unwrap();
        assert!(fast == rebuilt, "declarations differ");
        assert_eq!(fast.kinetics.compiled.is_some(), model.kinetics.compiled.is_some());
        assert_eq!(numbers(&fast), numbers(&rebuilt), "updates {updates:?}");
    }

    fn reference() -> Model {
        crate::models::iannello2013().unwrap()
    }

    /// The right-hand side, Jacobian values and `∂f/∂t` of `model` at its
    /// initial state and at a perturbed one, as bits.
    fn evaluations(model: &Model) -> Vec<u64> {
        use crate::solve::{JacobianStructure, OdeSystem};
        let system = model.system(&model.default_inputs()).unwrap();
        let n = model.dimension();
        let y0 = model.initial_state();
        let y1: Vec<f64> = y0.iter().enumerate().map(|(i, &v)| v * 1.3 + 0.01 * (i + 1) as f64).collect();
        let size = match system.jacobian_structure() {
            JacobianStructure::Sparse(pattern) => pattern.nnz(),
            JacobianStructure::Banded { lower, upper } => n * (lower + upper + 1),
            _ => n * n,
        };
        let mut out = Vec::new();
        for (t, y) in [(0.0, &y0), (2.5, &y1)] {
            let (mut dy, mut jac, mut ft) = (vec![0.0; n], vec![0.0; size], vec![0.0; n]);
            system.rhs(t, y, &mut dy);
            assert!(system.jacobian(t, y, &mut jac));
            system.time_derivative(t, y, &mut ft);
            out.extend(dy.iter().chain(&jac).chain(&ft).map(|x| x.to_bits()));
        }
        out
    }

    #[test]
    fn parameters_that_expression_tapes_read_update_exactly() {
        // The saturating killing law is an expression no factor program
        // can hold: its tape reads d_kill, lambda_kill and s_kill, which
        // now update without a rebuild, to the bit of a rebuild.
        let model = crate::models::iannello2013_saturating_kill().unwrap();
        let index = |name: &str| model.parameter_position(name).unwrap();
        let names = ["d_kill", "lambda_kill", "s_kill", "T_eps", "g_NKG2D", "rho_N"];
        for name in names {
            assert!(!model.parametrization.opaque[index(name)], "{name} is opaque");
        }
        let updates: Vec<(usize, f64)> =
            names.iter().map(|&n| (index(n), model.spec.parameters[index(n)].value * 1.29)).collect();
        check(&model, &updates);
        let fast = model.reparameterized(&updates).unwrap();
        let mut spec = model.spec().clone();
        for &(k, v) in &updates {
            spec.parameters[k].value = v;
        }
        let rebuilt = Model::from_spec(spec).unwrap();
        assert_eq!(evaluations(&fast), evaluations(&rebuilt));
        // And the values matter: the update changes the right-hand side.
        assert_ne!(evaluations(&fast), evaluations(&model));
    }

    #[test]
    fn every_factor_law_parameter_of_the_reference_model_updates_exactly() {
        let model = reference();
        let pz = &model.parametrization;
        let mut updated = 0;
        for (k, p) in model.spec.parameters.iter().enumerate() {
            if pz.opaque[k] || p.value <= 0.0 {
                continue;
            }
            check(&model, &[(k, p.value * 1.37)]);
            updated += 1;
        }
        // All of them at once, by factors from 0.5 to 2.
        let all: Vec<(usize, f64)> = (model.spec.parameters.iter().enumerate())
            .filter(|(k, p)| !pz.opaque[*k] && p.value > 0.0)
            .map(|(k, p)| (k, p.value * (0.5 + 1.5 * ((k * 7919) % 101) as f64 / 100.0)))
            .collect();
        check(&model, &all);
        // An updated model updates again (from its new values).
        let once = model.reparameterized(&all).unwrap();
        let twice: Vec<(usize, f64)> = all.iter().map(|&(k, v)| (k, v * 0.77)).collect();
        check(&once, &twice);
        // The reference model's laws are factor laws: every positive
        // parameter updates without a rebuild.
        assert_eq!(updated, model.spec.parameters.iter().filter(|p| p.value > 0.0).count());
        assert!(model.kinetics.compiled.is_some(), "the reference model has compiled kernels");
    }

    #[test]
    fn the_anti_ccl2_arm_updates_exactly() {
        use crate::intervene::{Antibody, Arm, P53Restoration};
        use crate::model::Chemokine;
        let model = reference();
        let schedule = crate::experiment::paper::antibody_schedule();
        let arm =
            Arm::new("anti-CCL2").with(P53Restoration::at(0.0)).with(Antibody::neutralizing(Chemokine::CCL2, schedule));
        let prepared = arm.prepare(&model, model.initial_time()).unwrap().model;
        let pz = &prepared.parametrization;
        let all: Vec<(usize, f64)> = (prepared.spec.parameters.iter().enumerate())
            .filter(|(k, p)| !pz.opaque[*k] && p.value > 0.0)
            .map(|(k, p)| (k, p.value * (0.5 + 1.5 * ((k * 104_729) % 97) as f64 / 96.0)))
            .collect();
        let positive = prepared.spec.parameters.iter().filter(|p| p.value > 0.0).count();
        assert_eq!(all.len(), positive, "every positive parameter of the arm updates without a rebuild");
        check(&prepared, &all);
        assert!(prepared.kinetics.compiled.is_some(), "the arm has compiled kernels");
    }

    const MODEL: &str = r#"
[model]
name = "two saturations"
[[compartment]]
name = "A"
kind = "cells.A"
unit = "Mcells"
initial = 1.0
[[compartment]]
name = "B"
kind = "cells.B"
unit = "Mcells"
initial = 0.5
[[parameter]]
name = "k"
value = 2.0
unit = "1/day"
tag = "A"
[[parameter]]
name = "K1"
value = 1.0
unit = "Mcells"
tag = "A"
[[parameter]]
name = "K2"
value = 1.0
unit = "Mcells"
tag = "A"
[[parameter]]
name = "g"
value = 0.3
unit = "1/day"
tag = "A"
[[process]]
name = "uptake"
rate = { law = "mass_action", k = "k", of = ["A"] }
modifiers = [{ factor = "saturating", of = "B", km = "K1" }]
changes = { A = -1 }
[[process]]
name = "release"
rate = { law = "mass_action", k = "k", of = ["B"] }
modifiers = [{ factor = "saturating", of = "B", km = "K2" }]
changes = { A = 1, B = -1 }
[[process]]
name = "growth"
rate = { law = "expression", rate = "g*B" }
changes = { B = 1 }
"#;

    #[test]
    fn what_a_build_must_judge_is_rebuilt() {
        let model = Model::from_toml_str(MODEL, "test.toml").unwrap();
        let index = |name: &str| model.parameter_position(name).unwrap();
        check(&model, &[(index("k"), 3.0)]);
        // `g` is read by an expression: opaque.
        assert!(model.parametrization.opaque[index("g")]);
        assert!(model.reparameterized(&[(index("g"), 0.4)]).is_none());
        // Zero, negative and non-finite values are the build's to judge.
        for v in [0.0, -1.0, f64::INFINITY, f64::NAN] {
            assert!(model.reparameterized(&[(index("k"), v)]).is_none());
        }
        // K1 = K2 made the two saturations one factor: now they differ.
        assert!(model.reparameterized(&[(index("K1"), 2.0)]).is_none());
        // Through the public method, each gives what a build gives.
        for (name, v) in [("g", 0.4), ("K1", 2.0), ("k", 3.0)] {
            let a = model.with_parameter(name, v).unwrap();
            let mut spec = model.spec().clone();
            spec.parameters[index(name)].value = v;
            assert_eq!(numbers(&a), numbers(&Model::from_spec(spec).unwrap()));
        }
        let refused = model.with_parameter("K1", -1.0).unwrap_err().to_string();
        assert!(refused.contains("K1"), "{refused}");
    }
}
