//! Compiled evaluation: many expressions as one flat instruction tape with
//! common subexpressions shared.

use std::collections::HashMap;

use super::ast::{apply1, apply2, truth, Expr, Op, AVOGADRO, MAX_POWI};
use super::ExprError;

/// Nesting depth the compiler follows (derivatives of parsed expressions,
/// at most [`MAX_DEPTH`](super::MAX_DEPTH) deep, stay well within it).
const MAX_COMPILE_DEPTH: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Code {
    /// `vars[a]`.
    Var,
    /// The time.
    Time,
    /// `r[a] + r[b]` (and the other arithmetic operators, the most common
    /// instructions, dispatched directly).
    Add,
    /// `r[a] - r[b]`
    Sub,
    /// `r[a] * r[b]`
    Mul,
    /// `r[a] / r[b]`
    Div,
    /// `-r[a]`
    Neg,
    /// `op(r[a])`.
    Unary(Op),
    /// `op(r[a], r[b])` for the operators with a two-argument kernel.
    Binary(Op),
    /// `r[a]^n`, `n = b as i32` a small integer known when compiling (see
    /// [`apply2`]): a product, or a few by repeated squaring.
    Powi,
    /// `op(r[args[start..start+len]])`.
    Nary(Op),
    /// `args[start..start+len]` = value, condition, value, condition, …
    /// (then `otherwise` if `b == 1`).
    Piecewise,
}

#[derive(Clone, Copy, Debug)]
struct Instr {
    code: Code,
    dst: u32,
    a: u32,
    b: u32,
    start: u32,
    len: u32,
}

impl Instr {
    /// The registers the instruction reads (`args`: the tape's argument
    /// lists); a variable, the time and a `Powi`'s exponent are none.
    fn reads<'a>(&self, args: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
        let (list, pair, count): (&[u32], [u32; 2], usize) = match self.code {
            Code::Var | Code::Time => (&[], [0, 0], 0),
            Code::Nary(_) | Code::Piecewise => {
                (&args[self.start as usize..(self.start + self.len) as usize], [0, 0], 0)
            }
            Code::Neg | Code::Unary(_) | Code::Powi => (&[], [self.a, 0], 1),
            Code::Add | Code::Sub | Code::Mul | Code::Div | Code::Binary(_) => (&[], [self.a, self.b], 2),
        };
        list.iter().copied().chain(pair.into_iter().take(count))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Num(u64),
    Param(u32),
    Var(u32),
    Time,
    Apply(Op, Vec<u32>),
    Piecewise(Vec<u32>, bool),
}

/// Many expressions compiled into one flat tape.
///
/// Every distinct subexpression (by structure: hash-consing) is computed once
/// per evaluation, whichever root it belongs to: compile a model's rates
/// together with their partial derivatives and the derivatives reuse the
/// rates' subexpressions. Evaluation writes into a preallocated
/// [`Workspace`] and allocates nothing.
///
/// ```
/// use sasp::expr::{Expr, Tape};
///
/// let e = Expr::parse("(a + b)^2")?;
/// let f = Expr::parse("exp(a + b)")?;
/// let names = ["a", "b"];
/// let tape = Tape::compile(&[e, f], |n| names.iter().position(|m| *m == n))?;
/// let mut ws = tape.workspace();
/// let out = tape.eval(&[1.0, 2.0], 0.0, &mut ws);
/// assert_eq!(out[0], 9.0);
/// assert_eq!(out[1], 3f64.exp());
/// assert_eq!(tape.count(sasp::expr::Op::Plus), 1); // a + b once
/// # Ok::<(), sasp::expr::ExprError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Tape {
    code: Vec<Instr>,
    args: Vec<u32>,
    consts: Vec<(u32, f64)>,
    n_regs: usize,
    roots: Vec<u32>,
    n_vars: usize,
    /// Parameters ([`TapeBuilder::with_parameters`]): `(position in
    /// consts, parameter index)`.
    params: Vec<(usize, usize)>,
    /// The instructions that depend on constants and parameters alone,
    /// hoisted out of `code` when the tape is finished: run once then and
    /// at each [`Tape::set_parameters`], their results kept in `consts`
    /// (from position `hoisted`).
    prelude: Vec<Instr>,
    hoisted: usize,
    /// Names the constants' current values (unique in the process, new at
    /// each [`Tape::set_parameters`]): registers that hold them, tagged
    /// with it, need not be written again ([`Tape::eval_tagged`]).
    generation: u64,
}

