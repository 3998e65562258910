//! What a stepper records about its rejected attempts, in fixed-size storage,
//! so that a failure can be reported with diagnostics ([`SolveError`]) without
//! allocating on the hot path: the error is built only when the solve fails.

use super::OdeSystem;
use crate::error::{SolveError, SolveErrorKind, NEWTON_HISTORY, RECENT_ATTEMPTS};

/// Why the last attempt was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rejection {
    /// The local error test failed.
    ErrorTest,
    /// The Newton iteration did not converge (with a fresh Jacobian).
    Newton,
    /// The iteration matrix could not be factored.
    Singular,
    /// A stage or right-hand side was not finite.
    NonFinite,
}

/// The diagnostics of the last rejected attempts.
#[derive(Clone, Debug)]
pub(crate) struct FailureLog {
    /// The outcomes of the last attempts, newest in bit 0 (1 = rejected).
    recent: u32,
    /// Attempts made (saturating at [`RECENT_ATTEMPTS`]).
    attempts: usize,
    /// Why the last attempt was rejected (`None` before any rejection).
    reason: Option<Rejection>,
    /// The component that dominated the last rejection.
    component: Option<usize>,
    /// Newton correction norms of the attempt in progress.
    current: [f64; NEWTON_HISTORY],
    current_len: usize,
    /// Newton correction norms of the last failed attempt.
    failed: [f64; NEWTON_HISTORY],
    failed_len: usize,
}

impl Default for FailureLog {
    fn default() -> Self {
        FailureLog {
            recent: 0,
            attempts: 0,
            reason: None,
            component: None,
            current: [0.0; NEWTON_HISTORY],
            current_len: 0,
            failed: [0.0; NEWTON_HISTORY],
            failed_len: 0,
        }
    }
}

impl FailureLog {
    /// A step was accepted.
    #[inline]
    pub(crate) fn accepted(&mut self) {
        self.recent <<= 1;
        self.attempts = (self.attempts + 1).min(RECENT_ATTEMPTS);
        self.reason = None;
    }

    /// An attempt was rejected for `reason`, dominated by `component`.
    #[inline]
    pub(crate) fn rejected(&mut self, reason: Rejection, component: Option<usize>) {
        self.recent = (self.recent << 1) | 1;
        self.attempts = (self.attempts + 1).min(RECENT_ATTEMPTS);
        self.reason = Some(reason);
        self.component = component;
    }

    /// A Newton iteration starts.
    #[inline]
    pub(crate) fn newton_start(&mut self) {
        self.current_len = 0;
    }

    /// Records the norm of one Newton correction.
    #[inline]
    pub(crate) fn newton_iteration(&mut self, norm: f64) {
        if self.current_len < NEWTON_HISTORY {
            self.current[self.current_len] = norm;
            self.current_len += 1;
        }
    }

    /// The Newton iteration in progress failed: keep its history.
    #[inline]
    pub(crate) fn newton_failed(&mut self) {
        self.failed = self.current;
        self.failed_len = self.current_len;
    }

    /// Was the last rejection a Newton failure?
    pub(crate) fn last_was_newton(&self) -> bool {
        self.reason == Some(Rejection::Newton)
    }

    /// The error for a failure in `method` at `(t, h)`: `kind` when given,
    /// else what the last rejections point to (step size underflow after
    /// error-test failures, Newton failures, a singular matrix or a
    /// non-finite right-hand side). `y` is the last accepted state (the
    /// failing component's value is reported). A caller that can estimate
    /// the iteration matrix's condition number after a Newton failure sets
    /// [`SolveError::condition`] itself.
    pub(crate) fn error<S: OdeSystem>(
        &self,
        kind: Option<SolveErrorKind>,
        method: &'static str,
        system: &S,
        t: f64,
        h: f64,
        y: &[f64],
    ) -> SolveError {
        let kind = kind.unwrap_or(match self.reason {
            Some(Rejection::Newton) => SolveErrorKind::NewtonFailed,
            Some(Rejection::Singular) => SolveErrorKind::SingularMatrix,
            Some(Rejection::NonFinite) => SolveErrorKind::NonFiniteRhs,
            Some(Rejection::ErrorTest) | None => SolveErrorKind::StepSizeUnderflow,
        });
        let mut e = SolveError::new(kind, method, t, h);
        e.component = self.component;
        e.component_name = self.component.map(|i| system.component_name(i));
        // Its value where it dominated an error estimate or a Newton
        // correction (not where its derivative or pivot failed).
        if matches!(kind, SolveErrorKind::StepSizeUnderflow | SolveErrorKind::NewtonFailed) {
            e.component_value = self.component.and_then(|i| y.get(i).copied());
        }
        e.newton_history = self.failed[..self.failed_len].to_vec();
        e.rejections = self.recent.count_ones() as usize;
        e.attempts = self.attempts;
        e.condition = (self.reason == Some(Rejection::Singular)).then_some(f64::INFINITY);
        e
    }
}

/// The component with the largest `|vᵢ|·wᵢ` (the weights given as a function).
#[inline]
pub(crate) fn dominant(v: &[f64], weight: impl Fn(usize) -> f64) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, &x) in v.iter().enumerate() {
        let r = (x * weight(i)).abs();
        let r = if r.is_nan() { f64::INFINITY } else { r };
        if best.is_none_or(|(_, b)| r > b) {
            best = Some((i, r));
        }
    }
    best.map(|(i, _)| i)
}

/// The first component that is not finite.
#[inline]
pub(crate) fn first_non_finite(v: &[f64]) -> Option<usize> {
    v.iter().position(|x| !x.is_finite())
}
