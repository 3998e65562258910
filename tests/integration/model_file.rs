//! Model files: round trips, the docs table, and malformed files with line and column.

use sasp::model::{Model, ModelSpec};
use sasp::FileError;
use sasp::SaspError;

const REFERENCE: &str = sasp::models::IANNELLO2013_TOML;

#[test]
fn the_reference_file_holds_the_whole_model() {
    let model = sasp::models::iannello2013().unwrap();
    assert_eq!(model.dimension(), 13);
    assert_eq!(model.spec().processes.len(), 49);
    assert_eq!(model.initial_time(), -14.0);
    let names: Vec<&str> = model.compartment_names().collect();
    assert_eq!(names, ["P", "Q", "S", "pi", "C2", "C3", "C4", "C5", "X", "I", "Nr", "Na", "M"]);
    // A few parameters of the reference model (docs/model.md), in canonical units.
    for (name, value) in [("r", 0.35), ("K", 2000.0), ("k_sen", 0.7), ("delta_C", 20.0), ("kon", 86.4), ("p_ex", 0.03)]
    {
        assert_eq!(model.parameter_canonical(name).unwrap(), value, "{name}");
    }
    // Every parameter carries a tag; every non-numerical [A]/[R]/[D]/[V] default is documented.
    for p in &model.spec().parameters {
        assert!(!p.description.is_empty(), "parameter {} has no description", p.name);
    }
}

#[test]
fn a_model_round_trips_through_the_file_format() {
    let model = sasp::models::iannello2013().unwrap();
    let text = model.to_toml().unwrap();
    let again = Model::from_toml_str(&text, "<round trip>").unwrap();
    assert_eq!(again, model);
    assert_eq!(again.to_toml().unwrap(), text);
    // And the compiled models compute the same thing.
    let y: Vec<f64> = (0..13).map(|i| 0.5 + i as f64).collect();
    let (mut a, mut b) = (vec![0.0; 13], vec![0.0; 13]);
    model.rhs(0.0, &y, &[1.0], &mut a).unwrap();
    again.rhs(0.0, &y, &[1.0], &mut b).unwrap();
    assert_eq!(a, b);
}

#[test]
fn writing_a_file_is_atomic_and_reads_back() {
    let dir = std::env::temp_dir().join(format!("sasp-model-file-{}", std::process::id()));
    let path = dir.join("copy.toml");
    let model = sasp::models::iannello2013().unwrap();
    model.write_file(&path).unwrap();
    assert_eq!(Model::from_file(&path).unwrap(), model);
    std::fs::remove_dir_all(dir).unwrap();
    let err = Model::from_file("no/such/model.toml").unwrap_err();
    assert!(matches!(err, SaspError::File(FileError::Io { .. })), "{err}");
}

#[test]
fn the_docs_table_agrees_with_the_model_file() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/model.md");
    let docs = std::fs::read_to_string(path).unwrap();
    let (begin, end) = ("<!-- parameter-table:begin -->\n", "<!-- parameter-table:end -->");
    let start = docs.find(begin).expect("docs/model.md has the table markers") + begin.len();
    let stop = docs.find(end).expect("docs/model.md has the table markers");
    let table = sasp::models::iannello2013().unwrap().spec().parameter_table_markdown();
    if std::env::var_os("SASP_UPDATE_DOCS").is_some() {
        let updated = format!("{}{}{}", &docs[..start], table, &docs[stop..]);
        std::fs::write(path, updated).unwrap();
        return;
    }
    assert_eq!(
        &docs[start..stop],
        table,
        "docs/model.md's parameter table is out of date: run SASP_UPDATE_DOCS=1 cargo test --release --test integration -- model_file::"
    );
    // The table really lists every parameter with its value.
    let spec: ModelSpec = toml::from_str(REFERENCE).unwrap();
    for p in &spec.parameters {
        assert!(table.contains(&format!("| `{}` | {} |", p.name, p.value)), "{}", p.name);
    }
}

