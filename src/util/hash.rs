//! FNV-1a hashing: of bytes (model identity in manifests) and of 64-bit
//! words (structure and layout fingerprints).

/// FNV-1a 64-bit hash, as 16 hex digits.
pub fn fnv1a(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// FNV-1a over 64-bit words, for fingerprints of structures.
#[derive(Clone, Copy, Debug)]
pub struct Fingerprint(pub u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }
}

impl Fingerprint {
    /// Adds one word.
    pub fn add(&mut self, word: u64) {
        for byte in word.to_le_bytes() {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Adds every word, then their count (so sequences of different
    /// lengths that concatenate alike differ).
    pub fn add_all(&mut self, words: impl IntoIterator<Item = u64>) {
        let mut count = 0u64;
        for w in words {
            self.add(w);
            count += 1;
        }
        self.add(count);
    }
}
