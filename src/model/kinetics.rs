//! The compiled, allocation-free form of a model's processes: right-hand side,
//! per-process rates and the exact Jacobian (dense or sparse).
//!
//! Each process `p` has a rate `r_p(y, u, t)` and changes `ν_{ip}`; the
//! right-hand side is `dy_i/dt = Σ_p ν_{ip} r_p`. A rate is a sum of terms
//! `c · Π_k f_k(a_k)`, each factor `f_k` a function of one argument
//! `a_k = Σ_m w_m y_{j_m}` (a compartment or a pool). The Jacobian is then
//!
//! `∂(dy_i/dt)/∂y_j = Σ_p ν_{ip} Σ_terms c Σ_k (Π_{l≠k} f_l) f_k'(a_k) w_{k,j}`,
//!
//! evaluated partial by partial (each `Π_{l≠k} f_l` multiplied out: no
//! division, exact at zeros) and scattered through a precomputed plan into
//! CSR or column-major dense storage.
//!
//! All three run from flat arrays compiled once per model over one table of
//! values: the state itself (a factor that is just a compartment costs
//! nothing), then the factors that need computing (saturations, Hill
//! functions, ratios, room, inputs). The right-hand side extends the table by
//! the products of factors its terms share ([`SharedProducts`]: `S/(T + ε)`
//! feeds the secretion of every chemokine) and a 1, and is then a sparse
//! matrix times the table, `dy_i = Σ c·ν · table[slot]` over row `i`
//! ([`SlotMatrix`]). The Jacobian is the same kind of program over the table
//! of factor values followed by their derivatives: each stored entry a sum of
//! partials `c·ν·w · f_k' · Π_{l≠k} f_l`, the products shared again
//! ([`TableProgram`]). The process rates are `c · Π table[slots]` entries
//! ([`ProductTape`]), one tape per number of factors.

use super::build::Slots;
use super::law::CustomLaw;
use super::reparameterize::{FactorRecipe, Parametrization, Recipe};
use crate::expr::{Expr, Tape};
use crate::solve::SparsityPattern;
use std::collections::HashMap;
use std::ops::Range;

/// Most factors one product term may have (a build-time error beyond).
pub const MAX_FACTORS: usize = 12;
/// Most arguments a custom law may take.
pub const MAX_CUSTOM_ARGS: usize = 16;

/// The elementary functions a factor can be.
#[derive(Clone)]
pub(crate) enum FactorFn {
    /// `aⁿ`.
    Power(i32),
    /// `a/(K + a)`.
    Saturating { k: f64 },
    /// `aⁿ/(Kⁿ + aⁿ)`.
    Hill { kn: f64, n: f64 },
    /// `Kⁿ/(Kⁿ + aⁿ)`.
    HillRepressor { kn: f64, n: f64 },
    /// `1 − a/K`, stored as `1/K`.
    Room { inv_capacity: f64 },
    /// `1/(max(a, 0) + ε)`.
    Ratio { eps: f64 },
    /// `u_i`.
    Input(usize),
}

impl FactorFn {
    /// Value and derivative with respect to the argument `a`.
    #[inline]
    fn eval(&self, a: f64, inputs: &[f64]) -> (f64, f64) {
        match *self {
            FactorFn::Power(1) => (a, 1.0),
            FactorFn::Power(n) => (a.powi(n), n as f64 * a.powi(n - 1)),
            FactorFn::Saturating { k } => {
                let d = 1.0 / (k + a);
                (a * d, k * d * d)
            }
            FactorFn::Hill { kn, n } => {
                let an = a.max(0.0).powf(n);
                let d = 1.0 / (kn + an);
                let dan = if a > 0.0 {
                    n * an / a
                } else if n == 1.0 {
                    1.0
                } else {
                    0.0
                };
                (an * d, kn * dan * d * d)
            }
            FactorFn::HillRepressor { kn, n } => {
                let an = a.max(0.0).powf(n);
                let d = 1.0 / (kn + an);
                let dan = if a > 0.0 {
                    n * an / a
                } else if n == 1.0 {
                    1.0
                } else {
                    0.0
                };
                (kn * d, -kn * dan * d * d)
            }
            FactorFn::Room { inv_capacity } => (1.0 - a * inv_capacity, -inv_capacity),
            FactorFn::Ratio { eps } => {
                // Negative N (a numerical undershoot) counts as 0: the ratio
                // stays finite and cannot flip sign.
                let d = 1.0 / (a.max(0.0) + eps);
                (d, if a > 0.0 { -d * d } else { 0.0 })
            }
            FactorFn::Input(i) => (inputs[i], 0.0),
        }
    }

    /// Value only.
    #[inline]
    fn value(&self, a: f64, inputs: &[f64]) -> f64 {
        match *self {
            FactorFn::Power(1) => a,
            FactorFn::Power(n) => a.powi(n),
            FactorFn::Saturating { k } => a / (k + a),
            FactorFn::Hill { kn, n } => {
                let an = a.max(0.0).powf(n);
                an / (kn + an)
            }
            FactorFn::HillRepressor { kn, n } => kn / (kn + a.max(0.0).powf(n)),
            FactorFn::Room { inv_capacity } => 1.0 - a * inv_capacity,
            FactorFn::Ratio { eps } => 1.0 / (a.max(0.0) + eps),
            FactorFn::Input(i) => inputs[i],
        }
    }

    /// The same function with its constant derived from the canonical value
    /// `k` of its parameter as a build derives it (`K`, `Kⁿ`, `1/K`, `ε`);
    /// `None` where the build would refuse the result (not finite and
    /// positive) or the function has no constant.
    pub(crate) fn with_constant(&self, k: f64) -> Option<FactorFn> {
        let f = match *self {
            FactorFn::Saturating { .. } => FactorFn::Saturating { k },
            FactorFn::Hill { n, .. } => FactorFn::Hill { kn: k.powf(n), n },
            FactorFn::HillRepressor { n, .. } => FactorFn::HillRepressor { kn: k.powf(n), n },
            FactorFn::Room { .. } => FactorFn::Room { inv_capacity: 1.0 / k },
            FactorFn::Ratio { .. } => FactorFn::Ratio { eps: k },
            FactorFn::Power(_) | FactorFn::Input(_) => return None,
        };
        let positive = |x: f64| x.is_finite() && x > 0.0;
        let ok = match f {
            FactorFn::Saturating { k } => positive(k),
            FactorFn::Hill { kn, .. } | FactorFn::HillRepressor { kn, .. } => positive(k) && positive(kn),
            FactorFn::Room { inv_capacity } => positive(k) && positive(inv_capacity),
            FactorFn::Ratio { eps } => positive(eps),
            FactorFn::Power(_) | FactorFn::Input(_) => false,
        };
        ok.then_some(f)
    }

    /// The same function with the same constants, bit for bit (as
    /// [`FactorFn::parts`] would compare).
    pub(crate) fn same(&self, other: &FactorFn) -> bool {
        use FactorFn::*;
        let bits = |a: f64, b: f64| a.to_bits() == b.to_bits();
        match (self, other) {
            (Power(a), Power(b)) => a == b,
            (Saturating { k: a }, Saturating { k: b }) => bits(*a, *b),
            (Hill { kn: a, n: m }, Hill { kn: b, n: l })
            | (HillRepressor { kn: a, n: m }, HillRepressor { kn: b, n: l }) => bits(*a, *b) && bits(*m, *l),
            (Room { inv_capacity: a }, Room { inv_capacity: b }) => bits(*a, *b),
            (Ratio { eps: a }, Ratio { eps: b }) => bits(*a, *b),
            (Input(a), Input(b)) => a == b,
            _ => false,
        }
    }

    /// The function's kind, its structural parameter (a power's exponent, an
    /// input's index) and its numeric constants: what identifies a factor
    /// (with its argument), and the order compiled kernels read constants in.
    pub(crate) fn parts(&self) -> (u64, u64, Vec<f64>) {
        match *self {
            FactorFn::Power(n) => (0, n as u64, vec![]),
            FactorFn::Saturating { k } => (1, 0, vec![k]),
            FactorFn::Hill { kn, n } => (2, 0, vec![kn, n]),
            FactorFn::HillRepressor { kn, n } => (3, 0, vec![kn, n]),
            FactorFn::Room { inv_capacity } => (4, 0, vec![inv_capacity]),
            FactorFn::Ratio { eps } => (5, 0, vec![eps]),
            FactorFn::Input(i) => (6, i as u64, vec![]),
        }
    }

    /// [`FactorFn::value`] as Rust source over `a`, with the constants of
    /// [`FactorFn::parts`] named by `c` (compiled kernels; `tests/integration/compiled.rs`
    /// requires the same bits, so the two must stay the same formulas).
    pub(crate) fn value_source(&self, c: &[String]) -> String {
        match *self {
            FactorFn::Power(1) => "a".to_string(),
            FactorFn::Power(p) => format!("a.powi({p})"),
            FactorFn::Saturating { .. } => format!("a / ({} + a)", c[0]),
            FactorFn::Hill { .. } => format!("{{ let an = a.max(0.0).powf({}); an / ({} + an) }}", c[1], c[0]),
            FactorFn::HillRepressor { .. } => format!("{0} / ({0} + a.max(0.0).powf({1}))", c[0], c[1]),
            FactorFn::Room { .. } => format!("1.0 - a * {}", c[0]),
            FactorFn::Ratio { .. } => format!("1.0 / (a.max(0.0) + {})", c[0]),
            FactorFn::Input(j) => format!("u[{j}]"),
        }
    }

