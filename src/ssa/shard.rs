//! Shards of an ensemble: runs of contiguous ranges of its chunks, kept
//! chunk by chunk, that merge into exactly the ensemble of a single run.
//!
//! An ensemble of `N` trajectories is run in `C = ⌈N/CHUNK⌉` chunks of
//! [`CHUNK`] trajectories (chunk `c`: trajectories `c·CHUNK..min((c+1)·CHUNK, N)`),
//! whose statistics a single run merges in chunk order. Shard `i` of `n`
//! runs chunks `⌊i·C/n⌋..⌊(i+1)·C/n⌋` ([`shard_chunks`]) and keeps every
//! chunk's statistics apart ([`Chunks`]); [`merge`] checks that the shards
//! are parts of one ensemble and together hold every chunk once, and merges
//! the chunks in the same order with the same arithmetic: the result is
//! equal, bit for bit, to the single run.
//!
//! # The shard file (format `sasp-ssa-shard`, version 1)
//!
//! A JSON object:
//!
//! - `format` (`"sasp-ssa-shard"`), `version` (1);
//! - the ensemble's identity: `model` (its name), `fingerprint` (a hash of
//!   the model as run, given by the caller), `method` (with its options),
//!   `seed`, `trajectories` (`N`), `chunk_size` ([`CHUNK`]), `total_chunks`
//!   (`C`), `times` (output times), `names` (variables), `extinction` (the
//!   extinction sets);
//! - `first`: the index of this shard's first chunk, and `chunks`: its
//!   chunks in order, each `{count, mean, m2, histograms, zeros,
//!   extinction_times}` — per output time and variable (time-major) the
//!   Welford mean and sum of squared deviations and the histogram's bins
//!   `[sign, bin, count, sum]`; per output time and extinction set the
//!   number of extinct trajectories; per trajectory and set the extinction
//!   time.
//!
//! Every floating-point number (times, means, sums, extinction times) is
//! written as a string in Rust's shortest round-trip form (`"0.1"`,
//! `"1e-7"`, `"inf"`), which reads back to the same bits; JSON numbers would
//! not guarantee that. Reading checks every size against the identity
//! (`C` from `N`, each chunk's count, the lengths of its arrays), so a
//! malformed file is refused before anything is allocated from its sizes.

use super::stats::{Histogram, Moments};
use super::{check_size, Ensemble, CHUNK, MAX_OUTPUTS};
use crate::error::{FileError, Result, SaspError};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The `format` of a shard file.
pub const FORMAT: &str = "sasp-ssa-shard";

/// The `version` of the shard files this crate writes and reads.
pub const VERSION: u32 = 1;

/// The chunks of shard `index` of `count` in an ensemble of `n`
/// trajectories: `⌊index·C/count⌋..⌊(index+1)·C/count⌋` with `C = ⌈n/CHUNK⌉`
/// (empty when there are more shards than chunks).
pub fn shard_chunks(n: usize, index: usize, count: usize) -> Range<usize> {
    let c = n.div_ceil(CHUNK) as u128;
    let at = |i: usize| (i as u128 * c / count.max(1) as u128) as usize;
    at(index)..at(index + 1)
}

/// The statistics of a range of an ensemble's chunks, kept chunk by chunk
/// ([`Stochastic::ensemble_chunks`](super::Stochastic::ensemble_chunks),
/// [`Hybrid::ensemble_chunks`](super::hybrid::Hybrid::ensemble_chunks)).
/// Made only by running or reading chunks, so its sizes always fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Chunks {
    pub(crate) times: Vec<f64>,
    pub(crate) names: Vec<String>,
    pub(crate) extinction_names: Vec<String>,
    pub(crate) trajectories: usize,
    pub(crate) first: usize,
    pub(crate) parts: Vec<Moments>,
}

impl Chunks {
    /// The output times.
    pub fn times(&self) -> &[f64] {
        &self.times
    }

    /// The variables.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The extinction sets.
    pub fn extinction_names(&self) -> &[String] {
        &self.extinction_names
    }

    /// The ensemble's size `N` (all shards together).
    pub fn trajectories(&self) -> usize {
        self.trajectories
    }

    /// The chunks held: `first..first + len`.
    pub fn range(&self) -> Range<usize> {
        self.first..self.first + self.parts.len()
    }
}

