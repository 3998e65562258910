//! Units and dimensional analysis.
//!
//! A model works in four base units, the ones the biology is told in:
//!
//! | dimension | canonical unit | symbol |
//! |---|---|---|
//! | time | day | `day` |
//! | cells | 10⁶ cells (≈ 1 mm³ of tumor) | `Mcells` |
//! | concentration | nanomolar | `nM` |
//! | length | millimetre | `mm` |
//!
//! Dimensionless quantities (fractions, activity indices) have unit `1`.
//! Parameters may be written in any unit of the right dimension (`0.858 1/h`,
//! `30 um^2/s`); the model converts them to the canonical unit when it is built.
//!
//! Unit text grammar: `unit := factor (('*' | '/') factor)*`,
//! `factor := atom ('^' integer)?`, `atom := symbol | '1' | '(' unit ')'`.
//! Known symbols: `day d h min s week`, `Mcells cells`, `nM pM uM µM mM M`,
//! `mm um µm cm m`.

use crate::error::{ModelError, Result, SaspError};
use std::fmt;

/// Number of base dimensions.
const N_BASE: usize = 4;
/// Canonical symbols of the base dimensions, in the order of [`Dimension`]'s exponents.
const BASE_SYMBOLS: [&str; N_BASE] = ["Mcells", "nM", "mm", "day"];

/// A physical dimension: integer exponents of (cells, concentration, length, time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Dimension {
    exponents: [i8; N_BASE],
}

impl Dimension {
    /// Dimensionless (fractions, indices, stoichiometric numbers).
    pub const NONE: Dimension = Dimension { exponents: [0, 0, 0, 0] };
    /// Cells, in 10⁶ cells.
    pub const CELLS: Dimension = Dimension { exponents: [1, 0, 0, 0] };
    /// Molar concentration, in nM.
    pub const CONCENTRATION: Dimension = Dimension { exponents: [0, 1, 0, 0] };
    /// Length, in mm.
    pub const LENGTH: Dimension = Dimension { exponents: [0, 0, 1, 0] };
    /// Time, in days.
    pub const TIME: Dimension = Dimension { exponents: [0, 0, 0, 1] };

    /// The dimension raised to an integer power (exponents saturate at
    /// ±127; [`Dimension::checked_powi`] reports that instead).
    pub fn powi(self, n: i32) -> Dimension {
        let mut e = self.exponents;
        for a in e.iter_mut() {
            *a = (*a as i32).saturating_mul(n).clamp(i8::MIN as i32, i8::MAX as i32) as i8;
        }
        Dimension { exponents: e }
    }

    /// The dimension raised to an integer power, `None` when an exponent
    /// leaves the range −127..=127.
    pub fn checked_powi(self, n: i32) -> Option<Dimension> {
        let mut e = self.exponents;
        for a in e.iter_mut() {
            *a = i8::try_from((*a as i32).checked_mul(n)?).ok()?;
        }
        Some(Dimension { exponents: e })
    }

    /// The product of two dimensions, `None` when an exponent leaves the
    /// range −128..=127.
    pub fn checked_mul(self, other: Dimension) -> Option<Dimension> {
        let mut e = self.exponents;
        for (a, b) in e.iter_mut().zip(other.exponents) {
            *a = a.checked_add(b)?;
        }
        Some(Dimension { exponents: e })
    }

    /// Is this dimensionless?
    pub fn is_none(self) -> bool {
        self == Dimension::NONE
    }

    /// The exponents of (cells, concentration, length, time).
    pub fn exponents(self) -> [i8; 4] {
        self.exponents
    }
}

impl std::ops::Mul for Dimension {
    type Output = Dimension;

    /// The product of two dimensions: exponents add (saturating at the ends
    /// of `i8`; [`Dimension::checked_mul`] reports that instead).
    fn mul(self, other: Dimension) -> Dimension {
        let mut e = self.exponents;
        for (a, b) in e.iter_mut().zip(other.exponents) {
            *a = a.saturating_add(b);
        }
        Dimension { exponents: e }
    }
}

impl std::ops::Div for Dimension {
    type Output = Dimension;