    /// [`FactorFn::eval`] (value and derivative) as Rust source, as
    /// [`FactorFn::value_source`].
    pub(crate) fn eval_source(&self, c: &[String]) -> String {
        let hill_derivative = |n: &String| {
            format!("let dan = if a > 0.0 {{ {n} * an / a }} else if {n} == 1.0 {{ 1.0 }} else {{ 0.0 }};")
        };
        match *self {
            FactorFn::Power(1) => "(a, 1.0)".to_string(),
            FactorFn::Power(p) => format!("(a.powi({p}), {}f64 * a.powi({}))", p, p - 1),
            FactorFn::Saturating { .. } => format!("{{ let d = 1.0 / ({0} + a); (a * d, {0} * d * d) }}", c[0]),
            FactorFn::Hill { .. } => format!(
                "{{ let an = a.max(0.0).powf({n}); let d = 1.0 / ({kn} + an); {dan} (an * d, {kn} * dan * d * d) }}",
                kn = c[0],
                n = c[1],
                dan = hill_derivative(&c[1])
            ),
            FactorFn::HillRepressor { .. } => format!(
                "{{ let an = a.max(0.0).powf({n}); let d = 1.0 / ({kn} + an); {dan} ({kn} * d, -{kn} * dan * d * d) }}",
                kn = c[0],
                n = c[1],
                dan = hill_derivative(&c[1])
            ),
            FactorFn::Room { .. } => format!("(1.0 - a * {0}, -{0})", c[0]),
            FactorFn::Ratio { .. } => {
                format!("{{ let d = 1.0 / (a.max(0.0) + {}); (d, if a > 0.0 {{ -d * d }} else {{ 0.0 }}) }}", c[0])
            }
            FactorFn::Input(j) => format!("(u[{j}], 0.0)"),
        }
    }
}

/// A distinct factor of the model: a function of a weighted sum of compartments.
/// Identical factors (the per-capita `1/(T + ε)` of every secretion and killing
/// process, say) are evaluated once per call.
#[derive(Clone)]
pub(crate) struct UniqueFactor {
    pub function: FactorFn,
    /// Members `(compartment, weight)` of the argument, in `Kinetics::members`.
    pub arg: Range<usize>,
}

/// `coefficient · Π factors`.
#[derive(Clone)]
pub(crate) struct CompiledTerm {
    pub coefficient: f64,
    /// Range in the builder's factor occurrences.
    pub factors: Range<usize>,
}

/// How a process's rate is computed.
#[derive(Clone)]
pub(crate) enum CompiledRate {
    /// A sum of product terms (`Kinetics::terms`).
    Terms(Range<usize>),
    /// A custom closure: index into `Kinetics::customs`.
    Custom(usize),
    /// A math expression: index into the builder's expressions.
    Expression(usize),
}

/// The processes whose rates are math expressions, compiled: one tape of
/// their rates and one of the partial derivatives the Jacobian needs, over
/// the variables `[y | u]` (state, then inputs) and time.
///
/// A model without expression laws has none, and pays nothing for them.
#[derive(Clone)]
pub(crate) struct ExpressionBlock {
    /// Root `k` is the rate of process `process[k]`.
    pub rates: Tape,
    pub process: Vec<usize>,
    /// The changes `(compartment, ν)` of each root's process.
    pub changes: Vec<Vec<(usize, f64)>>,
    /// Root `m` is one `∂r_p/∂y_j`, added to the Jacobian through `plans[m]`.
    pub partials: Tape,
    pub plans: Vec<Range<usize>>,
    /// Does any rate read `time` (the system is then not autonomous)?
    pub reads_time: bool,
    /// Root `m` is `∂r_p/∂t` of the `m`-th rate that reads time, whose
    /// changes are `time_changes[m]`.
    pub time_partials: Tape,
    pub time_changes: Vec<Vec<(usize, f64)>>,
    /// The root functions of the relations the rates read (see
    /// [`relations`](super::events::relations)), resolved: where one
    /// changes sign a rate changes its formula.
    pub switches: Vec<Expr>,
    /// The same rates with each relation frozen (*discontinuity locking*),
    /// if they read any: relation `j`, `modes[j] = (op, i)` (`op` applied
    /// to `switches[i]` and 0), is read as the number (1 true, 0 false) in
    /// the variable after the inputs' `j`-th. A run that keeps those values
    /// between the switching functions' roots integrates one smooth formula
    /// per step.
    pub locked: Option<Box<ExpressionBlock>>,
    /// In a locked block, what each mode variable stands for (see `locked`).
    pub modes: Vec<(crate::expr::Op, usize)>,
    /// The switching functions compiled one tape each (`switch_tapes[i]`
    /// is `switches[i]`, so that a run watching them evaluates each alone),
    /// over the same variables as the rates.
    pub switch_tapes: Vec<Tape>,
    /// A construct the rates read that changes their value without a
    /// relation to watch (`floor`, `eq`, a chain `a < b < c` …), named:
    /// runs that need every switch located refuse it.
    pub unlocked: Option<String>,
}

/// The first construct in `e` whose value jumps where no two-argument
/// relation crosses, named.
fn unwatched_discontinuity(e: &Expr) -> Option<String> {
    use crate::expr::Op;
    let mut found = None;
    e.visit(&mut |x| {
        if found.is_some() {
            return;
        }
        if let Expr::Apply(op, args) = x {
            let jumps = match op {
                Op::Floor | Op::Ceiling | Op::Factorial | Op::Rem | Op::Quotient | Op::Eq | Op::Neq => true,
                Op::Gt | Op::Geq | Op::Lt | Op::Leq => args.len() != 2,
                _ => false,
            };
            if jumps {
                found = Some(format!("'{x}'"));
            }
        }
    });
    found
}

/// `e` with each relation on one of `switches` (`a op b` with
/// `a − b = switches[i]`) replaced by the variable `$mode{j}`, `j` its
/// index in `modes` (pushed as `(op, i)` when new).
fn lock_relations(e: &Expr, switches: &[Expr], modes: &mut Vec<(crate::expr::Op, usize)>) -> Expr {
    use crate::expr::Op;
    match e {
        Expr::Apply(op @ (Op::Gt | Op::Geq | Op::Lt | Op::Leq), args) if args.len() == 2 => {
            let g = Expr::binary(Op::Minus, args[0].clone(), args[1].clone()).simplify();
            let Some(i) = switches.iter().position(|s| *s == g) else { return e.clone() };
            let j = modes.iter().position(|&m| m == (*op, i)).unwrap_or_else(|| {
                modes.push((*op, i));
                modes.len() - 1
            });
            Expr::var(&format!("$mode{j}"))
        }
        Expr::Apply(op, args) => Expr::Apply(*op, args.iter().map(|a| lock_relations(a, switches, modes)).collect()),
        Expr::Call(f, args) => Expr::Call(f.clone(), args.iter().map(|a| lock_relations(a, switches, modes)).collect()),
        Expr::Piecewise { pieces, otherwise } => Expr::Piecewise {
            pieces: pieces
                .iter()
                .map(|(v, c)| (lock_relations(v, switches, modes), lock_relations(c, switches, modes)))
                .collect(),
            otherwise: otherwise.as_ref().map(|o| Box::new(lock_relations(o, switches, modes))),
        },
        other => other.clone(),
    }
}

impl ExpressionBlock {
    /// Switching function `i` at `(t, y)` with `inputs`.
    pub(crate) fn switch_value(&self, i: usize, t: f64, y: &[f64], inputs: &[f64]) -> f64 {
        let tape = &self.switch_tapes[i];
        eval_tape(tape, t, y, inputs, |regs| tape.root_in(regs, 0))
    }

    /// Adds `ν · r_p` of every expression process to `dy`.
    fn add_rhs(&self, t: f64, y: &[f64], inputs: &[f64], dy: &mut [f64]) {
        eval_tape(&self.rates, t, y, inputs, |regs| {
            for (k, changes) in self.changes.iter().enumerate() {
                let r = self.rates.root_in(regs, k);
                for &(i, nu) in changes {
                    dy[i] += nu * r;
                }
            }
        })
    }

    /// Writes the rate of every expression process into `rates`.
    fn rates(&self, t: f64, y: &[f64], inputs: &[f64], rates: &mut [f64]) {
        eval_tape(&self.rates, t, y, inputs, |regs| {
            for (k, &p) in self.process.iter().enumerate() {
                rates[p] = self.rates.root_in(regs, k);
            }
        })
    }

    /// Adds `ν · ∂r_p/∂t` of every expression process that reads time to `ft`.
    fn add_time_derivative(&self, t: f64, y: &[f64], inputs: &[f64], ft: &mut [f64]) {
        if !self.reads_time {
            return;
        }
        eval_tape(&self.time_partials, t, y, inputs, |regs| {
            for (m, changes) in self.time_changes.iter().enumerate() {
                let g = self.time_partials.root_in(regs, m);
                for &(i, nu) in changes {
                    ft[i] += nu * g;
                }
            }
        })
    }

