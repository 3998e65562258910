//! An indexed binary min-heap of firing times: the priority queue of the
//! next-reaction method. Each process has one entry; its time can be
//! changed in `O(log M)` because the heap knows where every process sits.

/// Binary min-heap over `times[p]`, `p` in `0..M`, with the position of
/// every process (`position[heap[i]] = i`).
#[derive(Clone, Debug, Default)]
pub struct IndexedHeap {
    heap: Vec<u32>,
    position: Vec<u32>,
    times: Vec<f64>,
}

impl IndexedHeap {
    /// A heap of `times` (one per process; `∞` for one that cannot fire),
    /// reusing this heap's storage.
    pub fn rebuild(&mut self, times: &[f64]) {
        let m = times.len();
        self.times.clear();
        self.times.extend_from_slice(times);
        self.heap.clear();
        self.heap.extend(0..m as u32);
        self.position.clear();
        self.position.extend(0..m as u32);
        for i in (0..m / 2).rev() {
            self.sift_down(i);
        }
    }

    /// The process with the earliest time, and that time (`None` when empty).
    #[inline]
    pub fn top(&self) -> Option<(usize, f64)> {
        self.heap.first().map(|&p| (p as usize, self.times[p as usize]))
    }

    /// The time of process `p`.
    #[inline]
    pub fn time(&self, p: usize) -> f64 {
        self.times[p]
    }

    /// Sets the time of process `p` and restores the heap order.
    #[inline]
    pub fn update(&mut self, p: usize, time: f64) {
        let old = self.times[p];
        self.times[p] = time;
        let i = self.position[p] as usize;
        if time < old {
            self.sift_up(i);
        } else {
            self.sift_down(i);
        }
    }

    #[inline]
    fn less(&self, a: usize, b: usize) -> bool {
        // Ties broken by process index: the order is then total and the
        // same whatever the history of updates.
        let (pa, pb) = (self.heap[a], self.heap[b]);
        let (ta, tb) = (self.times[pa as usize], self.times[pb as usize]);
        ta < tb || (ta == tb && pa < pb)
    }

    #[inline]
    fn swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        self.position[self.heap[a] as usize] = a as u32;
        self.position[self.heap[b] as usize] = b as u32;
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if !self.less(i, parent) {
                break;
            }
            self.swap(i, parent);
            i = parent;
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        let m = self.heap.len();
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut least = i;
            if l < m && self.less(l, least) {
                least = l;
            }
            if r < m && self.less(r, least) {
                least = r;
            }
            if least == i {
                break;
            }
            self.swap(i, least);
            i = least;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_is_always_the_least_time() {
        let mut h = IndexedHeap::default();
        let mut times: Vec<f64> = (0..37).map(|k| ((k * 7919) % 101) as f64).collect();
        times[5] = f64::INFINITY;
        h.rebuild(&times);
        let mut s = crate::ssa::rng::Stream::new(3, 0);
        for _ in 0..2000 {
            let p = (s.next_u64() % 37) as usize;
            let t = if s.uniform() < 0.1 { f64::INFINITY } else { s.uniform() * 100.0 };
            h.update(p, t);
            times[p] = t;
            let least = times.iter().cloned().fold(f64::INFINITY, f64::min);
            assert_eq!(h.top().unwrap().1, least);
            assert_eq!(h.time(p), t);
        }
    }
}
