//! Process roles: what the engine's mechanisms look for in a model.
//!
//! A role marks a process for a mechanism that acts on processes rather
//! than on compartments. Roles are typed: a role the engine does not know
//! is refused when the model is read, instead of being silently ignored.
//!
//! | text | role | what acts on it |
//! |---|---|---|
//! | `recruitment` | [`Role::Recruitment`] | scaled by the vascular density on grids; scaled by `Kd/(Kd + A)` while a depleting antibody `A` removes the cells it recruits |
//! | `killing` | [`Role::Killing`] | counted by kill-rate observables ([`Observable::rates`](../../experiment/observable/enum.Observable.html)) |
//! | `receptor.<NAME>` | [`Role::Receptor`] | multiplied by `Kd/(Kd + A)` while an antibody `A` blocks receptor `NAME` |

use super::compartment::Name;
use crate::error::{ModelError, Result, SaspError};
use std::fmt;
use std::str::FromStr;

/// What a process does, for the mechanisms that act on processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Recruitment of cells from the blood into the tissue.
    Recruitment,
    /// Killing of target cells by immune cells.
    Killing,
    /// The process goes through a receptor (e.g. `receptor.NKG2D`): blocking
    /// the receptor blocks it.
    Receptor(Name),
}

impl Role {
    /// The role `receptor.<name>`.
    pub fn receptor(name: &str) -> Result<Role> {
        Ok(Role::Receptor(Name::new(name)?))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::Recruitment => f.write_str("recruitment"),
            Role::Killing => f.write_str("killing"),
            Role::Receptor(name) => write!(f, "receptor.{name}"),
        }
    }
}

impl FromStr for Role {
    type Err = SaspError;

    fn from_str(s: &str) -> Result<Role> {
        match s {
            "recruitment" => Ok(Role::Recruitment),
            "killing" => Ok(Role::Killing),
            _ => match s.strip_prefix("receptor.") {
                Some(name) => Role::receptor(name),
                None => Err(ModelError::UnknownRole(s.to_string()).into()),
            },
        }
    }
}

crate::util::text::serde_as_text!(Role);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_unknown_ones_are_refused() {
        for role in [Role::Recruitment, Role::Killing, Role::receptor("NKG2D").unwrap()] {
            assert_eq!(role.to_string().parse::<Role>().unwrap(), role);
        }
        for bad in ["nkg2d", "nk_recruitment", "receptor.", "receptor.N K", "Killing"] {
            let e = bad.parse::<Role>().unwrap_err().to_string();
            assert!(e.contains(bad) || bad.starts_with("receptor."), "{bad}: {e}");
        }
    }
}
