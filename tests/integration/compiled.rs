//! Compiled kernels: the built-in ones are current, agree with the
//! interpreted evaluation to the last bit, survive parameter changes, and a
//! model of another structure is interpreted.
//!
//! `SASP_UPDATE_KERNELS=1 cargo test --release --test integration -- compiled::` rewrites
//! `src/model/builtin_kernels.rs` after a change to the reference model, the
//! paper's arms or the evaluation layout. (Should the old file no longer
//! compile, replace it first by its last line with an empty list:
//! `pub(crate) static BUILT_IN: &[&super::compiled::CompiledKernels] = &[];`.)

use sasp::experiment::paper::neutralization_arms;
use sasp::model::{compiled, Model};

const BUILT_IN_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/model/builtin_kernels.rs");

/// The models that come compiled: the reference model, the paper's arms
/// applied to it, and `testset`'s anti-CCL2 arm; one per structure.
fn built_in_models() -> Vec<(String, Model)> {
    // (The paper's arms, the testset arm and the spatial per-box model mostly
    // repeat structures; one kernel set per structure is kept.)
    let base = sasp::models::iannello2013().unwrap();
    let mut models = vec![("iannello2013".to_string(), base.clone())];
    for arm in neutralization_arms().unwrap() {
        let name: String =
            arm.name.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        models.push((format!("arm_{name}"), arm.prepare(&base, base.initial_time()).unwrap().model));
    }
    models.push(("testset_anti_ccl2".to_string(), sasp::testset::anti_ccl2_arm().unwrap().1.model));
    // The spatial reference model's boxes share the reference model's
    // structure; its vascular entry evaluates the recruitment processes alone.
    let spatial = sasp::models::iannello2013_spatial(sasp::models::SPATIAL_REFERENCE_SPACING).unwrap();
    let mut recruitment = spatial.spec().clone();
    recruitment.processes.retain(|p| p.has_role(sasp::space::RECRUITMENT));
    models.push(("spatial".to_string(), spatial));
    models.push(("vascular_entry".to_string(), Model::from_spec(recruitment).unwrap()));
    let mut seen = Vec::new();
    models.retain(|(_, m)| {
        let f = m.structure_fingerprint();
        let new = !seen.contains(&f);
        seen.push(f);
        new
    });
    models
}

fn generated() -> String {
    let models = built_in_models();
    let mut out = String::from(
        "// Compiled kernels of the built-in models: the reference model and the\n\
         // paper's arms. Written by tests/integration/compiled.rs (SASP_UPDATE_KERNELS=1\n\
         // cargo test --release --test integration -- compiled::); do not edit.\n\n",
    );
    for (name, model) in &models {
        out.push_str(&compiled::rust_source(model, name, "crate").unwrap());
        out.push('\n');
    }
    out.push_str("pub(crate) static BUILT_IN: &[&super::compiled::CompiledKernels] = &[\n");
    for (name, _) in &models {
        out.push_str(&format!("    &{},\n", name.to_uppercase()));
    }
    out.push_str("];\n");
    out
}

#[test]
fn the_built_in_kernels_are_current() {
    let want = generated();
    let have = std::fs::read_to_string(BUILT_IN_FILE).unwrap();
    if std::env::var_os("SASP_UPDATE_KERNELS").is_some() {
        if have != want {
            std::fs::write(BUILT_IN_FILE, &want).unwrap();
        }
        return;
    }
    assert!(
        have == want,
        "src/model/builtin_kernels.rs is out of date: run SASP_UPDATE_KERNELS=1 cargo test --release --test integration -- compiled::"
    );
}

/// Random states spanning four decades, some compartments zero.
fn states(n: usize, count: usize) -> Vec<Vec<f64>> {
    let mut seed = 0x5eed_u64;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..count)
        .map(|_| (0..n).map(|_| if next() < 0.1 { 0.0 } else { 10f64.powf(4.0 * next() - 2.0) }).collect())
        .collect()
}

