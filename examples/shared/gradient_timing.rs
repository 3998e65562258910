//! Timing a PEtab problem's gradient, shared by the `petab_timing` and
//! `adjoint_crossover` examples (included with `#[path]`; not an example
//! itself).

use sasp::petab::{Problem, Sensitivities};
use std::time::Instant;

/// The median wall time of `repeat` gradients (likelihood included) by
/// `by` at the nominal values and [`Problem::default_options`], the models
/// imported once ([`Problem::prepare`]) as a fit's evaluations share them,
/// and the last gradient.
pub fn time_gradient(problem: &Problem, repeat: usize, by: Sensitivities) -> sasp::Result<(f64, Vec<f64>)> {
    let values = problem.nominal_values()?;
    let mut times = Vec::with_capacity(repeat);
    let mut gradient = Vec::new();
    let mut prepared = problem.prepare()?;
    for _ in 0..repeat {
        let start = Instant::now();
        gradient = prepared.gradient_by(&values, &Problem::default_options(), by)?.gradient;
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], gradient))
}
