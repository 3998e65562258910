//! Explicit Dormand–Prince 8(5,3) (Hairer, Nørsett & Wanner, *Solving ODEs I*,
//! §II.10, code DOP853): order 8 with a combined 5th/3rd-order error
//! estimate, and a 7th-order continuous extension computed only for steps
//! where output or events need it (three extra right-hand sides).
//! For non-stiff problems at tight tolerances.

// Coefficients are kept with the digits they were published with.
#![allow(clippy::excessive_precision, clippy::unreadable_literal)]

use super::driver::{check_finite, check_state, initial_step_guess, next_step, Stepper};
use super::failure::{first_non_finite, FailureLog, Rejection};
use super::{OdeSystem, Options, Stats};
use crate::error::Result;

const C2: f64 = 0.526001519587677318785587544488e-01;
const C3: f64 = 0.789002279381515978178381316732e-01;
const C4: f64 = 0.118350341907227396726757197510;
const C5: f64 = 0.281649658092772603273242802490;
const C6: f64 = 0.333333333333333333333333333333;
const C7: f64 = 0.25;
const C8: f64 = 0.307692307692307692307692307692;
const C9: f64 = 0.651282051282051282051282051282;
const C10: f64 = 0.6;
const C11: f64 = 0.857142857142857142857142857142;
const C14: f64 = 0.1;
const C15: f64 = 0.2;
const C16: f64 = 0.777777777777777777777777777778;
const B1: f64 = 5.42937341165687622380535766363e-02;
const B6: f64 = 4.45031289275240888144113950566;
const B7: f64 = 1.89151789931450038304281599044;
const B8: f64 = -5.8012039600105847814672114227;
const B9: f64 = 3.1116436695781989440891606237e-01;
const B10: f64 = -1.52160949662516078556178806805e-01;
const B11: f64 = 2.01365400804030348374776537501e-01;
const B12: f64 = 4.47106157277725905176885569043e-02;
const BHH1: f64 = 0.244094488188976377952755905512;
const BHH2: f64 = 0.733846688281611857341361741547;
const BHH3: f64 = 0.220588235294117647058823529412e-01;
const ER1: f64 = 0.1312004499419488073250102996e-01;
const ER6: f64 = -0.1225156446376204440720569753e+01;
const ER7: f64 = -0.4957589496572501915214079952;
const ER8: f64 = 0.1664377182454986536961530415e+01;
const ER9: f64 = -0.3503288487499736816886487290;
const ER10: f64 = 0.3341791187130174790297318841;
const ER11: f64 = 0.8192320648511571246570742613e-01;
const ER12: f64 = -0.2235530786388629525884427845e-01;
const A21: f64 = 5.26001519587677318785587544488e-02;
const A31: f64 = 1.97250569845378994544595329183e-02;
const A32: f64 = 5.91751709536136983633785987549e-02;
const A41: f64 = 2.95875854768068491816892993775e-02;
const A43: f64 = 8.87627564304205475450678981324e-02;
const A51: f64 = 2.41365134159266685502369798665e-01;
const A53: f64 = -8.84549479328286085344864962717e-01;
const A54: f64 = 9.24834003261792003115737966543e-01;
const A61: f64 = 3.7037037037037037037037037037e-02;
const A64: f64 = 1.70828608729473871279604482173e-01;
const A65: f64 = 1.25467687566822425016691814123e-01;
const A71: f64 = 3.7109375e-02;
const A74: f64 = 1.70252211019544039314978060272e-01;
const A75: f64 = 6.02165389804559606850219397283e-02;
const A76: f64 = -1.7578125e-02;
const A81: f64 = 3.70920001185047927108779319836e-02;
const A84: f64 = 1.70383925712239993810214054705e-01;
const A85: f64 = 1.07262030446373284651809199168e-01;
const A86: f64 = -1.53194377486244017527936158236e-02;
const A87: f64 = 8.27378916381402288758473766002e-03;
const A91: f64 = 6.24110958716075717114429577812e-01;
const A94: f64 = -3.36089262944694129406857109825;
const A95: f64 = -8.68219346841726006818189891453e-01;
const A96: f64 = 2.75920996994467083049415600797e+01;
const A97: f64 = 2.01540675504778934086186788979e+01;
const A98: f64 = -4.34898841810699588477366255144e+01;
const A101: f64 = 4.77662536438264365890433908527e-01;
const A104: f64 = -2.48811461997166764192642586468;
const A105: f64 = -5.90290826836842996371446475743e-01;
const A106: f64 = 2.12300514481811942347288949897e+01;
const A107: f64 = 1.52792336328824235832596922938e+01;
const A108: f64 = -3.32882109689848629194453265587e+01;
const A109: f64 = -2.03312017085086261358222928593e-02;
const A111: f64 = -9.3714243008598732571704021658e-01;
const A114: f64 = 5.18637242884406370830023853209;
const A115: f64 = 1.09143734899672957818500254654;
const A116: f64 = -8.14978701074692612513997267357;
const A117: f64 = -1.85200656599969598641566180701e+01;
const A118: f64 = 2.27394870993505042818970056734e+01;
const A119: f64 = 2.49360555267965238987089396762;
const A1110: f64 = -3.0467644718982195003823669022;
const A121: f64 = 2.27331014751653820792359768449;
const A124: f64 = -1.05344954667372501984066689879e+01;
const A125: f64 = -2.00087205822486249909675718444;
const A126: f64 = -1.79589318631187989172765950534e+01;
const A127: f64 = 2.79488845294199600508499808837e+01;
const A128: f64 = -2.85899827713502369474065508674;
const A129: f64 = -8.87285693353062954433549289258;
const A1210: f64 = 1.23605671757943030647266201528e+01;
const A1211: f64 = 6.43392746015763530355970484046e-01;
const A141: f64 = 5.61675022830479523392909219681e-02;
const A147: f64 = 2.53500210216624811088794765333e-01;
const A148: f64 = -2.46239037470802489917441475441e-01;
const A149: f64 = -1.24191423263816360469010140626e-01;
const A1410: f64 = 1.5329179827876569731206322685e-01;
const A1411: f64 = 8.20105229563468988491666602057e-03;
const A1412: f64 = 7.56789766054569976138603589584e-03;
const A1413: f64 = -8.298e-03;
const A151: f64 = 3.18346481635021405060768473261e-02;
const A156: f64 = 2.83009096723667755288322961402e-02;
const A157: f64 = 5.35419883074385676223797384372e-02;
const A158: f64 = -5.49237485713909884646569340306e-02;
const A1511: f64 = -1.08347328697249322858509316994e-04;
const A1512: f64 = 3.82571090835658412954920192323e-04;
const A1513: f64 = -3.40465008687404560802977114492e-04;
const A1514: f64 = 1.41312443674632500278074618366e-01;
const A161: f64 = -4.28896301583791923408573538692e-01;
const A166: f64 = -4.69762141536116384314449447206;
const A167: f64 = 7.68342119606259904184240953878;
const A168: f64 = 4.06898981839711007970213554331;
const A169: f64 = 3.56727187455281109270669543021e-01;
const A1613: f64 = -1.39902416515901462129418009734e-03;
const A1614: f64 = 2.9475147891527723389556272149;
const A1615: f64 = -9.15095847217987001081870187138;
const D41: f64 = -0.84289382761090128651353491142e+01;
const D46: f64 = 0.56671495351937776962531783590;
const D47: f64 = -0.30689499459498916912797304727e+01;
const D48: f64 = 0.23846676565120698287728149680e+01;
const D49: f64 = 0.21170345824450282767155149946e+01;
const D410: f64 = -0.87139158377797299206789907490;
const D411: f64 = 0.22404374302607882758541771650e+01;
const D412: f64 = 0.63157877876946881815570249290;
const D413: f64 = -0.88990336451333310820698117400e-01;
const D414: f64 = 0.18148505520854727256656404962e+02;
const D415: f64 = -0.91946323924783554000451984436e+01;
const D416: f64 = -0.44360363875948939664310572000e+01;
const D51: f64 = 0.10427508642579134603413151009e+02;
const D56: f64 = 0.24228349177525818288430175319e+03;
const D57: f64 = 0.16520045171727028198505394887e+03;
const D58: f64 = -0.37454675472269020279518312152e+03;
const D59: f64 = -0.22113666853125306036270938578e+02;
const D510: f64 = 0.77334326684722638389603898808e+01;
const D511: f64 = -0.30674084731089398182061213626e+02;
const D512: f64 = -0.93321305264302278729567221706e+01;
const D513: f64 = 0.15697238121770843886131091075e+02;
const D514: f64 = -0.31139403219565177677282850411e+02;
const D515: f64 = -0.93529243588444783865713862664e+01;
const D516: f64 = 0.35816841486394083752465898540e+02;
const D61: f64 = 0.19985053242002433820987653617e+02;
const D66: f64 = -0.38703730874935176555105901742e+03;
const D67: f64 = -0.18917813819516756882830838328e+03;
const D68: f64 = 0.52780815920542364900561016686e+03;
const D69: f64 = -0.11573902539959630126141871134e+02;
const D610: f64 = 0.68812326946963000169666922661e+01;
const D611: f64 = -0.10006050966910838403183860980e+01;
const D612: f64 = 0.77771377980534432092869265740;
const D613: f64 = -0.27782057523535084065932004339e+01;
const D614: f64 = -0.60196695231264120758267380846e+02;
const D615: f64 = 0.84320405506677161018159903784e+02;
const D616: f64 = 0.11992291136182789328035130030e+02;
const D71: f64 = -0.25693933462703749003312586129e+02;
const D76: f64 = -0.15418974869023643374053993627e+03;
const D77: f64 = -0.23152937917604549567536039109e+03;
const D78: f64 = 0.35763911791061412378285349910e+03;
const D79: f64 = 0.93405324183624310003907691704e+02;
const D710: f64 = -0.37458323136451633156875139351e+02;
const D711: f64 = 0.10409964950896230045147246184e+03;
const D712: f64 = 0.29840293426660503123344363579e+02;
const D713: f64 = -0.43533456590011143754432175058e+02;
const D714: f64 = 0.96324553959188282948394950600e+02;
const D715: f64 = -0.39177261675615439165231486172e+02;
const D716: f64 = -0.14972683625798562581422125276e+03;