/// Line and column of a file error.
fn position(text: &str) -> (usize, usize, String) {
    match Model::from_toml_str(text, "bad.toml").unwrap_err() {
        SaspError::File(FileError::Syntax { line, column, message, path }) => {
            assert_eq!(path.to_str(), Some("bad.toml"));
            (line, column, message)
        }
        // A validation error, located at the item it names.
        SaspError::File(FileError::At { line, column: Some(column), source, path }) => {
            assert_eq!(path.to_str(), Some("bad.toml"));
            assert!(matches!(*source, SaspError::Model(_)), "{source}");
            (line, column, source.to_string())
        }
        other => panic!("expected a file error, got {other}"),
    }
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn malformed_files_name_the_line_and_column() {
    // TOML syntax error: an unclosed string.
    let broken = REFERENCE.replacen("name = \"K\"", "name = \"K", 1);
    let (line, column, _) = position(&broken);
    assert_eq!(line, line_of(&broken, "name = \"K\n"));
    assert!(column >= 8, "column {column}");

    // Wrong type: a number written as text.
    let wrong = REFERENCE.replacen("value = 0.35", "value = \"0.35\"", 1);
    let (line, _, message) = position(&wrong);
    assert_eq!(line, line_of(&wrong, "value = \"0.35\""));
    assert!(message.contains("f64") || message.contains("float"), "{message}");

    // A misspelt field.
    let typo = REFERENCE.replacen("initial = 1.0", "inital = 1.0", 1);
    let (line, _, message) = position(&typo);
    assert_eq!(line, line_of(&typo, "inital"));
    assert!(message.contains("inital"), "{message}");

    // An unknown rate law.
    let law = REFERENCE.replacen("law = \"logistic\"", "law = \"logistik\"", 1);
    let (line, _, message) = position(&law);
    assert_eq!(line, line_of(&law, "logistik"));
    assert!(message.contains("logistik"), "{message}");

    // An unknown compartment kind.
    // (Chemokines are open, `chemokine.CCL55` is a user chemokine; an
    // ill-formed name is refused.)
    let kind = REFERENCE.replacen("chemokine.CCL5", "chemokine.CCL-55", 1);
    let (line, _, message) = position(&kind);
    assert_eq!(line, line_of(&kind, "CCL-55"));
    assert!(message.contains("CCL-55"), "{message}");
    let kind = REFERENCE.replacen("kind = \"tumor.senescent\"", "kind = \"tumour.senescent\"", 1);
    let (line, _, message) = position(&kind);
    assert_eq!(line, line_of(&kind, "tumour.senescent"));
    assert!(message.contains("tumour.senescent"), "{message}");
}

#[test]
fn validation_errors_in_files_point_at_the_offending_line() {
    // Unknown compartment in a process.
    let text = REFERENCE.replacen("of = [\"pi\", \"P\"]", "of = [\"pi\", \"Pp\"]", 1);
    let (line, _, message) = position(&text);
    assert_eq!(line, line_of(&text, "\"Pp\""));
    assert!(message.contains("unknown compartment 'Pp'") && message.contains("senescence"), "{message}");

    // Unknown parameter.
    let text = REFERENCE.replacen("k = \"k_sen\"", "k = \"k_senn\"", 1);
    let (line, _, message) = position(&text);
    assert_eq!(line, line_of(&text, "k_senn"));
    assert!(message.contains("unknown parameter 'k_senn'"), "{message}");

    // Negative parameter.
    let text = REFERENCE.replacen("value = 0.7\n", "value = -0.7\n", 1);
    let (line, _, message) = position(&text);
    assert_eq!(line, line_of(&text, "value = -0.7"));
    assert!(message.contains("k_sen") && message.contains("-0.7"), "{message}");

    // Unit that does not parse.
    let text = REFERENCE.replacen("unit = \"nM/day\"", "unit = \"nM/dya\"", 1);
    let (line, _, message) = position(&text);
    assert_eq!(line, line_of(&text, "nM/dya"));
    assert!(message.contains("dya"), "{message}");

    // Duplicate compartment: the second one is reported.
    let text = REFERENCE.replacen("name = \"Q\"", "name = \"P\"", 1);
    let (line, _, message) = position(&text);
    assert_eq!(line, line_of(&text, "kind = \"tumor.p53_deficient\"") - 1);
    assert!(message.contains("duplicate compartment 'P'"), "{message}");
}

/// The file error of `text`, which must name `bad.toml`, with its line and message.
fn file_error(text: &str) -> (usize, String) {
    let (line, _, message) = position(text);
    (line, message)
}

#[test]
fn a_model_without_compartments_is_refused_at_its_name() {
    let (line, message) = file_error("[model]\nname = \"empty\"\n");
    assert_eq!(line, 2);
    assert!(message.contains("'empty'") && message.contains("no compartments"), "{message}");

    let parameters_only =
        "[model]\nname = \"params\"\n\n[[parameter]]\nname = \"k\"\nvalue = 1.0\nunit = \"1/day\"\ntag = \"A\"\n";
    let (line, message) = file_error(parameters_only);
    assert_eq!(line, 2);
    assert!(message.contains("'params'") && message.contains("no compartments"), "{message}");
}

#[test]
fn a_negative_initial_value_is_reported_at_its_own_line() {
    // C2's name appears in many processes; the error must point at C2's own `initial`.
    let text = REFERENCE.replacen(
        "name = \"C2\"\nkind = \"chemokine.CCL2\"\nunit = \"nM\"\ninitial = 0.0",
        "name = \"C2\"\nkind = \"chemokine.CCL2\"\nunit = \"nM\"\ninitial = -3.5",
        1,
    );
    let (line, message) = file_error(&text);
    assert_eq!(line, line_of(&text, "initial = -3.5"));
    assert!(message.contains("'C2'") && message.contains("-3.5"), "{message}");
    // The same for a compartment that is not the first of its name in the file.
    let text = REFERENCE.replacen(
        "initial = 1.0\ndescription = \"proliferating",
        "initial = -1.0\ndescription = \"proliferating",
        1,
    );
    let (line, message) = file_error(&text);
    assert_eq!(line, line_of(&text, "initial = -1.0"));
    assert!(message.contains("'P'"), "{message}");
}

#[test]
fn values_that_overflow_after_conversion_name_the_line_and_item() {
    // 1e308 per hour is 2.4e309 per day: not finite.
    let text = REFERENCE.replacen(
        "name = \"delta_C\"\nvalue = 20.0\nunit = \"1/day\"",
        "name = \"delta_C\"\nvalue = 1e308\nunit = \"1/h\"",
        1,
    );
    let (line, message) = file_error(&text);
    assert_eq!(line, line_of(&text, "value = 1e308"));
    assert!(message.contains("parameter 'delta_C'") && message.contains("overflows"), "{message}");

    // tau_53 = 1e-320 days is valid, but 1/tau_53 is infinite.
    let text = REFERENCE.replacen("name = \"tau_53\"\nvalue = 1.0", "name = \"tau_53\"\nvalue = 1e-320", 1);
    let (line, message) = file_error(&text);
    assert_eq!(line, line_of(&text, "name = \"p53 induction\""));
    assert!(message.contains("process 'p53 induction'") && message.contains("1/tau_53"), "{message}");

    // A coefficient product k*big*big.
    let big = "\n[[parameter]]\nname = \"big\"\nvalue = 1e200\nunit = \"1\"\ntag = \"A\"\n";
    let text = format!(
        "{}{big}",
        REFERENCE.replacen("k = \"delta_C\", of = \"C2\"", "k = \"delta_C*big*big\", of = \"C2\"", 1)
    );
    let (line, message) = file_error(&text);
    assert_eq!(line, line_of(&text, "name = \"decay of C2\""));
    assert!(message.contains("process 'decay of C2'") && message.contains("delta_C*big*big"), "{message}");

    // A stoichiometry that overflows with the rate constant it multiplies.
    let huge = "\n[[parameter]]\nname = \"big\"\nvalue = 1e308\nunit = \"1\"\ntag = \"A\"\n";
    let text = format!(
        "{}{huge}",
        REFERENCE.replacen(
            "name = \"decay of C2\"\nchanges = { C2 = -1 }",
            "name = \"decay of C2\"\nchanges = { C2 = \"-big\" }",
            1
        )
    );
    let (line, message) = file_error(&text);
    assert_eq!(line, line_of(&text, "name = \"decay of C2\""));
    assert!(message.contains("process 'decay of C2'") && message.contains("overflows"), "{message}");

    // An initial value that overflows in canonical units (1e308 M = 1e317 nM).
    let text = REFERENCE.replacen(
        "unit = \"nM\"\ninitial = 0.0\ndescription = \"free CCL2",
        "unit = \"M\"\ninitial = 1e308\ndescription = \"free CCL2",
        1,
    );
    let (line, message) = file_error(&text);
    assert_eq!(line, line_of(&text, "initial = 1e308"));
    assert!(message.contains("compartment 'C2'"), "{message}");

    // A non-finite initial time.
    let text = REFERENCE.replacen("initial_time = -14.0", "initial_time = nan", 1);
    let (line, message) = file_error(&text);
    assert_eq!(line, line_of(&text, "initial_time = nan"));
    assert!(message.contains("initial_time"), "{message}");
}

#[test]
fn units_with_runaway_exponents_or_nesting_are_refused() {
    for unit in ["day^100*day^100", "s^-200", "(((((((((((((((((((day)))))))))))))))))))", "mm^99999999999"] {
        let text = REFERENCE.replacen("unit = \"nM/day\"", &format!("unit = \"{unit}\""), 1);
        let (line, message) = file_error(&text);
        assert_eq!(line, line_of(&text, &format!("unit = \"{unit}\"")), "{unit}");
        assert!(message.contains("cannot parse unit"), "{unit}: {message}");
    }
}

/// The six killing processes of the reference model rewritten by a variant
/// file as expression laws (`kill` the ratio law written out, or another).
fn killing_variant(name: &str, kill: &str, extra: &str) -> String {
    let mut text = format!("[variant]\nname = \"{name}\"\n{extra}\n");
    for (y, what) in [("P", "proliferating"), ("Q", "p53-deficient"), ("S", "senescent")] {
        for (g, route, roles) in [
            ("g_NKG2D", "NKG2D", r#"["killing", "receptor.NKG2D"]"#),
            ("g_other", "NKG2D-independent", r#"["killing"]"#),
        ] {
            let rate = kill.replace("{g}", g).replace("{Y}", y);
            text += &format!(
                "\n[[process]]\nname = \"{route} killing of {what} cells\"\nchanges = {{ {y} = -1, Na = \"-p_ex\" }}\n\
                 rate = {{ law = \"expression\", rate = \"{rate}\" }}\nroles = {roles}\n"
            );
        }
    }
    text
}

#[test]
fn a_variant_rewriting_the_killing_as_expressions_reproduces_every_target() {
    // The ratio law written out as an expression: the anti-NKG2D arm blocks
    // the receptor by multiplying the expression (a modifier), so all ten arms
    // and thirteen targets must come out as with the factor laws.
    use sasp::experiment::paper::{neutralization_arms, targets};
    use sasp::experiment::Experiment;
    let base = sasp::models::iannello2013().unwrap();
    let text = killing_variant("written_out", "k_kill*{g}*Na*{Y}*(1/(max(T, 0) + T_eps))", "");
    let variant = base.with_variant_toml(&text, "written_out.toml").unwrap();
    assert_eq!(variant.name(), "written_out");
    assert_eq!(variant.spec().processes.len(), base.spec().processes.len());
    assert_eq!(variant.taped_processes().len(), 0, "the ratio law lowers to the factor program");
    let run = |m: &Model| targets(&Experiment::new(m).arms(neutralization_arms().unwrap()).run().unwrap()).unwrap();
    for (a, b) in run(&base).iter().zip(run(&variant)) {
        assert!(
            (a.value - b.value).abs() <= 1e-9 * a.value.abs().max(1e-12),
            "target {}: {} vs {}",
            a.id,
            a.value,
            b.value
        );
    }
    // Written out with a different rate, it changes the answer: the variant
    // is what runs, not the base.
    let halved =
        base.with_variant_toml(&killing_variant("halved", "0.5*k_kill*{g}*Na*{Y}/(T + T_eps)", ""), "h").unwrap();
    // Half the killing leaves more of the anti-CCL2 tumor at day 21 (target 6b).
    let day21 = |m: &Model| run(m).into_iter().find(|t| t.id == "6b").unwrap().value;
    let (slower, shipped) = (day21(&halved), day21(&base));
    assert!(slower > 1.1 * shipped, "anti-CCL2 day 21 / day 0: {slower} with half the killing, {shipped} shipped");
}

#[test]
fn a_variant_adds_and_removes_items_and_names_its_own_lines_in_errors() {
    let base = sasp::models::iannello2013().unwrap();
    // `k_kill` removed, `c_kill` added and read in its place.
    let text = killing_variant(
        "renamed",
        "c_kill*{g}*Na*{Y}/(T + T_eps)",
        "remove = [\"k_kill\"]\n\n[[parameter]]\nname = \"c_kill\"\nvalue = 3.0\nunit = \"1/day\"\ntag = \"A\"\n",
    );
    let variant = base.with_variant_toml(&text, "renamed.toml").unwrap();
    assert!(variant.parameter("k_kill").is_err());
    assert_eq!(variant.parameter("c_kill").unwrap(), 3.0);
    assert_eq!(variant.spec().parameters.len(), base.spec().parameters.len());
    // A removed item that does not exist.
    let err = base.with_variant_toml("[variant]\nname = \"x\"\nremove = [\"k_kil\"]\n", "x.toml").unwrap_err();
    assert!(err.to_string().contains("'k_kil'"), "{err}");
    // Removing `k_kill` while the base still reads it: the variant's line of the removal.
    let err = base.with_variant_toml("[variant]\nname = \"x\"\nremove = [\"k_kill\"]\n", "x.toml").unwrap_err();
    assert!(err.to_string().starts_with("x.toml:3:"), "{err}");
    assert!(err.to_string().contains("k_kill"), "{err}");
    // An unknown parameter in a variant's process: the process's line in the variant.
    let text = killing_variant("typo", "k_kil*{g}*Na*{Y}/(T + T_eps)", "");
    let err = base.with_variant_toml(&text, "typo.toml").unwrap_err();
    assert!(err.to_string().contains("'k_kil'"), "{err}");
    let line = text.lines().position(|l| l.contains("\"NKG2D killing of proliferating cells\"")).unwrap() + 1;
    assert!(err.to_string().starts_with(&format!("typo.toml:{line}:")), "{err}");
    // Sections a variant cannot change are refused by name, with their line.
    let err = base
        .with_variant_toml("[variant]\nname = \"x\"\n\n[[pool]]\nname = \"T2\"\nsum = [\"P\"]\n", "x.toml")
        .unwrap_err();
    match &err {
        SaspError::File(FileError::Syntax { line, message, .. }) => {
            assert!(message.contains("pool"), "{message}");
            assert!(*line >= 4, "{err}");
        }
        other => panic!("{other}"),
    }
    // The `[variant]` table is required.
    assert!(base
        .with_variant_toml("[[parameter]]\nname = \"r\"\nvalue = 1\nunit = \"1/day\"\ntag = \"A\"\n", "x")
        .is_err());
}

/// A binding equilibrium as an algebraic constraint: free ligand `L` and
/// receptor complex `C` with `C = R_tot·L/(K_d + L)` held at all times,
/// while ligand is cleared (`L_tot' = −k·L`, `L_tot = L + C`).
const EQUILIBRIUM: &str = r#"
[model]
name = "equilibrium"

[[compartment]]
name = "Ltot"
kind = "concentration.ligand_total"
unit = "nM"
initial = 10.0

[[compartment]]
name = "L"
kind = "concentration.ligand"
unit = "nM"
initial = 0.0

[[parameter]]
name = "k"
value = 0.5
unit = "1/day"
tag = "A"

[[parameter]]
name = "Rtot"
value = 4.0
unit = "nM"
tag = "A"

[[parameter]]
name = "Kd"
value = 2.0
unit = "nM"
tag = "A"

[[process]]
name = "clearance of free ligand"
changes = { Ltot = -1 }
rate = { law = "expression", rate = "k*L" }

[[constraint]]
variable = "L"
residual = "L + Rtot*L/(Kd + L) - Ltot"
"#;

#[test]
fn a_constraint_holds_at_all_times_and_round_trips_through_the_file() {
    use sasp::solve::{Method, Options, Tolerance};
    let model = Model::from_toml_str(EQUILIBRIUM, "equilibrium.toml").unwrap();
    assert_eq!(model.algebraic_components(), &[1]);
    let again = Model::from_toml_str(&model.to_toml().unwrap(), "<round trip>").unwrap();
    assert_eq!(again, model);
    let options = Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), ..Options::default() };
    let outputs: Vec<f64> = (0..=10).map(|k| k as f64).collect();
    for method in [Method::Auto, Method::Rodas5p, Method::Bdf] {
        let sol = model.simulate(&outputs, method, &options).unwrap();
        for (k, &t) in outputs.iter().enumerate() {
            let (ltot, l) = (sol.state(k)[0], sol.state(k)[1]);
            // The constraint, from the first output on (L(0) = 0 is not
            // consistent): to round-off at t = 0, to the tolerance where the
            // output is the dense output's.
            let residual = (l + 4.0 * l / (2.0 + l) - ltot).abs();
            assert!(residual < if k == 0 { 1e-13 } else { 1e-8 }, "{method:?} at t = {t}: {residual:e}");
        }
        // d L_tot/dt = −k L with L = L(L_tot): integrate the scalar ODE by
        // hand (RK4, 10⁴ steps) and compare at t = 10.
        let free = |ltot: f64| {
            // L² + (Rtot + Kd − Ltot) L − Kd Ltot = 0, positive root.
            let b = 4.0 + 2.0 - ltot;
            (-b + (b * b + 4.0 * 2.0 * ltot).sqrt()) / 2.0
        };
        let f = |x: f64| -0.5 * free(x);
        let (mut x, h) = (10.0, 1e-3);
        for _ in 0..10_000 {
            let (k1, k2) = (f(x), f(x + 0.5 * h * f(x)));
            let k3 = f(x + 0.5 * h * k2);
            let k4 = f(x + h * k3);
            x += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
        }
        let end = sol.state(10)[0];
        assert!((end - x).abs() < 1e-8 * x, "{method:?}: L_tot(10) = {end}, by hand {x}");
    }
    // Explicit methods cannot solve it, and say why.
    let e = model.simulate(&outputs, Method::Dopri5, &options).unwrap_err();
    assert!(e.to_string().contains("algebraic components"), "{e}");
}

#[test]
fn constraints_on_changing_or_unknown_compartments_are_refused_at_their_line() {
    let changed = EQUILIBRIUM.replace(r#"variable = "L""#, r#"variable = "Ltot""#);
    let (line, message) = file_error(&changed);
    assert!(message.contains("process 'clearance of free ligand' changes it"), "{message}");
    assert_eq!(line, line_of(&changed, r#"variable = "Ltot""#));
    let unknown = EQUILIBRIUM.replace(r#"variable = "L""#, r#"variable = "X""#);
    let (_, message) = file_error(&unknown);
    assert!(message.contains("'X'"), "{message}");
    let twice = format!("{EQUILIBRIUM}\n[[constraint]]\nvariable = \"L\"\nresidual = \"L - 1\"\n");
    let (_, message) = file_error(&twice);
    assert!(message.contains("at most one constraint"), "{message}");
}

#[test]
fn a_fast_constraint_is_the_stable_equilibrium_of_its_relaxation() {
    use sasp::solve::{Method, Options, Tolerance};
    let options = Options { rtol: 1e-10, atol: Tolerance::Scalar(1e-12), ..Options::default() };
    let outputs = [0.0, 5.0, 10.0];
    let plain =
        Model::from_toml_str(EQUILIBRIUM, "equilibrium.toml").unwrap().simulate(&outputs, Method::Auto, &options);
    // Free ligand relaxes at the rate binding leaves it: L' ∝ Ltot − L − C(L).
    let relaxing = EQUILIBRIUM.replace(
        r#"residual = "L + Rtot*L/(Kd + L) - Ltot""#,
        "residual = \"Ltot - L - Rtot*L/(Kd + L)\"\nfast = true",
    );
    let model = Model::from_toml_str(&relaxing, "fast.toml").unwrap();
    assert!(model.spec().constraints[0].fast);
    assert_eq!(Model::from_toml_str(&model.to_toml().unwrap(), "<round trip>").unwrap(), model);
    let fast = model.simulate(&outputs, Method::Auto, &options).unwrap();
    for (a, b) in plain.unwrap().y.iter().zip(&fast.y) {
        assert!((a - b).abs() < 1e-9 * a.abs().max(1.0), "{a} vs {b}");
    }
    // The opposite sign makes the same root an unstable equilibrium, which
    // the relaxation moves away from (toward the pole at L = −Kd): an
    // error naming L, not an answer; started on the root itself, refused
    // as unstable.
    let unstable = relaxing.replace("Ltot - L - Rtot*L/(Kd + L)", "L + Rtot*L/(Kd + L) - Ltot");
    let model = Model::from_toml_str(&unstable, "unstable.toml").unwrap();
    let e = model.simulate(&outputs, Method::Auto, &options).unwrap_err();
    assert!(e.to_string().contains("'L'"), "{e}");
    let root = 2.0 + 24f64.sqrt();
    let on_root = unstable.replace("initial = 0.0", &format!("initial = {root:?}"));
    let e = Model::from_toml_str(&on_root, "on_root.toml").unwrap().simulate(&outputs, Method::Auto, &options);
    let e = e.unwrap_err().to_string();
    assert!(e.contains("is not stable") && e.contains("'L'"), "{e}");
}