fn assert_same(model: &Model, label: &str) {
    let interpreted = model.interpreted();
    assert!(!interpreted.uses_compiled_kernels());
    let n = model.dimension();
    let nnz = model.sparsity().nnz();
    for y in states(n, 50) {
        for inputs in [vec![0.0], vec![1.0]] {
            let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
            model.rhs(0.0, &y, &inputs, &mut a).unwrap();
            interpreted.rhs(0.0, &y, &inputs, &mut b).unwrap();
            assert_eq!(a, b, "{label}: right-hand side at {y:?}");
            let (mut a, mut b) = (vec![0.0; nnz], vec![0.0; nnz]);
            model.jacobian_sparse(0.0, &y, &inputs, &mut a).unwrap();
            interpreted.jacobian_sparse(0.0, &y, &inputs, &mut b).unwrap();
            assert_eq!(a, b, "{label}: Jacobian at {y:?}");
        }
    }
}

#[test]
fn compiled_kernels_agree_with_the_interpreter_to_the_bit() {
    let models = built_in_models();
    // The reference model (also the p53-off and NKG2D-null arms' structure,
    // and the spatial model's per box), the control arm's isotype antibody,
    // seven arms with their own, and the spatial model's vascular entry.
    assert_eq!(models.len(), 10, "the reference model, its arms and vascular entry");
    for (name, model) in &models {
        assert!(model.uses_compiled_kernels(), "{name} is not compiled");
        assert_same(model, name);
    }
}

#[test]
fn the_compiled_sparse_lu_agrees_with_the_general_one_to_the_bit() {
    use sasp::solve::sparse::SparseLu;
    for (name, model) in built_in_models() {
        let compiled = SparseLu::new(model.sparsity());
        assert!(compiled.uses_compiled_kernels(), "{name}: LU not compiled");
        let n = model.dimension();
        let mut values = vec![0.0; model.sparsity().nnz()];
        for (k, y) in states(n, 20).into_iter().enumerate() {
            model.jacobian_sparse(0.0, &y, &[1.0], &mut values).unwrap();
            let (mut a, mut b) = (compiled.clone(), compiled.interpreted());
            assert!(!b.uses_compiled_kernels());
            // M = I/(hγ) − J for step sizes from 1e-4 to 10.
            let shift = 10f64.powi(4 - (k % 6) as i32);
            assert_eq!(a.factor_shifted(&values, -1.0, shift).is_ok(), b.factor_shifted(&values, -1.0, shift).is_ok());
            let mut x: Vec<f64> = y.iter().map(|v| v - 1.0).collect();
            let mut z = x.clone();
            a.solve(&mut x);
            b.solve(&mut z);
            assert_eq!(x, z, "{name}: solve at shift {shift}");
        }
    }
}

#[test]
fn the_kernels_serve_other_parameter_values_of_the_same_structure() {
    let base = sasp::models::iannello2013().unwrap();
    let changed = base.with_parameters(&[("k_kill", 3.0), ("K2", 0.7), ("r", 0.41)]).unwrap();
    assert_eq!(changed.structure_fingerprint(), base.structure_fingerprint());
    assert!(changed.uses_compiled_kernels());
    assert_same(&changed, "changed parameters");
    // The numbers really are the new ones.
    let y = states(base.dimension(), 1).remove(0);
    let (mut a, mut b) = (vec![0.0; base.dimension()], vec![0.0; base.dimension()]);
    base.rhs(0.0, &y, &[1.0], &mut a).unwrap();
    changed.rhs(0.0, &y, &[1.0], &mut b).unwrap();
    assert_ne!(a, b);
}

#[test]
fn a_model_of_another_structure_is_interpreted() {
    let text =
        sasp::models::IANNELLO2013_TOML.replace("name = \"p53 relaxation\"", "name = \"p53 relaxation\"\n# changed");
    let same = Model::from_toml_str(&text, "changed.toml").unwrap();
    assert!(same.uses_compiled_kernels(), "a comment changes nothing");
    // Without the myeloid killing process the structure differs.
    let mut spec = sasp::models::iannello2013().unwrap().spec().clone();
    let before = spec.processes.len();
    spec.processes.retain(|p| !p.name.contains("myeloid clearance of senescent cells"));
    assert_eq!(spec.processes.len(), before - 1, "the process exists");
    let other = Model::from_spec(spec).unwrap();
    assert!(!other.uses_compiled_kernels());
    assert_ne!(other.structure_fingerprint(), sasp::models::iannello2013().unwrap().structure_fingerprint());
}