/// Number of stage vectors kept: k1..k12 of the step, and k14..k16 of the dense output.
const STAGES: usize = 16;

/// The DOP853 method as a [`Stepper`].
#[derive(Clone, Debug)]
pub struct Dop853 {
    opt: Options,
    n: usize,
    t: f64,
    t_prev: f64,
    h: f64,
    h_last: f64,
    y: Vec<f64>,
    y_prev: Vec<f64>,
    /// `k[s·n..(s+1)·n]` = stage s+1 (s = 0 is f(t, y)).
    k: Vec<f64>,
    y_stage: Vec<f64>,
    y_new: Vec<f64>,
    /// Continuous extension coefficients (8 vectors), valid when `dense_ready`.
    cont: Vec<f64>,
    dense_ready: bool,
    /// The last accepted step's f(t_new, y_new) (slot 12) is the next step's k1.
    fsal_pending: bool,
    err_old: f64,
    stats: Stats,
    log: FailureLog,
}

impl Dop853 {
    /// A method for systems of dimension `n`.
    pub fn new(n: usize, options: Options) -> Result<Dop853> {
        options.validate(n)?;
        Ok(Dop853 {
            opt: options,
            n,
            t: 0.0,
            t_prev: 0.0,
            h: 0.0,
            h_last: 0.0,
            y: vec![0.0; n],
            y_prev: vec![0.0; n],
            k: vec![0.0; STAGES * n],
            y_stage: vec![0.0; n],
            y_new: vec![0.0; n],
            cont: vec![0.0; 8 * n],
            dense_ready: false,
            fsal_pending: false,
            err_old: 1e-4,
            stats: Stats::default(),
            log: FailureLog::default(),
        })
    }

