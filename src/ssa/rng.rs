//! Counter-based random streams: one independent stream per trajectory,
//! derived from `(seed, trajectory index)` alone, so an ensemble's numbers
//! do not depend on how its trajectories are spread over threads.

/// The SplitMix64 finalizer: a bijective mixing of 64 bits.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A xoshiro256++ generator (Blackman & Vigna 2019; period 2²⁵⁶ − 1) whose
/// state is four SplitMix64 outputs of a key mixed from the seed and the
/// stream index: `key = mix(mix(seed) ⊕ mix(index + γ))`, state word `w` =
/// `mix(key + (w + 1)·γ)` with γ = 0x9E3779B97F4A7C15. Distinct indices
/// give distinct keys (every step is a bijection of the index for a fixed
/// seed), and xoshiro's 2²⁵⁶ period leaves streams of any practical length
/// without overlap in probability.
#[derive(Clone, Debug)]
pub struct Stream {
    s: [u64; 4],
}

const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

impl Stream {
    /// The stream of trajectory `index` under `seed`.
    pub fn new(seed: u64, index: u64) -> Stream {
        let key = mix(mix(seed) ^ mix(index.wrapping_add(GAMMA)));
        let mut s = [0u64; 4];
        for (w, word) in s.iter_mut().enumerate() {
            *word = mix(key.wrapping_add((w as u64 + 1).wrapping_mul(GAMMA)));
        }
        if s == [0; 4] {
            s[0] = GAMMA; // the one state xoshiro cannot leave
        }
        Stream { s }
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let out = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }

    /// Uniform in the open interval (0, 1): `(k + ½)/2⁵³` for a random
    /// 53-bit `k` (never 0, never 1, so `ln u` is finite).
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// Standard exponential, `−ln u` (mean 1), always finite and positive.
    #[inline]
    pub fn exponential(&mut self) -> f64 {
        -self.uniform().ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Stream::new(7, 3).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut s0 = Stream::new(0, 0);
        let mut s1 = Stream::new(0, 1);
        let x: Vec<u64> = (0..8).map(|_| s0.next_u64()).collect();
        let y: Vec<u64> = (0..8).map(|_| s1.next_u64()).collect();
        assert!(x.iter().all(|v| !y.contains(v)));
    }

    #[test]
    fn uniforms_have_mean_one_half_and_exponentials_mean_one() {
        let mut s = Stream::new(1, 2);
        let n = 200_000;
        let (mut su, mut se) = (0.0, 0.0);
        for _ in 0..n {
            su += s.uniform();
            se += s.exponential();
        }
        // SD of the mean: 1/√(12n) and 1/√n; 5 SDs.
        assert!((su / n as f64 - 0.5).abs() < 5.0 / (12.0 * n as f64).sqrt());
        assert!((se / n as f64 - 1.0).abs() < 5.0 / (n as f64).sqrt());
    }
}