    /// Adds the partials through their plans.
    fn add_jacobian(&self, t: f64, y: &[f64], inputs: &[f64], jac_plan: &[PlanEntry], out: &mut [f64], sparse: bool) {
        eval_tape(&self.partials, t, y, inputs, |regs| {
            for (m, plan) in self.plans.iter().enumerate() {
                let g = self.partials.root_in(regs, m);
                for e in &jac_plan[plan.clone()] {
                    let at = if sparse { e.sparse } else { e.dense } as usize;
                    out[at] += e.scale * g;
                }
            }
        })
    }
}

/// A custom law with its argument list and Jacobian plan.
#[derive(Clone)]
pub(crate) struct CompiledCustom {
    pub law: CustomLaw,
    /// The process whose rate this law gives.
    pub process: usize,
    /// Its changes `(compartment, ν)`.
    pub changes: Vec<(usize, f64)>,
    /// Each argument is a weighted sum of compartments: ranges into `members`.
    pub args: Vec<Range<usize>>,
    /// Jacobian plan of each argument.
    pub plans: Vec<Range<usize>>,
}

/// One Jacobian contribution: `J[row, col] += scale · g` where `g` is the
/// derivative of the rate through one factor with respect to its argument.
#[derive(Clone, Copy)]
pub(crate) struct PlanEntry {
    pub sparse: u32,
    pub dense: u32,
    pub scale: f64,
}

/// Selects which index of a [`PlanEntry`] a Jacobian write uses.
#[derive(Clone, Copy)]
pub(crate) enum Storage {
    Sparse,
    Dense,
}

/// Runs `f` with a zeroed scratch slice of length `len`: on the stack (in
/// the smallest of a few sizes, so a small model does not clear a large
/// buffer on every call) up to 256 values, one heap buffer beyond.
#[inline]
fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [f64]) -> R) -> R {
    macro_rules! on_stack {
        ($($size:literal)*) => {
            $(if len <= $size {
                let mut buf = [0.0; $size];
                return f(&mut buf[..len]);
            })*
        };
    }
    on_stack!(32 64 128 256);
    with_buffer(len, |buf| {
        buf.fill(0.0);
        f(buf)
    })
}

thread_local! {
    /// Buffers [`with_buffer`] lends out, kept for the next call on this thread.
    static BUFFERS: std::cell::RefCell<Vec<Vec<f64>>> = const { std::cell::RefCell::new(Vec::new()) };
}

thread_local! {
    /// Registers [`eval_tape`] lends out, each tagged with the generation of
    /// the tape constants it holds ([`Tape::eval_tagged`]), kept for the
    /// next call on this thread.
    static REGISTERS: std::cell::RefCell<Vec<(u64, Vec<f64>)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Most registers [`eval_tape`] keeps per thread: a run evaluates a few
/// tapes in turn (rates, partials, switching functions, triggers); past
/// this many, one is taken over and its constants rewritten.
const MAX_POOLED_REGISTERS: usize = 8;

/// Evaluates `tape` at `(t, [y | inputs])` (state, then inputs: the slots
/// expression tapes read) and runs `f` on its registers
/// (read the roots with [`Tape::root_in`]). The registers come from a
/// per-thread pool that keeps them per tape, so that the tape's constants
/// are written once, not at every call; nothing is allocated once the pool
/// holds them.
pub(crate) fn eval_tape<R>(tape: &Tape, t: f64, y: &[f64], inputs: &[f64], f: impl FnOnce(&[f64]) -> R) -> R {
    let generation = tape.generation();
    let (mut tag, mut regs) = REGISTERS.with(|pool| {
        let mut pool = pool.borrow_mut();
        match pool.iter().position(|(tag, _)| *tag == generation) {
            Some(i) => pool.swap_remove(i),
            None if pool.len() >= MAX_POOLED_REGISTERS => pool.swap_remove(0),
            None => (0, Vec::new()),
        }
    });
    // The registers, then the variables `[y | u]`.
    let n = tape.register_count();
    let len = n + y.len() + inputs.len();
    if regs.len() < len {
        regs.resize(len, 0.0);
    }
    let (registers, vars) = regs.split_at_mut(n);
    vars[..y.len()].copy_from_slice(y);
    vars[y.len()..y.len() + inputs.len()].copy_from_slice(inputs);
    tape.eval_tagged(&vars[..y.len() + inputs.len()], t, registers, &mut tag);
    let out = f(registers);
    REGISTERS.with(|pool| {
        let mut pool = pool.borrow_mut();
        if pool.len() < MAX_POOLED_REGISTERS {
            pool.push((tag, regs));
        }
    });
    out
}

/// Runs `f` with a scratch slice of length `len` (contents unspecified)
/// borrowed from a per-thread pool: after the first calls of a thread,
/// nothing is allocated, whatever the size. Nested calls take distinct buffers.
pub(crate) fn with_buffer<R>(len: usize, f: impl FnOnce(&mut [f64]) -> R) -> R {
    let mut buf = BUFFERS.with(|b| b.borrow_mut().pop()).unwrap_or_default();
    if buf.len() < len {
        buf.resize(len, 0.0);
    }
    let out = f(&mut buf[..len]);
    BUFFERS.with(|b| b.borrow_mut().push(buf));
    out
}

/// Product terms with `arity` factors laid out flat: entry `k` adds
/// `coefficient[k] · Π table[factors]` to `out[target[k]]`. The process rates
/// use it as it is (target = process, coefficient = the term's constant `c`);
/// the right-hand side is first built in the same form (target =
/// compartment, coefficient `c·ν`: a term of a process that changes two
/// compartments is two entries) and then rewritten by [`share_products`].
#[derive(Clone, Default)]
pub(crate) struct ProductTape {
    pub arity: usize,
    pub target: Vec<u32>,
    pub coefficient: Vec<f64>,
    /// `arity` table slots per entry.
    pub factors: Vec<u32>,
    /// Where each entry's coefficient comes from: the term, and the change
    /// (right-hand side) or Jacobian plan entry (Jacobian) it is multiplied
    /// by, `u32::MAX` for none (rates). See [`Sources`].
    pub source: Vec<(u32, u32)>,
}

impl ProductTape {
    fn push(&mut self, target: usize, coefficient: f64, slots: impl Iterator<Item = usize>, source: (usize, usize)) {
        self.target.push(target as u32);
        self.coefficient.push(coefficient);
        self.factors.extend(slots.map(|s| s as u32));
        self.source.push((source.0 as u32, source.1 as u32));
    }

    /// `out[target] += coefficient · Π table[factors]` for every entry.
    #[inline]
    fn add_to(&self, table: &[f64], out: &mut [f64]) {
        let entries = self.target.iter().zip(&self.coefficient);
        match self.arity {
            0 => {
                for (&i, &c) in entries {
                    out[i as usize] += c;
                }
            }
            a => {
                for ((&i, &c), fs) in entries.zip(self.factors.chunks_exact(a)) {
                    out[i as usize] += fs.iter().fold(c, |r, &f| r * table[f as usize]);
                }
            }
        }
    }
}

/// The product terms of each process on their own: process `p`'s terms are
/// `term_start[p]..term_start[p + 1]`, term `k` is `coefficient[k] · Π
/// table[slots[slot_start[k]..slot_start[k + 1]]]` (a slot below the state
/// dimension is a compartment, one above a computed factor).
#[derive(Clone, Debug)]
pub(crate) struct RatePlan {
    term_start: Vec<u32>,
    coefficient: Vec<f64>,
    slot_start: Vec<u32>,
    slots: Vec<u32>,
}

/// Products of two or more table slots that several entries of the
/// right-hand side (or of the Jacobian) share, stored in the table after the
/// slots they multiply:
/// `table[first + k] = Π table[slots of k]`, `arity` slots each. The secretion
/// of every chemokine by senescent cells, say, is `σ·S/(T + ε)` with its own
/// `σ`: the product `S·1/(T + ε)` is formed once and each chemokine's entry
/// reads it; its derivative with respect to `S` is `σ·1/(T + ε)` for every
/// chemokine too.
#[derive(Clone, Default)]
pub(crate) struct SharedProducts {
    pub arity: usize,
    pub first: usize,
    pub slots: Vec<u32>,
}

impl SharedProducts {
    /// Writes the products into their table slots.
    #[inline]
    fn evaluate(&self, table: &mut [f64]) {
        let (inputs, outputs) = table.split_at_mut(self.first);
        match self.arity {
            2 => {
                for (o, f) in outputs.iter_mut().zip(self.slots.chunks_exact(2)) {
                    *o = inputs[f[0] as usize] * inputs[f[1] as usize];
                }
            }
            3 => {
                for (o, f) in outputs.iter_mut().zip(self.slots.chunks_exact(3)) {
                    *o = inputs[f[0] as usize] * inputs[f[1] as usize] * inputs[f[2] as usize];
                }
            }
            a => {
                for (o, fs) in outputs.iter_mut().zip(self.slots.chunks_exact(a)) {
                    *o = fs.iter().fold(1.0, |r, &f| r * inputs[f as usize]);
                }
            }
        }
    }
}

/// Rewrites product tapes of any arity (targets `0..n`) as a [`TableProgram`]
/// over a table whose first `base` slots the tapes read: products of two or
/// more factors go to shared product slots numbered from `base` (one per
/// distinct set of slots), a constant term reads the 1 after them. Returns
/// the program and the source of each of its matrix entries.
fn share_products(tapes: &[ProductTape], n: usize, base: usize) -> (TableProgram, Vec<(u32, u32)>) {
    // Distinct products per arity, in order of first use: a product is its
    // sorted slots (padded), and each entry of arity ≥ 2 notes its index.
    type Key = (usize, [u32; MAX_FACTORS]);
    let mut index: std::collections::BTreeMap<Key, usize> = std::collections::BTreeMap::new();
    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); MAX_FACTORS + 1];
    let mut entry_product = Vec::new();
    for t in tapes.iter().filter(|t| t.arity >= 2) {
        for k in 0..t.target.len() {
            let slots = &t.factors[k * t.arity..(k + 1) * t.arity];
            let mut key = [u32::MAX; MAX_FACTORS];
            key[..t.arity].copy_from_slice(slots);
            key[..t.arity].sort_unstable();
            let list = &mut lists[t.arity];
            let next = list.len() / t.arity;
            let i = *index.entry((t.arity, key)).or_insert_with(|| {
                list.extend_from_slice(&key[..t.arity]);
                next
            });
            entry_product.push(i);
        }
    }
    let mut shared = Vec::new();
    let mut first_of = [0; MAX_FACTORS + 1];
    let mut next = base;
    for (arity, list) in lists.into_iter().enumerate().filter(|(_, list)| !list.is_empty()) {
        first_of[arity] = next;
        next += list.len() / arity;
        shared.push(SharedProducts { arity, first: first_of[arity], slots: list });
    }
    // The matrix: a constant term reads the slot after the products, which
    // holds 1; entries grouped by row (a stable sort keeps their order).
    let one = next;
    let mut products = entry_product.into_iter();
    let mut entries: Vec<(u32, u32, f64, (u32, u32))> = Vec::new();
    for t in tapes {
        for k in 0..t.target.len() {
            let slot = match t.arity {
                0 => one,
                1 => t.factors[k] as usize,
                a => first_of[a] + products.next().expect("one product per entry of arity ≥ 2"),
            };
            entries.push((t.target[k], slot as u32, t.coefficient[k], t.source[k]));
        }
    }
    entries.sort_by_key(|e| e.0);
    let mut matrix = SlotMatrix { row_start: Vec::with_capacity(n + 1), table_len: one + 1, ..SlotMatrix::default() };
    let mut sources = Vec::with_capacity(entries.len());
    matrix.row_start.push(0);
    let mut e = entries.iter().peekable();
    for row in 0..n as u32 {
        while let Some(&(_, slot, c, source)) = e.next_if(|x| x.0 == row) {
            matrix.slot.push(slot);
            matrix.coefficient.push(c);
            sources.push(source);
        }
        matrix.row_start.push(matrix.slot.len() as u32);
    }
    assert!(matrix.is_consistent() && e.next().is_none(), "slot matrix built inconsistent");
    (TableProgram { products: shared, matrix }, sources)
}

