//! The neutralization experiment of Iannello et al. (J Exp Med 2013) and the
//! calibration targets (the table in docs/reproducing.md).
//!
//! Tumors are injected at day −14 (p53 off) and reach about 100 mm³ by day 0,
//! when doxycycline restores p53. Antibodies (330 nM into the i.p. depot,
//! ≈ 100 µg) are given every 2 days from day −1.

use super::{ArmResult, ClearanceSpec, Level, Observable, UndefinedBelow};
use crate::error::{ModelError, Result, SaspError};
use crate::intervene::{Arm, DoseSchedule, Scenario};
use crate::model::{Chemokine, Compartment, Model, NkState, Role, TumorState};
use serde::Serialize;

/// The paper's observables on `model`, found by compartment kind, process
/// tag and parameter name: `tumor_volume_mm3` (every `tumor.*`
/// compartment), `nk_in_tumor` (`nk.recruited`, `nk.activated`),
/// `nk_per_mm3` (`10⁶·NK/(tumor + T_eps)`, `T_eps` = 10⁻³ when the model does not declare it, undefined below the detection
/// limit), `ccl2_free_nM` and `ccl2_total_nM` (the `chemokine.CCL2`
/// compartment, with its antibody complexes), `senescent_fraction`
/// (`tumor.senescent / (tumor + T_eps)`, undefined below the detection
/// limit) and `nk_kills_per_day` (processes tagged `killing`). A model that
/// lacks one of these is an error that names it: declare the experiment's
/// own observables ([`Experiment::observables`](super::Experiment::observables)) instead.
pub fn observables(model: &Model) -> Result<Vec<Observable>> {
    let names = |pred: &dyn Fn(Compartment) -> bool| -> Vec<String> {
        model.indices_where(pred).into_iter().map(|i| model.built_spec().compartments[i].name.clone()).collect()
    };
    let lacking = |what: &str| {
        SaspError::from(ModelError::Missing {
            needed_by: "the paper's default set of observables (declare the experiment's own instead: \
                        Experiment::observables, Experiment::clearance)"
                .to_string(),
            what: format!("a {what}"),
            model: model.name().to_string(),
        })
    };
    let tumor = names(&|k| matches!(k, Compartment::Tumor(_)));
    if tumor.is_empty() {
        return Err(lacking("tumor compartment (kind tumor.*)"));
    }
    let senescent = names(&|k| k == Compartment::Tumor(TumorState::Senescent));
    let nk = names(&|k| matches!(k, Compartment::Nk(NkState::Recruited | NkState::Activated)));
    if nk.is_empty() {
        return Err(lacking("NK compartment (kind nk.recruited or nk.activated)"));
    }
    let ccl2 = names(&|k| k == Compartment::Chemokine(Chemokine::CCL2));
    let ccl2 = ccl2.first().ok_or_else(|| lacking("CCL2 compartment (kind chemokine.CCL2)"))?;
    // The regularization of the per-volume ratios: the model's `T_eps`, or 10⁻³.
    let eps = |o: Observable| match model.parameter_canonical("T_eps") {
        Ok(_) => o.offset("T_eps"),
        Err(_) => o.offset_value(1e-3),
    };
    let killing: Vec<String> =
        model.built_spec().processes.iter().filter(|p| p.has_role(Role::Killing)).map(|p| p.name.clone()).collect();
    fn as_str(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    Ok(vec![
        Observable::pool("tumor_volume_mm3", "mm³", &as_str(&tumor)),
        Observable::pool("nk_in_tumor", "10⁶ cells", &as_str(&nk)),
        eps(Observable::ratio("nk_per_mm3", "1/mm³", "nk_in_tumor", "tumor_volume_mm3").scaled(1e6))
            .undefined_below(UndefinedBelow::DetectionLimit),
        Observable::free("ccl2_free_nM", "nM", ccl2),
        Observable::total("ccl2_total_nM", "nM", ccl2),
        Observable::pool("senescent", "10⁶ cells", &as_str(&senescent)).hidden(),
        eps(Observable::ratio("senescent_fraction", "1", "senescent", "tumor_volume_mm3"))
            .undefined_below(UndefinedBelow::DetectionLimit),
        Observable::rates("nk_kills_per_day", "10⁶ cells/day", &as_str(&killing)),
    ])
}

/// The paper's clearance metric: days from doxycycline (the reference day)
/// until the tumor volume falls to 50 % and 10 % of its value then, and
/// below 1 mm³.
pub fn clearance() -> ClearanceSpec {
    ClearanceSpec::of("tumor_volume_mm3")
        .reference_label("volume_at_reference")
        .threshold("days_to_50", Level::Fraction(0.5))
        .threshold("days_to_90", Level::Fraction(0.1))
        .threshold("days_to_1mm3", Level::Below(1.0))
}

/// The dose schedule of every antibody arm.
pub fn antibody_schedule() -> DoseSchedule {
    DoseSchedule::repeated(330.0, -1.0, 2.0, 21.0)
}

/// Text of `models/neutralization.toml`, the scenario of the paper's arms.
pub const NEUTRALIZATION_TOML: &str = include_str!("../../models/neutralization.toml");

/// The paper's arms, by name: `p53 off`, `control` (p53 on + isotype),
/// `anti-CCL2`, `anti-CCL3`, `anti-CCL4`, `anti-CCL5`, `anti-CCL3/4/5`,
/// `NKG2D-null`, `anti-NKG2D`, `NK-depleted` — loaded from
/// `models/neutralization.toml` (the one source of truth).
///
/// ```
/// let arms = sasp::experiment::paper::neutralization_arms()?;
/// assert_eq!(arms.len(), 10);
/// assert_eq!(arms[2].name, "anti-CCL2");
/// # Ok::<(), sasp::SaspError>(())
/// ```
pub fn neutralization_arms() -> Result<Vec<Arm>> {
    Ok(Scenario::from_toml_str(NEUTRALIZATION_TOML, "models/neutralization.toml")?.arms)
}

/// One calibration target: an observable, its band and whether it is met.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    /// Number in the targets table of docs/reproducing.md (with a letter where one row has several checks).
    pub id: String,
    /// What is measured.
    pub description: String,
    /// The model's value.
    pub value: f64,
    /// The band, as text (`≤ 0.10`, `0.9 – 1.1`).
    pub band: String,
    /// Is the value inside the band?
    pub met: bool,
    /// The band as numbers: lower and upper bound, where there is one.
    #[serde(skip)]
    pub bounds: (Option<f64>, Option<f64>),
}