/// What makes shards parts of one ensemble, besides what [`Chunks`] holds
/// (times, variables, extinction sets, size): checked by [`merge`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// The model's name.
    pub model: String,
    /// A fingerprint of the model as run (e.g. a hash of its TOML and the arm).
    pub fingerprint: String,
    /// The method and its options (e.g. `hybrid θ=100`).
    pub method: String,
    /// The seed of the trajectories' random streams.
    pub seed: u64,
}

/// A shard read from a file (or made in memory): its identity and chunks.
#[derive(Clone, Debug, PartialEq)]
pub struct Shard {
    /// Where it was read from (for messages).
    pub path: PathBuf,
    /// The ensemble it is part of.
    pub identity: Identity,
    /// Its chunks.
    pub chunks: Chunks,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRepr {
    format: String,
    version: u32,
    model: String,
    fingerprint: String,
    method: String,
    seed: u64,
    trajectories: usize,
    chunk_size: usize,
    total_chunks: usize,
    times: Vec<String>,
    names: Vec<String>,
    extinction: Vec<String>,
    first: usize,
    chunks: Vec<ChunkRepr>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChunkRepr {
    count: u64,
    mean: Vec<String>,
    m2: Vec<String>,
    histograms: Vec<Vec<(i8, i32, u64, String)>>,
    zeros: Vec<u64>,
    extinction_times: Vec<String>,
}

fn text(x: f64) -> String {
    format!("{x:?}")
}

fn texts(xs: &[f64]) -> Vec<String> {
    xs.iter().map(|&x| text(x)).collect()
}

impl Shard {
    /// The shard file's JSON text.
    ///
    /// # Errors
    ///
    /// [`SaspError::Serialization`] if JSON cannot be written.
    pub fn to_json(&self) -> Result<String> {
        let c = &self.chunks;
        let repr = FileRepr {
            format: FORMAT.into(),
            version: VERSION,
            model: self.identity.model.clone(),
            fingerprint: self.identity.fingerprint.clone(),
            method: self.identity.method.clone(),
            seed: self.identity.seed,
            trajectories: c.trajectories,
            chunk_size: CHUNK,
            total_chunks: c.trajectories.div_ceil(CHUNK),
            times: texts(&c.times),
            names: c.names.clone(),
            extinction: c.extinction_names.clone(),
            first: c.first,
            chunks: c
                .parts
                .iter()
                .map(|m| ChunkRepr {
                    count: m.count,
                    mean: texts(&m.mean),
                    m2: texts(&m.m2),
                    histograms: m
                        .histograms
                        .iter()
                        .map(|h| h.bins().map(|((sign, bin), (count, sum))| (sign, bin, count, text(sum))).collect())
                        .collect(),
                    zeros: m.zeros.clone(),
                    extinction_times: texts(&m.extinction_times),
                })
                .collect(),
        };
        serde_json::to_string(&repr)
            .map(|s| s + "\n")
            .map_err(|e| SaspError::Serialization { what: "JSON", reason: e.to_string() })
    }

    /// Reads a shard file.
    ///
    /// # Errors
    ///
    /// [`FileError::Io`] when it cannot be read; as [`Shard::parse`].
    pub fn read(path: &Path) -> Result<Shard> {
        let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, e))?;
        Shard::parse(&text, path)
    }