/// How the right-hand side and the Jacobian are computed from a filled
/// factor table: the shared products written after it, a 1 after those,
/// then `out = C · table` ([`SlotMatrix`]), which sets every entry of `out`.
#[derive(Clone, Default)]
pub(crate) struct TableProgram {
    pub products: Vec<SharedProducts>,
    pub matrix: SlotMatrix,
}

impl TableProgram {
    /// Length of the table the program reads and extends.
    fn table_len(&self) -> usize {
        self.matrix.table_len
    }

    /// The same program with its rows (entries of a sparse Jacobian on
    /// `pattern`) moved to column-major dense positions; absent entries are
    /// empty rows, so `run` writes their zeros.
    fn dense(&self, pattern: &SparsityPattern) -> TableProgram {
        let n = pattern.n();
        let m = &self.matrix;
        let mut source = vec![None; n * n];
        for i in 0..n {
            for p in pattern.range(i) {
                source[pattern.col()[p] * n + i] = Some(p);
            }
        }
        let mut matrix = SlotMatrix { row_start: vec![0], table_len: m.table_len, ..SlotMatrix::default() };
        for p in source {
            if let Some(p) = p {
                let r = m.row_start[p] as usize..m.row_start[p + 1] as usize;
                matrix.slot.extend_from_slice(&m.slot[r.clone()]);
                matrix.coefficient.extend_from_slice(&m.coefficient[r]);
            }
            matrix.row_start.push(matrix.slot.len() as u32);
        }
        assert!(matrix.is_consistent(), "dense Jacobian program built inconsistent");
        TableProgram { products: self.products.clone(), matrix }
    }

    /// Completes `table` (filled up to the shared products) and writes `out`.
    #[inline]
    fn run(&self, table: &mut [f64], out: &mut [f64]) {
        for products in &self.products {
            products.evaluate(table);
        }
        table[self.matrix.table_len - 1] = 1.0;
        self.matrix.apply(table, out);
    }
}

/// A sparse matrix over an extended factor table:
/// `out_i = Σ_p coefficient[p] · table[slot[p]]` over row `i` (compressed
/// rows). For the right-hand side the rows are compartments and the table
/// holds the state, the computed factors, the shared products and a 1; for
/// the Jacobian the rows are its stored entries and the table holds the
/// factors' values and derivatives. Each row is summed in a register and
/// stored once.
#[derive(Clone, Default)]
pub(crate) struct SlotMatrix {
    pub row_start: Vec<u32>,
    pub slot: Vec<u32>,
    pub coefficient: Vec<f64>,
    /// Length of the table the slots index (the 1 is its last entry).
    pub table_len: usize,
}

impl SlotMatrix {
    /// `dy = C · table`. Called eight times per Rosenbrock step with rows of
    /// a few entries each, so it indexes without bounds checks on the layout
    /// [`SlotMatrix::is_consistent`] confirms once, when the model is built.
    #[inline]
    fn apply(&self, table: &[f64], dy: &mut [f64]) {
        assert!(table.len() >= self.table_len && dy.len() + 1 == self.row_start.len());
        // SAFETY: `row_start` is non-decreasing from 0 to `slot.len()` ==
        // `coefficient.len()`, and every slot is below `table_len` <= `table.len()`.
        unsafe {
            let mut p = 0usize;
            for (i, d) in dy.iter_mut().enumerate() {
                let end = *self.row_start.get_unchecked(i + 1) as usize;
                let mut sum = 0.0;
                while p < end {
                    sum +=
                        *self.coefficient.get_unchecked(p) * *table.get_unchecked(*self.slot.get_unchecked(p) as usize);
                    p += 1;
                }
                *d = sum;
            }
        }
    }

    /// The invariants [`SlotMatrix::apply`] relies on.
    fn is_consistent(&self) -> bool {
        self.row_start.first() == Some(&0)
            && self.row_start.windows(2).all(|w| w[0] <= w[1])
            && self.row_start.last().map(|&e| e as usize) == Some(self.slot.len())
            && self.coefficient.len() == self.slot.len()
            && self.slot.iter().all(|&s| (s as usize) < self.table_len)
    }
}

/// One tape per arity `0..=MAX_FACTORS`, indexed by arity while building;
/// empty ones are dropped once every term is placed.
fn tapes_by_arity<T: Default>(set_arity: impl Fn(&mut T, usize)) -> Vec<T> {
    (0..=MAX_FACTORS)
        .map(|arity| {
            let mut t = T::default();
            set_arity(&mut t, arity);
            t
        })
        .collect()
}

/// The compiled processes of a model.
#[derive(Clone)]
pub(crate) struct Kinetics {
    /// The process rates, one tape per arity in use.
    pub rate_tapes: Vec<ProductTape>,
    /// The right-hand side of the product terms, over the factor table.
    pub derivative: TableProgram,
    /// Their Jacobian in CSR order and in column-major dense order, over the
    /// table of factor values followed by their derivatives: partial `k` of a
    /// term `c · Π_l f_l(a_l)` is `c · f_k'(a_k) · Π_{l≠k} f_l(a_l)`, and adds
    /// `ν · w` times that to the entry of each changed compartment and
    /// argument member.
    pub jacobian_sparse: TableProgram,
    /// The dense one is derived from the sparse one on first use.
    pub jacobian_dense: std::sync::OnceLock<TableProgram>,
    pub members: Vec<(usize, f64)>,
    pub unique: Vec<UniqueFactor>,
    /// The factor table of [`Kinetics::rhs`] and the rates: slots `0..n` are
    /// the state (a factor that is a plain compartment reads it there),
    /// slots `n..` these unique factors, which need computing.
    pub computed: Vec<usize>,
    pub process_count: usize,
    pub customs: Vec<CompiledCustom>,
    /// The processes with expression laws, if any.
    pub expressions: Option<Box<ExpressionBlock>>,
    pub jac_plan: Vec<PlanEntry>,
    pub pattern: SparsityPattern,
    /// Compiled kernels for this structure, if any are known
    /// ([`super::compiled`]), and the constants they read.
    pub compiled: Option<&'static super::compiled::CompiledKernels>,
    pub constants: Vec<f64>,
    /// Each process's changes `(compartment, ν)`, in process order.
    pub changes: Vec<(usize, f64)>,
    /// The compartments each process's rate reads (sorted, distinct).
    pub process_reads: std::sync::Arc<Vec<Vec<usize>>>,
    /// The builder's numbers every coefficient above is made of, and where
    /// each coefficient comes from: what [`Kinetics::with_numbers`] redoes
    /// when parameters change.
    pub numbers: Numbers,
    pub sources: std::sync::Arc<Sources>,
}