    /// `y_stage = y + h Σ coef_j k_j`, then `k_target = f(t + c h, y_stage)`.
    fn stage<S: OdeSystem>(&mut self, system: &S, h: f64, c: f64, coefs: &[(usize, f64)], target: usize) {
        let n = self.n;
        self.y_stage.copy_from_slice(&self.y);
        for &(j, a) in coefs {
            let kj = &self.k[j * n..(j + 1) * n];
            for (ys, &k) in self.y_stage.iter_mut().zip(kj) {
                *ys += h * a * k;
            }
        }
        let (before, rest) = self.k.split_at_mut(target * n);
        let _ = before;
        system.rhs(self.t + c * h, &self.y_stage, &mut rest[..n]);
        self.stats.rhs_evals += 1;
    }

    /// The component with the largest weighted error estimate
    /// `(e5ᵢ² + 0.01·e3ᵢ²)/skᵢ²` of the attempt just made (for a failure report).
    fn dominant_error(&self, h: f64) -> usize {
        let mut best = (0, -1.0);
        for i in 0..self.n {
            let (e5, e3) = self.scaled_errors(i, (self.y_new[i] - self.y[i]) / h);
            let r = e5.powi(2) + 0.01 * e3.powi(2);
            if r > best.1 {
                best = (i, r);
            }
        }
        best.0
    }