fn find<'a>(results: &'a [ArmResult], name: &str) -> Result<&'a ArmResult> {
    results
        .iter()
        .find(|r| r.name == name)
        .ok_or_else(|| SaspError::MissingArm { arm: name.to_string(), needed_by: "computing the calibration targets" })
}

/// Evaluates the calibration targets on the results of
/// [`neutralization_arms`] (sampled at least at days 0, 5, 14 and 21).
pub fn targets(results: &[ArmResult]) -> Result<Vec<Target>> {
    let ratio = |arm: &str, day: f64| -> Result<f64> {
        let r = find(results, arm)?;
        Ok(r.value("tumor_volume_mm3", day)? / r.value("tumor_volume_mm3", 0.0)?)
    };
    let nk5 = |arm: &str| -> Result<f64> {
        let r = find(results, arm)?;
        r.value("nk_per_mm3", 5.0)
    };
    let mut out = Vec::new();
    let mut push = |id: &str, description: String, value: f64, band: &str, met: bool| {
        let bounds = match band {
            "≤ 0.10" => (None, Some(0.10)),
            "≥ 5" => (Some(5.0), None),
            "≥ 3" => (Some(3.0), None),
            "≤ 1.5" => (None, Some(1.5)),
            "0.9 – 1.1" => (Some(0.9), Some(1.1)),
            "≥ 0.2" => (Some(0.2), None),
            "< 1" => (None, Some(1.0)),
            "≥ 0.5" => (Some(0.5), None),
            _ => (None, None),
        };
        out.push(Target { id: id.into(), description, value, band: band.into(), met, bounds })
    };
    let v = ratio("control", 14.0)?;
    push("1", "p53 on, control antibody: volume day 14 / day 0".into(), v, "≤ 0.10", v <= 0.10);
    let v = ratio("p53 off", 14.0)?;
    push("2", "p53 off: volume day 14 / day 0".into(), v, "≥ 5", v >= 5.0);
    let v = nk5("control")? / nk5("p53 off")?;
    push("3", "NK per mm³ at day 5, control / p53 off".into(), v, "≥ 3", v >= 3.0);
    let v = nk5("anti-CCL2")? / nk5("p53 off")?;
    push("4", "NK per mm³ at day 5, anti-CCL2 / p53 off".into(), v, "≤ 1.5", v <= 1.5);
    for (id, arm) in [("5a", "anti-CCL3"), ("5b", "anti-CCL4"), ("5c", "anti-CCL5"), ("5d", "anti-CCL3/4/5")] {
        let v = nk5(arm)? / nk5("control")?;
        push(id, format!("NK per mm³ at day 5, {arm} / control"), v, "0.9 – 1.1", (0.9..=1.1).contains(&v));
    }
    let v = ratio("anti-CCL2", 14.0)?;
    push("6a", "anti-CCL2: volume day 14 / day 0".into(), v, "≥ 0.2", v >= 0.2);
    let v = ratio("anti-CCL2", 21.0)?;
    push("6b", "anti-CCL2: volume day 21 / day 0".into(), v, "< 1", v < 1.0);
    for (id, arm) in [("7a", "NKG2D-null"), ("7b", "NK-depleted")] {
        let v = ratio(arm, 14.0)?;
        push(id, format!("{arm}: volume day 14 / day 0"), v, "≥ 0.5", v >= 0.5);
    }
    // Ordering at day 14: control < anti-CCL2 < NKG2D-null ≈ NK-depleted < p53 off.
    let (c, a, g, d, o) = (
        ratio("control", 14.0)?,
        ratio("anti-CCL2", 14.0)?,
        ratio("NKG2D-null", 14.0)?,
        ratio("NK-depleted", 14.0)?,
        ratio("p53 off", 14.0)?,
    );
    let ordered = c < a && a < g.min(d) && g.max(d) < o;
    push(
        "8",
        "ordering at day 14: control < anti-CCL2 < NKG2D-null ≈ NK-depleted < p53 off (value: 1 if ordered)".into(),
        if ordered { 1.0 } else { 0.0 },
        "1",
        ordered,
    );
    Ok(out)
}