/// The numbers a [`Kinetics`] is built from that it keeps nowhere else, in
/// the builder's order: each product term's coefficient `c` and each factor
/// occurrence's function (with its constants). The changes `ν` are
/// [`Kinetics::changes`].
#[derive(Clone)]
pub(crate) struct Numbers {
    pub terms: Vec<f64>,
    pub factors: Vec<FactorFn>,
}

/// Where each coefficient of a finished [`Kinetics`] comes from among its
/// [`Numbers`]: a rate entry is `c_t`, a right-hand-side entry `c_t · ν_i`,
/// a Jacobian plan entry `ν_i · w_m` and a Jacobian entry `c_t · (ν_i · w_m)`
/// (the products in the order the build forms them, so the numbers are the
/// bits a build would give).
pub(crate) struct Sources {
    /// Each distinct factor's first occurrence, and each occurrence's distinct factor.
    unique_first: Vec<u32>,
    occurrence_unique: Vec<u32>,
    /// Jacobian plan entry → (change, argument member).
    plan: Vec<(u32, u32)>,
    /// Right-hand-side matrix entry → (term, change).
    derivative: Vec<(u32, u32)>,
    /// Jacobian matrix entry → (term, plan entry).
    jacobian: Vec<(u32, u32)>,
    /// Each process's changes (a range of [`Kinetics::changes`]).
    process_changes: Vec<Range<usize>>,
}

impl std::fmt::Debug for Kinetics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kinetics").field("processes", &self.process_count).finish_non_exhaustive()
    }
}

impl Kinetics {
    #[inline]
    fn argument(&self, arg: &Range<usize>, y: &[f64]) -> f64 {
        self.members[arg.clone()].iter().map(|&(j, w)| w * y[j]).sum()
    }

    fn custom_args(&self, c: &CompiledCustom, y: &[f64], buf: &mut [f64; MAX_CUSTOM_ARGS]) -> usize {
        for (slot, arg) in buf.iter_mut().zip(&c.args) {
            *slot = self.argument(arg, y);
        }
        c.args.len()
    }

    /// Fills the factor table: the state, then every factor that needs computing.
    #[inline]
    fn fill_table(&self, y: &[f64], inputs: &[f64], table: &mut [f64]) {
        let (state, computed) = table.split_at_mut(y.len());
        state.copy_from_slice(y);
        for (v, &k) in computed.iter_mut().zip(&self.computed) {
            let f = &self.unique[k];
            // Most arguments are a single compartment with weight 1.
            let a = match &self.members[f.arg.clone()] {
                [(j, w)] => w * y[*j],
                members => members.iter().map(|&(j, w)| w * y[j]).sum(),
            };
            *v = f.function.value(a, inputs);
        }
    }

    fn table_len(&self, n: usize) -> usize {
        n + self.computed.len()
    }

    /// Every process rate, given the factor table.
    #[inline]
    fn rates_from(&self, t: f64, y: &[f64], inputs: &[f64], table: &[f64], rates: &mut [f64]) {
        rates.fill(0.0);
        for tape in &self.rate_tapes {
            tape.add_to(table, rates);
        }
        for custom in &self.customs {
            let mut buf = [0.0; MAX_CUSTOM_ARGS];
            let k = self.custom_args(custom, y, &mut buf);
            rates[custom.process] = (custom.law.rate)(t, &buf[..k]);
        }
        if let Some(block) = &self.expressions {
            block.rates(t, y, inputs, rates);
        }
    }

    /// Runs `f` with the rates of every process.
    #[inline]
    fn with_rates<R>(&self, t: f64, y: &[f64], inputs: &[f64], f: impl FnOnce(&[f64]) -> R) -> R {
        let u = self.table_len(y.len());
        with_scratch(u + self.process_count, |scratch| {
            let (table, rates) = scratch.split_at_mut(u);
            self.fill_table(y, inputs, table);
            self.rates_from(t, y, inputs, table, rates);
            f(rates)
        })
    }

    /// Rate of process `p`.
    pub fn rate(&self, p: usize, t: f64, y: &[f64], inputs: &[f64]) -> f64 {
        self.with_rates(t, y, inputs, |rates| rates[p])
    }

    /// The plan that evaluates one process's rate on its own
    /// ([`Kinetics::rate_by_plan`]), or `None` when a process has a custom
    /// or expression law (their rates come from a program over all of them).
    pub(crate) fn rate_plan(&self) -> Option<RatePlan> {
        if !self.customs.is_empty() || self.expressions.is_some() {
            return None;
        }
        // Terms per process in the order `rates_from` adds them: tape by
        // tape, entry by entry.
        let mut per_process: Vec<Vec<(f64, &[u32])>> = vec![Vec::new(); self.process_count];
        for tape in &self.rate_tapes {
            for (k, (&p, &c)) in tape.target.iter().zip(&tape.coefficient).enumerate() {
                per_process[p as usize].push((c, &tape.factors[k * tape.arity..(k + 1) * tape.arity]));
            }
        }
        let mut plan =
            RatePlan { term_start: vec![0], coefficient: Vec::new(), slot_start: vec![0], slots: Vec::new() };
        for terms in per_process {
            for (c, slots) in terms {
                plan.coefficient.push(c);
                plan.slots.extend_from_slice(slots);
                plan.slot_start.push(plan.slots.len() as u32);
            }
            plan.term_start.push(plan.coefficient.len() as u32);
        }
        Some(plan)
    }

    /// The rate of process `p` alone, bit for bit the value [`Kinetics::rates`]
    /// gives it (the same factor values, products and sum, in the same
    /// order), without evaluating the others.
    #[inline]
    pub(crate) fn rate_by_plan(&self, plan: &RatePlan, p: usize, y: &[f64], inputs: &[f64]) -> f64 {
        let n = y.len();
        let slot = |s: u32| -> f64 {
            let s = s as usize;
            if s < n {
                return y[s];
            }
            let f = &self.unique[self.computed[s - n]];
            let a = match &self.members[f.arg.clone()] {
                [(j, w)] => w * y[*j],
                members => members.iter().map(|&(j, w)| w * y[j]).sum(),
            };
            f.function.value(a, inputs)
        };
        let mut rate = 0.0;
        for term in plan.term_start[p] as usize..plan.term_start[p + 1] as usize {
            let slots = &plan.slots[plan.slot_start[term] as usize..plan.slot_start[term + 1] as usize];
            rate += slots.iter().fold(plan.coefficient[term], |r, &s| r * slot(s));
        }
        rate
    }

    /// `dy = f(t, y, u) = N · r(t, y, u)`: the factor table, then
    /// [`TableProgram::run`] (custom laws added after).
    pub fn rhs(&self, t: f64, y: &[f64], inputs: &[f64], dy: &mut [f64]) {
        match self.compiled {
            Some(kernels) => (kernels.rhs)(y, inputs, &self.constants, dy),
            None => with_scratch(self.derivative.table_len(), |table| {
                self.fill_table(y, inputs, table);
                self.derivative.run(table, dy);
            }),
        }
        for custom in &self.customs {
            let mut buf = [0.0; MAX_CUSTOM_ARGS];
            let k = self.custom_args(custom, y, &mut buf);
            let rate = (custom.law.rate)(t, &buf[..k]);
            for &(i, nu) in &custom.changes {
                dy[i] += nu * rate;
            }
        }
        if let Some(block) = &self.expressions {
            block.add_rhs(t, y, inputs, dy);
        }
    }

    /// Writes the rate of every process into `rates`.
    pub fn rates(&self, t: f64, y: &[f64], inputs: &[f64], rates: &mut [f64]) {
        // The processes, then the constraints' residuals (not rates).
        self.with_rates(t, y, inputs, |r| rates.copy_from_slice(&r[..rates.len()]))
    }

    /// Writes the Jacobian into `out` (every entry) in the given storage.
    pub fn jacobian(&self, t: f64, y: &[f64], inputs: &[f64], out: &mut [f64], storage: Storage) {
        if let (Some(kernels), Storage::Sparse) = (self.compiled, storage) {
            (kernels.jacobian)(y, inputs, &self.constants, out);
            self.add_custom_jacobians(t, y, out, storage);
            self.add_expression_jacobian(t, y, inputs, out, storage);
            return;
        }
        let u = self.table_len(y.len());
        let program = match storage {
            Storage::Sparse => &self.jacobian_sparse,
            Storage::Dense => self.jacobian_dense.get_or_init(|| self.jacobian_sparse.dense(&self.pattern)),
        };
        with_scratch(program.table_len(), |table| {
            let (fvalue, rest) = table.split_at_mut(u);
            let fderiv = &mut rest[..u];
            // The table of values and derivatives: the state (derivative 1),
            // then the factors that need computing.
            let n = y.len();
            fvalue[..n].copy_from_slice(y);
            fderiv[..n].fill(1.0);
            for (slot, &k) in self.computed.iter().enumerate() {
                let f = &self.unique[k];
                (fvalue[n + slot], fderiv[n + slot]) = f.function.eval(self.argument(&f.arg, y), inputs);
            }
            program.run(table, out);
        });
        self.add_custom_jacobians(t, y, out, storage);
        self.add_expression_jacobian(t, y, inputs, out, storage);
    }

    /// Writes `∂f/∂t` (inputs held: they change only at stops) and returns
    /// `true`, or returns `false` when a custom law (which sees `t` in a
    /// way that cannot be differentiated) is present.
    pub fn time_derivative(&self, t: f64, y: &[f64], inputs: &[f64], ft: &mut [f64]) -> bool {
        if !self.customs.is_empty() {
            return false;
        }
        ft.fill(0.0);
        if let Some(block) = &self.expressions {
            block.add_time_derivative(t, y, inputs, ft);
        }
        true
    }