    /// The quotient of two dimensions.
    fn div(self, other: Dimension) -> Dimension {
        self * other.powi(-1)
    }
}

impl fmt::Display for Dimension {
    /// Writes the canonical unit of the dimension, e.g. `nM/day`, `1/(nM*day)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |positive: bool| -> Vec<String> {
            BASE_SYMBOLS
                .iter()
                .zip(self.exponents)
                .filter(|(_, e)| if positive { *e > 0 } else { *e < 0 })
                .map(|(s, e)| match e.abs() {
                    1 => (*s).to_string(),
                    n => format!("{s}^{n}"),
                })
                .collect()
        };
        let num = part(true);
        let den = part(false);
        let num_text = if num.is_empty() { "1".to_string() } else { num.join("*") };
        match den.len() {
            0 => write!(f, "{num_text}"),
            1 => write!(f, "{num_text}/{}", den[0]),
            _ => write!(f, "{num_text}/({})", den.join("*")),
        }
    }
}

/// A unit: a dimension and the factor that converts a value in this unit to
/// the canonical unit of that dimension (`1 h` = `1/24 day`, so `h` has scale 1/24).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unit {
    /// The dimension.
    pub dimension: Dimension,
    /// Multiply a value in this unit by `scale` to get the canonical unit.
    pub scale: f64,
}

impl Unit {
    /// The canonical unit of a dimension.
    pub fn canonical(dimension: Dimension) -> Unit {
        Unit { dimension, scale: 1.0 }
    }

    /// Parses unit text such as `1/day`, `nM/day`, `1/(nM*day)`, `mm^2/day`, `0.1`-free.
    pub fn parse(text: &str) -> Result<Unit> {
        let mut parser = UnitParser { text, pos: 0, depth: 0 };
        let unit = parser.expression()?;
        parser.skip_space();
        if parser.pos != text.len() {
            return Err(parser.error("unexpected text after the unit"));
        }
        if !(unit.scale.is_finite() && unit.scale > 0.0) {
            return Err(ModelError::UnitParse {
                text: text.to_string(),
                reason: format!("its factor to the canonical unit ({}) is not a finite positive number", unit.scale),
            }
            .into());
        }
        Ok(unit)
    }

    /// Converts a value in this unit to the canonical unit of its dimension.
    pub fn to_canonical(self, value: f64) -> f64 {
        value * self.scale
    }

    fn mul(self, other: Unit) -> Option<Unit> {
        Some(Unit { dimension: self.dimension.checked_mul(other.dimension)?, scale: self.scale * other.scale })
    }

    fn powi(self, n: i32) -> Option<Unit> {
        Some(Unit { dimension: self.dimension.checked_powi(n)?, scale: self.scale.powi(n) })
    }
}

fn symbol(name: &str) -> Option<Unit> {
    let (dimension, scale) = match name {
        "day" | "days" | "d" => (Dimension::TIME, 1.0),
        "h" | "hour" | "hours" => (Dimension::TIME, 1.0 / 24.0),
        "min" => (Dimension::TIME, 1.0 / 1440.0),
        "s" => (Dimension::TIME, 1.0 / 86400.0),
        "week" | "weeks" => (Dimension::TIME, 7.0),
        "Mcells" | "Mcell" => (Dimension::CELLS, 1.0),
        "cells" | "cell" => (Dimension::CELLS, 1e-6),
        "nM" => (Dimension::CONCENTRATION, 1.0),
        "pM" => (Dimension::CONCENTRATION, 1e-3),
        "uM" | "µM" => (Dimension::CONCENTRATION, 1e3),
        "mM" => (Dimension::CONCENTRATION, 1e6),
        "M" => (Dimension::CONCENTRATION, 1e9),
        "mm" => (Dimension::LENGTH, 1.0),
        "um" | "µm" => (Dimension::LENGTH, 1e-3),
        "cm" => (Dimension::LENGTH, 10.0),
        "m" => (Dimension::LENGTH, 1e3),
        _ => return None,
    };
    Some(Unit { dimension, scale })
}

/// Why a unit whose exponents overflow is refused.
const TOO_LARGE: &str = "exponents beyond ±127";

