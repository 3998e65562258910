//! Fast reactions as equilibrium constraints (the SBML Level 2 semantics).
//!
//! A reaction marked `fast` is in rapid equilibrium: its kinetic law is held
//! at 0 at all times, while the slow reactions move the species. With `N_f`
//! the fast reactions' stoichiometry over the species they change (each
//! column a fast reaction, in amounts) and `m` fast reactions, the species
//! evolve as `S' = N_s v_s + N_f v_f` with the fast fluxes `v_f` whatever
//! keeps `g_f(S) = 0`. Eliminating `v_f`: choose `m` *pivot* species `p`
//! whose rows `N_p` of `N_f` are nonsingular; then for the other species
//! `q` the pools
//!
//! `u = S_q − A S_p`,  `A = N_q N_p⁻¹`
//!
//! do not change by the fast reactions (`N_q − A N_p = 0`), so
//!
//! `u' = (N_{s,q} − A N_{s,p}) v_s`,  `0 = g_f(S)`,  `S_q = u + A S_p`:
//!
//! an index-1 differential–algebraic system in `(u, S_p)` with the pivot
//! species as its algebraic components (when `∂g_f/∂S_p` along the fast
//! directions is nonsingular, which the solver checks).

/// The pivots and the matrix `A` of a set of fast reactions.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Elimination {
    /// For fast reaction `k`, the index (into the species) of its pivot.
    pub pivots: Vec<usize>,
    /// For each species index, `None` for a pivot, else its row of `A`
    /// (one coefficient per fast reaction's pivot, in reaction order).
    pub rows: Vec<Option<Vec<f64>>>,
}

/// Pivots by Gaussian elimination with partial pivoting over the species
/// (largest remaining entry of each fast reaction's column), then
/// `A = N_q N_p⁻¹`. `n_f[i][k]` is the change of species `i` by fast
/// reaction `k`. `None` when the fast reactions' stoichiometries are
/// linearly dependent (no `m` species determine them).
pub(super) fn eliminate(n_f: &[Vec<f64>], m: usize) -> Option<Elimination> {
    let s = n_f.len();
    let mut work: Vec<Vec<f64>> = n_f.to_vec();
    let scale = n_f.iter().flatten().fold(0.0f64, |a, &v| a.max(v.abs()));
    let mut pivots = Vec::with_capacity(m);
    for k in 0..m {
        let (best, value) =
            (0..s).filter(|i| !pivots.contains(i)).map(|i| (i, work[i][k].abs())).max_by(|a, b| a.1.total_cmp(&b.1))?;
        let independent = value > 1e-12 * scale;
        if !independent {
            return None;
        }
        for i in 0..s {
            if i != best && !pivots.contains(&i) {
                let factor = work[i][k] / work[best][k];
                for c in k..m {
                    work[i][c] -= factor * work[best][c];
                }
            }
        }
        pivots.push(best);
    }
    // N_p⁻¹ by Gauss–Jordan with partial pivoting (m is small).
    let mut a: Vec<Vec<f64>> = pivots.iter().map(|&p| n_f[p].clone()).collect();
    let mut inv: Vec<Vec<f64>> = (0..m).map(|i| (0..m).map(|j| f64::from(u8::from(i == j))).collect()).collect();
    for c in 0..m {
        let r = (c..m).max_by(|&x, &y| a[x][c].abs().total_cmp(&a[y][c].abs()))?;
        let nonsingular = a[r][c].abs() > 1e-12 * scale;
        if !nonsingular {
            return None;
        }
        a.swap(r, c);
        inv.swap(r, c);
        let d = a[c][c];
        for j in 0..m {
            a[c][j] /= d;
            inv[c][j] /= d;
        }
        for i in 0..m {
            if i != c {
                let f = a[i][c];
                if f != 0.0 {
                    for j in 0..m {
                        a[i][j] -= f * a[c][j];
                        inv[i][j] -= f * inv[c][j];
                    }
                }
            }
        }
    }
    let rows = (0..s)
        .map(|i| {
            (!pivots.contains(&i)).then(|| (0..m).map(|k| (0..m).map(|j| n_f[i][j] * inv[j][k]).sum::<f64>()).collect())
        })
        .collect();
    Some(Elimination { pivots, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_do_not_change_by_the_fast_reactions() {
        // Species A, B, C, D; fast reactions A → B and B + C → D.
        let n_f = vec![vec![-1.0, 0.0], vec![1.0, -1.0], vec![0.0, -1.0], vec![0.0, 1.0]];
        let e = eliminate(&n_f, 2).unwrap();
        assert_eq!(e.pivots.len(), 2);
        // N_q − A N_p = 0 for every non-pivot species.
        for (i, row) in e.rows.iter().enumerate() {
            let Some(a) = row else { continue };
            for k in 0..2 {
                let moved: f64 = e.pivots.iter().zip(a).map(|(&p, c)| c * n_f[p][k]).sum();
                assert!((n_f[i][k] - moved).abs() < 1e-15, "species {i}, reaction {k}");
            }
        }
        // A → B alone: one pivot, the pool A + B.
        let e = eliminate(&[vec![-1.0], vec![1.0]], 1).unwrap();
        let q = 1 - e.pivots[0];
        assert_eq!(e.rows[q].as_deref(), Some(&[-1.0][..]));
    }

    #[test]
    fn dependent_fast_reactions_have_no_elimination() {
        // A → B twice over.
        assert_eq!(eliminate(&[vec![-1.0, -2.0], vec![1.0, 2.0]], 2), None);
        assert_eq!(eliminate(&[vec![0.0], vec![0.0]], 1), None);
    }
}
