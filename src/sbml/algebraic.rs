//! Which variable each SBML algebraic rule determines.
//!
//! An algebraic rule `0 = g` names no variable: the model's structure
//! decides it (SBML L3V2 §4.11.4 and its appendix on overdetermined
//! models). A variable can be determined by an algebraic rule only if
//! nothing else determines it: it is not constant, no assignment or rate
//! rule sets it, and (a species) no reaction changes it. Each rule must
//! get one such variable that occurs in its math (directly, or through an
//! assignment rule or a reaction rate it reads), and no two rules the same
//! one: a matching of the bipartite graph rules × variables that covers
//! every rule, found by augmenting paths (Kuhn).
//!
//! When the variables so determined are not unique (another matching
//! covers a different set), the model's meaning depends on the choice: the
//! import refuses it rather than pick one.

/// Why no unique assignment exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Unmatched {
    /// Rule `k` (index into the rules) can get no variable of its own.
    Overdetermined(usize),
    /// Rule `k` could determine `a` or `b` (candidate indices): the set of
    /// determined variables is not unique.
    Ambiguous(usize, usize, usize),
}

/// For rules `0..adj.len()` with candidate variables `adj[k]` (indices
/// below `variables`), the variable each rule determines, when every rule
/// gets one and the set of determined variables is the same in every such
/// assignment.
pub(super) fn unique_matching(adj: &[Vec<usize>], variables: usize) -> Result<Vec<usize>, Unmatched> {
    let mut owner: Vec<Option<usize>> = vec![None; variables];
    for k in 0..adj.len() {
        let mut seen = vec![false; variables];
        if !augment(k, adj, &mut owner, &mut seen, None) {
            return Err(Unmatched::Overdetermined(k));
        }
    }
    let mut matched = vec![0; adj.len()];
    for (v, o) in owner.iter().enumerate() {
        if let Some(k) = *o {
            matched[k] = v;
        }
    }
    // The set is unique when no matched variable can be given up: freeing
    // it and re-matching its rule without it would reach an unmatched one.
    for (k, &v) in matched.iter().enumerate() {
        let mut trial = owner.clone();
        trial[v] = None;
        let mut seen = vec![false; variables];
        seen[v] = true;
        if augment(k, adj, &mut trial, &mut seen, Some(v)) {
            let other = (0..variables).find(|&w| owner[w].is_none() && trial[w].is_some()).unwrap_or(v);
            return Err(Unmatched::Ambiguous(k, v, other));
        }
    }
    Ok(matched)
}

/// Kuhn's augmenting path from rule `k`; `forbidden` is never taken.
fn augment(
    k: usize,
    adj: &[Vec<usize>],
    owner: &mut [Option<usize>],
    seen: &mut [bool],
    forbidden: Option<usize>,
) -> bool {
    for &v in &adj[k] {
        if seen[v] || Some(v) == forbidden {
            continue;
        }
        seen[v] = true;
        let free = match owner[v] {
            None => true,
            Some(j) => augment(j, adj, owner, seen, forbidden),
        };
        if free {
            owner[v] = Some(k);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_gets_the_one_variable_left_to_it() {
        // Rule 0 reads variables 0 and 1, rule 1 only 1: 0 → 0, 1 → 1.
        assert_eq!(unique_matching(&[vec![0, 1], vec![1]], 2), Ok(vec![0, 1]));
        // Rule 0 takes variable 1 first; rule 1 then needs an augmenting
        // path (0 cannot move), and gets 2.
        assert_eq!(unique_matching(&[vec![1], vec![1, 2]], 3), Ok(vec![1, 2]));
        // Here rule 0 must move from 0 to 1 to make room for rule 1.
        assert_eq!(unique_matching(&[vec![0, 1], vec![0]], 2), Ok(vec![1, 0]));
    }

    #[test]
    fn overdetermined_and_ambiguous_structures_are_refused() {
        assert_eq!(unique_matching(&[vec![0], vec![0]], 1), Err(Unmatched::Overdetermined(1)));
        assert_eq!(unique_matching(&[vec![]], 1), Err(Unmatched::Overdetermined(0)));
        // One rule, two free variables: either could be the one.
        assert!(matches!(unique_matching(&[vec![0, 1]], 2), Err(Unmatched::Ambiguous(0, _, _))));
        // Two rules over the same two variables: both are determined,
        // whichever way round (a unique set).
        let m = unique_matching(&[vec![0, 1], vec![0, 1]], 2).unwrap();
        assert_ne!(m[0], m[1]);
    }
}