/// Deepest nesting of parentheses in unit text.
const MAX_NESTING: usize = 16;

struct UnitParser<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl UnitParser<'_> {
    fn error(&self, reason: &str) -> SaspError {
        ModelError::UnitParse { text: self.text.to_string(), reason: format!("{reason} at character {}", self.pos + 1) }
            .into()
    }

    fn skip_space(&mut self) {
        while self.text[self.pos..].starts_with(' ') {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.text[self.pos..].chars().next()
    }

    fn expression(&mut self) -> Result<Unit> {
        let mut unit = self.factor()?;
        loop {
            match self.peek() {
                Some('*') | Some('·') => {
                    self.pos += self.peek().map_or(1, char::len_utf8);
                    unit = unit.mul(self.factor()?).ok_or_else(|| self.error(TOO_LARGE))?;
                }
                Some('/') => {
                    self.pos += 1;
                    let inverse = self.factor()?.powi(-1).ok_or_else(|| self.error(TOO_LARGE))?;
                    unit = unit.mul(inverse).ok_or_else(|| self.error(TOO_LARGE))?;
                }
                _ => return Ok(unit),
            }
        }
    }

    fn factor(&mut self) -> Result<Unit> {
        let atom = self.atom()?;
        if self.peek() == Some('^') {
            self.pos += 1;
            self.skip_space();
            let start = self.pos;
            let rest = &self.text[self.pos..];
            let len = rest.char_indices().take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '-')).count();
            self.pos += len;
            let n: i32 = self.text[start..self.pos].parse().map_err(|_| self.error("expected an integer exponent"))?;
            return atom.powi(n).ok_or_else(|| self.error(TOO_LARGE));
        }
        Ok(atom)
    }

    fn atom(&mut self) -> Result<Unit> {
        match self.peek() {
            Some('(') => {
                self.pos += 1;
                if self.depth >= MAX_NESTING {
                    return Err(self.error(&format!("parentheses nested more than {MAX_NESTING} deep")));
                }
                self.depth += 1;
                let inner = self.expression()?;
                self.depth -= 1;
                if self.peek() != Some(')') {
                    return Err(self.error("expected ')'"));
                }
                self.pos += 1;
                Ok(inner)
            }
            Some(c) if c.is_alphabetic() || c == 'µ' => {
                let rest = &self.text[self.pos..];
                let len: usize = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == 'µ' || *c == '_')
                    .map(char::len_utf8)
                    .sum();
                let name = &rest[..len];
                let unit = symbol(name).ok_or_else(|| self.error(&format!("unknown unit symbol '{name}'")))?;
                self.pos += len;
                Ok(unit)
            }
            Some('1') => {
                self.pos += 1;
                Ok(Unit::canonical(Dimension::NONE))
            }
            Some(_) => Err(self.error("expected a unit symbol, '1' or '('")),
            None => Err(self.error("unit ends too early")),
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 1.0 {
            write!(f, "{}", self.dimension)
        } else {
            write!(f, "{} x {}", self.scale, self.dimension)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_converts() {
        let u = Unit::parse("1/h").unwrap();
        assert_eq!(u.dimension, Dimension::TIME.powi(-1));
        assert!((u.to_canonical(0.858) - 20.592).abs() < 1e-12);
        let u = Unit::parse("1/(nM*day)").unwrap();
        assert_eq!(u.dimension.to_string(), "1/(nM*day)");
        let u = Unit::parse("um^2/s").unwrap();
        assert_eq!(u.dimension.to_string(), "mm^2/day");
        assert!((u.scale - 1e-6 * 86400.0).abs() < 1e-15);
        assert_eq!(Unit::parse("Mcells").unwrap().dimension, Dimension::CELLS);
        assert_eq!(Unit::parse("1").unwrap().dimension, Dimension::NONE);
        assert_eq!(Unit::parse("nM / day").unwrap().dimension.to_string(), "nM/day");
    }

    #[test]
    fn rejects_bad_text() {
        for bad in ["", "furlong", "nM/", "(nM", "nM^x", "nM day"] {
            assert!(Unit::parse(bad).is_err(), "{bad} should not parse");
        }
    }
}