    /// Adds the expression laws' partial derivatives, if any.
    fn add_expression_jacobian(&self, t: f64, y: &[f64], inputs: &[f64], out: &mut [f64], storage: Storage) {
        if let Some(block) = &self.expressions {
            block.add_jacobian(t, y, inputs, &self.jac_plan, out, matches!(storage, Storage::Sparse));
        }
    }

    /// Adds the custom laws' Jacobian entries (their gradient, or central
    /// differences) through their plans.
    fn add_custom_jacobians(&self, t: f64, y: &[f64], out: &mut [f64], storage: Storage) {
        let sparse = matches!(storage, Storage::Sparse);
        let mut put = |plan: &Range<usize>, g: f64| {
            let entries = &self.jac_plan[plan.clone()];
            if sparse {
                for e in entries {
                    out[e.sparse as usize] += e.scale * g;
                }
            } else {
                for e in entries {
                    out[e.dense as usize] += e.scale * g;
                }
            }
        };
        for custom in &self.customs {
            let mut args = [0.0; MAX_CUSTOM_ARGS];
            let mut grad = [0.0; MAX_CUSTOM_ARGS];
            let k = self.custom_args(custom, y, &mut args);
            match &custom.law.gradient {
                Some(gradient) => gradient(t, &args[..k], &mut grad[..k]),
                None => {
                    // Central differences, step ∝ ε^(1/3) for O(h²) truncation.
                    for a in 0..k {
                        let x = args[a];
                        let h = f64::EPSILON.cbrt() * x.abs().max(1.0);
                        args[a] = x + h;
                        let up = (custom.law.rate)(t, &args[..k]);
                        args[a] = x - h;
                        let down = (custom.law.rate)(t, &args[..k]);
                        args[a] = x;
                        grad[a] = (up - down) / (2.0 * h);
                    }
                }
            }
            for (a, plan) in custom.plans.iter().enumerate() {
                put(plan, grad[a]);
            }
        }
    }
}

/// A hashable identity of a factor: its function's kind and parameters (as
/// bits) and its argument's members.
impl Kinetics {
    /// The changes `(compartment, ν)` of process `p`.
    pub(crate) fn changes_of(&self, p: usize) -> Option<&[(usize, f64)]> {
        self.sources.process_changes.get(p).map(|r| &self.changes[r.clone()])
    }

    /// The same kinetics with other [`Numbers`] and changes `ν` (the lengths
    /// of [`Kinetics::numbers`] and [`Kinetics::changes`]): every coefficient recomputed from them as a
    /// build computes it (the same bits), the structure kept. `None` when
    /// the numbers would build another structure or cannot be used: two
    /// occurrences of one distinct factor that differ now, a change `ν` that
    /// becomes or stops being 0 (the right-hand side leaves out zero
    /// changes), a changed `ν` of an expression law's process, a non-finite
    /// coefficient.
    pub(crate) fn with_numbers(&self, numbers: Numbers, changes: &[f64]) -> Option<Kinetics> {
        let s = &*self.sources;
        let old = &self.numbers;
        let lengths = (numbers.terms.len(), changes.len(), numbers.factors.len());
        if lengths != (old.terms.len(), self.changes.len(), old.factors.len()) {
            return None;
        }
        let old_nu = |c: usize| self.changes[c].1;
        if changes.iter().enumerate().any(|(c, &nu)| (nu == 0.0) != (old_nu(c) == 0.0)) {
            return None;
        }
        let occurrences = s.occurrence_unique.iter().enumerate();
        if occurrences
            .into_iter()
            .any(|(o, &k)| !numbers.factors[o].same(&numbers.factors[s.unique_first[k as usize] as usize]))
        {
            return None;
        }
        if let Some(block) = &self.expressions {
            let changed = |p: usize| s.process_changes[p].clone().any(|c| changes[c].to_bits() != old_nu(c).to_bits());
            if block.process.iter().any(|&p| changed(p)) {
                return None;
            }
        }
        let mut k = self.clone();
        for (f, &o) in k.unique.iter_mut().zip(&s.unique_first) {
            f.function = numbers.factors[o as usize].clone();
        }
        for (e, &(c, m)) in k.jac_plan.iter_mut().zip(&s.plan) {
            e.scale = changes[c as usize] * k.members[m as usize].1;
        }
        for tape in &mut k.rate_tapes {
            for (c, &(t, _)) in tape.coefficient.iter_mut().zip(&tape.source) {
                *c = numbers.terms[t as usize];
            }
        }
        for (c, &(t, i)) in k.derivative.matrix.coefficient.iter_mut().zip(&s.derivative) {
            *c = numbers.terms[t as usize] * changes[i as usize];
        }
        for (c, &(t, e)) in k.jacobian_sparse.matrix.coefficient.iter_mut().zip(&s.jacobian) {
            *c = numbers.terms[t as usize] * k.jac_plan[e as usize].scale;
        }
        let finite = |v: &[f64]| v.iter().all(|c| c.is_finite());
        if !finite(&k.derivative.matrix.coefficient) || !finite(&k.jacobian_sparse.matrix.coefficient) {
            return None;
        }
        k.jacobian_dense = std::sync::OnceLock::new();
        for (change, &nu) in k.changes.iter_mut().zip(changes) {
            change.1 = nu;
        }
        for custom in &mut k.customs {
            custom.changes = k.changes[s.process_changes[custom.process].clone()].to_vec();
        }
        if k.compiled.is_some() {
            k.constants = k.constants();
        }
        k.numbers = numbers;
        Some(k)
    }
}

impl Kinetics {
    /// Sets the parameters' canonical values `values` in the expression
    /// laws' tapes (rates and partial derivatives).
    pub(crate) fn set_expression_parameters(&mut self, values: &[f64]) {
        if let Some(block) = &mut self.expressions {
            block.set_parameters(values);
        }
    }
}

impl ExpressionBlock {
    /// The parameters' canonical values `values` in every tape (the locked
    /// twin's too).
    fn set_parameters(&mut self, values: &[f64]) {
        for tape in
            [&mut self.rates, &mut self.partials, &mut self.time_partials].into_iter().chain(&mut self.switch_tapes)
        {
            tape.set_parameters(values);
        }
        if let Some(locked) = &mut self.locked {
            locked.set_parameters(values);
        }
    }
}

fn factor_key(function: &FactorFn, members: &[(usize, f64)]) -> Vec<u64> {
    let (kind, parameter, constants) = function.parts();
    let mut key = vec![kind, parameter];
    key.extend(constants.iter().map(|c| c.to_bits()));
    for &(j, w) in members {
        key.push(j as u64);
        key.push(w.to_bits());
    }
    key
}

/// The Jacobian scatter plan while it is built, with each entry's source
/// `(change, argument member)` (its scale is `ν · w`).
#[derive(Default)]
struct Plan {
    entries: Vec<PlanEntry>,
    sources: Vec<(u32, u32)>,
}

/// An expression law being built: its rate and each nonzero partial
/// `∂r/∂y_j` with the argument `y_j` (a range in the builder's members).
type ExpressionLaw = (Expr, Vec<(Expr, Range<usize>)>);

/// Builds a [`Kinetics`] from lowered processes; the caller has validated names.
pub(crate) struct KineticsBuilder {
    n: usize,
    members: Vec<(usize, f64)>,
    /// Factor occurrences in term order: (function, argument members).
    factors: Vec<(FactorFn, Range<usize>)>,
    terms: Vec<CompiledTerm>,
    processes: Vec<(CompiledRate, Range<usize>)>,
    changes: Vec<(usize, f64)>,
    customs: Vec<(CustomLaw, Vec<Range<usize>>)>,
    /// Expression laws: the rate over `[y | u]` and time, and its nonzero
    /// partials `∂r/∂y_j` each with the argument `y_j` (a range in `members`).
    expressions: Vec<ExpressionLaw>,
    /// The variable slot of each name expressions use: compartments `0..n`,
    /// then inputs, then delayed values.
    slots: Slots,
    /// How each term's coefficient, each change and each factor's constant
    /// follow from the parameters, in the order they were added.
    pub(super) recipes: Parametrization,
    /// The parameters' canonical values, which expressions name by
    /// [`parameter_name`](crate::expr::parameter_name).
    parameters: Vec<f64>,
}

impl KineticsBuilder {
    pub fn new(n: usize) -> Self {
        KineticsBuilder {
            n,
            members: Vec::new(),
            factors: Vec::new(),
            terms: Vec::new(),
            processes: Vec::new(),
            changes: Vec::new(),
            customs: Vec::new(),
            expressions: Vec::new(),
            slots: Slots::default(),
            recipes: Parametrization::default(),
            parameters: Vec::new(),
        }
    }

    /// Binds the names expressions use to their variable slots
    /// (compartments `0..n`, then inputs, then delayed values) and the
    /// parameters they name to their canonical values.
    pub fn bind(&mut self, slots: Slots, parameters: &[f64]) {
        self.slots = slots;
        self.parameters = parameters.to_vec();
    }