/// The next [`Tape`] constants' generation (0 tags registers that hold none).
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_generation() -> u64 {
    GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The registers of one evaluation of a [`Tape`] (make one per thread with
/// [`Tape::workspace`]).
#[derive(Clone, Debug)]
pub struct Workspace {
    regs: Vec<f64>,
    out: Vec<f64>,
}

/// Builds a [`Tape`] root by root.
pub struct TapeBuilder<F> {
    bind: F,
    ids: HashMap<Key, u32>,
    tape: Tape,
    /// Values of the parameters the expressions may name
    /// ([`parameter_name`](super::parameter_name)).
    parameters: Vec<f64>,
}

impl<F: Fn(&str) -> Option<usize>> TapeBuilder<F> {
    /// A builder whose variables are bound to slots by `bind` (the index of
    /// the variable's value in the slice handed to [`Tape::eval`]).
    pub fn new(bind: F) -> TapeBuilder<F> {
        TapeBuilder {
            bind,
            ids: HashMap::new(),
            tape: Tape {
                code: Vec::new(),
                args: Vec::new(),
                consts: Vec::new(),
                n_regs: 0,
                roots: Vec::new(),
                n_vars: 0,
                params: Vec::new(),
                prelude: Vec::new(),
                hoisted: 0,
                generation: 0,
            },
            parameters: Vec::new(),
        }
    }

    /// Lets the expressions name parameters by [`parameter_name`](super::parameter_name)`(k)`,
    /// `k < values.len()`: each is a number of the tape, `values[k]` until
    /// [`Tape::set_parameters`] changes it (without recompiling).
    pub fn with_parameters(mut self, values: &[f64]) -> TapeBuilder<F> {
        self.parameters = values.to_vec();
        self
    }

    /// Adds `e` as the next root; returns its index among the outputs.
    /// Fails on an unbound variable, a call of a user function (inline
    /// first), a wrong number of arguments or a tree nested deeper than 4096.
    pub fn add(&mut self, e: &Expr) -> Result<usize, ExprError> {
        let r = self.node(e, 0)?;
        self.tape.roots.push(r);
        Ok(self.tape.roots.len() - 1)
    }

    /// The tape, with the instructions that read only numbers and
    /// parameters hoisted out of each evaluation (computed now and at each
    /// [`Tape::set_parameters`]).
    pub fn finish(self) -> Tape {
        let mut tape = self.tape;
        let mut invariant = vec![false; tape.n_regs];
        for &(r, _) in &tape.consts {
            invariant[r as usize] = true;
        }
        let (mut prelude, mut code) = (Vec::new(), Vec::new());
        for ins in std::mem::take(&mut tape.code) {
            let hoist =
                !matches!(ins.code, Code::Var | Code::Time) && ins.reads(&tape.args).all(|r| invariant[r as usize]);
            if hoist {
                invariant[ins.dst as usize] = true;
                prelude.push(ins);
            } else {
                code.push(ins);
            }
        }
        // What `exec` relies on to index without checks: every register an
        // instruction names is below `n_regs`, every variable slot below
        // `n_vars`, and the prelude reads no variable.
        let regs_ok = |r: u32| (r as usize) < tape.n_regs;
        for (ins, in_prelude) in code.iter().map(|i| (i, false)).chain(prelude.iter().map(|i| (i, true))) {
            if ins.code == Code::Var {
                assert!(!in_prelude && (ins.a as usize) < tape.n_vars, "tape: variable slot out of range");
            }
            assert!(regs_ok(ins.dst) && ins.reads(&tape.args).all(regs_ok), "tape: register out of range");
        }
        tape.code = code;
        tape.hoisted = tape.consts.len();
        tape.consts.extend(prelude.iter().map(|ins| (ins.dst, 0.0)));
        tape.prelude = prelude;
        tape.run_prelude();
        tape.generation = next_generation();
        tape
    }

    fn intern(&mut self, key: Key, code: Code, a: u32, b: u32, list: &[u32]) -> u32 {
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let id = self.tape.n_regs as u32;
        self.tape.n_regs += 1;
        match key {
            Key::Num(bits) => self.tape.consts.push((id, f64::from_bits(bits))),
            // A placeholder, set by the caller to the parameter's value.
            Key::Param(_) => self.tape.consts.push((id, 0.0)),
            _ => {
                let start = self.tape.args.len() as u32;
                self.tape.args.extend_from_slice(list);
                self.tape.code.push(Instr { code, dst: id, a, b, start, len: list.len() as u32 });
            }
        }
        self.ids.insert(key, id);
        id
    }

    fn node(&mut self, e: &Expr, depth: usize) -> Result<u32, ExprError> {
        if depth > MAX_COMPILE_DEPTH {
            return Err(ExprError::TooDeep { limit: MAX_COMPILE_DEPTH });
        }
        Ok(match e {
            Expr::Num(v) => self.intern(Key::Num(v.to_bits()), Code::Var, 0, 0, &[]),
            Expr::Const(c) => self.intern(Key::Num(c.value().to_bits()), Code::Var, 0, 0, &[]),
            Expr::Avogadro => self.intern(Key::Num(AVOGADRO.to_bits()), Code::Var, 0, 0, &[]),
            Expr::Time => self.intern(Key::Time, Code::Time, 0, 0, &[]),
            Expr::Var(n) if super::parameter_index(n).is_some_and(|k| k < self.parameters.len()) => {
                let k = super::parameter_index(n).unwrap_or(0);
                let before = self.tape.consts.len();
                let id = self.intern(Key::Param(k as u32), Code::Var, 0, 0, &[]);
                if self.tape.consts.len() > before {
                    self.tape.consts[before].1 = self.parameters[k];
                    self.tape.params.push((before, k));
                }
                id
            }
            Expr::Var(n) => {
                let slot = (self.bind)(n).ok_or_else(|| ExprError::Unbound(n.to_string()))?;
                self.tape.n_vars = self.tape.n_vars.max(slot + 1);
                self.intern(Key::Var(slot as u32), Code::Var, slot as u32, 0, &[])
            }
            Expr::Call(name, _) => {
                return Err(ExprError::Unsupported(format!(
                    "call of '{name}' in a compiled expression: inline user functions first"
                )))
            }
            Expr::Apply(Op::Delay, _) => return Err(super::ast::delay_unbound()),
            Expr::Apply(op @ (Op::Plus | Op::Times), args) if args.len() > 2 => {
                // A sum or product of many terms as a chain of binary
                // instructions, left to right (the same rounding as the
                // n-ary form), each partial result shared like any other.
                let code = if *op == Op::Plus { Code::Add } else { Code::Mul };
                let mut acc = self.node(&args[0], depth + 1)?;
                for a in &args[1..] {
                    let b = self.node(a, depth + 1)?;
                    acc = self.intern(Key::Apply(*op, vec![acc, b]), code, acc, b, &[acc, b]);
                }
                acc
            }
            Expr::Apply(op, args) => {
                op.check_arity(args.len())?;
                let ids = args.iter().map(|a| self.node(a, depth + 1)).collect::<Result<Vec<u32>, _>>()?;
                let code = match (op, ids.len()) {
                    (Op::Plus, 2) => Code::Add,
                    (Op::Minus, 2) => Code::Sub,
                    (Op::Times, 2) => Code::Mul,
                    (Op::Divide, 2) => Code::Div,
                    (Op::Minus, 1) => Code::Neg,
                    (_, 1)
                        if (!matches!(op, Op::Plus | Op::Times | Op::Min | Op::Max) && !op.is_boolean())
                            || *op == Op::Not =>
                    {
                        Code::Unary(*op)
                    }
                    (
                        Op::Power
                        | Op::Log
                        | Op::Root
                        | Op::Rem
                        | Op::Quotient
                        | Op::Neq
                        | Op::Implies
                        | Op::Min
                        | Op::Max,
                        2,
                    ) => Code::Binary(*op),
                    _ => Code::Nary(*op),
                };
                let (a, mut b) = (ids.first().copied().unwrap_or(0), ids.get(1).copied().unwrap_or(0));
                // A power with a small integer exponent written as a number.
                let code = match (op, args.get(1)) {
                    (Op::Power, Some(&Expr::Num(n))) if n.abs() <= MAX_POWI && n == f64::from(n as i32) => {
                        b = n as i32 as u32;
                        Code::Powi
                    }
                    _ => code,
                };
                self.intern(Key::Apply(*op, ids.clone()), code, a, b, &ids)
            }
            Expr::Piecewise { pieces, otherwise } => {
                let mut ids = Vec::with_capacity(2 * pieces.len() + 1);
                for (v, c) in pieces {
                    ids.push(self.node(v, depth + 1)?);
                    ids.push(self.node(c, depth + 1)?);
                }
                if let Some(o) = otherwise {
                    ids.push(self.node(o, depth + 1)?);
                }
                let has = otherwise.is_some();
                self.intern(Key::Piecewise(ids.clone(), has), Code::Piecewise, 0, u32::from(has), &ids)
            }
        })
    }
}

impl Tape {
    /// Compiles `roots` into one tape; output `k` is `roots[k]`. `bind`
    /// gives each variable's slot (see [`TapeBuilder::new`]).
    pub fn compile(roots: &[Expr], bind: impl Fn(&str) -> Option<usize>) -> Result<Tape, ExprError> {
        let mut b = TapeBuilder::new(bind);
        for r in roots {
            b.add(r)?;
        }
        Ok(b.finish())
    }

    /// [`Tape::compile`] with the parameters of
    /// [`TapeBuilder::with_parameters`].
    pub fn compile_with_parameters(
        roots: &[Expr],
        bind: impl Fn(&str) -> Option<usize>,
        parameters: &[f64],
    ) -> Result<Tape, ExprError> {
        let mut b = TapeBuilder::new(bind).with_parameters(parameters);
        for r in roots {
            b.add(r)?;
        }
        Ok(b.finish())
    }

    /// A workspace for this tape (constants preset).
    pub fn workspace(&self) -> Workspace {
        let mut regs = vec![0.0; self.n_regs];
        for &(r, v) in &self.consts {
            regs[r as usize] = v;
        }
        Workspace { regs, out: vec![0.0; self.roots.len()] }
    }

    /// Evaluates every root at variable values `vars` (by slot) and `time`;
    /// returns the outputs in root order. Allocates nothing.
    ///
    /// # Panics
    ///
    /// If `vars` is shorter than [`Tape::var_count`] or `ws` was made by
    /// another tape.
    pub fn eval<'w>(&self, vars: &[f64], time: f64, ws: &'w mut Workspace) -> &'w [f64] {
        self.run(vars, time, ws);
        for (o, &r) in ws.out.iter_mut().zip(&self.roots) {
            *o = ws.regs[r as usize];
        }
        &ws.out
    }

    /// Like [`Tape::eval`], writing the outputs into `out` (which must have
    /// [`Tape::root_count`] elements).
    pub fn eval_into(&self, vars: &[f64], time: f64, ws: &mut Workspace, out: &mut [f64]) {
        assert_eq!(out.len(), self.roots.len(), "output buffer size");
        self.run(vars, time, ws);
        for (o, &r) in out.iter_mut().zip(&self.roots) {
            *o = ws.regs[r as usize];
        }
    }

    /// Evaluates every root into caller-provided registers (at least
    /// [`Tape::register_count`] of them, any contents: the constants are
    /// written first); read the outputs with [`Tape::root_in`]. For callers
    /// that keep their own scratch memory instead of a [`Workspace`].
    ///
    /// # Panics
    ///
    /// If `vars` is shorter than [`Tape::var_count`] or `regs` shorter than
    /// [`Tape::register_count`].
    pub fn eval_in(&self, vars: &[f64], time: f64, regs: &mut [f64]) {
        for &(r, v) in &self.consts {
            regs[r as usize] = v;
        }
        self.run_regs(vars, time, regs);
    }

    /// [`Tape::eval_in`] into registers that may already hold this tape's
    /// constants: `tag` says whose they hold (0: none) and is set to this
    /// tape's. A caller that keeps registers per tape (a pool) skips
    /// writing the constants, which on a small model costs as much as the
    /// evaluation itself. The instructions never write a constant's
    /// register, so the registers keep them from one evaluation to the next.
    ///
    /// # Panics
    ///
    /// As [`Tape::eval_in`].
    pub fn eval_tagged(&self, vars: &[f64], time: f64, regs: &mut [f64], tag: &mut u64) {
        if *tag != self.generation {
            for &(r, v) in &self.consts {
                regs[r as usize] = v;
            }
            *tag = self.generation;
        }
        self.run_regs(vars, time, regs);
    }

    /// The generation of the constants' values (see [`Tape::eval_tagged`]).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Root `k`'s value in registers filled by [`Tape::eval_in`].
    #[inline]
    pub fn root_in(&self, regs: &[f64], k: usize) -> f64 {
        regs[self.roots[k] as usize]
    }

    fn run(&self, vars: &[f64], time: f64, ws: &mut Workspace) {
        assert_eq!(ws.regs.len(), self.n_regs, "workspace of another tape");
        self.run_regs(vars, time, &mut ws.regs);
    }

    fn run_regs(&self, vars: &[f64], time: f64, regs: &mut [f64]) {
        assert!(vars.len() >= self.n_vars, "the tape reads {} variable slots, {} given", self.n_vars, vars.len());
        assert!(regs.len() >= self.n_regs, "{} registers given, the tape needs {}", regs.len(), self.n_regs);
        self.exec(&self.code, vars, time, regs);
    }

    /// Computes the hoisted instructions from the numbers and parameters
    /// into their places in `consts`.
    fn run_prelude(&mut self) {
        let mut regs = vec![0.0; self.n_regs];
        for &(r, v) in &self.consts[..self.hoisted] {
            regs[r as usize] = v;
        }
        self.exec(&self.prelude, &[], 0.0, &mut regs);
        for k in self.hoisted..self.consts.len() {
            let r = self.consts[k].0;
            self.consts[k].1 = regs[r as usize];
        }
    }

    /// Sets the parameters' values (`values[k]` for the parameter named
    /// [`parameter_name`](super::parameter_name)`(k)`; those the tape does
    /// not read are ignored) and recomputes what depends on them alone: the
    /// tape is then the one compiling the expressions with these values
    /// gives, bit for bit.
    ///
    /// A [`Workspace`] made before keeps the old values: make a new one
    /// ([`Tape::eval_in`] writes them at each evaluation).
    ///
    /// # Panics
    ///
    /// If `values` is shorter than the parameters the tape was built with.
    pub fn set_parameters(&mut self, values: &[f64]) {
        for &(position, k) in &self.params {
            self.consts[position].1 = values[k];
        }
        if !self.prelude.is_empty() {
            self.run_prelude();
        }
        self.generation = next_generation();
    }

    /// Whether the tape reads parameter `k` ([`TapeBuilder::with_parameters`]).
    pub fn reads_parameter(&self, k: usize) -> bool {
        self.params.iter().any(|&(_, j)| j == k)
    }

    /// Runs `code` (this tape's `code` or `prelude`) over `regs`.
    ///
    /// The caller guarantees `regs.len() >= n_regs` and, for `code`,
    /// `vars.len() >= n_vars` (the prelude reads no variable); `finish`
    /// checked that every index an instruction holds is within those
    /// bounds, so the loop indexes without checks (a third of its
    /// instructions were bounds checks).
    fn exec(&self, code: &[Instr], vars: &[f64], time: f64, regs: &mut [f64]) {
        debug_assert!(regs.len() >= self.n_regs);
        // SAFETY: see above; `args` ranges were built with the tape and
        // their entries checked in `finish`.
        unsafe {
            let base = regs.as_mut_ptr();
            let r = |i: u32| *base.add(i as usize);
            for ins in code {
                let v = match ins.code {
                    Code::Var => *vars.get_unchecked(ins.a as usize),
                    Code::Time => time,
                    Code::Add => r(ins.a) + r(ins.b),
                    Code::Sub => r(ins.a) - r(ins.b),
                    Code::Mul => r(ins.a) * r(ins.b),
                    Code::Div => r(ins.a) / r(ins.b),
                    Code::Neg => -r(ins.a),
                    Code::Unary(op) => apply1(op, r(ins.a)),
                    Code::Binary(op) => apply2(op, r(ins.a), r(ins.b)),
                    Code::Powi => {
                        let x = r(ins.a);
                        match ins.b as i32 {
                            2 => x * x,
                            3 => x * x * x,
                            4 => (x * x) * (x * x),
                            n => x.powi(n),
                        }
                    }
                    Code::Nary(op) => {
                        let ix = self.args.get_unchecked(ins.start as usize..(ins.start + ins.len) as usize);
                        op.apply(ix.len(), |k| r(ix[k]))
                    }
                    Code::Piecewise => {
                        let ix = self.args.get_unchecked(ins.start as usize..(ins.start + ins.len) as usize);
                        let (pairs, otherwise) = if ins.b == 1 { ix.split_at(ix.len() - 1) } else { (ix, &[][..]) };
                        let mut v = otherwise.first().map_or(f64::NAN, |&o| r(o));
                        for p in pairs.chunks_exact(2) {
                            if truth(r(p[1])) {
                                v = r(p[0]);
                                break;
                            }
                        }
                        v
                    }
                };
                *base.add(ins.dst as usize) = v;
            }
        }
    }

    /// The value of root `k` after the last evaluation with `ws`.
    pub fn value(&self, ws: &Workspace, k: usize) -> f64 {
        ws.regs[self.roots[k] as usize]
    }

    /// The number of roots (outputs).
    pub fn root_count(&self) -> usize {
        self.roots.len()
    }
    /// The number of variable slots read (one past the largest slot).
    pub fn var_count(&self) -> usize {
        self.n_vars
    }
    /// The number of instructions run per evaluation (loads of variables
    /// and time included, constants not): the cost measure of a tape.
    pub fn instruction_count(&self) -> usize {
        self.code.len()
    }
    /// The number of registers (distinct subexpressions, constants included).
    pub fn register_count(&self) -> usize {
        self.n_regs
    }
    /// The number of instructions applying `op`.
    pub fn count(&self, op: Op) -> usize {
        self.code
            .iter()
            .filter(|i| {
                let o = match i.code {
                    Code::Add => Op::Plus,
                    Code::Sub | Code::Neg => Op::Minus,
                    Code::Mul => Op::Times,
                    Code::Div => Op::Divide,
                    Code::Powi => Op::Power,
                    Code::Unary(o) | Code::Binary(o) | Code::Nary(o) => o,
                    Code::Var | Code::Time | Code::Piecewise => return false,
                };
                o == op
            })
            .count()
    }
}
