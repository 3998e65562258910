//! The reference model with p53 restored at day 0: tumor volume, NK cells and
//! CCL2 by day, from tumor injection (day -14) to day 21.
//!
//! `cargo run --release --example p53_restoration`

use sasp::prelude::*;

fn main() -> Result<()> {
    let model = sasp::models::iannello2013()?;
    let days: Vec<f64> = (-14..=21).map(f64::from).collect();
    let options = Options { rtol: 1e-8, atol: Tolerance::Scalar(1e-10), ..Options::default() };
    let run = simulate(&model, &[Switch::p53_restored_at(0.0)], 21.0, &days, &options)?;
    println!(
        "{:>5} {:>12} {:>10} {:>12} {:>10} {:>9}",
        "day", "volume mm3", "senescent", "NK (1e6)", "NK/mm3", "CCL2 nM"
    );
    for (k, &t) in run.t.iter().enumerate() {
        let y = run.state(k);
        let volume = model.value_of("T", y)?;
        let nk = model.value_of("NK", y)?;
        let senescent = model.value_of("S", y)? / (volume + 1e-3);
        let nk_per_mm3 = 1e6 * nk / (volume + 1e-3);
        let ccl2 = model.value_of("C2", y)?;
        println!("{t:>5} {volume:>12.3} {senescent:>10.3} {nk:>12.4} {nk_per_mm3:>10.0} {ccl2:>9.3}");
    }
    let s = run.stats;
    println!("\n{} steps, {} rejected, {} right-hand-side evaluations", s.steps, s.rejected, s.rhs_evals);
    Ok(())
}
