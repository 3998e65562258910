//! Numbers and fields as written in CSV files.

use std::borrow::Cow;

/// A number as written in CSV: the shortest text that reads back to the same
/// `f64`, in plain notation for `1e-4 ≤ |x| < 1e15` (and `0`), in exponent
/// notation otherwise (`1e-84`, `-2e-14`, `1.5e20`). NaN and ±∞ are undefined
/// values and give the empty string (an empty CSV field). `-0` is written `0`.
///
/// ```
/// use sasp::util::text::number;
/// assert_eq!(number(94.8), "94.8");
/// assert_eq!(number(1e-84), "1e-84");
/// assert_eq!(number(-2e-14), "-2e-14");
/// assert_eq!(number(f64::NAN), "");
/// ```
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    if (1e-4..1e15).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// An optional number as written in CSV: [`number`], or empty for `None`.
pub fn optional_number(x: Option<f64>) -> String {
    x.map_or(String::new(), number)
}

/// A CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma,
/// a quote, a carriage return or a line feed; as it is otherwise.
///
/// ```
/// use sasp::output::csv_field;
/// assert_eq!(csv_field("control"), "control");
/// assert_eq!(csv_field("a,\"b\"\nc"), "\"a,\"\"b\"\"\nc\"");
/// ```
pub fn csv_field(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

/// Implements `Serialize` and `Deserialize` for a type through its text:
/// `Display` to write it, `FromStr` (whose error is `Display`) to read it,
/// so a file holds exactly what the type prints and parses.
macro_rules! serde_as_text {
    ($type:ty) => {
        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use serde_as_text;