    /// Component `i`'s 5th- and 3rd-order error estimates of the attempt
    /// just made, each divided by its scale `skᵢ = atolᵢ + rtol·max(|yᵢ|, |y_newᵢ|)`;
    /// `k4` is the 8th-order increment `(y_new − y)/h` of the component.
    #[inline]
    fn scaled_errors(&self, i: usize, k4: f64) -> (f64, f64) {
        let sk = self.opt.atol.get(i) + self.opt.rtol * self.y[i].abs().max(self.y_new[i].abs());
        let e3 = k4 - BHH1 * self.kv(0, i) - BHH2 * self.kv(8, i) - BHH3 * self.kv(11, i);
        let e5 = ER1 * self.kv(0, i)
            + ER6 * self.kv(5, i)
            + ER7 * self.kv(6, i)
            + ER8 * self.kv(7, i)
            + ER9 * self.kv(8, i)
            + ER10 * self.kv(9, i)
            + ER11 * self.kv(10, i)
            + ER12 * self.kv(11, i);
        (e5 / sk, e3 / sk)
    }

    fn kv(&self, s: usize, i: usize) -> f64 {
        self.k[s * self.n + i]
    }
}

impl Stepper for Dop853 {
    fn name(&self) -> &'static str {
        "dop853"
    }

    fn reset<S: OdeSystem>(&mut self, system: &S, t: f64, y: &[f64]) -> Result<()> {
        check_state(self.n, system, y)?;
        let n = self.n;
        self.t = t;
        self.t_prev = t;
        self.y.copy_from_slice(y);
        self.y_prev.copy_from_slice(y);
        system.rhs(t, y, &mut self.k[..n]);
        self.stats.rhs_evals += 1;
        check_finite("dop853", system, t, self.h, &self.k[..n])?;
        if self.h == 0.0 {
            self.h = match self.opt.h0 {
                Some(h) => h,
                None => {
                    let (k1, rest) = self.k.split_at_mut(n);
                    initial_step_guess(
                        system,
                        t,
                        y,
                        k1,
                        8,
                        &self.opt,
                        (&mut self.y_stage, &mut rest[..n]),
                        &mut self.stats,
                    )
                }
            };
        }
        self.err_old = 1e-4;
        self.dense_ready = false;
        self.fsal_pending = false;
        self.h_last = 0.0;
        Ok(())
    }

    fn step<S: OdeSystem>(&mut self, system: &S, t_stop: f64) -> Result<()> {
        let n = self.n;
        if self.fsal_pending {
            self.k.copy_within(12 * n..13 * n, 0);
            self.fsal_pending = false;
            self.dense_ready = false;
        }
        let mut rejected_last = false;
        loop {
            let (h, lands) = next_step(&self.stats, &self.opt, self.t, self.h, t_stop)
                .map_err(|(kind, h)| self.log.error(kind, "dop853", system, self.t, h, &self.y))?;
            // Stages 2..12 (stage s is k[s-1]; stage 11 goes to slot 1, stage 12 to slot 2
            // after k2, k3 are no longer needed, as in DOP853).
            self.stage(system, h, C2, &[(0, A21)], 1);
            self.stage(system, h, C3, &[(0, A31), (1, A32)], 2);
            self.stage(system, h, C4, &[(0, A41), (2, A43)], 3);
            self.stage(system, h, C5, &[(0, A51), (2, A53), (3, A54)], 4);
            self.stage(system, h, C6, &[(0, A61), (3, A64), (4, A65)], 5);
            self.stage(system, h, C7, &[(0, A71), (3, A74), (4, A75), (5, A76)], 6);
            self.stage(system, h, C8, &[(0, A81), (3, A84), (4, A85), (5, A86), (6, A87)], 7);
            self.stage(system, h, C9, &[(0, A91), (3, A94), (4, A95), (5, A96), (6, A97), (7, A98)], 8);
            self.stage(
                system,
                h,
                C10,
                &[(0, A101), (3, A104), (4, A105), (5, A106), (6, A107), (7, A108), (8, A109)],
                9,
            );
            self.stage(
                system,
                h,
                C11,
                &[(0, A111), (3, A114), (4, A115), (5, A116), (6, A117), (7, A118), (8, A119), (9, A1110)],
                10,
            );
            self.stage(
                system,
                h,
                1.0,
                &[(0, A121), (3, A124), (4, A125), (5, A126), (6, A127), (7, A128), (8, A129), (9, A1210), (10, A1211)],
                11,
            );
            // 8th-order solution and the two error estimates.
            let (mut err5, mut err3) = (0.0, 0.0);
            for i in 0..n {
                let k4 = B1 * self.kv(0, i)
                    + B6 * self.kv(5, i)
                    + B7 * self.kv(6, i)
                    + B8 * self.kv(7, i)
                    + B9 * self.kv(8, i)
                    + B10 * self.kv(9, i)
                    + B11 * self.kv(10, i)
                    + B12 * self.kv(11, i);
                self.y_new[i] = self.y[i] + h * k4;
                let (e5, e3) = self.scaled_errors(i, k4);
                err3 += e3.powi(2);
                err5 += e5.powi(2);
            }
            let deno = err5 + 0.01 * err3;
            let deno = if deno <= 0.0 { 1.0 } else { deno };
            let err = h.abs() * err5 * (1.0 / (n as f64 * deno)).sqrt();
            if !err.is_finite() {
                self.stats.rejected += 1;
                self.log.rejected(Rejection::NonFinite, first_non_finite(&self.y_new));
                self.h = 0.1 * h;
                rejected_last = true;
                continue;
            }
            if err <= 1.0 || self.opt.fixed_step.is_some() {
                // k13 = f(t + h, y_new) goes to slot 12; it is the next step's k1.
                let (_, rest) = self.k.split_at_mut(12 * n);
                system.rhs(self.t + h, &self.y_new, &mut rest[..n]);
                self.stats.rhs_evals += 1;
                check_finite("dop853", system, self.t + h, h, &self.k[12 * n..13 * n])?;
                self.y_prev.copy_from_slice(&self.y);
                self.y.copy_from_slice(&self.y_new);
                self.t_prev = self.t;
                self.t = if lands { t_stop } else { self.t + h };
                self.h_last = h;
                self.dense_ready = false;
                self.fsal_pending = true;
                self.stats.steps += 1;
                self.log.accepted();
                let fac11 = err.max(1e-10).powf(0.125);
                let mut factor = (1.0 / (fac11 / 0.9)).clamp(1.0 / 3.0, 6.0);
                if rejected_last {
                    factor = factor.min(1.0);
                }
                self.err_old = err.max(1e-4);
                self.h = if lands { self.h.max(h * factor) } else { h * factor };
                return Ok(());
            }
            self.stats.rejected += 1;
            self.log.rejected(Rejection::ErrorTest, Some(self.dominant_error(h)));
            self.h = h * (0.9 / err.powf(0.125)).max(1.0 / 3.0);
            rejected_last = true;
        }
    }

    fn prepare_dense<S: OdeSystem>(&mut self, system: &S) {
        if self.dense_ready || self.h_last == 0.0 {
            return;
        }
        let n = self.n;
        let h = self.h_last;
        // The stages of the last step are still in k (slot 12 holds f(t_new, y_new)),
        // but `self.y` is already the new state: rebuild stages from y_prev.
        std::mem::swap(&mut self.y, &mut self.y_prev);
        let t_new = self.t;
        self.t = self.t_prev;
        for i in 0..n {
            let ydiff = self.y_prev[i] - self.y[i];
            let bspl = h * self.kv(0, i) - ydiff;
            self.cont[i] = self.y[i];
            self.cont[n + i] = ydiff;
            self.cont[2 * n + i] = bspl;
            self.cont[3 * n + i] = ydiff - h * self.kv(12, i) - bspl;
            self.cont[4 * n + i] = D41 * self.kv(0, i)
                + D46 * self.kv(5, i)
                + D47 * self.kv(6, i)
                + D48 * self.kv(7, i)
                + D49 * self.kv(8, i)
                + D410 * self.kv(9, i)
                + D411 * self.kv(10, i)
                + D412 * self.kv(11, i);
            self.cont[5 * n + i] = D51 * self.kv(0, i)
                + D56 * self.kv(5, i)
                + D57 * self.kv(6, i)
                + D58 * self.kv(7, i)
                + D59 * self.kv(8, i)
                + D510 * self.kv(9, i)
                + D511 * self.kv(10, i)
                + D512 * self.kv(11, i);
            self.cont[6 * n + i] = D61 * self.kv(0, i)
                + D66 * self.kv(5, i)
                + D67 * self.kv(6, i)
                + D68 * self.kv(7, i)
                + D69 * self.kv(8, i)
                + D610 * self.kv(9, i)
                + D611 * self.kv(10, i)
                + D612 * self.kv(11, i);
            self.cont[7 * n + i] = D71 * self.kv(0, i)
                + D76 * self.kv(5, i)
                + D77 * self.kv(6, i)
                + D78 * self.kv(7, i)
                + D79 * self.kv(8, i)
                + D710 * self.kv(9, i)
                + D711 * self.kv(10, i)
                + D712 * self.kv(11, i);
        }
        // Three more stages (slots 13, 14, 15 = k14, k15, k16; k13 is slot 12).
        self.stage(
            system,
            h,
            C14,
            &[(0, A141), (6, A147), (7, A148), (8, A149), (9, A1410), (10, A1411), (11, A1412), (12, A1413)],
            13,
        );
        self.stage(
            system,
            h,
            C15,
            &[(0, A151), (5, A156), (6, A157), (7, A158), (10, A1511), (11, A1512), (12, A1513), (13, A1514)],
            14,
        );
        self.stage(
            system,
            h,
            C16,
            &[(0, A161), (5, A166), (6, A167), (7, A168), (8, A169), (12, A1613), (13, A1614), (14, A1615)],
            15,
        );
        for i in 0..n {
            let (k13, k14, k15, k16) = (self.kv(12, i), self.kv(13, i), self.kv(14, i), self.kv(15, i));
            self.cont[4 * n + i] = h * (self.cont[4 * n + i] + D413 * k13 + D414 * k14 + D415 * k15 + D416 * k16);
            self.cont[5 * n + i] = h * (self.cont[5 * n + i] + D513 * k13 + D514 * k14 + D515 * k15 + D516 * k16);
            self.cont[6 * n + i] = h * (self.cont[6 * n + i] + D613 * k13 + D614 * k14 + D615 * k15 + D616 * k16);
            self.cont[7 * n + i] = h * (self.cont[7 * n + i] + D713 * k13 + D714 * k14 + D715 * k15 + D716 * k16);
        }
        std::mem::swap(&mut self.y, &mut self.y_prev);
        self.t = t_new;
        self.dense_ready = true;
    }

    fn t(&self) -> f64 {
        self.t
    }

    fn y(&self) -> &[f64] {
        &self.y
    }

    fn t_prev(&self) -> f64 {
        self.t_prev
    }

    fn interpolate(&self, t: f64, out: &mut [f64]) {
        if !self.dense_ready {
            // Without the continuous extension only the end points are known.
            out.copy_from_slice(if t <= self.t_prev { &self.y_prev } else { &self.y });
            return;
        }
        let n = self.n;
        let s = (t - self.t_prev) / self.h_last;
        let s1 = 1.0 - s;
        let c = &self.cont;
        for i in 0..n {
            let tmp = c[4 * n + i] + s * (c[5 * n + i] + s1 * (c[6 * n + i] + s * c[7 * n + i]));
            out[i] = c[i] + s * (c[n + i] + s1 * (c[2 * n + i] + s * (c[3 * n + i] + s1 * tmp)));
        }
    }

    fn stats(&self) -> Stats {
        self.stats
    }
}
