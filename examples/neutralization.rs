//! The README's main command: `cargo run --release --example neutralization`.
//!
//! Runs the reference model (`models/iannello2013.toml`) from tumor injection
//! at day -14 to day 21, with p53 restored at day 0 and, for comparison, with
//! p53 left off; prints tumor volume, NK cells and CCL2 by day and writes
//! `out/neutralization.csv`.
//!
//! The antibody arms of the paper (anti-CCL2, anti-CCL3/4/5, NKG2D, NK
//! depletion) come with the interventions layer; until then this runs the two
//! arms the model can express with its inputs alone.

use sasp::output::write_atomic;
use sasp::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

fn main() -> Result<()> {
    let model = sasp::models::iannello2013()?;
    let days: Vec<f64> = (-14..=21).map(f64::from).collect();
    let options = Options { rtol: 1e-8, atol: Tolerance::Scalar(1e-10), ..Options::default() };
    let arms = [("p53 on", vec![Switch::p53_restored_at(0.0)]), ("p53 off", vec![])];
    let mut csv = String::from("arm,day,tumor_volume_mm3,senescent_fraction,nk_in_tumor_1e6,nk_per_mm3,ccl2_nM\n");
    for (name, switches) in &arms {
        let run = simulate(&model, switches, 21.0, &days, Method::Auto, &options)?;
        println!("\n{name}: doxycycline {}", if switches.is_empty() { "never given" } else { "from day 0" });
        println!(
            "{:>5} {:>12} {:>10} {:>10} {:>10} {:>9}",
            "day", "volume mm3", "senescent", "NK 1e6", "NK/mm3", "CCL2 nM"
        );
        for (k, &t) in run.t.iter().enumerate() {
            let y = run.state(k);
            let volume = model.value_of("T", y)?;
            let nk = model.value_of("NK", y)?;
            let senescent = model.value_of("S", y)? / (volume + 1e-3);
            let nk_per_mm3 = 1e6 * nk / (volume + 1e-3);
            let ccl2 = model.value_of("C2", y)?;
            println!("{t:>5} {volume:>12.2} {senescent:>10.3} {nk:>10.4} {nk_per_mm3:>10.0} {ccl2:>9.3}");
            let _ = writeln!(csv, "{name},{t},{volume},{senescent},{nk},{nk_per_mm3},{ccl2}");
        }
        let s = run.stats;
        println!("solver: {} steps, {} rejected, {} right-hand-side evaluations", s.steps, s.rejected, s.rhs_evals);
    }
    let path = Path::new("out/neutralization.csv");
    write_atomic(path, csv.as_bytes())?;
    println!("\nwrote {}", path.display());
    Ok(())
}