    /// Parses a shard file's text (`path` names it in messages).
    ///
    /// # Errors
    ///
    /// [`FileError::Syntax`] for text that is not a shard file (with line
    /// and column), another format or version, or sizes that do not fit
    /// the identity (naming the field and chunk).
    pub fn parse(text: &str, path: &Path) -> Result<Shard> {
        let syntax = |line: usize, column: usize, message: String| -> SaspError {
            FileError::Syntax { path: path.to_path_buf(), line, column, message }.into()
        };
        let bad = |message: String| syntax(1, 1, message);
        let repr: FileRepr = serde_json::from_str(text).map_err(|e| syntax(e.line(), e.column(), e.to_string()))?;
        if repr.format != FORMAT {
            return Err(bad(format!("format '{}' is not '{FORMAT}' (not an ensemble shard)", repr.format)));
        }
        if repr.version != VERSION {
            return Err(bad(format!("shard format version {} (this sasp reads version {VERSION})", repr.version)));
        }
        if repr.chunk_size != CHUNK {
            return Err(bad(format!("chunk_size {} (this sasp runs chunks of {CHUNK})", repr.chunk_size)));
        }
        check_size(repr.trajectories).map_err(|e| bad(format!("trajectories: {e}")))?;
        let total = repr.trajectories.div_ceil(CHUNK);
        if repr.total_chunks != total {
            return Err(bad(format!(
                "total_chunks {} does not fit {} trajectories ({total} chunks)",
                repr.total_chunks, repr.trajectories
            )));
        }
        if repr.first > total || repr.chunks.len() > total - repr.first {
            return Err(bad(format!(
                "chunks {}..{} are not within the {total} chunks of the ensemble",
                repr.first,
                repr.first.saturating_add(repr.chunks.len())
            )));
        }
        if repr.times.len() > MAX_OUTPUTS {
            return Err(bad(format!("{} output times (at most {MAX_OUTPUTS})", repr.times.len())));
        }
        let number = |what: &str, s: &str| -> Result<f64> {
            s.parse::<f64>().map_err(|_| bad(format!("{what}: '{s}' is not a number")))
        };
        let numbers = |what: &str, xs: &[String]| -> Result<Vec<f64>> { xs.iter().map(|s| number(what, s)).collect() };
        let times = numbers("times", &repr.times)?;
        if let Some(t) = times.iter().find(|t| !t.is_finite()) {
            return Err(bad(format!("output time {t} is not finite")));
        }
        let (t_len, v_len, e_len) = (times.len(), repr.names.len(), repr.extinction.len());
        let values = t_len.checked_mul(v_len).ok_or_else(|| bad("too many output times × variables".into()))?;
        let zeros = t_len.checked_mul(e_len).ok_or_else(|| bad("too many output times × extinction sets".into()))?;
        let mut parts = Vec::with_capacity(repr.chunks.len());
        for (k, chunk) in repr.chunks.into_iter().enumerate() {
            let c = repr.first + k;
            let expected = (((c + 1) * CHUNK).min(repr.trajectories) - c * CHUNK) as u64;
            let at = |what: String| bad(format!("chunk {c}: {what}"));
            if chunk.count != expected {
                return Err(at(format!(
                    "count {} (chunk {c} of {} trajectories holds {expected})",
                    chunk.count, repr.trajectories
                )));
            }
            for (field, len, want) in [
                ("mean", chunk.mean.len(), values),
                ("m2", chunk.m2.len(), values),
                ("histograms", chunk.histograms.len(), values),
                ("zeros", chunk.zeros.len(), zeros),
                ("extinction_times", chunk.extinction_times.len(), expected as usize * e_len),
            ] {
                if len != want {
                    return Err(at(format!("{field} has {len} entries, not {want}")));
                }
            }
            if let Some(z) = chunk.zeros.iter().find(|&&z| z > expected) {
                return Err(at(format!("{z} extinct trajectories of {expected}")));
            }
            let mut histograms = Vec::with_capacity(values);
            for (slot, bins) in chunk.histograms.into_iter().enumerate() {
                let bins = bins
                    .into_iter()
                    .map(|(sign, bin, count, sum)| Ok(((sign, bin), (count, number("histogram sum", &sum)?))))
                    .collect::<Result<Vec<_>>>()?;
                match Histogram::from_bins(bins) {
                    Some(h) if h.count() == expected => histograms.push(h),
                    _ => return Err(at(format!("histogram {slot} is not a histogram of {expected} values"))),
                }
            }
            parts.push(Moments {
                count: chunk.count,
                mean: numbers("mean", &chunk.mean)?,
                m2: numbers("m2", &chunk.m2)?,
                histograms,
                zeros: chunk.zeros,
                extinction_times: numbers("extinction_times", &chunk.extinction_times)?,
            });
        }
        Ok(Shard {
            path: path.to_path_buf(),
            identity: Identity {
                model: repr.model,
                fingerprint: repr.fingerprint,
                method: repr.method,
                seed: repr.seed,
            },
            chunks: Chunks {
                times,
                names: repr.names,
                extinction_names: repr.extinction,
                trajectories: repr.trajectories,
                first: repr.first,
                parts,
            },
        })
    }
}