    /// Adds a process whose rate is an expression (resolved: over
    /// compartments and inputs by name, and time), with its partial
    /// derivatives `(j, ∂r/∂y_j)`.
    pub fn expression_process(
        &mut self,
        rate: Expr,
        partials: Vec<(usize, Expr)>,
        changes: &[(usize, f64)],
        recipes: Vec<Recipe>,
    ) {
        let start = self.changes.len();
        self.add_changes(changes, recipes);
        let partials = partials.into_iter().map(|(j, d)| (d, self.argument(&[(j, 1.0)]))).collect();
        self.processes.push((CompiledRate::Expression(self.expressions.len()), start..self.changes.len()));
        self.expressions.push((rate, partials));
    }

    /// Registers an argument (weighted sum of compartments), returns its range.
    pub fn argument(&mut self, members: &[(usize, f64)]) -> Range<usize> {
        let start = self.members.len();
        self.members.extend_from_slice(members);
        start..self.members.len()
    }

    /// Adds a factor to the term under construction.
    pub fn factor(&mut self, function: FactorFn, arg: Range<usize>, recipe: FactorRecipe) {
        self.factors.push((function, arg));
        self.recipes.factors.push(recipe);
    }

    /// Closes a term made of the factors added since `first_factor`.
    pub fn term(&mut self, coefficient: f64, first_factor: usize, recipe: Recipe) {
        self.terms.push(CompiledTerm { coefficient, factors: first_factor..self.factors.len() });
        self.recipes.terms.push(recipe);
    }

    /// Appends a process's changes and their recipes (one each).
    fn add_changes(&mut self, changes: &[(usize, f64)], recipes: Vec<Recipe>) {
        assert_eq!(changes.len(), recipes.len(), "one recipe per change");
        self.changes.extend_from_slice(changes);
        self.recipes.changes.extend(recipes);
    }

    pub fn factor_count(&self) -> usize {
        self.factors.len()
    }

    pub fn term_count(&self) -> usize {
        self.terms.len()
    }

    /// Closes a process made of the terms added since `first_term`.
    pub fn process(&mut self, first_term: usize, changes: &[(usize, f64)], recipes: Vec<Recipe>) {
        let start = self.changes.len();
        self.add_changes(changes, recipes);
        self.processes.push((CompiledRate::Terms(first_term..self.terms.len()), start..self.changes.len()));
    }

    /// Adds a process with a custom law.
    pub fn custom_process(
        &mut self,
        law: CustomLaw,
        args: Vec<Range<usize>>,
        changes: &[(usize, f64)],
        recipes: Vec<Recipe>,
    ) {
        let start = self.changes.len();
        self.add_changes(changes, recipes);
        self.processes.push((CompiledRate::Custom(self.customs.len()), start..self.changes.len()));
        self.customs.push((law, args));
    }

    /// Deduplicates factors, builds the sparsity pattern and the Jacobian
    /// scatter plan, lays out the factor table and writes the rates, the
    /// right-hand side and the Jacobian as programs over it; uses compiled
    /// kernels when some match the structure.
    pub fn finish(self) -> crate::Result<Kinetics> {
        let n = self.n;
        let pattern = self.sparsity_pattern();
        let (unique, occurrence_factor) = self.unique_factors();
        let (jac_plan, occurrence_plan, customs, expression_plans) = self.jacobian_plan(&pattern);
        let expressions = self.expression_block(expression_plans)?;
        let (computed, slot) = self.table_slots(&unique);
        let u = n + computed.len();
        let occurrence_slot: Vec<usize> = occurrence_factor.iter().map(|&k| slot[k]).collect();
        let (rate_tapes, derivative_tapes, jacobian_sparse) =
            self.product_tapes(&occurrence_slot, &jac_plan.entries, &occurrence_plan, u);
        let process_reads = std::sync::Arc::new(self.process_reads());
        let (derivative, derivative_sources) = share_products(&derivative_tapes, n, u);
        let (jacobian_sparse, jacobian_sources) = share_products(&jacobian_sparse, pattern.nnz(), 2 * u);
        let mut unique_first = vec![u32::MAX; unique.len()];
        for (o, &k) in occurrence_factor.iter().enumerate().rev() {
            unique_first[k] = o as u32;
        }
        let sources = Sources {
            unique_first,
            occurrence_unique: occurrence_factor.iter().map(|&k| k as u32).collect(),
            plan: jac_plan.sources,
            derivative: derivative_sources,
            jacobian: jacobian_sources,
            process_changes: self.processes.iter().map(|(_, changes)| changes.clone()).collect(),
        };
        let numbers = Numbers {
            terms: self.terms.iter().map(|t| t.coefficient).collect(),
            factors: self.factors.iter().map(|(f, _)| f.clone()).collect(),
        };
        let mut kinetics = Kinetics {
            rate_tapes,
            derivative,
            jacobian_sparse,
            jacobian_dense: std::sync::OnceLock::new(),
            members: self.members,
            unique,
            computed,
            process_count: self.processes.len(),
            customs,
            expressions,
            jac_plan: jac_plan.entries,
            pattern,
            compiled: None,
            constants: Vec::new(),
            changes: self.changes.clone(),
            process_reads,
            numbers,
            sources: std::sync::Arc::new(sources),
        };
        let (fingerprint, constants) = kinetics.structure(n);
        if let Some(kernels) = super::compiled::find(fingerprint, constants.len()) {
            kinetics.compiled = Some(kernels);
            kinetics.constants = constants;
        }
        Ok(kinetics)
    }

    /// Compiles the expression laws (if any) into their two tapes; `plans`
    /// holds the Jacobian plan of each partial, in order. Where the rates
    /// read relations, also their locked twin ([`ExpressionBlock::locked`]).
    fn expression_block(&self, plans: Vec<Range<usize>>) -> crate::Result<Option<Box<ExpressionBlock>>> {
        if self.expressions.is_empty() {
            return Ok(None);
        }
        let mut switches = Vec::new();
        for (r, _) in &self.expressions {
            super::events::relations(r, &mut switches);
        }
        let bind = |name: &str| self.slots.get(name);
        let mut block = self.compile_block(plans.clone(), &bind, &|e: &Expr| e.clone())?;
        let reads_delay =
            self.expressions.iter().any(|(r, _)| r.symbols().iter().any(|v| crate::expr::delayed_index(v).is_some()));
        if !switches.is_empty() && !reads_delay {
            // Each relation becomes mode variable `$mode{j}`, read after the inputs.
            let modes = std::cell::RefCell::new(Vec::new());
            let first = self.slots.inputs_end();
            let locked_bind = |name: &str| {
                name.strip_prefix("$mode")
                    .and_then(|j| j.parse::<usize>().ok())
                    .map(|j| first + j)
                    .or_else(|| self.slots.get(name))
            };
            let lock = |e: &Expr| lock_relations(e, &switches, &mut modes.borrow_mut());
            let mut locked = self.compile_block(plans, &locked_bind, &lock)?;
            locked.modes = modes.into_inner();
            locked.switches.clone_from(&switches);
            block.locked = Some(Box::new(locked));
        }
        block.switch_tapes = switches
            .iter()
            .map(|g| {
                let mut tape = crate::expr::TapeBuilder::new(&bind).with_parameters(&self.parameters);
                tape.add(g)?;
                Ok(tape.finish())
            })
            .collect::<crate::Result<_>>()?;
        block.switches = switches;
        block.unlocked = self.expressions.iter().find_map(|(r, _)| unwatched_discontinuity(r));
        Ok(Some(Box::new(block)))
    }

    /// The expression laws' tapes, each rate and partial passed through
    /// `transform` first, variables bound by `bind`.
    fn compile_block(
        &self,
        plans: Vec<Range<usize>>,
        bind: &dyn Fn(&str) -> Option<usize>,
        transform: &dyn Fn(&Expr) -> Expr,
    ) -> crate::Result<ExpressionBlock> {
        let p = &self.parameters;
        let mut rates = crate::expr::TapeBuilder::new(bind).with_parameters(p);
        let mut partials = crate::expr::TapeBuilder::new(bind).with_parameters(p);
        let mut time_partials = crate::expr::TapeBuilder::new(bind).with_parameters(p);
        let mut process = Vec::new();
        let mut changes = Vec::new();
        let mut time_changes = Vec::new();
        // `time` as a variable no model name can be, to differentiate by.
        let t_var = Expr::var("$time");
        for (p, (rate, range)) in self.processes.iter().enumerate() {
            let CompiledRate::Expression(k) = rate else { continue };
            let (r, ds) = &self.expressions[*k];
            let r = &transform(r);
            rates.add(r)?;
            for (d, _) in ds {
                partials.add(&transform(d))?;
            }
            process.push(p);
            changes.push(self.changes[range.clone()].to_vec());
            if r.depends_on_time() {
                let dt = r.substitute_time(&t_var).diff("$time")?;
                let dt = dt.substitute(&|v| (v == "$time").then_some(Expr::Time));
                time_partials.add(&transform(&dt))?;
                time_changes.push(self.changes[range.clone()].to_vec());
            }
        }
        let (rates, partials) = (rates.finish(), partials.finish());
        Ok(ExpressionBlock {
            rates,
            process,
            changes,
            partials,
            plans,
            reads_time: !time_changes.is_empty(),
            time_partials: time_partials.finish(),
            time_changes,
            switches: Vec::new(),
            modes: Vec::new(),
            locked: None,
            switch_tapes: Vec::new(),
            unlocked: None,
        })
    }

