// Kernels of model 'zoo' (fingerprint 0xb6b86dbc5d9f8b60), written by
// sasp::model::compiled::rust_source. Do not edit.
#[allow(clippy::all, clippy::pedantic, unused, non_snake_case)]
pub mod zoo {
    pub fn rhs(y: &[f64], u: &[f64], k: &[f64], dy: &mut [f64]) {
        let y: &[f64; 6] = y.try_into().expect("state length");
        let k: &[f64; 105] = k.try_into().expect("constants");
        let dy: &mut [f64; 6] = dy.try_into().expect("derivative length");
        let _ = u;
        let f0 = { let a = (-0.0); u[0] };
        let f1 = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); a };
        let f2 = { let a = k[3] * y[0]; a / (k[4] + a) };
        let f3 = { let a = k[5] * y[0]; { let an = a.max(0.0).powf(k[7]); an / (k[6] + an) } };
        let f4 = { let a = k[8] * y[1]; k[9] / (k[9] + a.max(0.0).powf(k[10])) };
        let f5 = { let a = (-0.0 + k[11] * y[0] + k[12] * y[1] + k[13] * y[2]); 1.0 - a * k[14] };
        let f6 = { let a = (-0.0 + k[15] * y[0] + k[16] * y[1] + k[17] * y[2]); 1.0 / (a.max(0.0) + k[18]) };
        let f7 = { let a = k[19] * y[1]; k[20] / (k[20] + a.max(0.0).powf(k[21])) };
        let f8 = { let a = k[22] * y[2]; a / (k[23] + a) };
        let f9 = { let a = (-0.0 + k[24] * y[0] + k[25] * y[1] + k[26] * y[2]); a.powi(2) };
        let p0 = y[0] * y[1];
        let p1 = y[0] * y[0];
        let p2 = y[0] * f5;
        let p3 = y[3] * y[4];
        let p4 = y[0] * y[2] * f6;
        let p5 = 1.0 * y[0] * f0 * f6 * f6 * f7 * f8 * f9;
        dy[0] = 0.0 + k[27] * 1.0 + k[28] * f0 + k[29] * y[0] + k[30] * f2 + k[31] * f3 + k[32] * f4 + k[33] * p0 + k[34] * p1 + k[35] * p2 + k[36] * p4;
        dy[1] = 0.0 + k[37] * y[0] + k[38] * f2 + k[39] * p0 + k[40] * p5;
        dy[2] = 0.0 + k[41] * f1 + k[42] * p0 + k[43] * p1 + k[44] * p4;
        dy[3] = 0.0 + k[45] * y[5] + k[46] * p3;
        dy[4] = 0.0 + k[47] * y[5] + k[48] * p3;
        dy[5] = 0.0 + k[49] * y[5] + k[50] * p3;
    }

    pub fn jacobian(y: &[f64], u: &[f64], k: &[f64], out: &mut [f64]) {
        let y: &[f64; 6] = y.try_into().expect("state length");
        let k: &[f64; 105] = k.try_into().expect("constants");
        let out: &mut [f64; 18] = out.try_into().expect("Jacobian length");
        let _ = u;
        let (v0, d0) = { let a = (-0.0); (u[0], 0.0) };
        let (v1, d1) = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); (a, 1.0) };
        let (v2, d2) = { let a = (-0.0 + k[3] * y[0]); { let d = 1.0 / (k[4] + a); (a * d, k[4] * d * d) } };
        let (v3, d3) = { let a = (-0.0 + k[5] * y[0]); { let an = a.max(0.0).powf(k[7]); let d = 1.0 / (k[6] + an); let dan = if a > 0.0 { k[7] * an / a } else if k[7] == 1.0 { 1.0 } else { 0.0 }; (an * d, k[6] * dan * d * d) } };
        let (v4, d4) = { let a = (-0.0 + k[8] * y[1]); { let an = a.max(0.0).powf(k[10]); let d = 1.0 / (k[9] + an); let dan = if a > 0.0 { k[10] * an / a } else if k[10] == 1.0 { 1.0 } else { 0.0 }; (k[9] * d, -k[9] * dan * d * d) } };
        let (v5, d5) = { let a = (-0.0 + k[11] * y[0] + k[12] * y[1] + k[13] * y[2]); (1.0 - a * k[14], -k[14]) };
        let (v6, d6) = { let a = (-0.0 + k[15] * y[0] + k[16] * y[1] + k[17] * y[2]); { let d = 1.0 / (a.max(0.0) + k[18]); (d, if a > 0.0 { -d * d } else { 0.0 }) } };
        let (v7, d7) = { let a = (-0.0 + k[19] * y[1]); { let an = a.max(0.0).powf(k[21]); let d = 1.0 / (k[20] + an); let dan = if a > 0.0 { k[21] * an / a } else if k[21] == 1.0 { 1.0 } else { 0.0 }; (k[20] * d, -k[20] * dan * d * d) } };
        let (v8, d8) = { let a = (-0.0 + k[22] * y[2]); { let d = 1.0 / (k[23] + a); (a * d, k[23] * d * d) } };
        let (v9, d9) = { let a = (-0.0 + k[24] * y[0] + k[25] * y[1] + k[26] * y[2]); (a.powi(2), 2f64 * a.powi(1)) };
        let p0 = y[1] * 1.0;
        let p1 = y[0] * 1.0;
        let p2 = y[0] * 1.0;
        let p3 = v5 * 1.0;
        let p4 = y[0] * d5;
        let p5 = y[4] * 1.0;
        let p6 = y[3] * 1.0;
        let p7 = y[0] * v6 * 1.0;
        let p8 = y[2] * v6 * 1.0;
        let p9 = y[0] * y[2] * d6;
        let p10 = 1.0 * v0 * v6 * v6 * v7 * v8 * v9 * 1.0;
        let p11 = 1.0 * y[0] * v0 * v6 * v6 * v8 * v9 * d7;
        let p12 = 1.0 * y[0] * v0 * v6 * v6 * v7 * v9 * d8;
        let p13 = 1.0 * y[0] * v0 * v6 * v6 * v7 * v8 * d9;
        let p14 = 1.0 * y[0] * v0 * v6 * v7 * v8 * v9 * d6;
        out[0] = 0.0 + k[51] * 1.0 + k[52] * d2 + k[53] * d3 + k[54] * p0 + k[55] * p2 + k[56] * p2 + k[57] * p3 + k[58] * p4 + k[59] * p8 + k[60] * p9;
        out[1] = 0.0 + k[61] * d4 + k[62] * p1 + k[63] * p4 + k[64] * p9;
        out[2] = 0.0 + k[65] * p4 + k[66] * p7 + k[67] * p9;
        out[3] = 0.0 + k[68] * 1.0 + k[69] * d2 + k[70] * p0 + k[71] * p10 + k[72] * p13 + k[73] * p14 + k[74] * p14;
        out[4] = 0.0 + k[75] * p1 + k[76] * p11 + k[77] * p13 + k[78] * p14 + k[79] * p14;
        out[5] = 0.0 + k[80] * p12 + k[81] * p13 + k[82] * p14 + k[83] * p14;
        out[6] = 0.0 + k[84] * d1 + k[85] * p0 + k[86] * p2 + k[87] * p2 + k[88] * p8 + k[89] * p9;
        out[7] = 0.0 + k[90] * d1 + k[91] * p1 + k[92] * p9;
        out[8] = 0.0 + k[93] * d1 + k[94] * p7 + k[95] * p9;
        out[9] = 0.0 + k[96] * p5;
        out[10] = 0.0 + k[97] * p6;
        out[11] = 0.0 + k[98] * 1.0;
        out[12] = 0.0 + k[99] * p5;
        out[13] = 0.0 + k[100] * p6;
        out[14] = 0.0 + k[101] * 1.0;
        out[15] = 0.0 + k[102] * p5;
        out[16] = 0.0 + k[103] * p6;
        out[17] = 0.0 + k[104] * 1.0;
    }

    pub fn lu_factor(jac: &[f64], scale: f64, shift: f64, v: &mut [f64], inv: &mut [f64]) -> Result<(), usize> {
        let jac: &[f64; 18] = jac.try_into().expect("Jacobian length");
        let v: &mut [f64; 18] = v.try_into().expect("factor length");
        let inv: &mut [f64; 6] = inv.try_into().expect("pivot count");
        v[0] = 0.0 + scale * jac[0];
        v[1] = 0.0 + scale * jac[1];
        v[2] = 0.0 + scale * jac[2];
        v[3] = 0.0 + scale * jac[3];
        v[4] = 0.0 + scale * jac[4];
        v[5] = 0.0 + scale * jac[5];
        v[6] = 0.0 + scale * jac[6];
        v[7] = 0.0 + scale * jac[7];
        v[8] = 0.0 + scale * jac[8];
        v[9] = 0.0 + scale * jac[9];
        v[10] = 0.0 + scale * jac[10];
        v[11] = 0.0 + scale * jac[11];
        v[12] = 0.0 + scale * jac[12];
        v[13] = 0.0 + scale * jac[13];
        v[14] = 0.0 + scale * jac[14];
        v[15] = 0.0 + scale * jac[15];
        v[16] = 0.0 + scale * jac[16];
        v[17] = 0.0 + scale * jac[17];
        v[0] = v[0] + shift;
        v[4] = v[4] + shift;
        v[8] = v[8] + shift;
        v[9] = v[9] + shift;
        v[13] = v[13] + shift;
        v[17] = v[17] + shift;
        let row_max = 0.0f64.max(v[0].abs()).max(v[1].abs()).max(v[2].abs());
        let pivot = v[0];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(0); }
        inv[0] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[3].abs()).max(v[4].abs()).max(v[5].abs());
        let l = v[3] * inv[0];
        v[3] = l;
        if l != 0.0 { v[4] = v[4] - l * v[1]; v[5] = v[5] - l * v[2]; }
        let pivot = v[4];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(1); }
        inv[1] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[6].abs()).max(v[7].abs()).max(v[8].abs());
        let l = v[6] * inv[0];
        v[6] = l;
        if l != 0.0 { v[7] = v[7] - l * v[1]; v[8] = v[8] - l * v[2]; }
        let l = v[7] * inv[1];
        v[7] = l;
        if l != 0.0 { v[8] = v[8] - l * v[5]; }
        let pivot = v[8];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(2); }
        inv[2] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[9].abs()).max(v[10].abs()).max(v[11].abs());
        let pivot = v[9];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(3); }
        inv[3] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[12].abs()).max(v[13].abs()).max(v[14].abs());
        let l = v[12] * inv[3];
        v[12] = l;
        if l != 0.0 { v[13] = v[13] - l * v[10]; v[14] = v[14] - l * v[11]; }
        let pivot = v[13];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(4); }
        inv[4] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[15].abs()).max(v[16].abs()).max(v[17].abs());
        let l = v[15] * inv[3];
        v[15] = l;
        if l != 0.0 { v[16] = v[16] - l * v[10]; v[17] = v[17] - l * v[11]; }
        let l = v[16] * inv[4];
        v[16] = l;
        if l != 0.0 { v[17] = v[17] - l * v[14]; }
        let pivot = v[17];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(5); }
        inv[5] = 1.0 / pivot;
        Ok(())
    }

    pub fn lu_solve(v: &[f64], inv: &[f64], b: &mut [f64]) {
        let v: &[f64; 18] = v.try_into().expect("factor length");
        let inv: &[f64; 6] = inv.try_into().expect("pivot count");
        let b: &mut [f64; 6] = b.try_into().expect("right-hand side length");
        let y0 = b[0];
        let y1 = b[1] - v[3] * y0;
        let y2 = b[2] - v[6] * y0 - v[7] * y1;
        let y3 = b[3];
        let y4 = b[4] - v[12] * y3;
        let y5 = b[5] - v[15] * y3 - v[16] * y4;
        let x5 = (y5) * inv[5];
        b[5] = x5;
        let x4 = (y4 - v[14] * x5) * inv[4];
        b[4] = x4;
        let x3 = (y3 - v[10] * x4 - v[11] * x5) * inv[3];
        b[3] = x3;
        let x2 = (y2) * inv[2];
        b[2] = x2;
        let x1 = (y1 - v[5] * x2) * inv[1];
        b[1] = x1;
        let x0 = (y0 - v[1] * x1 - v[2] * x2) * inv[0];
        b[0] = x0;
    }
}

pub static ZOO: sasp::model::compiled::CompiledKernels = sasp::model::compiled::CompiledKernels {
    fingerprint: 0xb6b86dbc5d9f8b60,
    constants: 105,
    rhs: zoo::rhs,
    jacobian: zoo::jacobian,
    lu: sasp::model::compiled::CompiledLu { n: 6, nnz: 18, fingerprint: 0x0876c9753b0f3ea0, factor: zoo::lu_factor, solve: zoo::lu_solve },
};