/// Merges shards of one ensemble, in any order, into the ensemble a single
/// run gives (equal bit for bit): their chunks in chunk order, merged as
/// the single run merges them.
///
/// # Errors
///
/// [`SaspError::InvalidOptions`] when there are no shards, when two differ
/// in identity (model, fingerprint, method, seed, size, output times,
/// variables or extinction sets; naming both files and what differs), or
/// when their chunks overlap (naming the chunks and both files) or leave
/// chunks out (naming the missing range).
pub fn merge(shards: &[Shard]) -> Result<Ensemble> {
    let Some(first) = shards.first() else {
        return Err(SaspError::InvalidOptions("no shards to merge".into()));
    };
    let (a, ca) = (&first.identity, &first.chunks);
    for s in &shards[1..] {
        let (b, cb) = (&s.identity, &s.chunks);
        let differs = if a.model != b.model {
            Some(format!("model '{}' against '{}'", a.model, b.model))
        } else if a.fingerprint != b.fingerprint {
            Some(format!("model fingerprint {} against {}", a.fingerprint, b.fingerprint))
        } else if a.method != b.method {
            Some(format!("method '{}' against '{}'", a.method, b.method))
        } else if a.seed != b.seed {
            Some(format!("seed {} against {}", a.seed, b.seed))
        } else if ca.trajectories != cb.trajectories {
            Some(format!("{} trajectories against {}", ca.trajectories, cb.trajectories))
        } else if ca.times.len() != cb.times.len()
            || ca.times.iter().zip(&cb.times).any(|(x, y)| x.to_bits() != y.to_bits())
        {
            Some("output times".to_string())
        } else if ca.names != cb.names {
            Some(format!("variables [{}] against [{}]", ca.names.join(", "), cb.names.join(", ")))
        } else if ca.extinction_names != cb.extinction_names {
            Some(format!(
                "extinction sets [{}] against [{}]",
                ca.extinction_names.join(", "),
                cb.extinction_names.join(", ")
            ))
        } else {
            None
        };
        if let Some(what) = differs {
            return Err(SaspError::InvalidOptions(format!(
                "shards {} and {} are not parts of one ensemble: {what}",
                first.path.display(),
                s.path.display()
            )));
        }
    }
    let mut order: Vec<&Shard> = shards.iter().filter(|s| !s.chunks.parts.is_empty()).collect();
    order.sort_by_key(|s| s.chunks.first);
    let total = ca.trajectories.div_ceil(CHUNK);
    let mut next = 0;
    let mut previous: Option<&Shard> = None;
    for s in &order {
        let range = s.chunks.range();
        if range.start < next {
            return Err(SaspError::InvalidOptions(format!(
                "chunks {}..{} are in both {} and {}",
                range.start,
                next.min(range.end),
                previous.map_or_else(String::new, |p| p.path.display().to_string()),
                s.path.display()
            )));
        }
        if range.start > next {
            return Err(SaspError::InvalidOptions(format!(
                "chunks {next}..{} of {total} (trajectories {}..{}) are in no shard",
                range.start,
                next * CHUNK,
                range.start * CHUNK
            )));
        }
        next = range.end;
        previous = Some(s);
    }
    if next < total {
        return Err(SaspError::InvalidOptions(format!(
            "chunks {next}..{total} of {total} (trajectories {}..{}) are in no shard",
            next * CHUNK,
            ca.trajectories
        )));
    }
    let mut sum = Moments::new(ca.times.len() * ca.names.len(), ca.times.len() * ca.extinction_names.len());
    for s in &order {
        for part in &s.chunks.parts {
            sum.merge(part);
        }
    }
    Ok(Ensemble::from_moments(&ca.times, &ca.names, &ca.extinction_names, ca.trajectories, sum))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_chunks_once() {
        for n in [1usize, 31, 32, 33, 100, 1000] {
            for count in 1..12 {
                let c = n.div_ceil(CHUNK);
                let mut next = 0;
                for i in 0..count {
                    let r = shard_chunks(n, i, count);
                    assert_eq!(r.start, next);
                    next = r.end;
                }
                assert_eq!(next, c);
            }
        }
    }
}
