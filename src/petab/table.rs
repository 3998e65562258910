//! Tab-separated PEtab tables: a header row naming the columns, then one
//! item per line; every error names the file, line and column.

use crate::error::{FileError, Result, SaspError};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest table read (bytes): the largest benchmark table is a few
/// megabytes.
pub const MAX_TABLE_BYTES: usize = 256 << 20;

/// One table: its columns and rows, each row with its 1-based line.
#[derive(Clone, Debug)]
pub struct Table {
    /// The file it was read from.
    pub path: PathBuf,
    /// Column names, as in the header (trimmed; a byte-order mark dropped).
    pub columns: Vec<String>,
    /// Each row's line number and cells (as many as there are columns;
    /// missing trailing cells are empty).
    pub rows: Vec<(usize, Vec<String>)>,
}

/// One row of a table, for reading its cells by column name.
pub struct Row<'t> {
    table: &'t Table,
    /// 1-based line in the file.
    pub line: usize,
    cells: &'t [String],
}

/// The text of a file of at most [`MAX_TABLE_BYTES`] (a larger one is refused
/// before it is read whole).
pub(crate) fn read_text(path: &Path) -> Result<String> {
    let file = std::fs::File::open(path).map_err(|e| FileError::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_TABLE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| FileError::io(path, e))?;
    if bytes.len() > MAX_TABLE_BYTES {
        return Err(syntax(path, 1, 1, format!("larger than {} MiB", MAX_TABLE_BYTES >> 20)));
    }
    String::from_utf8(bytes)
        .map_err(|e| FileError::io(path, std::io::Error::new(std::io::ErrorKind::InvalidData, e)).into())
}

impl Table {
    /// Reads a table; refuses files above [`MAX_TABLE_BYTES`], rows with
    /// more cells than the header, and repeated column names.
    pub fn read(path: &Path) -> Result<Table> {
        Table::parse(&read_text(path)?, path)
    }

    /// Parses table text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Table> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.lines().enumerate().map(|(k, l)| (k + 1, l.strip_suffix('\r').unwrap_or(l)));
        let Some((_, header)) = lines.by_ref().find(|(_, l)| !l.trim().is_empty()) else {
            return Err(syntax(path, 1, 1, "empty table: a header row is needed".into()));
        };
        let columns: Vec<String> = header.split('\t').map(|c| c.trim().to_string()).collect();
        for (k, c) in columns.iter().enumerate() {
            if !c.is_empty() && columns[..k].contains(c) {
                return Err(syntax(path, 1, column_of(header, k), format!("column '{c}' appears twice")));
            }
        }
        let mut rows = Vec::new();
        for (line, text) in lines {
            if text.trim().is_empty() {
                continue;
            }
            let mut cells: Vec<String> = text.split('\t').map(|c| c.trim().to_string()).collect();
            if cells.len() > columns.len() {
                if cells[columns.len()..].iter().all(String::is_empty) {
                    cells.truncate(columns.len());
                } else {
                    return Err(syntax(
                        path,
                        line,
                        column_of(text, columns.len()),
                        format!("{} cells in a table of {} columns", cells.len(), columns.len()),
                    ));
                }
            }
            cells.resize(columns.len(), String::new());
            rows.push((line, cells));
        }
        Ok(Table { path: path.to_path_buf(), columns, rows })
    }

    /// Does the table have column `name`?
    pub fn has(&self, name: &str) -> bool {
        self.columns.iter().any(|c| c == name)
    }

    /// Fails naming the file unless the table has every one of `names`.
    pub fn require(&self, names: &[&str]) -> Result<()> {
        match names.iter().find(|n| !self.has(n)) {
            Some(n) => Err(syntax(&self.path, 1, 1, format!("required column '{n}' is missing"))),
            None => Ok(()),
        }
    }

    /// The rows.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |(line, cells)| Row { table: self, line: *line, cells })
    }
}

impl Row<'_> {
    /// The cell of column `name` (empty when the table lacks the column).
    pub fn get(&self, name: &str) -> &str {
        self.table.columns.iter().position(|c| c == name).map_or("", |k| self.cells[k].as_str())
    }

    /// A non-empty cell of column `name`.
    pub fn required(&self, name: &str) -> Result<&str> {
        match self.get(name) {
            "" => Err(self.error(name, format!("'{name}' is empty"))),
            v => Ok(v),
        }
    }

    /// The number in column `name` (`inf`, `-inf` and `nan` in any case
    /// included).
    pub fn number(&self, name: &str) -> Result<f64> {
        let v = self.required(name)?;
        parse_number(v).ok_or_else(|| self.error(name, format!("'{name}' is not a number: '{v}'")))
    }

    /// An error at this row's line and the column of `name`.
    pub fn error(&self, name: &str, message: String) -> SaspError {
        let column = self.table.columns.iter().position(|c| c == name).map_or(1, |k| k + 1);
        FileError::Syntax { path: self.table.path.clone(), line: self.line, column, message }.into()
    }
}

/// A number as PEtab tables write them: decimal, exponent, `inf`, `nan`.
pub fn parse_number(text: &str) -> Option<f64> {
    match text.to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        "nan" => Some(f64::NAN),
        _ => text.parse::<f64>().ok(),
    }
}

/// 1-based character column of the `k`-th tab-separated cell of `line`.
fn column_of(line: &str, k: usize) -> usize {
    line.split('\t').take(k).map(|c| c.chars().count() + 1).sum::<usize>() + 1
}

/// A [`FileError::Syntax`].
pub fn syntax(path: &Path, line: usize, column: usize, message: String) -> SaspError {
    FileError::Syntax { path: path.to_path_buf(), line, column, message }.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_read_by_column_and_errors_name_the_line_and_column() {
        let t = Table::parse("a\tb\tc\n1\t\tx\n\n2\t3\n", Path::new("t.tsv")).unwrap();
        let rows: Vec<_> = t.rows().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].number("a").unwrap(), 1.0);
        assert_eq!(rows[1].get("c"), "");
        assert_eq!(rows[1].line, 4);
        let e = rows[0].number("c").unwrap_err().to_string();
        assert!(e.starts_with("t.tsv:2:3:"), "{e}");
        assert!(Table::parse("a\ta\n", Path::new("t")).is_err());
        assert!(Table::parse("a\n1\t2\n", Path::new("t")).is_err());
        assert!(parse_number("-Inf").unwrap().is_infinite());
    }
}