    /// Each process's changes, and the compartments its rate reads: the
    /// members of its factors' and custom law's arguments, or the
    /// compartments its expression names (all of them, not only those with
    /// a nonzero partial: a `piecewise` reads its condition's variables).
    fn process_reads(&self) -> Vec<Vec<usize>> {
        let mut reads = Vec::with_capacity(self.processes.len());
        for (rate, _) in &self.processes {
            let mut read: Vec<usize> = Vec::new();
            let mut members = |arg: &Range<usize>| read.extend(self.members[arg.clone()].iter().map(|&(j, _)| j));
            match rate {
                CompiledRate::Terms(terms) => {
                    for term in &self.terms[terms.clone()] {
                        for (_, arg) in &self.factors[term.factors.clone()] {
                            members(arg);
                        }
                    }
                }
                CompiledRate::Custom(c) => self.customs[*c].1.iter().for_each(members),
                CompiledRate::Expression(k) => {
                    let (rate, partials) = &self.expressions[*k];
                    partials.iter().for_each(|(_, arg)| members(arg));
                    let n = self.n;
                    read.extend(rate.symbols().iter().filter_map(|s| self.slots.get(s)).filter(|&j| j < n));
                }
            }
            read.sort_unstable();
            read.dedup();
            reads.push(read);
        }
        reads
    }

    /// The Jacobian's sparsity pattern: the diagonal plus every (changed
    /// compartment, argument member) pair of every factor and custom law,
    /// `∂(dy_i/dt)/∂y_j ≠ 0` only where process `p` changes `i` (`ν_{ip} ≠ 0`)
    /// and one of its factors reads `j`.
    fn sparsity_pattern(&self) -> SparsityPattern {
        let n = self.n;
        let mut rows: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
        let mut each_pair = |changes: &Range<usize>, arg: &Range<usize>| {
            for &(i, _) in &self.changes[changes.clone()] {
                for &(j, _) in &self.members[arg.clone()] {
                    rows[i].push(j);
                }
            }
        };
        for (rate, changes) in &self.processes {
            match rate {
                CompiledRate::Terms(terms) => {
                    for term in &self.terms[terms.clone()] {
                        for (_, arg) in &self.factors[term.factors.clone()] {
                            each_pair(changes, arg);
                        }
                    }
                }
                CompiledRate::Custom(c) => {
                    for arg in &self.customs[*c].1 {
                        each_pair(changes, arg);
                    }
                }
                CompiledRate::Expression(k) => {
                    for (_, arg) in &self.expressions[*k].1 {
                        each_pair(changes, arg);
                    }
                }
            }
        }
        SparsityPattern::from_rows(n, rows)
    }

    /// The distinct factors, in order of first appearance (identical
    /// function, constants and argument members are one factor), and the
    /// distinct factor of each factor occurrence.
    fn unique_factors(&self) -> (Vec<UniqueFactor>, Vec<usize>) {
        let mut unique: Vec<UniqueFactor> = Vec::new();
        let mut seen: HashMap<Vec<u64>, usize> = HashMap::new();
        let mut occurrence_factor = Vec::with_capacity(self.factors.len());
        for (function, arg) in &self.factors {
            let key = factor_key(function, &self.members[arg.clone()]);
            let k = *seen.entry(key).or_insert_with(|| {
                unique.push(UniqueFactor { function: function.clone(), arg: arg.clone() });
                unique.len() - 1
            });
            occurrence_factor.push(k);
        }
        (unique, occurrence_factor)
    }

    /// The Jacobian scatter plan: for each factor occurrence (and each
    /// custom law argument) the entries `J[i, j] += ν_i · w_j · g` over its
    /// changes `i` and argument members `j`, in process order; returns the
    /// plan, each occurrence's range in it and the compiled custom laws.
    #[allow(clippy::type_complexity)]
    fn jacobian_plan(
        &self,
        pattern: &SparsityPattern,
    ) -> (Plan, Vec<Range<usize>>, Vec<CompiledCustom>, Vec<Range<usize>>) {
        let mut jac_plan = Plan::default();
        let mut expression_plans = Vec::new();
        // Each factor occurrence's Jacobian entries (in `jac_plan`).
        let mut occurrence_plan: Vec<Range<usize>> = vec![0..0; self.factors.len()];
        let mut customs = Vec::new();
        for (p, (rate, changes)) in self.processes.iter().enumerate() {
            match rate {
                CompiledRate::Terms(terms) => {
                    for term in &self.terms[terms.clone()] {
                        for o in term.factors.clone() {
                            occurrence_plan[o] = self.plan_for(pattern, &mut jac_plan, changes, &self.factors[o].1);
                        }
                    }
                }
                CompiledRate::Custom(c) => {
                    let (law, args) = &self.customs[*c];
                    let plans = args.iter().map(|a| self.plan_for(pattern, &mut jac_plan, changes, a)).collect();
                    let changes = self.changes[changes.clone()].to_vec();
                    customs.push(CompiledCustom { law: law.clone(), process: p, args: args.clone(), plans, changes });
                }
                CompiledRate::Expression(k) => {
                    for (_, arg) in &self.expressions[*k].1 {
                        expression_plans.push(self.plan_for(pattern, &mut jac_plan, changes, arg));
                    }
                }
            }
        }
        (jac_plan, occurrence_plan, customs, expression_plans)
    }

    /// Appends the plan entries of one argument of a process, `scale = ν_i ·
    /// w_j` at `(i, j)` for each member `j` and change `i`, and returns their range.
    fn plan_for(
        &self,
        pattern: &SparsityPattern,
        plan: &mut Plan,
        changes: &Range<usize>,
        arg: &Range<usize>,
    ) -> Range<usize> {
        let n = self.n;
        let start = plan.entries.len();
        for m in arg.clone() {
            let (j, w) = self.members[m];
            for c in changes.clone() {
                let (i, nu) = self.changes[c];
                let sparse = pattern.position(i, j).expect("pattern holds every planned entry");
                plan.entries.push(PlanEntry { sparse: sparse as u32, dense: (j * n + i) as u32, scale: nu * w });
                plan.sources.push((c as u32, m as u32));
            }
        }
        start..plan.entries.len()
    }

    /// The factor table's layout: a factor that is a plain compartment (`y_j`
    /// with weight 1) is read from the state slot `j`, every other one is
    /// computed into slot `n + k`; returns the computed factors and each
    /// distinct factor's slot.
    fn table_slots(&self, unique: &[UniqueFactor]) -> (Vec<usize>, Vec<usize>) {
        let n = self.n;
        let mut computed = Vec::new();
        let slot: Vec<usize> = unique
            .iter()
            .enumerate()
            .map(|(k, f)| match (&f.function, &self.members[f.arg.clone()]) {
                (FactorFn::Power(1), [(j, w)]) if *w == 1.0 => *j,
                _ => {
                    computed.push(k);
                    n + computed.len() - 1
                }
            })
            .collect();
        (computed, slot)
    }

    /// The product terms as tapes by arity: the process rates (`c · Π f`
    /// into process `p`), the right-hand side (`c·ν · Π f` into each changed
    /// compartment) and the Jacobian's partials over the table `[values |
    /// derivatives]` of length `2u` (`c·ν·w · f_k' · Π_{l≠k} f_l` into each
    /// planned entry). Rate tapes not in use are dropped.
    fn product_tapes(
        &self,
        occurrence_slot: &[usize],
        jac_plan: &[PlanEntry],
        occurrence_plan: &[Range<usize>],
        u: usize,
    ) -> (Vec<ProductTape>, Vec<ProductTape>, Vec<ProductTape>) {
        // The tapes, built by arity and then kept where in use.
        let mut rate_tapes = tapes_by_arity(|t: &mut ProductTape, a| t.arity = a);
        let mut derivative_tapes = tapes_by_arity(|t: &mut ProductTape, a| t.arity = a);
        // The Jacobian's partials as product tapes over [values | derivatives].
        let mut jacobian_sparse = tapes_by_arity(|t: &mut ProductTape, a| t.arity = a);
        const NONE: usize = u32::MAX as usize;
        for (p, (rate, changes)) in self.processes.iter().enumerate() {
            let CompiledRate::Terms(terms) = rate else { continue };
            for t in terms.clone() {
                let term = &self.terms[t];
                let occ: Vec<usize> = term.factors.clone().collect();
                let arity = occ.len();
                let slots = || occ.iter().map(|&o| occurrence_slot[o]);
                rate_tapes[arity].push(p, term.coefficient, slots(), (t, NONE));
                for c in changes.clone() {
                    let (i, nu) = self.changes[c];
                    if nu != 0.0 {
                        derivative_tapes[arity].push(i, term.coefficient * nu, slots(), (t, c));
                    }
                }
                // Partial k: the differentiated factor's derivative, times the
                // other factors' values.
                for (k, &o) in occ.iter().enumerate() {
                    let partial = || {
                        let others = occ.iter().enumerate().filter(move |&(l, _)| l != k);
                        std::iter::once(u + occurrence_slot[o]).chain(others.map(|(_, &other)| occurrence_slot[other]))
                    };
                    for pe in occurrence_plan[o].clone() {
                        let e = &jac_plan[pe];
                        let c = term.coefficient * e.scale;
                        jacobian_sparse[arity].push(e.sparse as usize, c, partial(), (t, pe));
                    }
                }
            }
        }
        rate_tapes.retain(|t| !t.target.is_empty());
        (rate_tapes, derivative_tapes, jacobian_sparse)
    }
}
