// Compiled kernels of the built-in models: the reference model and the
// paper's arms. Written by tests/integration/compiled.rs (SASP_UPDATE_KERNELS=1
// cargo test --release --test integration -- compiled::); do not edit.

// Kernels of model 'iannello2013' (fingerprint 0x8cc63ac50b723309), written by
// crate::model::compiled::rust_source. Do not edit.
#[allow(clippy::all, clippy::pedantic, unused, non_snake_case)]
pub mod iannello2013 {
    pub fn rhs(y: &[f64], u: &[f64], k: &[f64], dy: &mut [f64]) {
        let y: &[f64; 13] = y.try_into().expect("state length");
        let k: &[f64; 276] = k.try_into().expect("constants");
        let dy: &mut [f64; 13] = dy.try_into().expect("derivative length");
        let _ = u;
        let f0 = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); 1.0 - a * k[3] };
        let f1 = { let a = (-0.0); u[0] };
        let f2 = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); 1.0 / (a.max(0.0) + k[7]) };
        let f3 = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); a };
        let f4 = { let a = k[11] * y[4]; a / (k[12] + a) };
        let f5 = { let a = k[13] * y[5]; a / (k[14] + a) };
        let f6 = { let a = k[15] * y[6]; a / (k[16] + a) };
        let f7 = { let a = k[17] * y[7]; a / (k[18] + a) };
        let f8 = { let a = k[19] * y[9]; a / (k[20] + a) };
        let f9 = { let a = k[21] * y[8]; a / (k[22] + a) };
        let p0 = y[0] * f0;
        let p1 = y[1] * f0;
        let p2 = y[0] * y[3];
        let p3 = y[2] * f2;
        let p4 = y[0] * f2;
        let p5 = y[1] * f2;
        let p6 = f3 * f4;
        let p7 = f3 * f5;
        let p8 = f3 * f6;
        let p9 = f3 * f7;
        let p10 = y[10] * f8;
        let p11 = f3 * f9;
        let p12 = y[0] * y[11] * f2;
        let p13 = y[1] * y[11] * f2;
        let p14 = y[2] * y[11] * f2;
        let p15 = y[2] * y[12] * f2;
        dy[0] = 0.0 + k[23] * p0 + k[24] * p2 + k[25] * p12 + k[26] * p12;
        dy[1] = 0.0 + k[27] * p1 + k[28] * p13 + k[29] * p13;
        dy[2] = 0.0 + k[30] * p2 + k[31] * p14 + k[32] * p14 + k[33] * p15;
        dy[3] = 0.0 + k[34] * f1 + k[35] * y[3];
        dy[4] = 0.0 + k[36] * y[4] + k[37] * p3 + k[38] * p4 + k[39] * p5;
        dy[5] = 0.0 + k[40] * y[5] + k[41] * p3 + k[42] * p4 + k[43] * p5;
        dy[6] = 0.0 + k[44] * y[6] + k[45] * p3 + k[46] * p4 + k[47] * p5;
        dy[7] = 0.0 + k[48] * y[7] + k[49] * p3 + k[50] * p4 + k[51] * p5;
        dy[8] = 0.0 + k[52] * y[8] + k[53] * p3 + k[54] * p4 + k[55] * p5;
        dy[9] = 0.0 + k[56] * y[9] + k[57] * p3 + k[58] * p4 + k[59] * p5;
        dy[10] = 0.0 + k[60] * f3 + k[61] * y[10] + k[62] * y[10] + k[63] * p6 + k[64] * p7 + k[65] * p8 + k[66] * p9 + k[67] * p10;
        dy[11] = 0.0 + k[68] * y[10] + k[69] * y[11] + k[70] * p10 + k[71] * p12 + k[72] * p12 + k[73] * p13 + k[74] * p13 + k[75] * p14 + k[76] * p14;
        dy[12] = 0.0 + k[77] * f3 + k[78] * y[12] + k[79] * p6 + k[80] * p11;
    }

    pub fn jacobian(y: &[f64], u: &[f64], k: &[f64], out: &mut [f64]) {
        let y: &[f64; 13] = y.try_into().expect("state length");
        let k: &[f64; 276] = k.try_into().expect("constants");
        let out: &mut [f64; 61] = out.try_into().expect("Jacobian length");
        let _ = u;
        let (v0, d0) = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); (1.0 - a * k[3], -k[3]) };
        let (v1, d1) = { let a = (-0.0); (u[0], 0.0) };
        let (v2, d2) = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); { let d = 1.0 / (a.max(0.0) + k[7]); (d, if a > 0.0 { -d * d } else { 0.0 }) } };
        let (v3, d3) = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); (a, 1.0) };
        let (v4, d4) = { let a = (-0.0 + k[11] * y[4]); { let d = 1.0 / (k[12] + a); (a * d, k[12] * d * d) } };
        let (v5, d5) = { let a = (-0.0 + k[13] * y[5]); { let d = 1.0 / (k[14] + a); (a * d, k[14] * d * d) } };
        let (v6, d6) = { let a = (-0.0 + k[15] * y[6]); { let d = 1.0 / (k[16] + a); (a * d, k[16] * d * d) } };
        let (v7, d7) = { let a = (-0.0 + k[17] * y[7]); { let d = 1.0 / (k[18] + a); (a * d, k[18] * d * d) } };
        let (v8, d8) = { let a = (-0.0 + k[19] * y[9]); { let d = 1.0 / (k[20] + a); (a * d, k[20] * d * d) } };
        let (v9, d9) = { let a = (-0.0 + k[21] * y[8]); { let d = 1.0 / (k[22] + a); (a * d, k[22] * d * d) } };
        let p0 = v0 * 1.0;
        let p1 = y[0] * d0;
        let p2 = v0 * 1.0;
        let p3 = y[1] * d0;
        let p4 = y[0] * 1.0;
        let p5 = y[3] * 1.0;
        let p6 = v2 * 1.0;
        let p7 = y[2] * d2;
        let p8 = v2 * 1.0;
        let p9 = y[0] * d2;
        let p10 = v2 * 1.0;
        let p11 = y[1] * d2;
        let p12 = v3 * d4;
        let p13 = v4 * d3;
        let p14 = v3 * d5;
        let p15 = v5 * d3;
        let p16 = v3 * d6;
        let p17 = v6 * d3;
        let p18 = v3 * d7;
        let p19 = v7 * d3;
        let p20 = y[10] * d8;
        let p21 = v8 * 1.0;
        let p22 = v3 * d9;
        let p23 = v9 * d3;
        let p24 = y[0] * v2 * 1.0;
        let p25 = y[11] * v2 * 1.0;
        let p26 = y[0] * y[11] * d2;
        let p27 = y[1] * v2 * 1.0;
        let p28 = y[11] * v2 * 1.0;
        let p29 = y[1] * y[11] * d2;
        let p30 = y[2] * v2 * 1.0;
        let p31 = y[11] * v2 * 1.0;
        let p32 = y[2] * y[11] * d2;
        let p33 = y[2] * v2 * 1.0;
        let p34 = y[12] * v2 * 1.0;
        let p35 = y[2] * y[12] * d2;
        out[0] = 0.0 + k[81] * p0 + k[82] * p1 + k[83] * p5 + k[84] * p25 + k[85] * p26 + k[86] * p25 + k[87] * p26;
        out[1] = 0.0 + k[88] * p1 + k[89] * p26 + k[90] * p26;
        out[2] = 0.0 + k[91] * p1 + k[92] * p26 + k[93] * p26;
        out[3] = 0.0 + k[94] * p4;
        out[4] = 0.0 + k[95] * p24 + k[96] * p24;
        out[5] = 0.0 + k[97] * p3 + k[98] * p29 + k[99] * p29;
        out[6] = 0.0 + k[100] * p2 + k[101] * p3 + k[102] * p28 + k[103] * p29 + k[104] * p28 + k[105] * p29;
        out[7] = 0.0 + k[106] * p3 + k[107] * p29 + k[108] * p29;
        out[8] = 0.0 + k[109] * p27 + k[110] * p27;
        out[9] = 0.0 + k[111] * p5 + k[112] * p32 + k[113] * p32 + k[114] * p35;
        out[10] = 0.0 + k[115] * p32 + k[116] * p32 + k[117] * p35;
        out[11] = 0.0 + k[118] * p31 + k[119] * p32 + k[120] * p31 + k[121] * p32 + k[122] * p34 + k[123] * p35;
        out[12] = 0.0 + k[124] * p4;
        out[13] = 0.0 + k[125] * p30 + k[126] * p30;
        out[14] = 0.0 + k[127] * p33;
        out[15] = 0.0 + k[128] * 1.0;
        out[16] = 0.0 + k[129] * p7 + k[130] * p8 + k[131] * p9 + k[132] * p11;
        out[17] = 0.0 + k[133] * p7 + k[134] * p9 + k[135] * p10 + k[136] * p11;
        out[18] = 0.0 + k[137] * p6 + k[138] * p7 + k[139] * p9 + k[140] * p11;
        out[19] = 0.0 + k[141] * 1.0;
        out[20] = 0.0 + k[142] * p7 + k[143] * p8 + k[144] * p9 + k[145] * p11;
        out[21] = 0.0 + k[146] * p7 + k[147] * p9 + k[148] * p10 + k[149] * p11;
        out[22] = 0.0 + k[150] * p6 + k[151] * p7 + k[152] * p9 + k[153] * p11;
        out[23] = 0.0 + k[154] * 1.0;
        out[24] = 0.0 + k[155] * p7 + k[156] * p8 + k[157] * p9 + k[158] * p11;
        out[25] = 0.0 + k[159] * p7 + k[160] * p9 + k[161] * p10 + k[162] * p11;
        out[26] = 0.0 + k[163] * p6 + k[164] * p7 + k[165] * p9 + k[166] * p11;
        out[27] = 0.0 + k[167] * 1.0;
        out[28] = 0.0 + k[168] * p7 + k[169] * p8 + k[170] * p9 + k[171] * p11;
        out[29] = 0.0 + k[172] * p7 + k[173] * p9 + k[174] * p10 + k[175] * p11;
        out[30] = 0.0 + k[176] * p6 + k[177] * p7 + k[178] * p9 + k[179] * p11;
        out[31] = 0.0 + k[180] * 1.0;
        out[32] = 0.0 + k[181] * p7 + k[182] * p8 + k[183] * p9 + k[184] * p11;
        out[33] = 0.0 + k[185] * p7 + k[186] * p9 + k[187] * p10 + k[188] * p11;
        out[34] = 0.0 + k[189] * p6 + k[190] * p7 + k[191] * p9 + k[192] * p11;
        out[35] = 0.0 + k[193] * 1.0;
        out[36] = 0.0 + k[194] * p7 + k[195] * p8 + k[196] * p9 + k[197] * p11;
        out[37] = 0.0 + k[198] * p7 + k[199] * p9 + k[200] * p10 + k[201] * p11;
        out[38] = 0.0 + k[202] * p6 + k[203] * p7 + k[204] * p9 + k[205] * p11;
        out[39] = 0.0 + k[206] * 1.0;
        out[40] = 0.0 + k[207] * d3 + k[208] * p13 + k[209] * p15 + k[210] * p17 + k[211] * p19;
        out[41] = 0.0 + k[212] * d3 + k[213] * p13 + k[214] * p15 + k[215] * p17 + k[216] * p19;
        out[42] = 0.0 + k[217] * d3 + k[218] * p13 + k[219] * p15 + k[220] * p17 + k[221] * p19;
        out[43] = 0.0 + k[222] * p12;
        out[44] = 0.0 + k[223] * p14;
        out[45] = 0.0 + k[224] * p16;
        out[46] = 0.0 + k[225] * p18;
        out[47] = 0.0 + k[226] * p20;
        out[48] = 0.0 + k[227] * 1.0 + k[228] * 1.0 + k[229] * p21;
        out[49] = 0.0 + k[230] * p25 + k[231] * p26 + k[232] * p25 + k[233] * p26 + k[234] * p29 + k[235] * p29 + k[236] * p32 + k[237] * p32;
        out[50] = 0.0 + k[238] * p26 + k[239] * p26 + k[240] * p28 + k[241] * p29 + k[242] * p28 + k[243] * p29 + k[244] * p32 + k[245] * p32;
        out[51] = 0.0 + k[246] * p26 + k[247] * p26 + k[248] * p29 + k[249] * p29 + k[250] * p31 + k[251] * p32 + k[252] * p31 + k[253] * p32;
        out[52] = 0.0 + k[254] * p20;
        out[53] = 0.0 + k[255] * 1.0 + k[256] * p21;
        out[54] = 0.0 + k[257] * 1.0 + k[258] * p24 + k[259] * p24 + k[260] * p27 + k[261] * p27 + k[262] * p30 + k[263] * p30;
        out[55] = 0.0 + k[264] * d3 + k[265] * p13 + k[266] * p23;
        out[56] = 0.0 + k[267] * d3 + k[268] * p13 + k[269] * p23;
        out[57] = 0.0 + k[270] * d3 + k[271] * p13 + k[272] * p23;
        out[58] = 0.0 + k[273] * p12;
        out[59] = 0.0 + k[274] * p22;
        out[60] = 0.0 + k[275] * 1.0;
    }

    pub fn lu_factor(jac: &[f64], scale: f64, shift: f64, v: &mut [f64], inv: &mut [f64]) -> Result<(), usize> {
        let jac: &[f64; 61] = jac.try_into().expect("Jacobian length");
        let v: &mut [f64; 64] = v.try_into().expect("factor length");
        let inv: &mut [f64; 13] = inv.try_into().expect("pivot count");
        v[0] = 0.0 + scale * jac[15];
        v[1] = 0.0 + scale * jac[23];
        v[2] = 0.0 + scale * jac[20];
        v[3] = 0.0 + scale * jac[21];
        v[4] = 0.0 + scale * jac[22];
        v[5] = 0.0 + scale * jac[27];
        v[6] = 0.0 + scale * jac[24];
        v[7] = 0.0 + scale * jac[25];
        v[8] = 0.0 + scale * jac[26];
        v[9] = 0.0 + scale * jac[31];
        v[10] = 0.0 + scale * jac[28];
        v[11] = 0.0 + scale * jac[29];
        v[12] = 0.0 + scale * jac[30];
        v[13] = 0.0 + scale * jac[35];
        v[14] = 0.0 + scale * jac[32];
        v[15] = 0.0 + scale * jac[33];
        v[16] = 0.0 + scale * jac[34];
        v[17] = 0.0 + scale * jac[59];
        v[18] = 0.0 + scale * jac[60];
        v[19] = 0.0 + scale * jac[58];
        v[20] = 0.0 + scale * jac[55];
        v[21] = 0.0 + scale * jac[56];
        v[22] = 0.0 + scale * jac[57];
        v[23] = 0.0 + scale * jac[19];
        v[24] = 0.0 + scale * jac[16];
        v[25] = 0.0 + scale * jac[17];
        v[26] = 0.0 + scale * jac[18];
        v[27] = 0.0 + scale * jac[3];
        v[28] = 0.0 + scale * jac[0];
        v[29] = 0.0 + scale * jac[1];
        v[30] = 0.0 + scale * jac[2];
        v[31] = 0.0 + scale * jac[4];
        v[32] = 0.0 + scale * jac[5];
        v[33] = 0.0 + scale * jac[6];
        v[34] = 0.0 + scale * jac[7];
        v[35] = 0.0 + scale * jac[8];
        v[36] = 0.0 + scale * jac[12];
        v[37] = 0.0 + scale * jac[14];
        v[38] = 0.0;
        v[39] = 0.0 + scale * jac[9];
        v[40] = 0.0 + scale * jac[10];
        v[41] = 0.0 + scale * jac[11];
        v[42] = 0.0 + scale * jac[13];
        v[43] = 0.0 + scale * jac[36];
        v[44] = 0.0 + scale * jac[37];
        v[45] = 0.0 + scale * jac[38];
        v[46] = 0.0 + scale * jac[39];
        v[47] = 0.0;
        v[48] = 0.0 + scale * jac[44];
        v[49] = 0.0 + scale * jac[45];
        v[50] = 0.0 + scale * jac[46];
        v[51] = 0.0 + scale * jac[43];
        v[52] = 0.0 + scale * jac[40];
        v[53] = 0.0 + scale * jac[41];
        v[54] = 0.0 + scale * jac[42];
        v[55] = 0.0 + scale * jac[47];
        v[56] = 0.0 + scale * jac[48];
        v[57] = 0.0;
        v[58] = 0.0 + scale * jac[49];
        v[59] = 0.0 + scale * jac[50];
        v[60] = 0.0 + scale * jac[51];
        v[61] = 0.0 + scale * jac[52];
        v[62] = 0.0 + scale * jac[53];
        v[63] = 0.0 + scale * jac[54];
        v[0] = v[0] + shift;
        v[1] = v[1] + shift;
        v[5] = v[5] + shift;
        v[9] = v[9] + shift;
        v[13] = v[13] + shift;
        v[18] = v[18] + shift;
        v[23] = v[23] + shift;
        v[28] = v[28] + shift;
        v[33] = v[33] + shift;
        v[41] = v[41] + shift;
        v[46] = v[46] + shift;
        v[56] = v[56] + shift;
        v[63] = v[63] + shift;
        let row_max = 0.0f64.max(v[0].abs());
        let pivot = v[0];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(0); }
        inv[0] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[1].abs()).max(v[2].abs()).max(v[3].abs()).max(v[4].abs());
        let pivot = v[1];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(1); }
        inv[1] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[5].abs()).max(v[6].abs()).max(v[7].abs()).max(v[8].abs());
        let pivot = v[5];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(2); }
        inv[2] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[9].abs()).max(v[10].abs()).max(v[11].abs()).max(v[12].abs());
        let pivot = v[9];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(3); }
        inv[3] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[13].abs()).max(v[14].abs()).max(v[15].abs()).max(v[16].abs());
        let pivot = v[13];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(4); }
        inv[4] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[17].abs()).max(v[18].abs()).max(v[19].abs()).max(v[20].abs()).max(v[21].abs()).max(v[22].abs());
        let l = v[17] * inv[4];
        v[17] = l;
        if l != 0.0 { v[20] = v[20] - l * v[14]; v[21] = v[21] - l * v[15]; v[22] = v[22] - l * v[16]; }
        let pivot = v[18];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(5); }
        inv[5] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[23].abs()).max(v[24].abs()).max(v[25].abs()).max(v[26].abs());
        let pivot = v[23];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(6); }
        inv[6] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[27].abs()).max(v[28].abs()).max(v[29].abs()).max(v[30].abs()).max(v[31].abs());
        let l = v[27] * inv[0];
        v[27] = l;
        let pivot = v[28];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(7); }
        inv[7] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[32].abs()).max(v[33].abs()).max(v[34].abs()).max(v[35].abs());
        let l = v[32] * inv[7];
        v[32] = l;
        if l != 0.0 { v[33] = v[33] - l * v[29]; v[34] = v[34] - l * v[30]; v[35] = v[35] - l * v[31]; }
        let pivot = v[33];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(8); }
        inv[8] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[36].abs()).max(v[37].abs()).max(v[38].abs()).max(v[39].abs()).max(v[40].abs()).max(v[41].abs()).max(v[42].abs());
        let l = v[36] * inv[0];
        v[36] = l;
        let l = v[37] * inv[5];
        v[37] = l;
        if l != 0.0 { v[38] = v[38] - l * v[19]; v[39] = v[39] - l * v[20]; v[40] = v[40] - l * v[21]; v[41] = v[41] - l * v[22]; }
        let l = v[38] * inv[6];
        v[38] = l;
        if l != 0.0 { v[39] = v[39] - l * v[24]; v[40] = v[40] - l * v[25]; v[41] = v[41] - l * v[26]; }
        let l = v[39] * inv[7];
        v[39] = l;
        if l != 0.0 { v[40] = v[40] - l * v[29]; v[41] = v[41] - l * v[30]; v[42] = v[42] - l * v[31]; }
        let l = v[40] * inv[8];
        v[40] = l;
        if l != 0.0 { v[41] = v[41] - l * v[34]; v[42] = v[42] - l * v[35]; }
        let pivot = v[41];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(9); }
        inv[9] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[43].abs()).max(v[44].abs()).max(v[45].abs()).max(v[46].abs()).max(v[47].abs());
        let l = v[43] * inv[7];
        v[43] = l;
        if l != 0.0 { v[44] = v[44] - l * v[29]; v[45] = v[45] - l * v[30]; v[47] = v[47] - l * v[31]; }
        let l = v[44] * inv[8];
        v[44] = l;
        if l != 0.0 { v[45] = v[45] - l * v[34]; v[47] = v[47] - l * v[35]; }
        let l = v[45] * inv[9];
        v[45] = l;
        if l != 0.0 { v[47] = v[47] - l * v[42]; }
        let pivot = v[46];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(10); }
        inv[10] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[48].abs()).max(v[49].abs()).max(v[50].abs()).max(v[51].abs()).max(v[52].abs()).max(v[53].abs()).max(v[54].abs()).max(v[55].abs()).max(v[56].abs()).max(v[57].abs());
        let l = v[48] * inv[1];
        v[48] = l;
        if l != 0.0 { v[52] = v[52] - l * v[2]; v[53] = v[53] - l * v[3]; v[54] = v[54] - l * v[4]; }
        let l = v[49] * inv[2];
        v[49] = l;
        if l != 0.0 { v[52] = v[52] - l * v[6]; v[53] = v[53] - l * v[7]; v[54] = v[54] - l * v[8]; }
        let l = v[50] * inv[3];
        v[50] = l;
        if l != 0.0 { v[52] = v[52] - l * v[10]; v[53] = v[53] - l * v[11]; v[54] = v[54] - l * v[12]; }
        let l = v[51] * inv[6];
        v[51] = l;
        if l != 0.0 { v[52] = v[52] - l * v[24]; v[53] = v[53] - l * v[25]; v[54] = v[54] - l * v[26]; }
        let l = v[52] * inv[7];
        v[52] = l;
        if l != 0.0 { v[53] = v[53] - l * v[29]; v[54] = v[54] - l * v[30]; v[57] = v[57] - l * v[31]; }
        let l = v[53] * inv[8];
        v[53] = l;
        if l != 0.0 { v[54] = v[54] - l * v[34]; v[57] = v[57] - l * v[35]; }
        let l = v[54] * inv[9];
        v[54] = l;
        if l != 0.0 { v[57] = v[57] - l * v[42]; }
        let l = v[55] * inv[10];
        v[55] = l;
        if l != 0.0 { v[57] = v[57] - l * v[47]; }
        let pivot = v[56];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(11); }
        inv[11] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[58].abs()).max(v[59].abs()).max(v[60].abs()).max(v[61].abs()).max(v[62].abs()).max(v[63].abs());
        let l = v[58] * inv[7];
        v[58] = l;
        if l != 0.0 { v[59] = v[59] - l * v[29]; v[60] = v[60] - l * v[30]; v[63] = v[63] - l * v[31]; }
        let l = v[59] * inv[8];
        v[59] = l;
        if l != 0.0 { v[60] = v[60] - l * v[34]; v[63] = v[63] - l * v[35]; }
        let l = v[60] * inv[9];
        v[60] = l;
        if l != 0.0 { v[63] = v[63] - l * v[42]; }
        let l = v[61] * inv[10];
        v[61] = l;
        if l != 0.0 { v[63] = v[63] - l * v[47]; }
        let l = v[62] * inv[11];
        v[62] = l;
        if l != 0.0 { v[63] = v[63] - l * v[57]; }
        let pivot = v[63];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(12); }
        inv[12] = 1.0 / pivot;
        Ok(())
    }

    pub fn lu_solve(v: &[f64], inv: &[f64], b: &mut [f64]) {
        let v: &[f64; 64] = v.try_into().expect("factor length");
        let inv: &[f64; 13] = inv.try_into().expect("pivot count");
        let b: &mut [f64; 13] = b.try_into().expect("right-hand side length");
        let y0 = b[3];
        let y1 = b[5];
        let y2 = b[6];
        let y3 = b[7];
        let y4 = b[8];
        let y5 = b[12] - v[17] * y4;
        let y6 = b[4];
        let y7 = b[0] - v[27] * y0;
        let y8 = b[1] - v[32] * y7;
        let y9 = b[2] - v[36] * y0 - v[37] * y5 - v[38] * y6 - v[39] * y7 - v[40] * y8;
        let y10 = b[9] - v[43] * y7 - v[44] * y8 - v[45] * y9;
        let y11 = b[10] - v[48] * y1 - v[49] * y2 - v[50] * y3 - v[51] * y6 - v[52] * y7 - v[53] * y8 - v[54] * y9 - v[55] * y10;
        let y12 = b[11] - v[58] * y7 - v[59] * y8 - v[60] * y9 - v[61] * y10 - v[62] * y11;
        let x12 = (y12) * inv[12];
        b[11] = x12;
        let x11 = (y11 - v[57] * x12) * inv[11];
        b[10] = x11;
        let x10 = (y10 - v[47] * x12) * inv[10];
        b[9] = x10;
        let x9 = (y9 - v[42] * x12) * inv[9];
        b[2] = x9;
        let x8 = (y8 - v[34] * x9 - v[35] * x12) * inv[8];
        b[1] = x8;
        let x7 = (y7 - v[29] * x8 - v[30] * x9 - v[31] * x12) * inv[7];
        b[0] = x7;
        let x6 = (y6 - v[24] * x7 - v[25] * x8 - v[26] * x9) * inv[6];
        b[4] = x6;
        let x5 = (y5 - v[19] * x6 - v[20] * x7 - v[21] * x8 - v[22] * x9) * inv[5];
        b[12] = x5;
        let x4 = (y4 - v[14] * x7 - v[15] * x8 - v[16] * x9) * inv[4];
        b[8] = x4;
        let x3 = (y3 - v[10] * x7 - v[11] * x8 - v[12] * x9) * inv[3];
        b[7] = x3;
        let x2 = (y2 - v[6] * x7 - v[7] * x8 - v[8] * x9) * inv[2];
        b[6] = x2;
        let x1 = (y1 - v[2] * x7 - v[3] * x8 - v[4] * x9) * inv[1];
        b[5] = x1;
        let x0 = (y0) * inv[0];
        b[3] = x0;
    }
}

pub static IANNELLO2013: crate::model::compiled::CompiledKernels = crate::model::compiled::CompiledKernels {
    fingerprint: 0x8cc63ac50b723309,
    constants: 276,
    rhs: iannello2013::rhs,
    jacobian: iannello2013::jacobian,
    lu: crate::model::compiled::CompiledLu { n: 13, nnz: 64, fingerprint: 0x12bc10137fc6a10c, factor: iannello2013::lu_factor, solve: iannello2013::lu_solve },
};

// Kernels of model 'iannello2013' (fingerprint 0x9be9445e897d48f2), written by
// crate::model::compiled::rust_source. Do not edit.
#[allow(clippy::all, clippy::pedantic, unused, non_snake_case)]
pub mod arm_control {
    pub fn rhs(y: &[f64], u: &[f64], k: &[f64], dy: &mut [f64]) {
        let y: &[f64; 16] = y.try_into().expect("state length");
        let k: &[f64; 286] = k.try_into().expect("constants");
        let dy: &mut [f64; 16] = dy.try_into().expect("derivative length");
        let _ = u;
        let f0 = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); 1.0 - a * k[3] };
        let f1 = { let a = (-0.0); u[0] };
        let f2 = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); 1.0 / (a.max(0.0) + k[7]) };
        let f3 = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); a };
        let f4 = { let a = k[11] * y[4]; a / (k[12] + a) };
        let f5 = { let a = k[13] * y[5]; a / (k[14] + a) };
        let f6 = { let a = k[15] * y[6]; a / (k[16] + a) };
        let f7 = { let a = k[17] * y[7]; a / (k[18] + a) };
        let f8 = { let a = k[19] * y[9]; a / (k[20] + a) };
        let f9 = { let a = k[21] * y[8]; a / (k[22] + a) };
        let p0 = y[0] * f0;
        let p1 = y[1] * f0;
        let p2 = y[0] * y[3];
        let p3 = y[2] * f2;
        let p4 = y[0] * f2;
        let p5 = y[1] * f2;
        let p6 = f3 * f4;
        let p7 = f3 * f5;
        let p8 = f3 * f6;
        let p9 = f3 * f7;
        let p10 = y[10] * f8;
        let p11 = f3 * f9;
        let p12 = y[0] * y[11] * f2;
        let p13 = y[1] * y[11] * f2;
        let p14 = y[2] * y[11] * f2;
        let p15 = y[2] * y[12] * f2;
        dy[0] = 0.0 + k[23] * p0 + k[24] * p2 + k[25] * p12 + k[26] * p12;
        dy[1] = 0.0 + k[27] * p1 + k[28] * p13 + k[29] * p13;
        dy[2] = 0.0 + k[30] * p2 + k[31] * p14 + k[32] * p14 + k[33] * p15;
        dy[3] = 0.0 + k[34] * f1 + k[35] * y[3];
        dy[4] = 0.0 + k[36] * y[4] + k[37] * p3 + k[38] * p4 + k[39] * p5;
        dy[5] = 0.0 + k[40] * y[5] + k[41] * p3 + k[42] * p4 + k[43] * p5;
        dy[6] = 0.0 + k[44] * y[6] + k[45] * p3 + k[46] * p4 + k[47] * p5;
        dy[7] = 0.0 + k[48] * y[7] + k[49] * p3 + k[50] * p4 + k[51] * p5;
        dy[8] = 0.0 + k[52] * y[8] + k[53] * p3 + k[54] * p4 + k[55] * p5;
        dy[9] = 0.0 + k[56] * y[9] + k[57] * p3 + k[58] * p4 + k[59] * p5;
        dy[10] = 0.0 + k[60] * f3 + k[61] * y[10] + k[62] * y[10] + k[63] * p6 + k[64] * p7 + k[65] * p8 + k[66] * p9 + k[67] * p10;
        dy[11] = 0.0 + k[68] * y[10] + k[69] * y[11] + k[70] * p10 + k[71] * p12 + k[72] * p12 + k[73] * p13 + k[74] * p13 + k[75] * p14 + k[76] * p14;
        dy[12] = 0.0 + k[77] * f3 + k[78] * y[12] + k[79] * p6 + k[80] * p11;
        dy[13] = 0.0 + k[81] * y[13];
        dy[14] = 0.0 + k[82] * y[13] + k[83] * y[14];
        dy[15] = 0.0 + k[84] * y[14] + k[85] * y[15];
    }

    pub fn jacobian(y: &[f64], u: &[f64], k: &[f64], out: &mut [f64]) {
        let y: &[f64; 16] = y.try_into().expect("state length");
        let k: &[f64; 286] = k.try_into().expect("constants");
        let out: &mut [f64; 66] = out.try_into().expect("Jacobian length");
        let _ = u;
        let (v0, d0) = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); (1.0 - a * k[3], -k[3]) };
        let (v1, d1) = { let a = (-0.0); (u[0], 0.0) };
        let (v2, d2) = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); { let d = 1.0 / (a.max(0.0) + k[7]); (d, if a > 0.0 { -d * d } else { 0.0 }) } };
        let (v3, d3) = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); (a, 1.0) };
        let (v4, d4) = { let a = (-0.0 + k[11] * y[4]); { let d = 1.0 / (k[12] + a); (a * d, k[12] * d * d) } };
        let (v5, d5) = { let a = (-0.0 + k[13] * y[5]); { let d = 1.0 / (k[14] + a); (a * d, k[14] * d * d) } };
        let (v6, d6) = { let a = (-0.0 + k[15] * y[6]); { let d = 1.0 / (k[16] + a); (a * d, k[16] * d * d) } };
        let (v7, d7) = { let a = (-0.0 + k[17] * y[7]); { let d = 1.0 / (k[18] + a); (a * d, k[18] * d * d) } };
        let (v8, d8) = { let a = (-0.0 + k[19] * y[9]); { let d = 1.0 / (k[20] + a); (a * d, k[20] * d * d) } };
        let (v9, d9) = { let a = (-0.0 + k[21] * y[8]); { let d = 1.0 / (k[22] + a); (a * d, k[22] * d * d) } };
        let p0 = v0 * 1.0;
        let p1 = y[0] * d0;
        let p2 = v0 * 1.0;
        let p3 = y[1] * d0;
        let p4 = y[0] * 1.0;
        let p5 = y[3] * 1.0;
        let p6 = v2 * 1.0;
        let p7 = y[2] * d2;
        let p8 = v2 * 1.0;
        let p9 = y[0] * d2;
        let p10 = v2 * 1.0;
        let p11 = y[1] * d2;
        let p12 = v3 * d4;
        let p13 = v4 * d3;
        let p14 = v3 * d5;
        let p15 = v5 * d3;
        let p16 = v3 * d6;
        let p17 = v6 * d3;
        let p18 = v3 * d7;
        let p19 = v7 * d3;
        let p20 = y[10] * d8;
        let p21 = v8 * 1.0;
        let p22 = v3 * d9;
        let p23 = v9 * d3;
        let p24 = y[0] * v2 * 1.0;
        let p25 = y[11] * v2 * 1.0;
        let p26 = y[0] * y[11] * d2;
        let p27 = y[1] * v2 * 1.0;
        let p28 = y[11] * v2 * 1.0;
        let p29 = y[1] * y[11] * d2;
        let p30 = y[2] * v2 * 1.0;
        let p31 = y[11] * v2 * 1.0;
        let p32 = y[2] * y[11] * d2;
        let p33 = y[2] * v2 * 1.0;
        let p34 = y[12] * v2 * 1.0;
        let p35 = y[2] * y[12] * d2;
        out[0] = 0.0 + k[86] * p0 + k[87] * p1 + k[88] * p5 + k[89] * p25 + k[90] * p26 + k[91] * p25 + k[92] * p26;
        out[1] = 0.0 + k[93] * p1 + k[94] * p26 + k[95] * p26;
        out[2] = 0.0 + k[96] * p1 + k[97] * p26 + k[98] * p26;
        out[3] = 0.0 + k[99] * p4;
        out[4] = 0.0 + k[100] * p24 + k[101] * p24;
        out[5] = 0.0 + k[102] * p3 + k[103] * p29 + k[104] * p29;
        out[6] = 0.0 + k[105] * p2 + k[106] * p3 + k[107] * p28 + k[108] * p29 + k[109] * p28 + k[110] * p29;
        out[7] = 0.0 + k[111] * p3 + k[112] * p29 + k[113] * p29;
        out[8] = 0.0 + k[114] * p27 + k[115] * p27;
        out[9] = 0.0 + k[116] * p5 + k[117] * p32 + k[118] * p32 + k[119] * p35;
        out[10] = 0.0 + k[120] * p32 + k[121] * p32 + k[122] * p35;
        out[11] = 0.0 + k[123] * p31 + k[124] * p32 + k[125] * p31 + k[126] * p32 + k[127] * p34 + k[128] * p35;
        out[12] = 0.0 + k[129] * p4;
        out[13] = 0.0 + k[130] * p30 + k[131] * p30;
        out[14] = 0.0 + k[132] * p33;
        out[15] = 0.0 + k[133] * 1.0;
        out[16] = 0.0 + k[134] * p7 + k[135] * p8 + k[136] * p9 + k[137] * p11;
        out[17] = 0.0 + k[138] * p7 + k[139] * p9 + k[140] * p10 + k[141] * p11;
        out[18] = 0.0 + k[142] * p6 + k[143] * p7 + k[144] * p9 + k[145] * p11;
        out[19] = 0.0 + k[146] * 1.0;
        out[20] = 0.0 + k[147] * p7 + k[148] * p8 + k[149] * p9 + k[150] * p11;
        out[21] = 0.0 + k[151] * p7 + k[152] * p9 + k[153] * p10 + k[154] * p11;
        out[22] = 0.0 + k[155] * p6 + k[156] * p7 + k[157] * p9 + k[158] * p11;
        out[23] = 0.0 + k[159] * 1.0;
        out[24] = 0.0 + k[160] * p7 + k[161] * p8 + k[162] * p9 + k[163] * p11;
        out[25] = 0.0 + k[164] * p7 + k[165] * p9 + k[166] * p10 + k[167] * p11;
        out[26] = 0.0 + k[168] * p6 + k[169] * p7 + k[170] * p9 + k[171] * p11;
        out[27] = 0.0 + k[172] * 1.0;
        out[28] = 0.0 + k[173] * p7 + k[174] * p8 + k[175] * p9 + k[176] * p11;
        out[29] = 0.0 + k[177] * p7 + k[178] * p9 + k[179] * p10 + k[180] * p11;
        out[30] = 0.0 + k[181] * p6 + k[182] * p7 + k[183] * p9 + k[184] * p11;
        out[31] = 0.0 + k[185] * 1.0;
        out[32] = 0.0 + k[186] * p7 + k[187] * p8 + k[188] * p9 + k[189] * p11;
        out[33] = 0.0 + k[190] * p7 + k[191] * p9 + k[192] * p10 + k[193] * p11;
        out[34] = 0.0 + k[194] * p6 + k[195] * p7 + k[196] * p9 + k[197] * p11;
        out[35] = 0.0 + k[198] * 1.0;
        out[36] = 0.0 + k[199] * p7 + k[200] * p8 + k[201] * p9 + k[202] * p11;
        out[37] = 0.0 + k[203] * p7 + k[204] * p9 + k[205] * p10 + k[206] * p11;
        out[38] = 0.0 + k[207] * p6 + k[208] * p7 + k[209] * p9 + k[210] * p11;
        out[39] = 0.0 + k[211] * 1.0;
        out[40] = 0.0 + k[212] * d3 + k[213] * p13 + k[214] * p15 + k[215] * p17 + k[216] * p19;
        out[41] = 0.0 + k[217] * d3 + k[218] * p13 + k[219] * p15 + k[220] * p17 + k[221] * p19;
        out[42] = 0.0 + k[222] * d3 + k[223] * p13 + k[224] * p15 + k[225] * p17 + k[226] * p19;
        out[43] = 0.0 + k[227] * p12;
        out[44] = 0.0 + k[228] * p14;
        out[45] = 0.0 + k[229] * p16;
        out[46] = 0.0 + k[230] * p18;
        out[47] = 0.0 + k[231] * p20;
        out[48] = 0.0 + k[232] * 1.0 + k[233] * 1.0 + k[234] * p21;
        out[49] = 0.0 + k[235] * p25 + k[236] * p26 + k[237] * p25 + k[238] * p26 + k[239] * p29 + k[240] * p29 + k[241] * p32 + k[242] * p32;
        out[50] = 0.0 + k[243] * p26 + k[244] * p26 + k[245] * p28 + k[246] * p29 + k[247] * p28 + k[248] * p29 + k[249] * p32 + k[250] * p32;
        out[51] = 0.0 + k[251] * p26 + k[252] * p26 + k[253] * p29 + k[254] * p29 + k[255] * p31 + k[256] * p32 + k[257] * p31 + k[258] * p32;
        out[52] = 0.0 + k[259] * p20;
        out[53] = 0.0 + k[260] * 1.0 + k[261] * p21;
        out[54] = 0.0 + k[262] * 1.0 + k[263] * p24 + k[264] * p24 + k[265] * p27 + k[266] * p27 + k[267] * p30 + k[268] * p30;
        out[55] = 0.0 + k[269] * d3 + k[270] * p13 + k[271] * p23;
        out[56] = 0.0 + k[272] * d3 + k[273] * p13 + k[274] * p23;
        out[57] = 0.0 + k[275] * d3 + k[276] * p13 + k[277] * p23;
        out[58] = 0.0 + k[278] * p12;
        out[59] = 0.0 + k[279] * p22;
        out[60] = 0.0 + k[280] * 1.0;
        out[61] = 0.0 + k[281] * 1.0;
        out[62] = 0.0 + k[282] * 1.0;
        out[63] = 0.0 + k[283] * 1.0;
        out[64] = 0.0 + k[284] * 1.0;
        out[65] = 0.0 + k[285] * 1.0;
    }

    pub fn lu_factor(jac: &[f64], scale: f64, shift: f64, v: &mut [f64], inv: &mut [f64]) -> Result<(), usize> {
        let jac: &[f64; 66] = jac.try_into().expect("Jacobian length");
        let v: &mut [f64; 69] = v.try_into().expect("factor length");
        let inv: &mut [f64; 16] = inv.try_into().expect("pivot count");
        v[0] = 0.0 + scale * jac[61];
        v[1] = 0.0 + scale * jac[62];
        v[2] = 0.0 + scale * jac[63];
        v[3] = 0.0 + scale * jac[64];
        v[4] = 0.0 + scale * jac[65];
        v[5] = 0.0 + scale * jac[15];
        v[6] = 0.0 + scale * jac[23];
        v[7] = 0.0 + scale * jac[20];
        v[8] = 0.0 + scale * jac[21];
        v[9] = 0.0 + scale * jac[22];
        v[10] = 0.0 + scale * jac[27];
        v[11] = 0.0 + scale * jac[24];
        v[12] = 0.0 + scale * jac[25];
        v[13] = 0.0 + scale * jac[26];
        v[14] = 0.0 + scale * jac[31];
        v[15] = 0.0 + scale * jac[28];
        v[16] = 0.0 + scale * jac[29];
        v[17] = 0.0 + scale * jac[30];
        v[18] = 0.0 + scale * jac[35];
        v[19] = 0.0 + scale * jac[32];
        v[20] = 0.0 + scale * jac[33];
        v[21] = 0.0 + scale * jac[34];
        v[22] = 0.0 + scale * jac[59];
        v[23] = 0.0 + scale * jac[60];
        v[24] = 0.0 + scale * jac[58];
        v[25] = 0.0 + scale * jac[55];
        v[26] = 0.0 + scale * jac[56];
        v[27] = 0.0 + scale * jac[57];
        v[28] = 0.0 + scale * jac[19];
        v[29] = 0.0 + scale * jac[16];
        v[30] = 0.0 + scale * jac[17];
        v[31] = 0.0 + scale * jac[18];
        v[32] = 0.0 + scale * jac[3];
        v[33] = 0.0 + scale * jac[0];
        v[34] = 0.0 + scale * jac[1];
        v[35] = 0.0 + scale * jac[2];
        v[36] = 0.0 + scale * jac[4];
        v[37] = 0.0 + scale * jac[5];
        v[38] = 0.0 + scale * jac[6];
        v[39] = 0.0 + scale * jac[7];
        v[40] = 0.0 + scale * jac[8];
        v[41] = 0.0 + scale * jac[12];
        v[42] = 0.0 + scale * jac[14];
        v[43] = 0.0;
        v[44] = 0.0 + scale * jac[9];
        v[45] = 0.0 + scale * jac[10];
        v[46] = 0.0 + scale * jac[11];
        v[47] = 0.0 + scale * jac[13];
        v[48] = 0.0 + scale * jac[36];
        v[49] = 0.0 + scale * jac[37];
        v[50] = 0.0 + scale * jac[38];
        v[51] = 0.0 + scale * jac[39];
        v[52] = 0.0;
        v[53] = 0.0 + scale * jac[44];
        v[54] = 0.0 + scale * jac[45];
        v[55] = 0.0 + scale * jac[46];
        v[56] = 0.0 + scale * jac[43];
        v[57] = 0.0 + scale * jac[40];
        v[58] = 0.0 + scale * jac[41];
        v[59] = 0.0 + scale * jac[42];
        v[60] = 0.0 + scale * jac[47];
        v[61] = 0.0 + scale * jac[48];
        v[62] = 0.0;
        v[63] = 0.0 + scale * jac[49];
        v[64] = 0.0 + scale * jac[50];
        v[65] = 0.0 + scale * jac[51];
        v[66] = 0.0 + scale * jac[52];
        v[67] = 0.0 + scale * jac[53];
        v[68] = 0.0 + scale * jac[54];
        v[0] = v[0] + shift;
        v[2] = v[2] + shift;
        v[4] = v[4] + shift;
        v[5] = v[5] + shift;
        v[6] = v[6] + shift;
        v[10] = v[10] + shift;
        v[14] = v[14] + shift;
        v[18] = v[18] + shift;
        v[23] = v[23] + shift;
        v[28] = v[28] + shift;
        v[33] = v[33] + shift;
        v[38] = v[38] + shift;
        v[46] = v[46] + shift;
        v[51] = v[51] + shift;
        v[61] = v[61] + shift;
        v[68] = v[68] + shift;
        let row_max = 0.0f64.max(v[0].abs());
        let pivot = v[0];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(0); }
        inv[0] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[1].abs()).max(v[2].abs());
        let l = v[1] * inv[0];
        v[1] = l;
        let pivot = v[2];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(1); }
        inv[1] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[3].abs()).max(v[4].abs());
        let l = v[3] * inv[1];
        v[3] = l;
        let pivot = v[4];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(2); }
        inv[2] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[5].abs());
        let pivot = v[5];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(3); }
        inv[3] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[6].abs()).max(v[7].abs()).max(v[8].abs()).max(v[9].abs());
        let pivot = v[6];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(4); }
        inv[4] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[10].abs()).max(v[11].abs()).max(v[12].abs()).max(v[13].abs());
        let pivot = v[10];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(5); }
        inv[5] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[14].abs()).max(v[15].abs()).max(v[16].abs()).max(v[17].abs());
        let pivot = v[14];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(6); }
        inv[6] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[18].abs()).max(v[19].abs()).max(v[20].abs()).max(v[21].abs());
        let pivot = v[18];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(7); }
        inv[7] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[22].abs()).max(v[23].abs()).max(v[24].abs()).max(v[25].abs()).max(v[26].abs()).max(v[27].abs());
        let l = v[22] * inv[7];
        v[22] = l;
        if l != 0.0 { v[25] = v[25] - l * v[19]; v[26] = v[26] - l * v[20]; v[27] = v[27] - l * v[21]; }
        let pivot = v[23];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(8); }
        inv[8] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[28].abs()).max(v[29].abs()).max(v[30].abs()).max(v[31].abs());
        let pivot = v[28];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(9); }
        inv[9] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[32].abs()).max(v[33].abs()).max(v[34].abs()).max(v[35].abs()).max(v[36].abs());
        let l = v[32] * inv[3];
        v[32] = l;
        let pivot = v[33];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(10); }
        inv[10] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[37].abs()).max(v[38].abs()).max(v[39].abs()).max(v[40].abs());
        let l = v[37] * inv[10];
        v[37] = l;
        if l != 0.0 { v[38] = v[38] - l * v[34]; v[39] = v[39] - l * v[35]; v[40] = v[40] - l * v[36]; }
        let pivot = v[38];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(11); }
        inv[11] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[41].abs()).max(v[42].abs()).max(v[43].abs()).max(v[44].abs()).max(v[45].abs()).max(v[46].abs()).max(v[47].abs());
        let l = v[41] * inv[3];
        v[41] = l;
        let l = v[42] * inv[8];
        v[42] = l;
        if l != 0.0 { v[43] = v[43] - l * v[24]; v[44] = v[44] - l * v[25]; v[45] = v[45] - l * v[26]; v[46] = v[46] - l * v[27]; }
        let l = v[43] * inv[9];
        v[43] = l;
        if l != 0.0 { v[44] = v[44] - l * v[29]; v[45] = v[45] - l * v[30]; v[46] = v[46] - l * v[31]; }
        let l = v[44] * inv[10];
        v[44] = l;
        if l != 0.0 { v[45] = v[45] - l * v[34]; v[46] = v[46] - l * v[35]; v[47] = v[47] - l * v[36]; }
        let l = v[45] * inv[11];
        v[45] = l;
        if l != 0.0 { v[46] = v[46] - l * v[39]; v[47] = v[47] - l * v[40]; }
        let pivot = v[46];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(12); }
        inv[12] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[48].abs()).max(v[49].abs()).max(v[50].abs()).max(v[51].abs()).max(v[52].abs());
        let l = v[48] * inv[10];
        v[48] = l;
        if l != 0.0 { v[49] = v[49] - l * v[34]; v[50] = v[50] - l * v[35]; v[52] = v[52] - l * v[36]; }
        let l = v[49] * inv[11];
        v[49] = l;
        if l != 0.0 { v[50] = v[50] - l * v[39]; v[52] = v[52] - l * v[40]; }
        let l = v[50] * inv[12];
        v[50] = l;
        if l != 0.0 { v[52] = v[52] - l * v[47]; }
        let pivot = v[51];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(13); }
        inv[13] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[53].abs()).max(v[54].abs()).max(v[55].abs()).max(v[56].abs()).max(v[57].abs()).max(v[58].abs()).max(v[59].abs()).max(v[60].abs()).max(v[61].abs()).max(v[62].abs());
        let l = v[53] * inv[4];
        v[53] = l;
        if l != 0.0 { v[57] = v[57] - l * v[7]; v[58] = v[58] - l * v[8]; v[59] = v[59] - l * v[9]; }
        let l = v[54] * inv[5];
        v[54] = l;
        if l != 0.0 { v[57] = v[57] - l * v[11]; v[58] = v[58] - l * v[12]; v[59] = v[59] - l * v[13]; }
        let l = v[55] * inv[6];
        v[55] = l;
        if l != 0.0 { v[57] = v[57] - l * v[15]; v[58] = v[58] - l * v[16]; v[59] = v[59] - l * v[17]; }
        let l = v[56] * inv[9];
        v[56] = l;
        if l != 0.0 { v[57] = v[57] - l * v[29]; v[58] = v[58] - l * v[30]; v[59] = v[59] - l * v[31]; }
        let l = v[57] * inv[10];
        v[57] = l;
        if l != 0.0 { v[58] = v[58] - l * v[34]; v[59] = v[59] - l * v[35]; v[62] = v[62] - l * v[36]; }
        let l = v[58] * inv[11];
        v[58] = l;
        if l != 0.0 { v[59] = v[59] - l * v[39]; v[62] = v[62] - l * v[40]; }
        let l = v[59] * inv[12];
        v[59] = l;
        if l != 0.0 { v[62] = v[62] - l * v[47]; }
        let l = v[60] * inv[13];
        v[60] = l;
        if l != 0.0 { v[62] = v[62] - l * v[52]; }
        let pivot = v[61];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(14); }
        inv[14] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[63].abs()).max(v[64].abs()).max(v[65].abs()).max(v[66].abs()).max(v[67].abs()).max(v[68].abs());
        let l = v[63] * inv[10];
        v[63] = l;
        if l != 0.0 { v[64] = v[64] - l * v[34]; v[65] = v[65] - l * v[35]; v[68] = v[68] - l * v[36]; }
        let l = v[64] * inv[11];
        v[64] = l;
        if l != 0.0 { v[65] = v[65] - l * v[39]; v[68] = v[68] - l * v[40]; }
        let l = v[65] * inv[12];
        v[65] = l;
        if l != 0.0 { v[68] = v[68] - l * v[47]; }
        let l = v[66] * inv[13];
        v[66] = l;
        if l != 0.0 { v[68] = v[68] - l * v[52]; }
        let l = v[67] * inv[14];
        v[67] = l;
        if l != 0.0 { v[68] = v[68] - l * v[62]; }
        let pivot = v[68];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(15); }
        inv[15] = 1.0 / pivot;
        Ok(())
    }

    pub fn lu_solve(v: &[f64], inv: &[f64], b: &mut [f64]) {
        let v: &[f64; 69] = v.try_into().expect("factor length");
        let inv: &[f64; 16] = inv.try_into().expect("pivot count");
        let b: &mut [f64; 16] = b.try_into().expect("right-hand side length");
        let y0 = b[13];
        let y1 = b[14] - v[1] * y0;
        let y2 = b[15] - v[3] * y1;
        let y3 = b[3];
        let y4 = b[5];
        let y5 = b[6];
        let y6 = b[7];
        let y7 = b[8];
        let y8 = b[12] - v[22] * y7;
        let y9 = b[4];
        let y10 = b[0] - v[32] * y3;
        let y11 = b[1] - v[37] * y10;
        let y12 = b[2] - v[41] * y3 - v[42] * y8 - v[43] * y9 - v[44] * y10 - v[45] * y11;
        let y13 = b[9] - v[48] * y10 - v[49] * y11 - v[50] * y12;
        let y14 = b[10] - v[53] * y4 - v[54] * y5 - v[55] * y6 - v[56] * y9 - v[57] * y10 - v[58] * y11 - v[59] * y12 - v[60] * y13;
        let y15 = b[11] - v[63] * y10 - v[64] * y11 - v[65] * y12 - v[66] * y13 - v[67] * y14;
        let x15 = (y15) * inv[15];
        b[11] = x15;
        let x14 = (y14 - v[62] * x15) * inv[14];
        b[10] = x14;
        let x13 = (y13 - v[52] * x15) * inv[13];
        b[9] = x13;
        let x12 = (y12 - v[47] * x15) * inv[12];
        b[2] = x12;
        let x11 = (y11 - v[39] * x12 - v[40] * x15) * inv[11];
        b[1] = x11;
        let x10 = (y10 - v[34] * x11 - v[35] * x12 - v[36] * x15) * inv[10];
        b[0] = x10;
        let x9 = (y9 - v[29] * x10 - v[30] * x11 - v[31] * x12) * inv[9];
        b[4] = x9;
        let x8 = (y8 - v[24] * x9 - v[25] * x10 - v[26] * x11 - v[27] * x12) * inv[8];
        b[12] = x8;
        let x7 = (y7 - v[19] * x10 - v[20] * x11 - v[21] * x12) * inv[7];
        b[8] = x7;
        let x6 = (y6 - v[15] * x10 - v[16] * x11 - v[17] * x12) * inv[6];
        b[7] = x6;
        let x5 = (y5 - v[11] * x10 - v[12] * x11 - v[13] * x12) * inv[5];
        b[6] = x5;
        let x4 = (y4 - v[7] * x10 - v[8] * x11 - v[9] * x12) * inv[4];
        b[5] = x4;
        let x3 = (y3) * inv[3];
        b[3] = x3;
        let x2 = (y2) * inv[2];
        b[15] = x2;
        let x1 = (y1) * inv[1];
        b[14] = x1;
        let x0 = (y0) * inv[0];
        b[13] = x0;
    }
}

pub static ARM_CONTROL: crate::model::compiled::CompiledKernels = crate::model::compiled::CompiledKernels {
    fingerprint: 0x9be9445e897d48f2,
    constants: 286,
    rhs: arm_control::rhs,
    jacobian: arm_control::jacobian,
    lu: crate::model::compiled::CompiledLu { n: 16, nnz: 69, fingerprint: 0xb450e52d9df69fbe, factor: arm_control::lu_factor, solve: arm_control::lu_solve },
};

// Kernels of model 'iannello2013' (fingerprint 0x1b885d1e0a9cd297), written by
// crate::model::compiled::rust_source. Do not edit.
#[allow(clippy::all, clippy::pedantic, unused, non_snake_case)]
pub mod arm_anti_ccl2 {
    pub fn rhs(y: &[f64], u: &[f64], k: &[f64], dy: &mut [f64]) {
        let y: &[f64; 17] = y.try_into().expect("state length");
        let k: &[f64; 303] = k.try_into().expect("constants");
        let dy: &mut [f64; 17] = dy.try_into().expect("derivative length");
        let _ = u;
        let f0 = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); 1.0 - a * k[3] };
        let f1 = { let a = (-0.0); u[0] };
        let f2 = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); 1.0 / (a.max(0.0) + k[7]) };
        let f3 = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); a };
        let f4 = { let a = k[11] * y[4]; a / (k[12] + a) };
        let f5 = { let a = k[13] * y[5]; a / (k[14] + a) };
        let f6 = { let a = k[15] * y[6]; a / (k[16] + a) };
        let f7 = { let a = k[17] * y[7]; a / (k[18] + a) };
        let f8 = { let a = k[19] * y[9]; a / (k[20] + a) };
        let f9 = { let a = k[21] * y[8]; a / (k[22] + a) };
        let p0 = y[0] * f0;
        let p1 = y[1] * f0;
        let p2 = y[0] * y[3];
        let p3 = y[2] * f2;
        let p4 = y[0] * f2;
        let p5 = y[1] * f2;
        let p6 = f3 * f4;
        let p7 = f3 * f5;
        let p8 = f3 * f6;
        let p9 = f3 * f7;
        let p10 = y[10] * f8;
        let p11 = f3 * f9;
        let p12 = y[4] * y[15];
        let p13 = y[0] * y[11] * f2;
        let p14 = y[1] * y[11] * f2;
        let p15 = y[2] * y[11] * f2;
        let p16 = y[2] * y[12] * f2;
        dy[0] = 0.0 + k[23] * p0 + k[24] * p2 + k[25] * p13 + k[26] * p13;
        dy[1] = 0.0 + k[27] * p1 + k[28] * p14 + k[29] * p14;
        dy[2] = 0.0 + k[30] * p2 + k[31] * p15 + k[32] * p15 + k[33] * p16;
        dy[3] = 0.0 + k[34] * f1 + k[35] * y[3];
        dy[4] = 0.0 + k[36] * y[4] + k[37] * y[16] + k[38] * p3 + k[39] * p4 + k[40] * p5 + k[41] * p12;
        dy[5] = 0.0 + k[42] * y[5] + k[43] * p3 + k[44] * p4 + k[45] * p5;
        dy[6] = 0.0 + k[46] * y[6] + k[47] * p3 + k[48] * p4 + k[49] * p5;
        dy[7] = 0.0 + k[50] * y[7] + k[51] * p3 + k[52] * p4 + k[53] * p5;
        dy[8] = 0.0 + k[54] * y[8] + k[55] * p3 + k[56] * p4 + k[57] * p5;
        dy[9] = 0.0 + k[58] * y[9] + k[59] * p3 + k[60] * p4 + k[61] * p5;
        dy[10] = 0.0 + k[62] * f3 + k[63] * y[10] + k[64] * y[10] + k[65] * p6 + k[66] * p7 + k[67] * p8 + k[68] * p9 + k[69] * p10;
        dy[11] = 0.0 + k[70] * y[10] + k[71] * y[11] + k[72] * p10 + k[73] * p13 + k[74] * p13 + k[75] * p14 + k[76] * p14 + k[77] * p15 + k[78] * p15;
        dy[12] = 0.0 + k[79] * f3 + k[80] * y[12] + k[81] * p6 + k[82] * p11;
        dy[13] = 0.0 + k[83] * y[13];
        dy[14] = 0.0 + k[84] * y[13] + k[85] * y[14];
        dy[15] = 0.0 + k[86] * y[14] + k[87] * y[15] + k[88] * y[16] + k[89] * p12;
        dy[16] = 0.0 + k[90] * y[16] + k[91] * y[16] + k[92] * p12;
    }

    pub fn jacobian(y: &[f64], u: &[f64], k: &[f64], out: &mut [f64]) {
        let y: &[f64; 17] = y.try_into().expect("state length");
        let k: &[f64; 303] = k.try_into().expect("constants");
        let out: &mut [f64; 73] = out.try_into().expect("Jacobian length");
        let _ = u;
        let (v0, d0) = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); (1.0 - a * k[3], -k[3]) };
        let (v1, d1) = { let a = (-0.0); (u[0], 0.0) };
        let (v2, d2) = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); { let d = 1.0 / (a.max(0.0) + k[7]); (d, if a > 0.0 { -d * d } else { 0.0 }) } };
        let (v3, d3) = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); (a, 1.0) };
        let (v4, d4) = { let a = (-0.0 + k[11] * y[4]); { let d = 1.0 / (k[12] + a); (a * d, k[12] * d * d) } };
        let (v5, d5) = { let a = (-0.0 + k[13] * y[5]); { let d = 1.0 / (k[14] + a); (a * d, k[14] * d * d) } };
        let (v6, d6) = { let a = (-0.0 + k[15] * y[6]); { let d = 1.0 / (k[16] + a); (a * d, k[16] * d * d) } };
        let (v7, d7) = { let a = (-0.0 + k[17] * y[7]); { let d = 1.0 / (k[18] + a); (a * d, k[18] * d * d) } };
        let (v8, d8) = { let a = (-0.0 + k[19] * y[9]); { let d = 1.0 / (k[20] + a); (a * d, k[20] * d * d) } };
        let (v9, d9) = { let a = (-0.0 + k[21] * y[8]); { let d = 1.0 / (k[22] + a); (a * d, k[22] * d * d) } };
        let p0 = v0 * 1.0;
        let p1 = y[0] * d0;
        let p2 = v0 * 1.0;
        let p3 = y[1] * d0;
        let p4 = y[0] * 1.0;
        let p5 = y[3] * 1.0;
        let p6 = v2 * 1.0;
        let p7 = y[2] * d2;
        let p8 = v2 * 1.0;
        let p9 = y[0] * d2;
        let p10 = v2 * 1.0;
        let p11 = y[1] * d2;
        let p12 = v3 * d4;
        let p13 = v4 * d3;
        let p14 = v3 * d5;
        let p15 = v5 * d3;
        let p16 = v3 * d6;
        let p17 = v6 * d3;
        let p18 = v3 * d7;
        let p19 = v7 * d3;
        let p20 = y[10] * d8;
        let p21 = v8 * 1.0;
        let p22 = v3 * d9;
        let p23 = v9 * d3;
        let p24 = y[4] * 1.0;
        let p25 = y[15] * 1.0;
        let p26 = y[0] * v2 * 1.0;
        let p27 = y[11] * v2 * 1.0;
        let p28 = y[0] * y[11] * d2;
        let p29 = y[1] * v2 * 1.0;
        let p30 = y[11] * v2 * 1.0;
        let p31 = y[1] * y[11] * d2;
        let p32 = y[2] * v2 * 1.0;
        let p33 = y[11] * v2 * 1.0;
        let p34 = y[2] * y[11] * d2;
        let p35 = y[2] * v2 * 1.0;
        let p36 = y[12] * v2 * 1.0;
        let p37 = y[2] * y[12] * d2;
        out[0] = 0.0 + k[93] * p0 + k[94] * p1 + k[95] * p5 + k[96] * p27 + k[97] * p28 + k[98] * p27 + k[99] * p28;
        out[1] = 0.0 + k[100] * p1 + k[101] * p28 + k[102] * p28;
        out[2] = 0.0 + k[103] * p1 + k[104] * p28 + k[105] * p28;
        out[3] = 0.0 + k[106] * p4;
        out[4] = 0.0 + k[107] * p26 + k[108] * p26;
        out[5] = 0.0 + k[109] * p3 + k[110] * p31 + k[111] * p31;
        out[6] = 0.0 + k[112] * p2 + k[113] * p3 + k[114] * p30 + k[115] * p31 + k[116] * p30 + k[117] * p31;
        out[7] = 0.0 + k[118] * p3 + k[119] * p31 + k[120] * p31;
        out[8] = 0.0 + k[121] * p29 + k[122] * p29;
        out[9] = 0.0 + k[123] * p5 + k[124] * p34 + k[125] * p34 + k[126] * p37;
        out[10] = 0.0 + k[127] * p34 + k[128] * p34 + k[129] * p37;
        out[11] = 0.0 + k[130] * p33 + k[131] * p34 + k[132] * p33 + k[133] * p34 + k[134] * p36 + k[135] * p37;
        out[12] = 0.0 + k[136] * p4;
        out[13] = 0.0 + k[137] * p32 + k[138] * p32;
        out[14] = 0.0 + k[139] * p35;
        out[15] = 0.0 + k[140] * 1.0;
        out[16] = 0.0 + k[141] * p7 + k[142] * p8 + k[143] * p9 + k[144] * p11;
        out[17] = 0.0 + k[145] * p7 + k[146] * p9 + k[147] * p10 + k[148] * p11;
        out[18] = 0.0 + k[149] * p6 + k[150] * p7 + k[151] * p9 + k[152] * p11;
        out[19] = 0.0 + k[153] * 1.0 + k[154] * p25;
        out[20] = 0.0 + k[155] * p24;
        out[21] = 0.0 + k[156] * 1.0;
        out[22] = 0.0 + k[157] * p7 + k[158] * p8 + k[159] * p9 + k[160] * p11;
        out[23] = 0.0 + k[161] * p7 + k[162] * p9 + k[163] * p10 + k[164] * p11;
        out[24] = 0.0 + k[165] * p6 + k[166] * p7 + k[167] * p9 + k[168] * p11;
        out[25] = 0.0 + k[169] * 1.0;
        out[26] = 0.0 + k[170] * p7 + k[171] * p8 + k[172] * p9 + k[173] * p11;
        out[27] = 0.0 + k[174] * p7 + k[175] * p9 + k[176] * p10 + k[177] * p11;
        out[28] = 0.0 + k[178] * p6 + k[179] * p7 + k[180] * p9 + k[181] * p11;
        out[29] = 0.0 + k[182] * 1.0;
        out[30] = 0.0 + k[183] * p7 + k[184] * p8 + k[185] * p9 + k[186] * p11;
        out[31] = 0.0 + k[187] * p7 + k[188] * p9 + k[189] * p10 + k[190] * p11;
        out[32] = 0.0 + k[191] * p6 + k[192] * p7 + k[193] * p9 + k[194] * p11;
        out[33] = 0.0 + k[195] * 1.0;
        out[34] = 0.0 + k[196] * p7 + k[197] * p8 + k[198] * p9 + k[199] * p11;
        out[35] = 0.0 + k[200] * p7 + k[201] * p9 + k[202] * p10 + k[203] * p11;
        out[36] = 0.0 + k[204] * p6 + k[205] * p7 + k[206] * p9 + k[207] * p11;
        out[37] = 0.0 + k[208] * 1.0;
        out[38] = 0.0 + k[209] * p7 + k[210] * p8 + k[211] * p9 + k[212] * p11;
        out[39] = 0.0 + k[213] * p7 + k[214] * p9 + k[215] * p10 + k[216] * p11;
        out[40] = 0.0 + k[217] * p6 + k[218] * p7 + k[219] * p9 + k[220] * p11;
        out[41] = 0.0 + k[221] * 1.0;
        out[42] = 0.0 + k[222] * d3 + k[223] * p13 + k[224] * p15 + k[225] * p17 + k[226] * p19;
        out[43] = 0.0 + k[227] * d3 + k[228] * p13 + k[229] * p15 + k[230] * p17 + k[231] * p19;
        out[44] = 0.0 + k[232] * d3 + k[233] * p13 + k[234] * p15 + k[235] * p17 + k[236] * p19;
        out[45] = 0.0 + k[237] * p12;
        out[46] = 0.0 + k[238] * p14;
        out[47] = 0.0 + k[239] * p16;
        out[48] = 0.0 + k[240] * p18;
        out[49] = 0.0 + k[241] * p20;
        out[50] = 0.0 + k[242] * 1.0 + k[243] * 1.0 + k[244] * p21;
        out[51] = 0.0 + k[245] * p27 + k[246] * p28 + k[247] * p27 + k[248] * p28 + k[249] * p31 + k[250] * p31 + k[251] * p34 + k[252] * p34;
        out[52] = 0.0 + k[253] * p28 + k[254] * p28 + k[255] * p30 + k[256] * p31 + k[257] * p30 + k[258] * p31 + k[259] * p34 + k[260] * p34;
        out[53] = 0.0 + k[261] * p28 + k[262] * p28 + k[263] * p31 + k[264] * p31 + k[265] * p33 + k[266] * p34 + k[267] * p33 + k[268] * p34;
        out[54] = 0.0 + k[269] * p20;
        out[55] = 0.0 + k[270] * 1.0 + k[271] * p21;
        out[56] = 0.0 + k[272] * 1.0 + k[273] * p26 + k[274] * p26 + k[275] * p29 + k[276] * p29 + k[277] * p32 + k[278] * p32;
        out[57] = 0.0 + k[279] * d3 + k[280] * p13 + k[281] * p23;
        out[58] = 0.0 + k[282] * d3 + k[283] * p13 + k[284] * p23;
        out[59] = 0.0 + k[285] * d3 + k[286] * p13 + k[287] * p23;
        out[60] = 0.0 + k[288] * p12;
        out[61] = 0.0 + k[289] * p22;
        out[62] = 0.0 + k[290] * 1.0;
        out[63] = 0.0 + k[291] * 1.0;
        out[64] = 0.0 + k[292] * 1.0;
        out[65] = 0.0 + k[293] * 1.0;
        out[66] = 0.0 + k[294] * p25;
        out[67] = 0.0 + k[295] * 1.0;
        out[68] = 0.0 + k[296] * 1.0 + k[297] * p24;
        out[69] = 0.0 + k[298] * 1.0;
        out[70] = 0.0 + k[299] * p25;
        out[71] = 0.0 + k[300] * p24;
        out[72] = 0.0 + k[301] * 1.0 + k[302] * 1.0;
    }

    pub fn lu_factor(jac: &[f64], scale: f64, shift: f64, v: &mut [f64], inv: &mut [f64]) -> Result<(), usize> {
        let jac: &[f64; 73] = jac.try_into().expect("Jacobian length");
        let v: &mut [f64; 76] = v.try_into().expect("factor length");
        let inv: &mut [f64; 17] = inv.try_into().expect("pivot count");
        v[0] = 0.0 + scale * jac[63];
        v[1] = 0.0 + scale * jac[64];
        v[2] = 0.0 + scale * jac[65];
        v[3] = 0.0 + scale * jac[15];
        v[4] = 0.0 + scale * jac[67];
        v[5] = 0.0 + scale * jac[68];
        v[6] = 0.0 + scale * jac[69];
        v[7] = 0.0 + scale * jac[66];
        v[8] = 0.0 + scale * jac[71];
        v[9] = 0.0 + scale * jac[72];
        v[10] = 0.0 + scale * jac[70];
        v[11] = 0.0 + scale * jac[25];
        v[12] = 0.0 + scale * jac[22];
        v[13] = 0.0 + scale * jac[23];
        v[14] = 0.0 + scale * jac[24];
        v[15] = 0.0 + scale * jac[29];
        v[16] = 0.0 + scale * jac[26];
        v[17] = 0.0 + scale * jac[27];
        v[18] = 0.0 + scale * jac[28];
        v[19] = 0.0 + scale * jac[33];
        v[20] = 0.0 + scale * jac[30];
        v[21] = 0.0 + scale * jac[31];
        v[22] = 0.0 + scale * jac[32];
        v[23] = 0.0 + scale * jac[37];
        v[24] = 0.0 + scale * jac[34];
        v[25] = 0.0 + scale * jac[35];
        v[26] = 0.0 + scale * jac[36];
        v[27] = 0.0 + scale * jac[61];
        v[28] = 0.0 + scale * jac[62];
        v[29] = 0.0 + scale * jac[60];
        v[30] = 0.0 + scale * jac[57];
        v[31] = 0.0 + scale * jac[58];
        v[32] = 0.0 + scale * jac[59];
        v[33] = 0.0 + scale * jac[20];
        v[34] = 0.0 + scale * jac[21];
        v[35] = 0.0 + scale * jac[19];
        v[36] = 0.0 + scale * jac[16];
        v[37] = 0.0 + scale * jac[17];
        v[38] = 0.0 + scale * jac[18];
        v[39] = 0.0 + scale * jac[3];
        v[40] = 0.0 + scale * jac[0];
        v[41] = 0.0 + scale * jac[1];
        v[42] = 0.0 + scale * jac[2];
        v[43] = 0.0 + scale * jac[4];
        v[44] = 0.0 + scale * jac[5];
        v[45] = 0.0 + scale * jac[6];
        v[46] = 0.0 + scale * jac[7];
        v[47] = 0.0 + scale * jac[8];
        v[48] = 0.0 + scale * jac[12];
        v[49] = 0.0 + scale * jac[14];
        v[50] = 0.0;
        v[51] = 0.0 + scale * jac[9];
        v[52] = 0.0 + scale * jac[10];
        v[53] = 0.0 + scale * jac[11];
        v[54] = 0.0 + scale * jac[13];
        v[55] = 0.0 + scale * jac[38];
        v[56] = 0.0 + scale * jac[39];
        v[57] = 0.0 + scale * jac[40];
        v[58] = 0.0 + scale * jac[41];
        v[59] = 0.0;
        v[60] = 0.0 + scale * jac[46];
        v[61] = 0.0 + scale * jac[47];
        v[62] = 0.0 + scale * jac[48];
        v[63] = 0.0 + scale * jac[45];
        v[64] = 0.0 + scale * jac[42];
        v[65] = 0.0 + scale * jac[43];
        v[66] = 0.0 + scale * jac[44];
        v[67] = 0.0 + scale * jac[49];
        v[68] = 0.0 + scale * jac[50];
        v[69] = 0.0;
        v[70] = 0.0 + scale * jac[51];
        v[71] = 0.0 + scale * jac[52];
        v[72] = 0.0 + scale * jac[53];
        v[73] = 0.0 + scale * jac[54];
        v[74] = 0.0 + scale * jac[55];
        v[75] = 0.0 + scale * jac[56];
        v[0] = v[0] + shift;
        v[2] = v[2] + shift;
        v[3] = v[3] + shift;
        v[5] = v[5] + shift;
        v[9] = v[9] + shift;
        v[11] = v[11] + shift;
        v[15] = v[15] + shift;
        v[19] = v[19] + shift;
        v[23] = v[23] + shift;
        v[28] = v[28] + shift;
        v[35] = v[35] + shift;
        v[40] = v[40] + shift;
        v[45] = v[45] + shift;
        v[53] = v[53] + shift;
        v[58] = v[58] + shift;
        v[68] = v[68] + shift;
        v[75] = v[75] + shift;
        let row_max = 0.0f64.max(v[0].abs());
        let pivot = v[0];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(0); }
        inv[0] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[1].abs()).max(v[2].abs());
        let l = v[1] * inv[0];
        v[1] = l;
        let pivot = v[2];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(1); }
        inv[1] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[3].abs());
        let pivot = v[3];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(2); }
        inv[2] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[4].abs()).max(v[5].abs()).max(v[6].abs()).max(v[7].abs());
        let l = v[4] * inv[1];
        v[4] = l;
        let pivot = v[5];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(3); }
        inv[3] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[8].abs()).max(v[9].abs()).max(v[10].abs());
        let l = v[8] * inv[3];
        v[8] = l;
        if l != 0.0 { v[9] = v[9] - l * v[6]; v[10] = v[10] - l * v[7]; }
        let pivot = v[9];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(4); }
        inv[4] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[11].abs()).max(v[12].abs()).max(v[13].abs()).max(v[14].abs());
        let pivot = v[11];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(5); }
        inv[5] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[15].abs()).max(v[16].abs()).max(v[17].abs()).max(v[18].abs());
        let pivot = v[15];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(6); }
        inv[6] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[19].abs()).max(v[20].abs()).max(v[21].abs()).max(v[22].abs());
        let pivot = v[19];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(7); }
        inv[7] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[23].abs()).max(v[24].abs()).max(v[25].abs()).max(v[26].abs());
        let pivot = v[23];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(8); }
        inv[8] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[27].abs()).max(v[28].abs()).max(v[29].abs()).max(v[30].abs()).max(v[31].abs()).max(v[32].abs());
        let l = v[27] * inv[8];
        v[27] = l;
        if l != 0.0 { v[30] = v[30] - l * v[24]; v[31] = v[31] - l * v[25]; v[32] = v[32] - l * v[26]; }
        let pivot = v[28];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(9); }
        inv[9] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[33].abs()).max(v[34].abs()).max(v[35].abs()).max(v[36].abs()).max(v[37].abs()).max(v[38].abs());
        let l = v[33] * inv[3];
        v[33] = l;
        if l != 0.0 { v[34] = v[34] - l * v[6]; v[35] = v[35] - l * v[7]; }
        let l = v[34] * inv[4];
        v[34] = l;
        if l != 0.0 { v[35] = v[35] - l * v[10]; }
        let pivot = v[35];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(10); }
        inv[10] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[39].abs()).max(v[40].abs()).max(v[41].abs()).max(v[42].abs()).max(v[43].abs());
        let l = v[39] * inv[2];
        v[39] = l;
        let pivot = v[40];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(11); }
        inv[11] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[44].abs()).max(v[45].abs()).max(v[46].abs()).max(v[47].abs());
        let l = v[44] * inv[11];
        v[44] = l;
        if l != 0.0 { v[45] = v[45] - l * v[41]; v[46] = v[46] - l * v[42]; v[47] = v[47] - l * v[43]; }
        let pivot = v[45];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(12); }
        inv[12] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[48].abs()).max(v[49].abs()).max(v[50].abs()).max(v[51].abs()).max(v[52].abs()).max(v[53].abs()).max(v[54].abs());
        let l = v[48] * inv[2];
        v[48] = l;
        let l = v[49] * inv[9];
        v[49] = l;
        if l != 0.0 { v[50] = v[50] - l * v[29]; v[51] = v[51] - l * v[30]; v[52] = v[52] - l * v[31]; v[53] = v[53] - l * v[32]; }
        let l = v[50] * inv[10];
        v[50] = l;
        if l != 0.0 { v[51] = v[51] - l * v[36]; v[52] = v[52] - l * v[37]; v[53] = v[53] - l * v[38]; }
        let l = v[51] * inv[11];
        v[51] = l;
        if l != 0.0 { v[52] = v[52] - l * v[41]; v[53] = v[53] - l * v[42]; v[54] = v[54] - l * v[43]; }
        let l = v[52] * inv[12];
        v[52] = l;
        if l != 0.0 { v[53] = v[53] - l * v[46]; v[54] = v[54] - l * v[47]; }
        let pivot = v[53];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(13); }
        inv[13] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[55].abs()).max(v[56].abs()).max(v[57].abs()).max(v[58].abs()).max(v[59].abs());
        let l = v[55] * inv[11];
        v[55] = l;
        if l != 0.0 { v[56] = v[56] - l * v[41]; v[57] = v[57] - l * v[42]; v[59] = v[59] - l * v[43]; }
        let l = v[56] * inv[12];
        v[56] = l;
        if l != 0.0 { v[57] = v[57] - l * v[46]; v[59] = v[59] - l * v[47]; }
        let l = v[57] * inv[13];
        v[57] = l;
        if l != 0.0 { v[59] = v[59] - l * v[54]; }
        let pivot = v[58];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(14); }
        inv[14] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[60].abs()).max(v[61].abs()).max(v[62].abs()).max(v[63].abs()).max(v[64].abs()).max(v[65].abs()).max(v[66].abs()).max(v[67].abs()).max(v[68].abs()).max(v[69].abs());
        let l = v[60] * inv[5];
        v[60] = l;
        if l != 0.0 { v[64] = v[64] - l * v[12]; v[65] = v[65] - l * v[13]; v[66] = v[66] - l * v[14]; }
        let l = v[61] * inv[6];
        v[61] = l;
        if l != 0.0 { v[64] = v[64] - l * v[16]; v[65] = v[65] - l * v[17]; v[66] = v[66] - l * v[18]; }
        let l = v[62] * inv[7];
        v[62] = l;
        if l != 0.0 { v[64] = v[64] - l * v[20]; v[65] = v[65] - l * v[21]; v[66] = v[66] - l * v[22]; }
        let l = v[63] * inv[10];
        v[63] = l;
        if l != 0.0 { v[64] = v[64] - l * v[36]; v[65] = v[65] - l * v[37]; v[66] = v[66] - l * v[38]; }
        let l = v[64] * inv[11];
        v[64] = l;
        if l != 0.0 { v[65] = v[65] - l * v[41]; v[66] = v[66] - l * v[42]; v[69] = v[69] - l * v[43]; }
        let l = v[65] * inv[12];
        v[65] = l;
        if l != 0.0 { v[66] = v[66] - l * v[46]; v[69] = v[69] - l * v[47]; }
        let l = v[66] * inv[13];
        v[66] = l;
        if l != 0.0 { v[69] = v[69] - l * v[54]; }
        let l = v[67] * inv[14];
        v[67] = l;
        if l != 0.0 { v[69] = v[69] - l * v[59]; }
        let pivot = v[68];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(15); }
        inv[15] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[70].abs()).max(v[71].abs()).max(v[72].abs()).max(v[73].abs()).max(v[74].abs()).max(v[75].abs());
        let l = v[70] * inv[11];
        v[70] = l;
        if l != 0.0 { v[71] = v[71] - l * v[41]; v[72] = v[72] - l * v[42]; v[75] = v[75] - l * v[43]; }
        let l = v[71] * inv[12];
        v[71] = l;
        if l != 0.0 { v[72] = v[72] - l * v[46]; v[75] = v[75] - l * v[47]; }
        let l = v[72] * inv[13];
        v[72] = l;
        if l != 0.0 { v[75] = v[75] - l * v[54]; }
        let l = v[73] * inv[14];
        v[73] = l;
        if l != 0.0 { v[75] = v[75] - l * v[59]; }
        let l = v[74] * inv[15];
        v[74] = l;
        if l != 0.0 { v[75] = v[75] - l * v[69]; }
        let pivot = v[75];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(16); }
        inv[16] = 1.0 / pivot;
        Ok(())
    }

    pub fn lu_solve(v: &[f64], inv: &[f64], b: &mut [f64]) {
        let v: &[f64; 76] = v.try_into().expect("factor length");
        let inv: &[f64; 17] = inv.try_into().expect("pivot count");
        let b: &mut [f64; 17] = b.try_into().expect("right-hand side length");
        let y0 = b[13];
        let y1 = b[14] - v[1] * y0;
        let y2 = b[3];
        let y3 = b[15] - v[4] * y1;
        let y4 = b[16] - v[8] * y3;
        let y5 = b[5];
        let y6 = b[6];
        let y7 = b[7];
        let y8 = b[8];
        let y9 = b[12] - v[27] * y8;
        let y10 = b[4] - v[33] * y3 - v[34] * y4;
        let y11 = b[0] - v[39] * y2;
        let y12 = b[1] - v[44] * y11;
        let y13 = b[2] - v[48] * y2 - v[49] * y9 - v[50] * y10 - v[51] * y11 - v[52] * y12;
        let y14 = b[9] - v[55] * y11 - v[56] * y12 - v[57] * y13;
        let y15 = b[10] - v[60] * y5 - v[61] * y6 - v[62] * y7 - v[63] * y10 - v[64] * y11 - v[65] * y12 - v[66] * y13 - v[67] * y14;
        let y16 = b[11] - v[70] * y11 - v[71] * y12 - v[72] * y13 - v[73] * y14 - v[74] * y15;
        let x16 = (y16) * inv[16];
        b[11] = x16;
        let x15 = (y15 - v[69] * x16) * inv[15];
        b[10] = x15;
        let x14 = (y14 - v[59] * x16) * inv[14];
        b[9] = x14;
        let x13 = (y13 - v[54] * x16) * inv[13];
        b[2] = x13;
        let x12 = (y12 - v[46] * x13 - v[47] * x16) * inv[12];
        b[1] = x12;
        let x11 = (y11 - v[41] * x12 - v[42] * x13 - v[43] * x16) * inv[11];
        b[0] = x11;
        let x10 = (y10 - v[36] * x11 - v[37] * x12 - v[38] * x13) * inv[10];
        b[4] = x10;
        let x9 = (y9 - v[29] * x10 - v[30] * x11 - v[31] * x12 - v[32] * x13) * inv[9];
        b[12] = x9;
        let x8 = (y8 - v[24] * x11 - v[25] * x12 - v[26] * x13) * inv[8];
        b[8] = x8;
        let x7 = (y7 - v[20] * x11 - v[21] * x12 - v[22] * x13) * inv[7];
        b[7] = x7;
        let x6 = (y6 - v[16] * x11 - v[17] * x12 - v[18] * x13) * inv[6];
        b[6] = x6;
        let x5 = (y5 - v[12] * x11 - v[13] * x12 - v[14] * x13) * inv[5];
        b[5] = x5;
        let x4 = (y4 - v[10] * x10) * inv[4];
        b[16] = x4;
        let x3 = (y3 - v[6] * x4 - v[7] * x10) * inv[3];
        b[15] = x3;
        let x2 = (y2) * inv[2];
        b[3] = x2;
        let x1 = (y1) * inv[1];
        b[14] = x1;
        let x0 = (y0) * inv[0];
        b[13] = x0;
    }
}

pub static ARM_ANTI_CCL2: crate::model::compiled::CompiledKernels = crate::model::compiled::CompiledKernels {
    fingerprint: 0x1b885d1e0a9cd297,
    constants: 303,
    rhs: arm_anti_ccl2::rhs,
    jacobian: arm_anti_ccl2::jacobian,
    lu: crate::model::compiled::CompiledLu { n: 17, nnz: 76, fingerprint: 0x6fbc744ab038000c, factor: arm_anti_ccl2::lu_factor, solve: arm_anti_ccl2::lu_solve },
};

// Kernels of model 'iannello2013' (fingerprint 0xb1f2a9293174d9bc), written by
// crate::model::compiled::rust_source. Do not edit.
#[allow(clippy::all, clippy::pedantic, unused, non_snake_case)]
pub mod arm_anti_ccl3 {
    pub fn rhs(y: &[f64], u: &[f64], k: &[f64], dy: &mut [f64]) {
        let y: &[f64; 17] = y.try_into().expect("state length");
        let k: &[f64; 303] = k.try_into().expect("constants");
        let dy: &mut [f64; 17] = dy.try_into().expect("derivative length");
        let _ = u;
        let f0 = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); 1.0 - a * k[3] };
        let f1 = { let a = (-0.0); u[0] };
        let f2 = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); 1.0 / (a.max(0.0) + k[7]) };
        let f3 = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); a };
        let f4 = { let a = k[11] * y[4]; a / (k[12] + a) };
        let f5 = { let a = k[13] * y[5]; a / (k[14] + a) };
        let f6 = { let a = k[15] * y[6]; a / (k[16] + a) };
        let f7 = { let a = k[17] * y[7]; a / (k[18] + a) };
        let f8 = { let a = k[19] * y[9]; a / (k[20] + a) };
        let f9 = { let a = k[21] * y[8]; a / (k[22] + a) };
        let p0 = y[0] * f0;
        let p1 = y[1] * f0;
        let p2 = y[0] * y[3];
        let p3 = y[2] * f2;
        let p4 = y[0] * f2;
        let p5 = y[1] * f2;
        let p6 = f3 * f4;
        let p7 = f3 * f5;
        let p8 = f3 * f6;
        let p9 = f3 * f7;
        let p10 = y[10] * f8;
        let p11 = f3 * f9;
        let p12 = y[5] * y[15];
        let p13 = y[0] * y[11] * f2;
        let p14 = y[1] * y[11] * f2;
        let p15 = y[2] * y[11] * f2;
        let p16 = y[2] * y[12] * f2;
        dy[0] = 0.0 + k[23] * p0 + k[24] * p2 + k[25] * p13 + k[26] * p13;
        dy[1] = 0.0 + k[27] * p1 + k[28] * p14 + k[29] * p14;
        dy[2] = 0.0 + k[30] * p2 + k[31] * p15 + k[32] * p15 + k[33] * p16;
        dy[3] = 0.0 + k[34] * f1 + k[35] * y[3];
        dy[4] = 0.0 + k[36] * y[4] + k[37] * p3 + k[38] * p4 + k[39] * p5;
        dy[5] = 0.0 + k[40] * y[5] + k[41] * y[16] + k[42] * p3 + k[43] * p4 + k[44] * p5 + k[45] * p12;
        dy[6] = 0.0 + k[46] * y[6] + k[47] * p3 + k[48] * p4 + k[49] * p5;
        dy[7] = 0.0 + k[50] * y[7] + k[51] * p3 + k[52] * p4 + k[53] * p5;
        dy[8] = 0.0 + k[54] * y[8] + k[55] * p3 + k[56] * p4 + k[57] * p5;
        dy[9] = 0.0 + k[58] * y[9] + k[59] * p3 + k[60] * p4 + k[61] * p5;
        dy[10] = 0.0 + k[62] * f3 + k[63] * y[10] + k[64] * y[10] + k[65] * p6 + k[66] * p7 + k[67] * p8 + k[68] * p9 + k[69] * p10;
        dy[11] = 0.0 + k[70] * y[10] + k[71] * y[11] + k[72] * p10 + k[73] * p13 + k[74] * p13 + k[75] * p14 + k[76] * p14 + k[77] * p15 + k[78] * p15;
        dy[12] = 0.0 + k[79] * f3 + k[80] * y[12] + k[81] * p6 + k[82] * p11;
        dy[13] = 0.0 + k[83] * y[13];
        dy[14] = 0.0 + k[84] * y[13] + k[85] * y[14];
        dy[15] = 0.0 + k[86] * y[14] + k[87] * y[15] + k[88] * y[16] + k[89] * p12;
        dy[16] = 0.0 + k[90] * y[16] + k[91] * y[16] + k[92] * p12;
    }

    pub fn jacobian(y: &[f64], u: &[f64], k: &[f64], out: &mut [f64]) {
        let y: &[f64; 17] = y.try_into().expect("state length");
        let k: &[f64; 303] = k.try_into().expect("constants");
        let out: &mut [f64; 73] = out.try_into().expect("Jacobian length");
        let _ = u;
        let (v0, d0) = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); (1.0 - a * k[3], -k[3]) };
        let (v1, d1) = { let a = (-0.0); (u[0], 0.0) };
        let (v2, d2) = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); { let d = 1.0 / (a.max(0.0) + k[7]); (d, if a > 0.0 { -d * d } else { 0.0 }) } };
        let (v3, d3) = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); (a, 1.0) };
        let (v4, d4) = { let a = (-0.0 + k[11] * y[4]); { let d = 1.0 / (k[12] + a); (a * d, k[12] * d * d) } };
        let (v5, d5) = { let a = (-0.0 + k[13] * y[5]); { let d = 1.0 / (k[14] + a); (a * d, k[14] * d * d) } };
        let (v6, d6) = { let a = (-0.0 + k[15] * y[6]); { let d = 1.0 / (k[16] + a); (a * d, k[16] * d * d) } };
        let (v7, d7) = { let a = (-0.0 + k[17] * y[7]); { let d = 1.0 / (k[18] + a); (a * d, k[18] * d * d) } };
        let (v8, d8) = { let a = (-0.0 + k[19] * y[9]); { let d = 1.0 / (k[20] + a); (a * d, k[20] * d * d) } };
        let (v9, d9) = { let a = (-0.0 + k[21] * y[8]); { let d = 1.0 / (k[22] + a); (a * d, k[22] * d * d) } };
        let p0 = v0 * 1.0;
        let p1 = y[0] * d0;
        let p2 = v0 * 1.0;
        let p3 = y[1] * d0;
        let p4 = y[0] * 1.0;
        let p5 = y[3] * 1.0;
        let p6 = v2 * 1.0;
        let p7 = y[2] * d2;
        let p8 = v2 * 1.0;
        let p9 = y[0] * d2;
        let p10 = v2 * 1.0;
        let p11 = y[1] * d2;
        let p12 = v3 * d4;
        let p13 = v4 * d3;
        let p14 = v3 * d5;
        let p15 = v5 * d3;
        let p16 = v3 * d6;
        let p17 = v6 * d3;
        let p18 = v3 * d7;
        let p19 = v7 * d3;
        let p20 = y[10] * d8;
        let p21 = v8 * 1.0;
        let p22 = v3 * d9;
        let p23 = v9 * d3;
        let p24 = y[5] * 1.0;
        let p25 = y[15] * 1.0;
        let p26 = y[0] * v2 * 1.0;
        let p27 = y[11] * v2 * 1.0;
        let p28 = y[0] * y[11] * d2;
        let p29 = y[1] * v2 * 1.0;
        let p30 = y[11] * v2 * 1.0;
        let p31 = y[1] * y[11] * d2;
        let p32 = y[2] * v2 * 1.0;
        let p33 = y[11] * v2 * 1.0;
        let p34 = y[2] * y[11] * d2;
        let p35 = y[2] * v2 * 1.0;
        let p36 = y[12] * v2 * 1.0;
        let p37 = y[2] * y[12] * d2;
        out[0] = 0.0 + k[93] * p0 + k[94] * p1 + k[95] * p5 + k[96] * p27 + k[97] * p28 + k[98] * p27 + k[99] * p28;
        out[1] = 0.0 + k[100] * p1 + k[101] * p28 + k[102] * p28;
        out[2] = 0.0 + k[103] * p1 + k[104] * p28 + k[105] * p28;
        out[3] = 0.0 + k[106] * p4;
        out[4] = 0.0 + k[107] * p26 + k[108] * p26;
        out[5] = 0.0 + k[109] * p3 + k[110] * p31 + k[111] * p31;
        out[6] = 0.0 + k[112] * p2 + k[113] * p3 + k[114] * p30 + k[115] * p31 + k[116] * p30 + k[117] * p31;
        out[7] = 0.0 + k[118] * p3 + k[119] * p31 + k[120] * p31;
        out[8] = 0.0 + k[121] * p29 + k[122] * p29;
        out[9] = 0.0 + k[123] * p5 + k[124] * p34 + k[125] * p34 + k[126] * p37;
        out[10] = 0.0 + k[127] * p34 + k[128] * p34 + k[129] * p37;
        out[11] = 0.0 + k[130] * p33 + k[131] * p34 + k[132] * p33 + k[133] * p34 + k[134] * p36 + k[135] * p37;
        out[12] = 0.0 + k[136] * p4;
        out[13] = 0.0 + k[137] * p32 + k[138] * p32;
        out[14] = 0.0 + k[139] * p35;
        out[15] = 0.0 + k[140] * 1.0;
        out[16] = 0.0 + k[141] * p7 + k[142] * p8 + k[143] * p9 + k[144] * p11;
        out[17] = 0.0 + k[145] * p7 + k[146] * p9 + k[147] * p10 + k[148] * p11;
        out[18] = 0.0 + k[149] * p6 + k[150] * p7 + k[151] * p9 + k[152] * p11;
        out[19] = 0.0 + k[153] * 1.0;
        out[20] = 0.0 + k[154] * p7 + k[155] * p8 + k[156] * p9 + k[157] * p11;
        out[21] = 0.0 + k[158] * p7 + k[159] * p9 + k[160] * p10 + k[161] * p11;
        out[22] = 0.0 + k[162] * p6 + k[163] * p7 + k[164] * p9 + k[165] * p11;
        out[23] = 0.0 + k[166] * 1.0 + k[167] * p25;
        out[24] = 0.0 + k[168] * p24;
        out[25] = 0.0 + k[169] * 1.0;
        out[26] = 0.0 + k[170] * p7 + k[171] * p8 + k[172] * p9 + k[173] * p11;
        out[27] = 0.0 + k[174] * p7 + k[175] * p9 + k[176] * p10 + k[177] * p11;
        out[28] = 0.0 + k[178] * p6 + k[179] * p7 + k[180] * p9 + k[181] * p11;
        out[29] = 0.0 + k[182] * 1.0;
        out[30] = 0.0 + k[183] * p7 + k[184] * p8 + k[185] * p9 + k[186] * p11;
        out[31] = 0.0 + k[187] * p7 + k[188] * p9 + k[189] * p10 + k[190] * p11;
        out[32] = 0.0 + k[191] * p6 + k[192] * p7 + k[193] * p9 + k[194] * p11;
        out[33] = 0.0 + k[195] * 1.0;
        out[34] = 0.0 + k[196] * p7 + k[197] * p8 + k[198] * p9 + k[199] * p11;
        out[35] = 0.0 + k[200] * p7 + k[201] * p9 + k[202] * p10 + k[203] * p11;
        out[36] = 0.0 + k[204] * p6 + k[205] * p7 + k[206] * p9 + k[207] * p11;
        out[37] = 0.0 + k[208] * 1.0;
        out[38] = 0.0 + k[209] * p7 + k[210] * p8 + k[211] * p9 + k[212] * p11;
        out[39] = 0.0 + k[213] * p7 + k[214] * p9 + k[215] * p10 + k[216] * p11;
        out[40] = 0.0 + k[217] * p6 + k[218] * p7 + k[219] * p9 + k[220] * p11;
        out[41] = 0.0 + k[221] * 1.0;
        out[42] = 0.0 + k[222] * d3 + k[223] * p13 + k[224] * p15 + k[225] * p17 + k[226] * p19;
        out[43] = 0.0 + k[227] * d3 + k[228] * p13 + k[229] * p15 + k[230] * p17 + k[231] * p19;
        out[44] = 0.0 + k[232] * d3 + k[233] * p13 + k[234] * p15 + k[235] * p17 + k[236] * p19;
        out[45] = 0.0 + k[237] * p12;
        out[46] = 0.0 + k[238] * p14;
        out[47] = 0.0 + k[239] * p16;
        out[48] = 0.0 + k[240] * p18;
        out[49] = 0.0 + k[241] * p20;
        out[50] = 0.0 + k[242] * 1.0 + k[243] * 1.0 + k[244] * p21;
        out[51] = 0.0 + k[245] * p27 + k[246] * p28 + k[247] * p27 + k[248] * p28 + k[249] * p31 + k[250] * p31 + k[251] * p34 + k[252] * p34;
        out[52] = 0.0 + k[253] * p28 + k[254] * p28 + k[255] * p30 + k[256] * p31 + k[257] * p30 + k[258] * p31 + k[259] * p34 + k[260] * p34;
        out[53] = 0.0 + k[261] * p28 + k[262] * p28 + k[263] * p31 + k[264] * p31 + k[265] * p33 + k[266] * p34 + k[267] * p33 + k[268] * p34;
        out[54] = 0.0 + k[269] * p20;
        out[55] = 0.0 + k[270] * 1.0 + k[271] * p21;
        out[56] = 0.0 + k[272] * 1.0 + k[273] * p26 + k[274] * p26 + k[275] * p29 + k[276] * p29 + k[277] * p32 + k[278] * p32;
        out[57] = 0.0 + k[279] * d3 + k[280] * p13 + k[281] * p23;
        out[58] = 0.0 + k[282] * d3 + k[283] * p13 + k[284] * p23;
        out[59] = 0.0 + k[285] * d3 + k[286] * p13 + k[287] * p23;
        out[60] = 0.0 + k[288] * p12;
        out[61] = 0.0 + k[289] * p22;
        out[62] = 0.0 + k[290] * 1.0;
        out[63] = 0.0 + k[291] * 1.0;
        out[64] = 0.0 + k[292] * 1.0;
        out[65] = 0.0 + k[293] * 1.0;
        out[66] = 0.0 + k[294] * p25;
        out[67] = 0.0 + k[295] * 1.0;
        out[68] = 0.0 + k[296] * 1.0 + k[297] * p24;
        out[69] = 0.0 + k[298] * 1.0;
        out[70] = 0.0 + k[299] * p25;
        out[71] = 0.0 + k[300] * p24;
        out[72] = 0.0 + k[301] * 1.0 + k[302] * 1.0;
    }

    pub fn lu_factor(jac: &[f64], scale: f64, shift: f64, v: &mut [f64], inv: &mut [f64]) -> Result<(), usize> {
        let jac: &[f64; 73] = jac.try_into().expect("Jacobian length");
        let v: &mut [f64; 76] = v.try_into().expect("factor length");
        let inv: &mut [f64; 17] = inv.try_into().expect("pivot count");
        v[0] = 0.0 + scale * jac[63];
        v[1] = 0.0 + scale * jac[64];
        v[2] = 0.0 + scale * jac[65];
        v[3] = 0.0 + scale * jac[15];
        v[4] = 0.0 + scale * jac[67];
        v[5] = 0.0 + scale * jac[68];
        v[6] = 0.0 + scale * jac[69];
        v[7] = 0.0 + scale * jac[66];
        v[8] = 0.0 + scale * jac[71];
        v[9] = 0.0 + scale * jac[72];
        v[10] = 0.0 + scale * jac[70];
        v[11] = 0.0 + scale * jac[24];
        v[12] = 0.0 + scale * jac[25];
        v[13] = 0.0 + scale * jac[23];
        v[14] = 0.0 + scale * jac[20];
        v[15] = 0.0 + scale * jac[21];
        v[16] = 0.0 + scale * jac[22];
        v[17] = 0.0 + scale * jac[29];
        v[18] = 0.0 + scale * jac[26];
        v[19] = 0.0 + scale * jac[27];
        v[20] = 0.0 + scale * jac[28];
        v[21] = 0.0 + scale * jac[33];
        v[22] = 0.0 + scale * jac[30];
        v[23] = 0.0 + scale * jac[31];
        v[24] = 0.0 + scale * jac[32];
        v[25] = 0.0 + scale * jac[37];
        v[26] = 0.0 + scale * jac[34];
        v[27] = 0.0 + scale * jac[35];
        v[28] = 0.0 + scale * jac[36];
        v[29] = 0.0 + scale * jac[61];
        v[30] = 0.0 + scale * jac[62];
        v[31] = 0.0 + scale * jac[60];
        v[32] = 0.0 + scale * jac[57];
        v[33] = 0.0 + scale * jac[58];
        v[34] = 0.0 + scale * jac[59];
        v[35] = 0.0 + scale * jac[19];
        v[36] = 0.0 + scale * jac[16];
        v[37] = 0.0 + scale * jac[17];
        v[38] = 0.0 + scale * jac[18];
        v[39] = 0.0 + scale * jac[3];
        v[40] = 0.0 + scale * jac[0];
        v[41] = 0.0 + scale * jac[1];
        v[42] = 0.0 + scale * jac[2];
        v[43] = 0.0 + scale * jac[4];
        v[44] = 0.0 + scale * jac[5];
        v[45] = 0.0 + scale * jac[6];
        v[46] = 0.0 + scale * jac[7];
        v[47] = 0.0 + scale * jac[8];
        v[48] = 0.0 + scale * jac[12];
        v[49] = 0.0 + scale * jac[14];
        v[50] = 0.0;
        v[51] = 0.0 + scale * jac[9];
        v[52] = 0.0 + scale * jac[10];
        v[53] = 0.0 + scale * jac[11];
        v[54] = 0.0 + scale * jac[13];
        v[55] = 0.0 + scale * jac[38];
        v[56] = 0.0 + scale * jac[39];
        v[57] = 0.0 + scale * jac[40];
        v[58] = 0.0 + scale * jac[41];
        v[59] = 0.0;
        v[60] = 0.0 + scale * jac[46];
        v[61] = 0.0 + scale * jac[47];
        v[62] = 0.0 + scale * jac[48];
        v[63] = 0.0 + scale * jac[45];
        v[64] = 0.0 + scale * jac[42];
        v[65] = 0.0 + scale * jac[43];
        v[66] = 0.0 + scale * jac[44];
        v[67] = 0.0 + scale * jac[49];
        v[68] = 0.0 + scale * jac[50];
        v[69] = 0.0;
        v[70] = 0.0 + scale * jac[51];
        v[71] = 0.0 + scale * jac[52];
        v[72] = 0.0 + scale * jac[53];
        v[73] = 0.0 + scale * jac[54];
        v[74] = 0.0 + scale * jac[55];
        v[75] = 0.0 + scale * jac[56];
        v[0] = v[0] + shift;
        v[2] = v[2] + shift;
        v[3] = v[3] + shift;
        v[5] = v[5] + shift;
        v[9] = v[9] + shift;
        v[13] = v[13] + shift;
        v[17] = v[17] + shift;
        v[21] = v[21] + shift;
        v[25] = v[25] + shift;
        v[30] = v[30] + shift;
        v[35] = v[35] + shift;
        v[40] = v[40] + shift;
        v[45] = v[45] + shift;
        v[53] = v[53] + shift;
        v[58] = v[58] + shift;
        v[68] = v[68] + shift;
        v[75] = v[75] + shift;
        let row_max = 0.0f64.max(v[0].abs());
        let pivot = v[0];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(0); }
        inv[0] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[1].abs()).max(v[2].abs());
        let l = v[1] * inv[0];
        v[1] = l;
        let pivot = v[2];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(1); }
        inv[1] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[3].abs());
        let pivot = v[3];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(2); }
        inv[2] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[4].abs()).max(v[5].abs()).max(v[6].abs()).max(v[7].abs());
        let l = v[4] * inv[1];
        v[4] = l;
        let pivot = v[5];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(3); }
        inv[3] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[8].abs()).max(v[9].abs()).max(v[10].abs());
        let l = v[8] * inv[3];
        v[8] = l;
        if l != 0.0 { v[9] = v[9] - l * v[6]; v[10] = v[10] - l * v[7]; }
        let pivot = v[9];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(4); }
        inv[4] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[11].abs()).max(v[12].abs()).max(v[13].abs()).max(v[14].abs()).max(v[15].abs()).max(v[16].abs());
        let l = v[11] * inv[3];
        v[11] = l;
        if l != 0.0 { v[12] = v[12] - l * v[6]; v[13] = v[13] - l * v[7]; }
        let l = v[12] * inv[4];
        v[12] = l;
        if l != 0.0 { v[13] = v[13] - l * v[10]; }
        let pivot = v[13];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(5); }
        inv[5] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[17].abs()).max(v[18].abs()).max(v[19].abs()).max(v[20].abs());
        let pivot = v[17];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(6); }
        inv[6] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[21].abs()).max(v[22].abs()).max(v[23].abs()).max(v[24].abs());
        let pivot = v[21];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(7); }
        inv[7] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[25].abs()).max(v[26].abs()).max(v[27].abs()).max(v[28].abs());
        let pivot = v[25];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(8); }
        inv[8] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[29].abs()).max(v[30].abs()).max(v[31].abs()).max(v[32].abs()).max(v[33].abs()).max(v[34].abs());
        let l = v[29] * inv[8];
        v[29] = l;
        if l != 0.0 { v[32] = v[32] - l * v[26]; v[33] = v[33] - l * v[27]; v[34] = v[34] - l * v[28]; }
        let pivot = v[30];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(9); }
        inv[9] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[35].abs()).max(v[36].abs()).max(v[37].abs()).max(v[38].abs());
        let pivot = v[35];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(10); }
        inv[10] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[39].abs()).max(v[40].abs()).max(v[41].abs()).max(v[42].abs()).max(v[43].abs());
        let l = v[39] * inv[2];
        v[39] = l;
        let pivot = v[40];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(11); }
        inv[11] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[44].abs()).max(v[45].abs()).max(v[46].abs()).max(v[47].abs());
        let l = v[44] * inv[11];
        v[44] = l;
        if l != 0.0 { v[45] = v[45] - l * v[41]; v[46] = v[46] - l * v[42]; v[47] = v[47] - l * v[43]; }
        let pivot = v[45];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(12); }
        inv[12] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[48].abs()).max(v[49].abs()).max(v[50].abs()).max(v[51].abs()).max(v[52].abs()).max(v[53].abs()).max(v[54].abs());
        let l = v[48] * inv[2];
        v[48] = l;
        let l = v[49] * inv[9];
        v[49] = l;
        if l != 0.0 { v[50] = v[50] - l * v[31]; v[51] = v[51] - l * v[32]; v[52] = v[52] - l * v[33]; v[53] = v[53] - l * v[34]; }
        let l = v[50] * inv[10];
        v[50] = l;
        if l != 0.0 { v[51] = v[51] - l * v[36]; v[52] = v[52] - l * v[37]; v[53] = v[53] - l * v[38]; }
        let l = v[51] * inv[11];
        v[51] = l;
        if l != 0.0 { v[52] = v[52] - l * v[41]; v[53] = v[53] - l * v[42]; v[54] = v[54] - l * v[43]; }
        let l = v[52] * inv[12];
        v[52] = l;
        if l != 0.0 { v[53] = v[53] - l * v[46]; v[54] = v[54] - l * v[47]; }
        let pivot = v[53];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(13); }
        inv[13] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[55].abs()).max(v[56].abs()).max(v[57].abs()).max(v[58].abs()).max(v[59].abs());
        let l = v[55] * inv[11];
        v[55] = l;
        if l != 0.0 { v[56] = v[56] - l * v[41]; v[57] = v[57] - l * v[42]; v[59] = v[59] - l * v[43]; }
        let l = v[56] * inv[12];
        v[56] = l;
        if l != 0.0 { v[57] = v[57] - l * v[46]; v[59] = v[59] - l * v[47]; }
        let l = v[57] * inv[13];
        v[57] = l;
        if l != 0.0 { v[59] = v[59] - l * v[54]; }
        let pivot = v[58];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(14); }
        inv[14] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[60].abs()).max(v[61].abs()).max(v[62].abs()).max(v[63].abs()).max(v[64].abs()).max(v[65].abs()).max(v[66].abs()).max(v[67].abs()).max(v[68].abs()).max(v[69].abs());
        let l = v[60] * inv[5];
        v[60] = l;
        if l != 0.0 { v[64] = v[64] - l * v[14]; v[65] = v[65] - l * v[15]; v[66] = v[66] - l * v[16]; }
        let l = v[61] * inv[6];
        v[61] = l;
        if l != 0.0 { v[64] = v[64] - l * v[18]; v[65] = v[65] - l * v[19]; v[66] = v[66] - l * v[20]; }
        let l = v[62] * inv[7];
        v[62] = l;
        if l != 0.0 { v[64] = v[64] - l * v[22]; v[65] = v[65] - l * v[23]; v[66] = v[66] - l * v[24]; }
        let l = v[63] * inv[10];
        v[63] = l;
        if l != 0.0 { v[64] = v[64] - l * v[36]; v[65] = v[65] - l * v[37]; v[66] = v[66] - l * v[38]; }
        let l = v[64] * inv[11];
        v[64] = l;
        if l != 0.0 { v[65] = v[65] - l * v[41]; v[66] = v[66] - l * v[42]; v[69] = v[69] - l * v[43]; }
        let l = v[65] * inv[12];
        v[65] = l;
        if l != 0.0 { v[66] = v[66] - l * v[46]; v[69] = v[69] - l * v[47]; }
        let l = v[66] * inv[13];
        v[66] = l;
        if l != 0.0 { v[69] = v[69] - l * v[54]; }
        let l = v[67] * inv[14];
        v[67] = l;
        if l != 0.0 { v[69] = v[69] - l * v[59]; }
        let pivot = v[68];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(15); }
        inv[15] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[70].abs()).max(v[71].abs()).max(v[72].abs()).max(v[73].abs()).max(v[74].abs()).max(v[75].abs());
        let l = v[70] * inv[11];
        v[70] = l;
        if l != 0.0 { v[71] = v[71] - l * v[41]; v[72] = v[72] - l * v[42]; v[75] = v[75] - l * v[43]; }
        let l = v[71] * inv[12];
        v[71] = l;
        if l != 0.0 { v[72] = v[72] - l * v[46]; v[75] = v[75] - l * v[47]; }
        let l = v[72] * inv[13];
        v[72] = l;
        if l != 0.0 { v[75] = v[75] - l * v[54]; }
        let l = v[73] * inv[14];
        v[73] = l;
        if l != 0.0 { v[75] = v[75] - l * v[59]; }
        let l = v[74] * inv[15];
        v[74] = l;
        if l != 0.0 { v[75] = v[75] - l * v[69]; }
        let pivot = v[75];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(16); }
        inv[16] = 1.0 / pivot;
        Ok(())
    }

    pub fn lu_solve(v: &[f64], inv: &[f64], b: &mut [f64]) {
        let v: &[f64; 76] = v.try_into().expect("factor length");
        let inv: &[f64; 17] = inv.try_into().expect("pivot count");
        let b: &mut [f64; 17] = b.try_into().expect("right-hand side length");
        let y0 = b[13];
        let y1 = b[14] - v[1] * y0;
        let y2 = b[3];
        let y3 = b[15] - v[4] * y1;
        let y4 = b[16] - v[8] * y3;
        let y5 = b[5] - v[11] * y3 - v[12] * y4;
        let y6 = b[6];
        let y7 = b[7];
        let y8 = b[8];
        let y9 = b[12] - v[29] * y8;
        let y10 = b[4];
        let y11 = b[0] - v[39] * y2;
        let y12 = b[1] - v[44] * y11;
        let y13 = b[2] - v[48] * y2 - v[49] * y9 - v[50] * y10 - v[51] * y11 - v[52] * y12;
        let y14 = b[9] - v[55] * y11 - v[56] * y12 - v[57] * y13;
        let y15 = b[10] - v[60] * y5 - v[61] * y6 - v[62] * y7 - v[63] * y10 - v[64] * y11 - v[65] * y12 - v[66] * y13 - v[67] * y14;
        let y16 = b[11] - v[70] * y11 - v[71] * y12 - v[72] * y13 - v[73] * y14 - v[74] * y15;
        let x16 = (y16) * inv[16];
        b[11] = x16;
        let x15 = (y15 - v[69] * x16) * inv[15];
        b[10] = x15;
        let x14 = (y14 - v[59] * x16) * inv[14];
        b[9] = x14;
        let x13 = (y13 - v[54] * x16) * inv[13];
        b[2] = x13;
        let x12 = (y12 - v[46] * x13 - v[47] * x16) * inv[12];
        b[1] = x12;
        let x11 = (y11 - v[41] * x12 - v[42] * x13 - v[43] * x16) * inv[11];
        b[0] = x11;
        let x10 = (y10 - v[36] * x11 - v[37] * x12 - v[38] * x13) * inv[10];
        b[4] = x10;
        let x9 = (y9 - v[31] * x10 - v[32] * x11 - v[33] * x12 - v[34] * x13) * inv[9];
        b[12] = x9;
        let x8 = (y8 - v[26] * x11 - v[27] * x12 - v[28] * x13) * inv[8];
        b[8] = x8;
        let x7 = (y7 - v[22] * x11 - v[23] * x12 - v[24] * x13) * inv[7];
        b[7] = x7;
        let x6 = (y6 - v[18] * x11 - v[19] * x12 - v[20] * x13) * inv[6];
        b[6] = x6;
        let x5 = (y5 - v[14] * x11 - v[15] * x12 - v[16] * x13) * inv[5];
        b[5] = x5;
        let x4 = (y4 - v[10] * x5) * inv[4];
        b[16] = x4;
        let x3 = (y3 - v[6] * x4 - v[7] * x5) * inv[3];
        b[15] = x3;
        let x2 = (y2) * inv[2];
        b[3] = x2;
        let x1 = (y1) * inv[1];
        b[14] = x1;
        let x0 = (y0) * inv[0];
        b[13] = x0;
    }
}

pub static ARM_ANTI_CCL3: crate::model::compiled::CompiledKernels = crate::model::compiled::CompiledKernels {
    fingerprint: 0xb1f2a9293174d9bc,
    constants: 303,
    rhs: arm_anti_ccl3::rhs,
    jacobian: arm_anti_ccl3::jacobian,
    lu: crate::model::compiled::CompiledLu { n: 17, nnz: 76, fingerprint: 0x252fc72e6c798aec, factor: arm_anti_ccl3::lu_factor, solve: arm_anti_ccl3::lu_solve },
};

// Kernels of model 'iannello2013' (fingerprint 0x3242c21f4265fadd), written by
// crate::model::compiled::rust_source. Do not edit.
#[allow(clippy::all, clippy::pedantic, unused, non_snake_case)]
pub mod arm_anti_ccl4 {
    pub fn rhs(y: &[f64], u: &[f64], k: &[f64], dy: &mut [f64]) {
        let y: &[f64; 17] = y.try_into().expect("state length");
        let k: &[f64; 303] = k.try_into().expect("constants");
        let dy: &mut [f64; 17] = dy.try_into().expect("derivative length");
        let _ = u;
        let f0 = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); 1.0 - a * k[3] };
        let f1 = { let a = (-0.0); u[0] };
        let f2 = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); 1.0 / (a.max(0.0) + k[7]) };
        let f3 = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); a };
        let f4 = { let a = k[11] * y[4]; a / (k[12] + a) };
        let f5 = { let a = k[13] * y[5]; a / (k[14] + a) };
        let f6 = { let a = k[15] * y[6]; a / (k[16] + a) };
        let f7 = { let a = k[17] * y[7]; a / (k[18] + a) };
        let f8 = { let a = k[19] * y[9]; a / (k[20] + a) };
        let f9 = { let a = k[21] * y[8]; a / (k[22] + a) };
        let p0 = y[0] * f0;
        let p1 = y[1] * f0;
        let p2 = y[0] * y[3];
        let p3 = y[2] * f2;
        let p4 = y[0] * f2;
        let p5 = y[1] * f2;
        let p6 = f3 * f4;
        let p7 = f3 * f5;
        let p8 = f3 * f6;
        let p9 = f3 * f7;
        let p10 = y[10] * f8;
        let p11 = f3 * f9;
        let p12 = y[6] * y[15];
        let p13 = y[0] * y[11] * f2;
        let p14 = y[1] * y[11] * f2;
        let p15 = y[2] * y[11] * f2;
        let p16 = y[2] * y[12] * f2;
        dy[0] = 0.0 + k[23] * p0 + k[24] * p2 + k[25] * p13 + k[26] * p13;
        dy[1] = 0.0 + k[27] * p1 + k[28] * p14 + k[29] * p14;
        dy[2] = 0.0 + k[30] * p2 + k[31] * p15 + k[32] * p15 + k[33] * p16;
        dy[3] = 0.0 + k[34] * f1 + k[35] * y[3];
        dy[4] = 0.0 + k[36] * y[4] + k[37] * p3 + k[38] * p4 + k[39] * p5;
        dy[5] = 0.0 + k[40] * y[5] + k[41] * p3 + k[42] * p4 + k[43] * p5;
        dy[6] = 0.0 + k[44] * y[6] + k[45] * y[16] + k[46] * p3 + k[47] * p4 + k[48] * p5 + k[49] * p12;
        dy[7] = 0.0 + k[50] * y[7] + k[51] * p3 + k[52] * p4 + k[53] * p5;
        dy[8] = 0.0 + k[54] * y[8] + k[55] * p3 + k[56] * p4 + k[57] * p5;
        dy[9] = 0.0 + k[58] * y[9] + k[59] * p3 + k[60] * p4 + k[61] * p5;
        dy[10] = 0.0 + k[62] * f3 + k[63] * y[10] + k[64] * y[10] + k[65] * p6 + k[66] * p7 + k[67] * p8 + k[68] * p9 + k[69] * p10;
        dy[11] = 0.0 + k[70] * y[10] + k[71] * y[11] + k[72] * p10 + k[73] * p13 + k[74] * p13 + k[75] * p14 + k[76] * p14 + k[77] * p15 + k[78] * p15;
        dy[12] = 0.0 + k[79] * f3 + k[80] * y[12] + k[81] * p6 + k[82] * p11;
        dy[13] = 0.0 + k[83] * y[13];
        dy[14] = 0.0 + k[84] * y[13] + k[85] * y[14];
        dy[15] = 0.0 + k[86] * y[14] + k[87] * y[15] + k[88] * y[16] + k[89] * p12;
        dy[16] = 0.0 + k[90] * y[16] + k[91] * y[16] + k[92] * p12;
    }

    pub fn jacobian(y: &[f64], u: &[f64], k: &[f64], out: &mut [f64]) {
        let y: &[f64; 17] = y.try_into().expect("state length");
        let k: &[f64; 303] = k.try_into().expect("constants");
        let out: &mut [f64; 73] = out.try_into().expect("Jacobian length");
        let _ = u;
        let (v0, d0) = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); (1.0 - a * k[3], -k[3]) };
        let (v1, d1) = { let a = (-0.0); (u[0], 0.0) };
        let (v2, d2) = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); { let d = 1.0 / (a.max(0.0) + k[7]); (d, if a > 0.0 { -d * d } else { 0.0 }) } };
        let (v3, d3) = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); (a, 1.0) };
        let (v4, d4) = { let a = (-0.0 + k[11] * y[4]); { let d = 1.0 / (k[12] + a); (a * d, k[12] * d * d) } };
        let (v5, d5) = { let a = (-0.0 + k[13] * y[5]); { let d = 1.0 / (k[14] + a); (a * d, k[14] * d * d) } };
        let (v6, d6) = { let a = (-0.0 + k[15] * y[6]); { let d = 1.0 / (k[16] + a); (a * d, k[16] * d * d) } };
        let (v7, d7) = { let a = (-0.0 + k[17] * y[7]); { let d = 1.0 / (k[18] + a); (a * d, k[18] * d * d) } };
        let (v8, d8) = { let a = (-0.0 + k[19] * y[9]); { let d = 1.0 / (k[20] + a); (a * d, k[20] * d * d) } };
        let (v9, d9) = { let a = (-0.0 + k[21] * y[8]); { let d = 1.0 / (k[22] + a); (a * d, k[22] * d * d) } };
        let p0 = v0 * 1.0;
        let p1 = y[0] * d0;
        let p2 = v0 * 1.0;
        let p3 = y[1] * d0;
        let p4 = y[0] * 1.0;
        let p5 = y[3] * 1.0;
        let p6 = v2 * 1.0;
        let p7 = y[2] * d2;
        let p8 = v2 * 1.0;
        let p9 = y[0] * d2;
        let p10 = v2 * 1.0;
        let p11 = y[1] * d2;
        let p12 = v3 * d4;
        let p13 = v4 * d3;
        let p14 = v3 * d5;
        let p15 = v5 * d3;
        let p16 = v3 * d6;
        let p17 = v6 * d3;
        let p18 = v3 * d7;
        let p19 = v7 * d3;
        let p20 = y[10] * d8;
        let p21 = v8 * 1.0;
        let p22 = v3 * d9;
        let p23 = v9 * d3;
        let p24 = y[6] * 1.0;
        let p25 = y[15] * 1.0;
        let p26 = y[0] * v2 * 1.0;
        let p27 = y[11] * v2 * 1.0;
        let p28 = y[0] * y[11] * d2;
        let p29 = y[1] * v2 * 1.0;
        let p30 = y[11] * v2 * 1.0;
        let p31 = y[1] * y[11] * d2;
        let p32 = y[2] * v2 * 1.0;
        let p33 = y[11] * v2 * 1.0;
        let p34 = y[2] * y[11] * d2;
        let p35 = y[2] * v2 * 1.0;
        let p36 = y[12] * v2 * 1.0;
        let p37 = y[2] * y[12] * d2;
        out[0] = 0.0 + k[93] * p0 + k[94] * p1 + k[95] * p5 + k[96] * p27 + k[97] * p28 + k[98] * p27 + k[99] * p28;
        out[1] = 0.0 + k[100] * p1 + k[101] * p28 + k[102] * p28;
        out[2] = 0.0 + k[103] * p1 + k[104] * p28 + k[105] * p28;
        out[3] = 0.0 + k[106] * p4;
        out[4] = 0.0 + k[107] * p26 + k[108] * p26;
        out[5] = 0.0 + k[109] * p3 + k[110] * p31 + k[111] * p31;
        out[6] = 0.0 + k[112] * p2 + k[113] * p3 + k[114] * p30 + k[115] * p31 + k[116] * p30 + k[117] * p31;
        out[7] = 0.0 + k[118] * p3 + k[119] * p31 + k[120] * p31;
        out[8] = 0.0 + k[121] * p29 + k[122] * p29;
        out[9] = 0.0 + k[123] * p5 + k[124] * p34 + k[125] * p34 + k[126] * p37;
        out[10] = 0.0 + k[127] * p34 + k[128] * p34 + k[129] * p37;
        out[11] = 0.0 + k[130] * p33 + k[131] * p34 + k[132] * p33 + k[133] * p34 + k[134] * p36 + k[135] * p37;
        out[12] = 0.0 + k[136] * p4;
        out[13] = 0.0 + k[137] * p32 + k[138] * p32;
        out[14] = 0.0 + k[139] * p35;
        out[15] = 0.0 + k[140] * 1.0;
        out[16] = 0.0 + k[141] * p7 + k[142] * p8 + k[143] * p9 + k[144] * p11;
        out[17] = 0.0 + k[145] * p7 + k[146] * p9 + k[147] * p10 + k[148] * p11;
        out[18] = 0.0 + k[149] * p6 + k[150] * p7 + k[151] * p9 + k[152] * p11;
        out[19] = 0.0 + k[153] * 1.0;
        out[20] = 0.0 + k[154] * p7 + k[155] * p8 + k[156] * p9 + k[157] * p11;
        out[21] = 0.0 + k[158] * p7 + k[159] * p9 + k[160] * p10 + k[161] * p11;
        out[22] = 0.0 + k[162] * p6 + k[163] * p7 + k[164] * p9 + k[165] * p11;
        out[23] = 0.0 + k[166] * 1.0;
        out[24] = 0.0 + k[167] * p7 + k[168] * p8 + k[169] * p9 + k[170] * p11;
        out[25] = 0.0 + k[171] * p7 + k[172] * p9 + k[173] * p10 + k[174] * p11;
        out[26] = 0.0 + k[175] * p6 + k[176] * p7 + k[177] * p9 + k[178] * p11;
        out[27] = 0.0 + k[179] * 1.0 + k[180] * p25;
        out[28] = 0.0 + k[181] * p24;
        out[29] = 0.0 + k[182] * 1.0;
        out[30] = 0.0 + k[183] * p7 + k[184] * p8 + k[185] * p9 + k[186] * p11;
        out[31] = 0.0 + k[187] * p7 + k[188] * p9 + k[189] * p10 + k[190] * p11;
        out[32] = 0.0 + k[191] * p6 + k[192] * p7 + k[193] * p9 + k[194] * p11;
        out[33] = 0.0 + k[195] * 1.0;
        out[34] = 0.0 + k[196] * p7 + k[197] * p8 + k[198] * p9 + k[199] * p11;
        out[35] = 0.0 + k[200] * p7 + k[201] * p9 + k[202] * p10 + k[203] * p11;
        out[36] = 0.0 + k[204] * p6 + k[205] * p7 + k[206] * p9 + k[207] * p11;
        out[37] = 0.0 + k[208] * 1.0;
        out[38] = 0.0 + k[209] * p7 + k[210] * p8 + k[211] * p9 + k[212] * p11;
        out[39] = 0.0 + k[213] * p7 + k[214] * p9 + k[215] * p10 + k[216] * p11;
        out[40] = 0.0 + k[217] * p6 + k[218] * p7 + k[219] * p9 + k[220] * p11;
        out[41] = 0.0 + k[221] * 1.0;
        out[42] = 0.0 + k[222] * d3 + k[223] * p13 + k[224] * p15 + k[225] * p17 + k[226] * p19;
        out[43] = 0.0 + k[227] * d3 + k[228] * p13 + k[229] * p15 + k[230] * p17 + k[231] * p19;
        out[44] = 0.0 + k[232] * d3 + k[233] * p13 + k[234] * p15 + k[235] * p17 + k[236] * p19;
        out[45] = 0.0 + k[237] * p12;
        out[46] = 0.0 + k[238] * p14;
        out[47] = 0.0 + k[239] * p16;
        out[48] = 0.0 + k[240] * p18;
        out[49] = 0.0 + k[241] * p20;
        out[50] = 0.0 + k[242] * 1.0 + k[243] * 1.0 + k[244] * p21;
        out[51] = 0.0 + k[245] * p27 + k[246] * p28 + k[247] * p27 + k[248] * p28 + k[249] * p31 + k[250] * p31 + k[251] * p34 + k[252] * p34;
        out[52] = 0.0 + k[253] * p28 + k[254] * p28 + k[255] * p30 + k[256] * p31 + k[257] * p30 + k[258] * p31 + k[259] * p34 + k[260] * p34;
        out[53] = 0.0 + k[261] * p28 + k[262] * p28 + k[263] * p31 + k[264] * p31 + k[265] * p33 + k[266] * p34 + k[267] * p33 + k[268] * p34;
        out[54] = 0.0 + k[269] * p20;
        out[55] = 0.0 + k[270] * 1.0 + k[271] * p21;
        out[56] = 0.0 + k[272] * 1.0 + k[273] * p26 + k[274] * p26 + k[275] * p29 + k[276] * p29 + k[277] * p32 + k[278] * p32;
        out[57] = 0.0 + k[279] * d3 + k[280] * p13 + k[281] * p23;
        out[58] = 0.0 + k[282] * d3 + k[283] * p13 + k[284] * p23;
        out[59] = 0.0 + k[285] * d3 + k[286] * p13 + k[287] * p23;
        out[60] = 0.0 + k[288] * p12;
        out[61] = 0.0 + k[289] * p22;
        out[62] = 0.0 + k[290] * 1.0;
        out[63] = 0.0 + k[291] * 1.0;
        out[64] = 0.0 + k[292] * 1.0;
        out[65] = 0.0 + k[293] * 1.0;
        out[66] = 0.0 + k[294] * p25;
        out[67] = 0.0 + k[295] * 1.0;
        out[68] = 0.0 + k[296] * 1.0 + k[297] * p24;
        out[69] = 0.0 + k[298] * 1.0;
        out[70] = 0.0 + k[299] * p25;
        out[71] = 0.0 + k[300] * p24;
        out[72] = 0.0 + k[301] * 1.0 + k[302] * 1.0;
    }

    pub fn lu_factor(jac: &[f64], scale: f64, shift: f64, v: &mut [f64], inv: &mut [f64]) -> Result<(), usize> {
        let jac: &[f64; 73] = jac.try_into().expect("Jacobian length");
        let v: &mut [f64; 76] = v.try_into().expect("factor length");
        let inv: &mut [f64; 17] = inv.try_into().expect("pivot count");
        v[0] = 0.0 + scale * jac[63];
        v[1] = 0.0 + scale * jac[64];
        v[2] = 0.0 + scale * jac[65];
        v[3] = 0.0 + scale * jac[15];
        v[4] = 0.0 + scale * jac[67];
        v[5] = 0.0 + scale * jac[68];
        v[6] = 0.0 + scale * jac[69];
        v[7] = 0.0 + scale * jac[66];
        v[8] = 0.0 + scale * jac[71];
        v[9] = 0.0 + scale * jac[72];
        v[10] = 0.0 + scale * jac[70];
        v[11] = 0.0 + scale * jac[23];
        v[12] = 0.0 + scale * jac[20];
        v[13] = 0.0 + scale * jac[21];
        v[14] = 0.0 + scale * jac[22];
        v[15] = 0.0 + scale * jac[28];
        v[16] = 0.0 + scale * jac[29];
        v[17] = 0.0 + scale * jac[27];
        v[18] = 0.0 + scale * jac[24];
        v[19] = 0.0 + scale * jac[25];
        v[20] = 0.0 + scale * jac[26];
        v[21] = 0.0 + scale * jac[33];
        v[22] = 0.0 + scale * jac[30];
        v[23] = 0.0 + scale * jac[31];
        v[24] = 0.0 + scale * jac[32];
        v[25] = 0.0 + scale * jac[37];
        v[26] = 0.0 + scale * jac[34];
        v[27] = 0.0 + scale * jac[35];
        v[28] = 0.0 + scale * jac[36];
        v[29] = 0.0 + scale * jac[61];
        v[30] = 0.0 + scale * jac[62];
        v[31] = 0.0 + scale * jac[60];
        v[32] = 0.0 + scale * jac[57];
        v[33] = 0.0 + scale * jac[58];
        v[34] = 0.0 + scale * jac[59];
        v[35] = 0.0 + scale * jac[19];
        v[36] = 0.0 + scale * jac[16];
        v[37] = 0.0 + scale * jac[17];
        v[38] = 0.0 + scale * jac[18];
        v[39] = 0.0 + scale * jac[3];
        v[40] = 0.0 + scale * jac[0];
        v[41] = 0.0 + scale * jac[1];
        v[42] = 0.0 + scale * jac[2];
        v[43] = 0.0 + scale * jac[4];
        v[44] = 0.0 + scale * jac[5];
        v[45] = 0.0 + scale * jac[6];
        v[46] = 0.0 + scale * jac[7];
        v[47] = 0.0 + scale * jac[8];
        v[48] = 0.0 + scale * jac[12];
        v[49] = 0.0 + scale * jac[14];
        v[50] = 0.0;
        v[51] = 0.0 + scale * jac[9];
        v[52] = 0.0 + scale * jac[10];
        v[53] = 0.0 + scale * jac[11];
        v[54] = 0.0 + scale * jac[13];
        v[55] = 0.0 + scale * jac[38];
        v[56] = 0.0 + scale * jac[39];
        v[57] = 0.0 + scale * jac[40];
        v[58] = 0.0 + scale * jac[41];
        v[59] = 0.0;
        v[60] = 0.0 + scale * jac[46];
        v[61] = 0.0 + scale * jac[47];
        v[62] = 0.0 + scale * jac[48];
        v[63] = 0.0 + scale * jac[45];
        v[64] = 0.0 + scale * jac[42];
        v[65] = 0.0 + scale * jac[43];
        v[66] = 0.0 + scale * jac[44];
        v[67] = 0.0 + scale * jac[49];
        v[68] = 0.0 + scale * jac[50];
        v[69] = 0.0;
        v[70] = 0.0 + scale * jac[51];
        v[71] = 0.0 + scale * jac[52];
        v[72] = 0.0 + scale * jac[53];
        v[73] = 0.0 + scale * jac[54];
        v[74] = 0.0 + scale * jac[55];
        v[75] = 0.0 + scale * jac[56];
        v[0] = v[0] + shift;
        v[2] = v[2] + shift;
        v[3] = v[3] + shift;
        v[5] = v[5] + shift;
        v[9] = v[9] + shift;
        v[11] = v[11] + shift;
        v[17] = v[17] + shift;
        v[21] = v[21] + shift;
        v[25] = v[25] + shift;
        v[30] = v[30] + shift;
        v[35] = v[35] + shift;
        v[40] = v[40] + shift;
        v[45] = v[45] + shift;
        v[53] = v[53] + shift;
        v[58] = v[58] + shift;
        v[68] = v[68] + shift;
        v[75] = v[75] + shift;
        let row_max = 0.0f64.max(v[0].abs());
        let pivot = v[0];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(0); }
        inv[0] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[1].abs()).max(v[2].abs());
        let l = v[1] * inv[0];
        v[1] = l;
        let pivot = v[2];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(1); }
        inv[1] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[3].abs());
        let pivot = v[3];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(2); }
        inv[2] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[4].abs()).max(v[5].abs()).max(v[6].abs()).max(v[7].abs());
        let l = v[4] * inv[1];
        v[4] = l;
        let pivot = v[5];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(3); }
        inv[3] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[8].abs()).max(v[9].abs()).max(v[10].abs());
        let l = v[8] * inv[3];
        v[8] = l;
        if l != 0.0 { v[9] = v[9] - l * v[6]; v[10] = v[10] - l * v[7]; }
        let pivot = v[9];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(4); }
        inv[4] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[11].abs()).max(v[12].abs()).max(v[13].abs()).max(v[14].abs());
        let pivot = v[11];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(5); }
        inv[5] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[15].abs()).max(v[16].abs()).max(v[17].abs()).max(v[18].abs()).max(v[19].abs()).max(v[20].abs());
        let l = v[15] * inv[3];
        v[15] = l;
        if l != 0.0 { v[16] = v[16] - l * v[6]; v[17] = v[17] - l * v[7]; }
        let l = v[16] * inv[4];
        v[16] = l;
        if l != 0.0 { v[17] = v[17] - l * v[10]; }
        let pivot = v[17];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(6); }
        inv[6] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[21].abs()).max(v[22].abs()).max(v[23].abs()).max(v[24].abs());
        let pivot = v[21];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(7); }
        inv[7] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[25].abs()).max(v[26].abs()).max(v[27].abs()).max(v[28].abs());
        let pivot = v[25];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(8); }
        inv[8] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[29].abs()).max(v[30].abs()).max(v[31].abs()).max(v[32].abs()).max(v[33].abs()).max(v[34].abs());
        let l = v[29] * inv[8];
        v[29] = l;
        if l != 0.0 { v[32] = v[32] - l * v[26]; v[33] = v[33] - l * v[27]; v[34] = v[34] - l * v[28]; }
        let pivot = v[30];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(9); }
        inv[9] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[35].abs()).max(v[36].abs()).max(v[37].abs()).max(v[38].abs());
        let pivot = v[35];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(10); }
        inv[10] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[39].abs()).max(v[40].abs()).max(v[41].abs()).max(v[42].abs()).max(v[43].abs());
        let l = v[39] * inv[2];
        v[39] = l;
        let pivot = v[40];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(11); }
        inv[11] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[44].abs()).max(v[45].abs()).max(v[46].abs()).max(v[47].abs());
        let l = v[44] * inv[11];
        v[44] = l;
        if l != 0.0 { v[45] = v[45] - l * v[41]; v[46] = v[46] - l * v[42]; v[47] = v[47] - l * v[43]; }
        let pivot = v[45];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(12); }
        inv[12] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[48].abs()).max(v[49].abs()).max(v[50].abs()).max(v[51].abs()).max(v[52].abs()).max(v[53].abs()).max(v[54].abs());
        let l = v[48] * inv[2];
        v[48] = l;
        let l = v[49] * inv[9];
        v[49] = l;
        if l != 0.0 { v[50] = v[50] - l * v[31]; v[51] = v[51] - l * v[32]; v[52] = v[52] - l * v[33]; v[53] = v[53] - l * v[34]; }
        let l = v[50] * inv[10];
        v[50] = l;
        if l != 0.0 { v[51] = v[51] - l * v[36]; v[52] = v[52] - l * v[37]; v[53] = v[53] - l * v[38]; }
        let l = v[51] * inv[11];
        v[51] = l;
        if l != 0.0 { v[52] = v[52] - l * v[41]; v[53] = v[53] - l * v[42]; v[54] = v[54] - l * v[43]; }
        let l = v[52] * inv[12];
        v[52] = l;
        if l != 0.0 { v[53] = v[53] - l * v[46]; v[54] = v[54] - l * v[47]; }
        let pivot = v[53];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(13); }
        inv[13] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[55].abs()).max(v[56].abs()).max(v[57].abs()).max(v[58].abs()).max(v[59].abs());
        let l = v[55] * inv[11];
        v[55] = l;
        if l != 0.0 { v[56] = v[56] - l * v[41]; v[57] = v[57] - l * v[42]; v[59] = v[59] - l * v[43]; }
        let l = v[56] * inv[12];
        v[56] = l;
        if l != 0.0 { v[57] = v[57] - l * v[46]; v[59] = v[59] - l * v[47]; }
        let l = v[57] * inv[13];
        v[57] = l;
        if l != 0.0 { v[59] = v[59] - l * v[54]; }
        let pivot = v[58];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(14); }
        inv[14] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[60].abs()).max(v[61].abs()).max(v[62].abs()).max(v[63].abs()).max(v[64].abs()).max(v[65].abs()).max(v[66].abs()).max(v[67].abs()).max(v[68].abs()).max(v[69].abs());
        let l = v[60] * inv[5];
        v[60] = l;
        if l != 0.0 { v[64] = v[64] - l * v[12]; v[65] = v[65] - l * v[13]; v[66] = v[66] - l * v[14]; }
        let l = v[61] * inv[6];
        v[61] = l;
        if l != 0.0 { v[64] = v[64] - l * v[18]; v[65] = v[65] - l * v[19]; v[66] = v[66] - l * v[20]; }
        let l = v[62] * inv[7];
        v[62] = l;
        if l != 0.0 { v[64] = v[64] - l * v[22]; v[65] = v[65] - l * v[23]; v[66] = v[66] - l * v[24]; }
        let l = v[63] * inv[10];
        v[63] = l;
        if l != 0.0 { v[64] = v[64] - l * v[36]; v[65] = v[65] - l * v[37]; v[66] = v[66] - l * v[38]; }
        let l = v[64] * inv[11];
        v[64] = l;
        if l != 0.0 { v[65] = v[65] - l * v[41]; v[66] = v[66] - l * v[42]; v[69] = v[69] - l * v[43]; }
        let l = v[65] * inv[12];
        v[65] = l;
        if l != 0.0 { v[66] = v[66] - l * v[46]; v[69] = v[69] - l * v[47]; }
        let l = v[66] * inv[13];
        v[66] = l;
        if l != 0.0 { v[69] = v[69] - l * v[54]; }
        let l = v[67] * inv[14];
        v[67] = l;
        if l != 0.0 { v[69] = v[69] - l * v[59]; }
        let pivot = v[68];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(15); }
        inv[15] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[70].abs()).max(v[71].abs()).max(v[72].abs()).max(v[73].abs()).max(v[74].abs()).max(v[75].abs());
        let l = v[70] * inv[11];
        v[70] = l;
        if l != 0.0 { v[71] = v[71] - l * v[41]; v[72] = v[72] - l * v[42]; v[75] = v[75] - l * v[43]; }
        let l = v[71] * inv[12];
        v[71] = l;
        if l != 0.0 { v[72] = v[72] - l * v[46]; v[75] = v[75] - l * v[47]; }
        let l = v[72] * inv[13];
        v[72] = l;
        if l != 0.0 { v[75] = v[75] - l * v[54]; }
        let l = v[73] * inv[14];
        v[73] = l;
        if l != 0.0 { v[75] = v[75] - l * v[59]; }
        let l = v[74] * inv[15];
        v[74] = l;
        if l != 0.0 { v[75] = v[75] - l * v[69]; }
        let pivot = v[75];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(16); }
        inv[16] = 1.0 / pivot;
        Ok(())
    }

    pub fn lu_solve(v: &[f64], inv: &[f64], b: &mut [f64]) {
        let v: &[f64; 76] = v.try_into().expect("factor length");
        let inv: &[f64; 17] = inv.try_into().expect("pivot count");
        let b: &mut [f64; 17] = b.try_into().expect("right-hand side length");
        let y0 = b[13];
        let y1 = b[14] - v[1] * y0;
        let y2 = b[3];
        let y3 = b[15] - v[4] * y1;
        let y4 = b[16] - v[8] * y3;
        let y5 = b[5];
        let y6 = b[6] - v[15] * y3 - v[16] * y4;
        let y7 = b[7];
        let y8 = b[8];
        let y9 = b[12] - v[29] * y8;
        let y10 = b[4];
        let y11 = b[0] - v[39] * y2;
        let y12 = b[1] - v[44] * y11;
        let y13 = b[2] - v[48] * y2 - v[49] * y9 - v[50] * y10 - v[51] * y11 - v[52] * y12;
        let y14 = b[9] - v[55] * y11 - v[56] * y12 - v[57] * y13;
        let y15 = b[10] - v[60] * y5 - v[61] * y6 - v[62] * y7 - v[63] * y10 - v[64] * y11 - v[65] * y12 - v[66] * y13 - v[67] * y14;
        let y16 = b[11] - v[70] * y11 - v[71] * y12 - v[72] * y13 - v[73] * y14 - v[74] * y15;
        let x16 = (y16) * inv[16];
        b[11] = x16;
        let x15 = (y15 - v[69] * x16) * inv[15];
        b[10] = x15;
        let x14 = (y14 - v[59] * x16) * inv[14];
        b[9] = x14;
        let x13 = (y13 - v[54] * x16) * inv[13];
        b[2] = x13;
        let x12 = (y12 - v[46] * x13 - v[47] * x16) * inv[12];
        b[1] = x12;
        let x11 = (y11 - v[41] * x12 - v[42] * x13 - v[43] * x16) * inv[11];
        b[0] = x11;
        let x10 = (y10 - v[36] * x11 - v[37] * x12 - v[38] * x13) * inv[10];
        b[4] = x10;
        let x9 = (y9 - v[31] * x10 - v[32] * x11 - v[33] * x12 - v[34] * x13) * inv[9];
        b[12] = x9;
        let x8 = (y8 - v[26] * x11 - v[27] * x12 - v[28] * x13) * inv[8];
        b[8] = x8;
        let x7 = (y7 - v[22] * x11 - v[23] * x12 - v[24] * x13) * inv[7];
        b[7] = x7;
        let x6 = (y6 - v[18] * x11 - v[19] * x12 - v[20] * x13) * inv[6];
        b[6] = x6;
        let x5 = (y5 - v[12] * x11 - v[13] * x12 - v[14] * x13) * inv[5];
        b[5] = x5;
        let x4 = (y4 - v[10] * x6) * inv[4];
        b[16] = x4;
        let x3 = (y3 - v[6] * x4 - v[7] * x6) * inv[3];
        b[15] = x3;
        let x2 = (y2) * inv[2];
        b[3] = x2;
        let x1 = (y1) * inv[1];
        b[14] = x1;
        let x0 = (y0) * inv[0];
        b[13] = x0;
    }
}

pub static ARM_ANTI_CCL4: crate::model::compiled::CompiledKernels = crate::model::compiled::CompiledKernels {
    fingerprint: 0x3242c21f4265fadd,
    constants: 303,
    rhs: arm_anti_ccl4::rhs,
    jacobian: arm_anti_ccl4::jacobian,
    lu: crate::model::compiled::CompiledLu { n: 17, nnz: 76, fingerprint: 0x367a7a9e55a666d4, factor: arm_anti_ccl4::lu_factor, solve: arm_anti_ccl4::lu_solve },
};

// Kernels of model 'iannello2013' (fingerprint 0x17618da1f1c83df6), written by
// crate::model::compiled::rust_source. Do not edit.
#[allow(clippy::all, clippy::pedantic, unused, non_snake_case)]
pub mod arm_anti_ccl5 {
    pub fn rhs(y: &[f64], u: &[f64], k: &[f64], dy: &mut [f64]) {
        let y: &[f64; 17] = y.try_into().expect("state length");
        let k: &[f64; 303] = k.try_into().expect("constants");
        let dy: &mut [f64; 17] = dy.try_into().expect("derivative length");
        let _ = u;
        let f0 = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); 1.0 - a * k[3] };
        let f1 = { let a = (-0.0); u[0] };
        let f2 = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); 1.0 / (a.max(0.0) + k[7]) };
        let f3 = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); a };
        let f4 = { let a = k[11] * y[4]; a / (k[12] + a) };
        let f5 = { let a = k[13] * y[5]; a / (k[14] + a) };
        let f6 = { let a = k[15] * y[6]; a / (k[16] + a) };
        let f7 = { let a = k[17] * y[7]; a / (k[18] + a) };
        let f8 = { let a = k[19] * y[9]; a / (k[20] + a) };
        let f9 = { let a = k[21] * y[8]; a / (k[22] + a) };
        let p0 = y[0] * f0;
        let p1 = y[1] * f0;
        let p2 = y[0] * y[3];
        let p3 = y[2] * f2;
        let p4 = y[0] * f2;
        let p5 = y[1] * f2;
        let p6 = f3 * f4;
        let p7 = f3 * f5;
        let p8 = f3 * f6;
        let p9 = f3 * f7;
        let p10 = y[10] * f8;
        let p11 = f3 * f9;
        let p12 = y[7] * y[15];
        let p13 = y[0] * y[11] * f2;
        let p14 = y[1] * y[11] * f2;
        let p15 = y[2] * y[11] * f2;
        let p16 = y[2] * y[12] * f2;
        dy[0] = 0.0 + k[23] * p0 + k[24] * p2 + k[25] * p13 + k[26] * p13;
        dy[1] = 0.0 + k[27] * p1 + k[28] * p14 + k[29] * p14;
        dy[2] = 0.0 + k[30] * p2 + k[31] * p15 + k[32] * p15 + k[33] * p16;
        dy[3] = 0.0 + k[34] * f1 + k[35] * y[3];
        dy[4] = 0.0 + k[36] * y[4] + k[37] * p3 + k[38] * p4 + k[39] * p5;
        dy[5] = 0.0 + k[40] * y[5] + k[41] * p3 + k[42] * p4 + k[43] * p5;
        dy[6] = 0.0 + k[44] * y[6] + k[45] * p3 + k[46] * p4 + k[47] * p5;
        dy[7] = 0.0 + k[48] * y[7] + k[49] * y[16] + k[50] * p3 + k[51] * p4 + k[52] * p5 + k[53] * p12;
        dy[8] = 0.0 + k[54] * y[8] + k[55] * p3 + k[56] * p4 + k[57] * p5;
        dy[9] = 0.0 + k[58] * y[9] + k[59] * p3 + k[60] * p4 + k[61] * p5;
        dy[10] = 0.0 + k[62] * f3 + k[63] * y[10] + k[64] * y[10] + k[65] * p6 + k[66] * p7 + k[67] * p8 + k[68] * p9 + k[69] * p10;
        dy[11] = 0.0 + k[70] * y[10] + k[71] * y[11] + k[72] * p10 + k[73] * p13 + k[74] * p13 + k[75] * p14 + k[76] * p14 + k[77] * p15 + k[78] * p15;
        dy[12] = 0.0 + k[79] * f3 + k[80] * y[12] + k[81] * p6 + k[82] * p11;
        dy[13] = 0.0 + k[83] * y[13];
        dy[14] = 0.0 + k[84] * y[13] + k[85] * y[14];
        dy[15] = 0.0 + k[86] * y[14] + k[87] * y[15] + k[88] * y[16] + k[89] * p12;
        dy[16] = 0.0 + k[90] * y[16] + k[91] * y[16] + k[92] * p12;
    }

    pub fn jacobian(y: &[f64], u: &[f64], k: &[f64], out: &mut [f64]) {
        let y: &[f64; 17] = y.try_into().expect("state length");
        let k: &[f64; 303] = k.try_into().expect("constants");
        let out: &mut [f64; 73] = out.try_into().expect("Jacobian length");
        let _ = u;
        let (v0, d0) = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); (1.0 - a * k[3], -k[3]) };
        let (v1, d1) = { let a = (-0.0); (u[0], 0.0) };
        let (v2, d2) = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); { let d = 1.0 / (a.max(0.0) + k[7]); (d, if a > 0.0 { -d * d } else { 0.0 }) } };
        let (v3, d3) = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); (a, 1.0) };
        let (v4, d4) = { let a = (-0.0 + k[11] * y[4]); { let d = 1.0 / (k[12] + a); (a * d, k[12] * d * d) } };
        let (v5, d5) = { let a = (-0.0 + k[13] * y[5]); { let d = 1.0 / (k[14] + a); (a * d, k[14] * d * d) } };
        let (v6, d6) = { let a = (-0.0 + k[15] * y[6]); { let d = 1.0 / (k[16] + a); (a * d, k[16] * d * d) } };
        let (v7, d7) = { let a = (-0.0 + k[17] * y[7]); { let d = 1.0 / (k[18] + a); (a * d, k[18] * d * d) } };
        let (v8, d8) = { let a = (-0.0 + k[19] * y[9]); { let d = 1.0 / (k[20] + a); (a * d, k[20] * d * d) } };
        let (v9, d9) = { let a = (-0.0 + k[21] * y[8]); { let d = 1.0 / (k[22] + a); (a * d, k[22] * d * d) } };
        let p0 = v0 * 1.0;
        let p1 = y[0] * d0;
        let p2 = v0 * 1.0;
        let p3 = y[1] * d0;
        let p4 = y[0] * 1.0;
        let p5 = y[3] * 1.0;
        let p6 = v2 * 1.0;
        let p7 = y[2] * d2;
        let p8 = v2 * 1.0;
        let p9 = y[0] * d2;
        let p10 = v2 * 1.0;
        let p11 = y[1] * d2;
        let p12 = v3 * d4;
        let p13 = v4 * d3;
        let p14 = v3 * d5;
        let p15 = v5 * d3;
        let p16 = v3 * d6;
        let p17 = v6 * d3;
        let p18 = v3 * d7;
        let p19 = v7 * d3;
        let p20 = y[10] * d8;
        let p21 = v8 * 1.0;
        let p22 = v3 * d9;
        let p23 = v9 * d3;
        let p24 = y[7] * 1.0;
        let p25 = y[15] * 1.0;
        let p26 = y[0] * v2 * 1.0;
        let p27 = y[11] * v2 * 1.0;
        let p28 = y[0] * y[11] * d2;
        let p29 = y[1] * v2 * 1.0;
        let p30 = y[11] * v2 * 1.0;
        let p31 = y[1] * y[11] * d2;
        let p32 = y[2] * v2 * 1.0;
        let p33 = y[11] * v2 * 1.0;
        let p34 = y[2] * y[11] * d2;
        let p35 = y[2] * v2 * 1.0;
        let p36 = y[12] * v2 * 1.0;
        let p37 = y[2] * y[12] * d2;
        out[0] = 0.0 + k[93] * p0 + k[94] * p1 + k[95] * p5 + k[96] * p27 + k[97] * p28 + k[98] * p27 + k[99] * p28;
        out[1] = 0.0 + k[100] * p1 + k[101] * p28 + k[102] * p28;
        out[2] = 0.0 + k[103] * p1 + k[104] * p28 + k[105] * p28;
        out[3] = 0.0 + k[106] * p4;
        out[4] = 0.0 + k[107] * p26 + k[108] * p26;
        out[5] = 0.0 + k[109] * p3 + k[110] * p31 + k[111] * p31;
        out[6] = 0.0 + k[112] * p2 + k[113] * p3 + k[114] * p30 + k[115] * p31 + k[116] * p30 + k[117] * p31;
        out[7] = 0.0 + k[118] * p3 + k[119] * p31 + k[120] * p31;
        out[8] = 0.0 + k[121] * p29 + k[122] * p29;
        out[9] = 0.0 + k[123] * p5 + k[124] * p34 + k[125] * p34 + k[126] * p37;
        out[10] = 0.0 + k[127] * p34 + k[128] * p34 + k[129] * p37;
        out[11] = 0.0 + k[130] * p33 + k[131] * p34 + k[132] * p33 + k[133] * p34 + k[134] * p36 + k[135] * p37;
        out[12] = 0.0 + k[136] * p4;
        out[13] = 0.0 + k[137] * p32 + k[138] * p32;
        out[14] = 0.0 + k[139] * p35;
        out[15] = 0.0 + k[140] * 1.0;
        out[16] = 0.0 + k[141] * p7 + k[142] * p8 + k[143] * p9 + k[144] * p11;
        out[17] = 0.0 + k[145] * p7 + k[146] * p9 + k[147] * p10 + k[148] * p11;
        out[18] = 0.0 + k[149] * p6 + k[150] * p7 + k[151] * p9 + k[152] * p11;
        out[19] = 0.0 + k[153] * 1.0;
        out[20] = 0.0 + k[154] * p7 + k[155] * p8 + k[156] * p9 + k[157] * p11;
        out[21] = 0.0 + k[158] * p7 + k[159] * p9 + k[160] * p10 + k[161] * p11;
        out[22] = 0.0 + k[162] * p6 + k[163] * p7 + k[164] * p9 + k[165] * p11;
        out[23] = 0.0 + k[166] * 1.0;
        out[24] = 0.0 + k[167] * p7 + k[168] * p8 + k[169] * p9 + k[170] * p11;
        out[25] = 0.0 + k[171] * p7 + k[172] * p9 + k[173] * p10 + k[174] * p11;
        out[26] = 0.0 + k[175] * p6 + k[176] * p7 + k[177] * p9 + k[178] * p11;
        out[27] = 0.0 + k[179] * 1.0;
        out[28] = 0.0 + k[180] * p7 + k[181] * p8 + k[182] * p9 + k[183] * p11;
        out[29] = 0.0 + k[184] * p7 + k[185] * p9 + k[186] * p10 + k[187] * p11;
        out[30] = 0.0 + k[188] * p6 + k[189] * p7 + k[190] * p9 + k[191] * p11;
        out[31] = 0.0 + k[192] * 1.0 + k[193] * p25;
        out[32] = 0.0 + k[194] * p24;
        out[33] = 0.0 + k[195] * 1.0;
        out[34] = 0.0 + k[196] * p7 + k[197] * p8 + k[198] * p9 + k[199] * p11;
        out[35] = 0.0 + k[200] * p7 + k[201] * p9 + k[202] * p10 + k[203] * p11;
        out[36] = 0.0 + k[204] * p6 + k[205] * p7 + k[206] * p9 + k[207] * p11;
        out[37] = 0.0 + k[208] * 1.0;
        out[38] = 0.0 + k[209] * p7 + k[210] * p8 + k[211] * p9 + k[212] * p11;
        out[39] = 0.0 + k[213] * p7 + k[214] * p9 + k[215] * p10 + k[216] * p11;
        out[40] = 0.0 + k[217] * p6 + k[218] * p7 + k[219] * p9 + k[220] * p11;
        out[41] = 0.0 + k[221] * 1.0;
        out[42] = 0.0 + k[222] * d3 + k[223] * p13 + k[224] * p15 + k[225] * p17 + k[226] * p19;
        out[43] = 0.0 + k[227] * d3 + k[228] * p13 + k[229] * p15 + k[230] * p17 + k[231] * p19;
        out[44] = 0.0 + k[232] * d3 + k[233] * p13 + k[234] * p15 + k[235] * p17 + k[236] * p19;
        out[45] = 0.0 + k[237] * p12;
        out[46] = 0.0 + k[238] * p14;
        out[47] = 0.0 + k[239] * p16;
        out[48] = 0.0 + k[240] * p18;
        out[49] = 0.0 + k[241] * p20;
        out[50] = 0.0 + k[242] * 1.0 + k[243] * 1.0 + k[244] * p21;
        out[51] = 0.0 + k[245] * p27 + k[246] * p28 + k[247] * p27 + k[248] * p28 + k[249] * p31 + k[250] * p31 + k[251] * p34 + k[252] * p34;
        out[52] = 0.0 + k[253] * p28 + k[254] * p28 + k[255] * p30 + k[256] * p31 + k[257] * p30 + k[258] * p31 + k[259] * p34 + k[260] * p34;
        out[53] = 0.0 + k[261] * p28 + k[262] * p28 + k[263] * p31 + k[264] * p31 + k[265] * p33 + k[266] * p34 + k[267] * p33 + k[268] * p34;
        out[54] = 0.0 + k[269] * p20;
        out[55] = 0.0 + k[270] * 1.0 + k[271] * p21;
        out[56] = 0.0 + k[272] * 1.0 + k[273] * p26 + k[274] * p26 + k[275] * p29 + k[276] * p29 + k[277] * p32 + k[278] * p32;
        out[57] = 0.0 + k[279] * d3 + k[280] * p13 + k[281] * p23;
        out[58] = 0.0 + k[282] * d3 + k[283] * p13 + k[284] * p23;
        out[59] = 0.0 + k[285] * d3 + k[286] * p13 + k[287] * p23;
        out[60] = 0.0 + k[288] * p12;
        out[61] = 0.0 + k[289] * p22;
        out[62] = 0.0 + k[290] * 1.0;
        out[63] = 0.0 + k[291] * 1.0;
        out[64] = 0.0 + k[292] * 1.0;
        out[65] = 0.0 + k[293] * 1.0;
        out[66] = 0.0 + k[294] * p25;
        out[67] = 0.0 + k[295] * 1.0;
        out[68] = 0.0 + k[296] * 1.0 + k[297] * p24;
        out[69] = 0.0 + k[298] * 1.0;
        out[70] = 0.0 + k[299] * p25;
        out[71] = 0.0 + k[300] * p24;
        out[72] = 0.0 + k[301] * 1.0 + k[302] * 1.0;
    }

    pub fn lu_factor(jac: &[f64], scale: f64, shift: f64, v: &mut [f64], inv: &mut [f64]) -> Result<(), usize> {
        let jac: &[f64; 73] = jac.try_into().expect("Jacobian length");
        let v: &mut [f64; 76] = v.try_into().expect("factor length");
        let inv: &mut [f64; 17] = inv.try_into().expect("pivot count");
        v[0] = 0.0 + scale * jac[63];
        v[1] = 0.0 + scale * jac[64];
        v[2] = 0.0 + scale * jac[65];
        v[3] = 0.0 + scale * jac[15];
        v[4] = 0.0 + scale * jac[67];
        v[5] = 0.0 + scale * jac[68];
        v[6] = 0.0 + scale * jac[69];
        v[7] = 0.0 + scale * jac[66];
        v[8] = 0.0 + scale * jac[71];
        v[9] = 0.0 + scale * jac[72];
        v[10] = 0.0 + scale * jac[70];
        v[11] = 0.0 + scale * jac[23];
        v[12] = 0.0 + scale * jac[20];
        v[13] = 0.0 + scale * jac[21];
        v[14] = 0.0 + scale * jac[22];
        v[15] = 0.0 + scale * jac[27];
        v[16] = 0.0 + scale * jac[24];
        v[17] = 0.0 + scale * jac[25];
        v[18] = 0.0 + scale * jac[26];
        v[19] = 0.0 + scale * jac[32];
        v[20] = 0.0 + scale * jac[33];
        v[21] = 0.0 + scale * jac[31];
        v[22] = 0.0 + scale * jac[28];
        v[23] = 0.0 + scale * jac[29];
        v[24] = 0.0 + scale * jac[30];
        v[25] = 0.0 + scale * jac[37];
        v[26] = 0.0 + scale * jac[34];
        v[27] = 0.0 + scale * jac[35];
        v[28] = 0.0 + scale * jac[36];
        v[29] = 0.0 + scale * jac[61];
        v[30] = 0.0 + scale * jac[62];
        v[31] = 0.0 + scale * jac[60];
        v[32] = 0.0 + scale * jac[57];
        v[33] = 0.0 + scale * jac[58];
        v[34] = 0.0 + scale * jac[59];
        v[35] = 0.0 + scale * jac[19];
        v[36] = 0.0 + scale * jac[16];
        v[37] = 0.0 + scale * jac[17];
        v[38] = 0.0 + scale * jac[18];
        v[39] = 0.0 + scale * jac[3];
        v[40] = 0.0 + scale * jac[0];
        v[41] = 0.0 + scale * jac[1];
        v[42] = 0.0 + scale * jac[2];
        v[43] = 0.0 + scale * jac[4];
        v[44] = 0.0 + scale * jac[5];
        v[45] = 0.0 + scale * jac[6];
        v[46] = 0.0 + scale * jac[7];
        v[47] = 0.0 + scale * jac[8];
        v[48] = 0.0 + scale * jac[12];
        v[49] = 0.0 + scale * jac[14];
        v[50] = 0.0;
        v[51] = 0.0 + scale * jac[9];
        v[52] = 0.0 + scale * jac[10];
        v[53] = 0.0 + scale * jac[11];
        v[54] = 0.0 + scale * jac[13];
        v[55] = 0.0 + scale * jac[38];
        v[56] = 0.0 + scale * jac[39];
        v[57] = 0.0 + scale * jac[40];
        v[58] = 0.0 + scale * jac[41];
        v[59] = 0.0;
        v[60] = 0.0 + scale * jac[46];
        v[61] = 0.0 + scale * jac[47];
        v[62] = 0.0 + scale * jac[48];
        v[63] = 0.0 + scale * jac[45];
        v[64] = 0.0 + scale * jac[42];
        v[65] = 0.0 + scale * jac[43];
        v[66] = 0.0 + scale * jac[44];
        v[67] = 0.0 + scale * jac[49];
        v[68] = 0.0 + scale * jac[50];
        v[69] = 0.0;
        v[70] = 0.0 + scale * jac[51];
        v[71] = 0.0 + scale * jac[52];
        v[72] = 0.0 + scale * jac[53];
        v[73] = 0.0 + scale * jac[54];
        v[74] = 0.0 + scale * jac[55];
        v[75] = 0.0 + scale * jac[56];
        v[0] = v[0] + shift;
        v[2] = v[2] + shift;
        v[3] = v[3] + shift;
        v[5] = v[5] + shift;
        v[9] = v[9] + shift;
        v[11] = v[11] + shift;
        v[15] = v[15] + shift;
        v[21] = v[21] + shift;
        v[25] = v[25] + shift;
        v[30] = v[30] + shift;
        v[35] = v[35] + shift;
        v[40] = v[40] + shift;
        v[45] = v[45] + shift;
        v[53] = v[53] + shift;
        v[58] = v[58] + shift;
        v[68] = v[68] + shift;
        v[75] = v[75] + shift;
        let row_max = 0.0f64.max(v[0].abs());
        let pivot = v[0];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(0); }
        inv[0] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[1].abs()).max(v[2].abs());
        let l = v[1] * inv[0];
        v[1] = l;
        let pivot = v[2];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(1); }
        inv[1] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[3].abs());
        let pivot = v[3];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(2); }
        inv[2] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[4].abs()).max(v[5].abs()).max(v[6].abs()).max(v[7].abs());
        let l = v[4] * inv[1];
        v[4] = l;
        let pivot = v[5];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(3); }
        inv[3] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[8].abs()).max(v[9].abs()).max(v[10].abs());
        let l = v[8] * inv[3];
        v[8] = l;
        if l != 0.0 { v[9] = v[9] - l * v[6]; v[10] = v[10] - l * v[7]; }
        let pivot = v[9];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(4); }
        inv[4] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[11].abs()).max(v[12].abs()).max(v[13].abs()).max(v[14].abs());
        let pivot = v[11];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(5); }
        inv[5] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[15].abs()).max(v[16].abs()).max(v[17].abs()).max(v[18].abs());
        let pivot = v[15];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(6); }
        inv[6] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[19].abs()).max(v[20].abs()).max(v[21].abs()).max(v[22].abs()).max(v[23].abs()).max(v[24].abs());
        let l = v[19] * inv[3];
        v[19] = l;
        if l != 0.0 { v[20] = v[20] - l * v[6]; v[21] = v[21] - l * v[7]; }
        let l = v[20] * inv[4];
        v[20] = l;
        if l != 0.0 { v[21] = v[21] - l * v[10]; }
        let pivot = v[21];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(7); }
        inv[7] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[25].abs()).max(v[26].abs()).max(v[27].abs()).max(v[28].abs());
        let pivot = v[25];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(8); }
        inv[8] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[29].abs()).max(v[30].abs()).max(v[31].abs()).max(v[32].abs()).max(v[33].abs()).max(v[34].abs());
        let l = v[29] * inv[8];
        v[29] = l;
        if l != 0.0 { v[32] = v[32] - l * v[26]; v[33] = v[33] - l * v[27]; v[34] = v[34] - l * v[28]; }
        let pivot = v[30];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(9); }
        inv[9] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[35].abs()).max(v[36].abs()).max(v[37].abs()).max(v[38].abs());
        let pivot = v[35];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(10); }
        inv[10] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[39].abs()).max(v[40].abs()).max(v[41].abs()).max(v[42].abs()).max(v[43].abs());
        let l = v[39] * inv[2];
        v[39] = l;
        let pivot = v[40];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(11); }
        inv[11] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[44].abs()).max(v[45].abs()).max(v[46].abs()).max(v[47].abs());
        let l = v[44] * inv[11];
        v[44] = l;
        if l != 0.0 { v[45] = v[45] - l * v[41]; v[46] = v[46] - l * v[42]; v[47] = v[47] - l * v[43]; }
        let pivot = v[45];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(12); }
        inv[12] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[48].abs()).max(v[49].abs()).max(v[50].abs()).max(v[51].abs()).max(v[52].abs()).max(v[53].abs()).max(v[54].abs());
        let l = v[48] * inv[2];
        v[48] = l;
        let l = v[49] * inv[9];
        v[49] = l;
        if l != 0.0 { v[50] = v[50] - l * v[31]; v[51] = v[51] - l * v[32]; v[52] = v[52] - l * v[33]; v[53] = v[53] - l * v[34]; }
        let l = v[50] * inv[10];
        v[50] = l;
        if l != 0.0 { v[51] = v[51] - l * v[36]; v[52] = v[52] - l * v[37]; v[53] = v[53] - l * v[38]; }
        let l = v[51] * inv[11];
        v[51] = l;
        if l != 0.0 { v[52] = v[52] - l * v[41]; v[53] = v[53] - l * v[42]; v[54] = v[54] - l * v[43]; }
        let l = v[52] * inv[12];
        v[52] = l;
        if l != 0.0 { v[53] = v[53] - l * v[46]; v[54] = v[54] - l * v[47]; }
        let pivot = v[53];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(13); }
        inv[13] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[55].abs()).max(v[56].abs()).max(v[57].abs()).max(v[58].abs()).max(v[59].abs());
        let l = v[55] * inv[11];
        v[55] = l;
        if l != 0.0 { v[56] = v[56] - l * v[41]; v[57] = v[57] - l * v[42]; v[59] = v[59] - l * v[43]; }
        let l = v[56] * inv[12];
        v[56] = l;
        if l != 0.0 { v[57] = v[57] - l * v[46]; v[59] = v[59] - l * v[47]; }
        let l = v[57] * inv[13];
        v[57] = l;
        if l != 0.0 { v[59] = v[59] - l * v[54]; }
        let pivot = v[58];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(14); }
        inv[14] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[60].abs()).max(v[61].abs()).max(v[62].abs()).max(v[63].abs()).max(v[64].abs()).max(v[65].abs()).max(v[66].abs()).max(v[67].abs()).max(v[68].abs()).max(v[69].abs());
        let l = v[60] * inv[5];
        v[60] = l;
        if l != 0.0 { v[64] = v[64] - l * v[12]; v[65] = v[65] - l * v[13]; v[66] = v[66] - l * v[14]; }
        let l = v[61] * inv[6];
        v[61] = l;
        if l != 0.0 { v[64] = v[64] - l * v[16]; v[65] = v[65] - l * v[17]; v[66] = v[66] - l * v[18]; }
        let l = v[62] * inv[7];
        v[62] = l;
        if l != 0.0 { v[64] = v[64] - l * v[22]; v[65] = v[65] - l * v[23]; v[66] = v[66] - l * v[24]; }
        let l = v[63] * inv[10];
        v[63] = l;
        if l != 0.0 { v[64] = v[64] - l * v[36]; v[65] = v[65] - l * v[37]; v[66] = v[66] - l * v[38]; }
        let l = v[64] * inv[11];
        v[64] = l;
        if l != 0.0 { v[65] = v[65] - l * v[41]; v[66] = v[66] - l * v[42]; v[69] = v[69] - l * v[43]; }
        let l = v[65] * inv[12];
        v[65] = l;
        if l != 0.0 { v[66] = v[66] - l * v[46]; v[69] = v[69] - l * v[47]; }
        let l = v[66] * inv[13];
        v[66] = l;
        if l != 0.0 { v[69] = v[69] - l * v[54]; }
        let l = v[67] * inv[14];
        v[67] = l;
        if l != 0.0 { v[69] = v[69] - l * v[59]; }
        let pivot = v[68];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(15); }
        inv[15] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[70].abs()).max(v[71].abs()).max(v[72].abs()).max(v[73].abs()).max(v[74].abs()).max(v[75].abs());
        let l = v[70] * inv[11];
        v[70] = l;
        if l != 0.0 { v[71] = v[71] - l * v[41]; v[72] = v[72] - l * v[42]; v[75] = v[75] - l * v[43]; }
        let l = v[71] * inv[12];
        v[71] = l;
        if l != 0.0 { v[72] = v[72] - l * v[46]; v[75] = v[75] - l * v[47]; }
        let l = v[72] * inv[13];
        v[72] = l;
        if l != 0.0 { v[75] = v[75] - l * v[54]; }
        let l = v[73] * inv[14];
        v[73] = l;
        if l != 0.0 { v[75] = v[75] - l * v[59]; }
        let l = v[74] * inv[15];
        v[74] = l;
        if l != 0.0 { v[75] = v[75] - l * v[69]; }
        let pivot = v[75];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(16); }
        inv[16] = 1.0 / pivot;
        Ok(())
    }

    pub fn lu_solve(v: &[f64], inv: &[f64], b: &mut [f64]) {
        let v: &[f64; 76] = v.try_into().expect("factor length");
        let inv: &[f64; 17] = inv.try_into().expect("pivot count");
        let b: &mut [f64; 17] = b.try_into().expect("right-hand side length");
        let y0 = b[13];
        let y1 = b[14] - v[1] * y0;
        let y2 = b[3];
        let y3 = b[15] - v[4] * y1;
        let y4 = b[16] - v[8] * y3;
        let y5 = b[5];
        let y6 = b[6];
        let y7 = b[7] - v[19] * y3 - v[20] * y4;
        let y8 = b[8];
        let y9 = b[12] - v[29] * y8;
        let y10 = b[4];
        let y11 = b[0] - v[39] * y2;
        let y12 = b[1] - v[44] * y11;
        let y13 = b[2] - v[48] * y2 - v[49] * y9 - v[50] * y10 - v[51] * y11 - v[52] * y12;
        let y14 = b[9] - v[55] * y11 - v[56] * y12 - v[57] * y13;
        let y15 = b[10] - v[60] * y5 - v[61] * y6 - v[62] * y7 - v[63] * y10 - v[64] * y11 - v[65] * y12 - v[66] * y13 - v[67] * y14;
        let y16 = b[11] - v[70] * y11 - v[71] * y12 - v[72] * y13 - v[73] * y14 - v[74] * y15;
        let x16 = (y16) * inv[16];
        b[11] = x16;
        let x15 = (y15 - v[69] * x16) * inv[15];
        b[10] = x15;
        let x14 = (y14 - v[59] * x16) * inv[14];
        b[9] = x14;
        let x13 = (y13 - v[54] * x16) * inv[13];
        b[2] = x13;
        let x12 = (y12 - v[46] * x13 - v[47] * x16) * inv[12];
        b[1] = x12;
        let x11 = (y11 - v[41] * x12 - v[42] * x13 - v[43] * x16) * inv[11];
        b[0] = x11;
        let x10 = (y10 - v[36] * x11 - v[37] * x12 - v[38] * x13) * inv[10];
        b[4] = x10;
        let x9 = (y9 - v[31] * x10 - v[32] * x11 - v[33] * x12 - v[34] * x13) * inv[9];
        b[12] = x9;
        let x8 = (y8 - v[26] * x11 - v[27] * x12 - v[28] * x13) * inv[8];
        b[8] = x8;
        let x7 = (y7 - v[22] * x11 - v[23] * x12 - v[24] * x13) * inv[7];
        b[7] = x7;
        let x6 = (y6 - v[16] * x11 - v[17] * x12 - v[18] * x13) * inv[6];
        b[6] = x6;
        let x5 = (y5 - v[12] * x11 - v[13] * x12 - v[14] * x13) * inv[5];
        b[5] = x5;
        let x4 = (y4 - v[10] * x7) * inv[4];
        b[16] = x4;
        let x3 = (y3 - v[6] * x4 - v[7] * x7) * inv[3];
        b[15] = x3;
        let x2 = (y2) * inv[2];
        b[3] = x2;
        let x1 = (y1) * inv[1];
        b[14] = x1;
        let x0 = (y0) * inv[0];
        b[13] = x0;
    }
}

pub static ARM_ANTI_CCL5: crate::model::compiled::CompiledKernels = crate::model::compiled::CompiledKernels {
    fingerprint: 0x17618da1f1c83df6,
    constants: 303,
    rhs: arm_anti_ccl5::rhs,
    jacobian: arm_anti_ccl5::jacobian,
    lu: crate::model::compiled::CompiledLu { n: 17, nnz: 76, fingerprint: 0x9ad52bc66869a56c, factor: arm_anti_ccl5::lu_factor, solve: arm_anti_ccl5::lu_solve },
};

// Kernels of model 'iannello2013' (fingerprint 0x4f93b033c231b232), written by
// crate::model::compiled::rust_source. Do not edit.
#[allow(clippy::all, clippy::pedantic, unused, non_snake_case)]
pub mod arm_anti_ccl3_4_5 {
    pub fn rhs(y: &[f64], u: &[f64], k: &[f64], dy: &mut [f64]) {
        let y: &[f64; 25] = y.try_into().expect("state length");
        let k: &[f64; 357] = k.try_into().expect("constants");
        let dy: &mut [f64; 25] = dy.try_into().expect("derivative length");
        let _ = u;
        let f0 = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); 1.0 - a * k[3] };
        let f1 = { let a = (-0.0); u[0] };
        let f2 = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); 1.0 / (a.max(0.0) + k[7]) };
        let f3 = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); a };
        let f4 = { let a = k[11] * y[4]; a / (k[12] + a) };
        let f5 = { let a = k[13] * y[5]; a / (k[14] + a) };
        let f6 = { let a = k[15] * y[6]; a / (k[16] + a) };
        let f7 = { let a = k[17] * y[7]; a / (k[18] + a) };
        let f8 = { let a = k[19] * y[9]; a / (k[20] + a) };
        let f9 = { let a = k[21] * y[8]; a / (k[22] + a) };
        let p0 = y[0] * f0;
        let p1 = y[1] * f0;
        let p2 = y[0] * y[3];
        let p3 = y[2] * f2;
        let p4 = y[0] * f2;
        let p5 = y[1] * f2;
        let p6 = f3 * f4;
        let p7 = f3 * f5;
        let p8 = f3 * f6;
        let p9 = f3 * f7;
        let p10 = y[10] * f8;
        let p11 = f3 * f9;
        let p12 = y[5] * y[15];
        let p13 = y[6] * y[19];
        let p14 = y[7] * y[23];
        let p15 = y[0] * y[11] * f2;
        let p16 = y[1] * y[11] * f2;
        let p17 = y[2] * y[11] * f2;
        let p18 = y[2] * y[12] * f2;
        dy[0] = 0.0 + k[23] * p0 + k[24] * p2 + k[25] * p15 + k[26] * p15;
        dy[1] = 0.0 + k[27] * p1 + k[28] * p16 + k[29] * p16;
        dy[2] = 0.0 + k[30] * p2 + k[31] * p17 + k[32] * p17 + k[33] * p18;
        dy[3] = 0.0 + k[34] * f1 + k[35] * y[3];
        dy[4] = 0.0 + k[36] * y[4] + k[37] * p3 + k[38] * p4 + k[39] * p5;
        dy[5] = 0.0 + k[40] * y[5] + k[41] * y[16] + k[42] * p3 + k[43] * p4 + k[44] * p5 + k[45] * p12;
        dy[6] = 0.0 + k[46] * y[6] + k[47] * y[20] + k[48] * p3 + k[49] * p4 + k[50] * p5 + k[51] * p13;
        dy[7] = 0.0 + k[52] * y[7] + k[53] * y[24] + k[54] * p3 + k[55] * p4 + k[56] * p5 + k[57] * p14;
        dy[8] = 0.0 + k[58] * y[8] + k[59] * p3 + k[60] * p4 + k[61] * p5;
        dy[9] = 0.0 + k[62] * y[9] + k[63] * p3 + k[64] * p4 + k[65] * p5;
        dy[10] = 0.0 + k[66] * f3 + k[67] * y[10] + k[68] * y[10] + k[69] * p6 + k[70] * p7 + k[71] * p8 + k[72] * p9 + k[73] * p10;
        dy[11] = 0.0 + k[74] * y[10] + k[75] * y[11] + k[76] * p10 + k[77] * p15 + k[78] * p15 + k[79] * p16 + k[80] * p16 + k[81] * p17 + k[82] * p17;
        dy[12] = 0.0 + k[83] * f3 + k[84] * y[12] + k[85] * p6 + k[86] * p11;
        dy[13] = 0.0 + k[87] * y[13];
        dy[14] = 0.0 + k[88] * y[13] + k[89] * y[14];
        dy[15] = 0.0 + k[90] * y[14] + k[91] * y[15] + k[92] * y[16] + k[93] * p12;
        dy[16] = 0.0 + k[94] * y[16] + k[95] * y[16] + k[96] * p12;
        dy[17] = 0.0 + k[97] * y[17];
        dy[18] = 0.0 + k[98] * y[17] + k[99] * y[18];
        dy[19] = 0.0 + k[100] * y[18] + k[101] * y[19] + k[102] * y[20] + k[103] * p13;
        dy[20] = 0.0 + k[104] * y[20] + k[105] * y[20] + k[106] * p13;
        dy[21] = 0.0 + k[107] * y[21];
        dy[22] = 0.0 + k[108] * y[21] + k[109] * y[22];
        dy[23] = 0.0 + k[110] * y[22] + k[111] * y[23] + k[112] * y[24] + k[113] * p14;
        dy[24] = 0.0 + k[114] * y[24] + k[115] * y[24] + k[116] * p14;
    }

    pub fn jacobian(y: &[f64], u: &[f64], k: &[f64], out: &mut [f64]) {
        let y: &[f64; 25] = y.try_into().expect("state length");
        let k: &[f64; 357] = k.try_into().expect("constants");
        let out: &mut [f64; 97] = out.try_into().expect("Jacobian length");
        let _ = u;
        let (v0, d0) = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); (1.0 - a * k[3], -k[3]) };
        let (v1, d1) = { let a = (-0.0); (u[0], 0.0) };
        let (v2, d2) = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); { let d = 1.0 / (a.max(0.0) + k[7]); (d, if a > 0.0 { -d * d } else { 0.0 }) } };
        let (v3, d3) = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); (a, 1.0) };
        let (v4, d4) = { let a = (-0.0 + k[11] * y[4]); { let d = 1.0 / (k[12] + a); (a * d, k[12] * d * d) } };
        let (v5, d5) = { let a = (-0.0 + k[13] * y[5]); { let d = 1.0 / (k[14] + a); (a * d, k[14] * d * d) } };
        let (v6, d6) = { let a = (-0.0 + k[15] * y[6]); { let d = 1.0 / (k[16] + a); (a * d, k[16] * d * d) } };
        let (v7, d7) = { let a = (-0.0 + k[17] * y[7]); { let d = 1.0 / (k[18] + a); (a * d, k[18] * d * d) } };
        let (v8, d8) = { let a = (-0.0 + k[19] * y[9]); { let d = 1.0 / (k[20] + a); (a * d, k[20] * d * d) } };
        let (v9, d9) = { let a = (-0.0 + k[21] * y[8]); { let d = 1.0 / (k[22] + a); (a * d, k[22] * d * d) } };
        let p0 = v0 * 1.0;
        let p1 = y[0] * d0;
        let p2 = v0 * 1.0;
        let p3 = y[1] * d0;
        let p4 = y[0] * 1.0;
        let p5 = y[3] * 1.0;
        let p6 = v2 * 1.0;
        let p7 = y[2] * d2;
        let p8 = v2 * 1.0;
        let p9 = y[0] * d2;
        let p10 = v2 * 1.0;
        let p11 = y[1] * d2;
        let p12 = v3 * d4;
        let p13 = v4 * d3;
        let p14 = v3 * d5;
        let p15 = v5 * d3;
        let p16 = v3 * d6;
        let p17 = v6 * d3;
        let p18 = v3 * d7;
        let p19 = v7 * d3;
        let p20 = y[10] * d8;
        let p21 = v8 * 1.0;
        let p22 = v3 * d9;
        let p23 = v9 * d3;
        let p24 = y[5] * 1.0;
        let p25 = y[15] * 1.0;
        let p26 = y[6] * 1.0;
        let p27 = y[19] * 1.0;
        let p28 = y[7] * 1.0;
        let p29 = y[23] * 1.0;
        let p30 = y[0] * v2 * 1.0;
        let p31 = y[11] * v2 * 1.0;
        let p32 = y[0] * y[11] * d2;
        let p33 = y[1] * v2 * 1.0;
        let p34 = y[11] * v2 * 1.0;
        let p35 = y[1] * y[11] * d2;
        let p36 = y[2] * v2 * 1.0;
        let p37 = y[11] * v2 * 1.0;
        let p38 = y[2] * y[11] * d2;
        let p39 = y[2] * v2 * 1.0;
        let p40 = y[12] * v2 * 1.0;
        let p41 = y[2] * y[12] * d2;
        out[0] = 0.0 + k[117] * p0 + k[118] * p1 + k[119] * p5 + k[120] * p31 + k[121] * p32 + k[122] * p31 + k[123] * p32;
        out[1] = 0.0 + k[124] * p1 + k[125] * p32 + k[126] * p32;
        out[2] = 0.0 + k[127] * p1 + k[128] * p32 + k[129] * p32;
        out[3] = 0.0 + k[130] * p4;
        out[4] = 0.0 + k[131] * p30 + k[132] * p30;
        out[5] = 0.0 + k[133] * p3 + k[134] * p35 + k[135] * p35;
        out[6] = 0.0 + k[136] * p2 + k[137] * p3 + k[138] * p34 + k[139] * p35 + k[140] * p34 + k[141] * p35;
        out[7] = 0.0 + k[142] * p3 + k[143] * p35 + k[144] * p35;
        out[8] = 0.0 + k[145] * p33 + k[146] * p33;
        out[9] = 0.0 + k[147] * p5 + k[148] * p38 + k[149] * p38 + k[150] * p41;
        out[10] = 0.0 + k[151] * p38 + k[152] * p38 + k[153] * p41;
        out[11] = 0.0 + k[154] * p37 + k[155] * p38 + k[156] * p37 + k[157] * p38 + k[158] * p40 + k[159] * p41;
        out[12] = 0.0 + k[160] * p4;
        out[13] = 0.0 + k[161] * p36 + k[162] * p36;
        out[14] = 0.0 + k[163] * p39;
        out[15] = 0.0 + k[164] * 1.0;
        out[16] = 0.0 + k[165] * p7 + k[166] * p8 + k[167] * p9 + k[168] * p11;
        out[17] = 0.0 + k[169] * p7 + k[170] * p9 + k[171] * p10 + k[172] * p11;
        out[18] = 0.0 + k[173] * p6 + k[174] * p7 + k[175] * p9 + k[176] * p11;
        out[19] = 0.0 + k[177] * 1.0;
        out[20] = 0.0 + k[178] * p7 + k[179] * p8 + k[180] * p9 + k[181] * p11;
        out[21] = 0.0 + k[182] * p7 + k[183] * p9 + k[184] * p10 + k[185] * p11;
        out[22] = 0.0 + k[186] * p6 + k[187] * p7 + k[188] * p9 + k[189] * p11;
        out[23] = 0.0 + k[190] * 1.0 + k[191] * p25;
        out[24] = 0.0 + k[192] * p24;
        out[25] = 0.0 + k[193] * 1.0;
        out[26] = 0.0 + k[194] * p7 + k[195] * p8 + k[196] * p9 + k[197] * p11;
        out[27] = 0.0 + k[198] * p7 + k[199] * p9 + k[200] * p10 + k[201] * p11;
        out[28] = 0.0 + k[202] * p6 + k[203] * p7 + k[204] * p9 + k[205] * p11;
        out[29] = 0.0 + k[206] * 1.0 + k[207] * p27;
        out[30] = 0.0 + k[208] * p26;
        out[31] = 0.0 + k[209] * 1.0;
        out[32] = 0.0 + k[210] * p7 + k[211] * p8 + k[212] * p9 + k[213] * p11;
        out[33] = 0.0 + k[214] * p7 + k[215] * p9 + k[216] * p10 + k[217] * p11;
        out[34] = 0.0 + k[218] * p6 + k[219] * p7 + k[220] * p9 + k[221] * p11;
        out[35] = 0.0 + k[222] * 1.0 + k[223] * p29;
        out[36] = 0.0 + k[224] * p28;
        out[37] = 0.0 + k[225] * 1.0;
        out[38] = 0.0 + k[226] * p7 + k[227] * p8 + k[228] * p9 + k[229] * p11;
        out[39] = 0.0 + k[230] * p7 + k[231] * p9 + k[232] * p10 + k[233] * p11;
        out[40] = 0.0 + k[234] * p6 + k[235] * p7 + k[236] * p9 + k[237] * p11;
        out[41] = 0.0 + k[238] * 1.0;
        out[42] = 0.0 + k[239] * p7 + k[240] * p8 + k[241] * p9 + k[242] * p11;
        out[43] = 0.0 + k[243] * p7 + k[244] * p9 + k[245] * p10 + k[246] * p11;
        out[44] = 0.0 + k[247] * p6 + k[248] * p7 + k[249] * p9 + k[250] * p11;
        out[45] = 0.0 + k[251] * 1.0;
        out[46] = 0.0 + k[252] * d3 + k[253] * p13 + k[254] * p15 + k[255] * p17 + k[256] * p19;
        out[47] = 0.0 + k[257] * d3 + k[258] * p13 + k[259] * p15 + k[260] * p17 + k[261] * p19;
        out[48] = 0.0 + k[262] * d3 + k[263] * p13 + k[264] * p15 + k[265] * p17 + k[266] * p19;
        out[49] = 0.0 + k[267] * p12;
        out[50] = 0.0 + k[268] * p14;
        out[51] = 0.0 + k[269] * p16;
        out[52] = 0.0 + k[270] * p18;
        out[53] = 0.0 + k[271] * p20;
        out[54] = 0.0 + k[272] * 1.0 + k[273] * 1.0 + k[274] * p21;
        out[55] = 0.0 + k[275] * p31 + k[276] * p32 + k[277] * p31 + k[278] * p32 + k[279] * p35 + k[280] * p35 + k[281] * p38 + k[282] * p38;
        out[56] = 0.0 + k[283] * p32 + k[284] * p32 + k[285] * p34 + k[286] * p35 + k[287] * p34 + k[288] * p35 + k[289] * p38 + k[290] * p38;
        out[57] = 0.0 + k[291] * p32 + k[292] * p32 + k[293] * p35 + k[294] * p35 + k[295] * p37 + k[296] * p38 + k[297] * p37 + k[298] * p38;
        out[58] = 0.0 + k[299] * p20;
        out[59] = 0.0 + k[300] * 1.0 + k[301] * p21;
        out[60] = 0.0 + k[302] * 1.0 + k[303] * p30 + k[304] * p30 + k[305] * p33 + k[306] * p33 + k[307] * p36 + k[308] * p36;
        out[61] = 0.0 + k[309] * d3 + k[310] * p13 + k[311] * p23;
        out[62] = 0.0 + k[312] * d3 + k[313] * p13 + k[314] * p23;
        out[63] = 0.0 + k[315] * d3 + k[316] * p13 + k[317] * p23;
        out[64] = 0.0 + k[318] * p12;
        out[65] = 0.0 + k[319] * p22;
        out[66] = 0.0 + k[320] * 1.0;
        out[67] = 0.0 + k[321] * 1.0;
        out[68] = 0.0 + k[322] * 1.0;
        out[69] = 0.0 + k[323] * 1.0;
        out[70] = 0.0 + k[324] * p25;
        out[71] = 0.0 + k[325] * 1.0;
        out[72] = 0.0 + k[326] * 1.0 + k[327] * p24;
        out[73] = 0.0 + k[328] * 1.0;
        out[74] = 0.0 + k[329] * p25;
        out[75] = 0.0 + k[330] * p24;
        out[76] = 0.0 + k[331] * 1.0 + k[332] * 1.0;
        out[77] = 0.0 + k[333] * 1.0;
        out[78] = 0.0 + k[334] * 1.0;
        out[79] = 0.0 + k[335] * 1.0;
        out[80] = 0.0 + k[336] * p27;
        out[81] = 0.0 + k[337] * 1.0;
        out[82] = 0.0 + k[338] * 1.0 + k[339] * p26;
        out[83] = 0.0 + k[340] * 1.0;
        out[84] = 0.0 + k[341] * p27;
        out[85] = 0.0 + k[342] * p26;
        out[86] = 0.0 + k[343] * 1.0 + k[344] * 1.0;
        out[87] = 0.0 + k[345] * 1.0;
        out[88] = 0.0 + k[346] * 1.0;
        out[89] = 0.0 + k[347] * 1.0;
        out[90] = 0.0 + k[348] * p29;
        out[91] = 0.0 + k[349] * 1.0;
        out[92] = 0.0 + k[350] * 1.0 + k[351] * p28;
        out[93] = 0.0 + k[352] * 1.0;
        out[94] = 0.0 + k[353] * p29;
        out[95] = 0.0 + k[354] * p28;
        out[96] = 0.0 + k[355] * 1.0 + k[356] * 1.0;
    }

    pub fn lu_factor(jac: &[f64], scale: f64, shift: f64, v: &mut [f64], inv: &mut [f64]) -> Result<(), usize> {
        let jac: &[f64; 97] = jac.try_into().expect("Jacobian length");
        let v: &mut [f64; 100] = v.try_into().expect("factor length");
        let inv: &mut [f64; 25] = inv.try_into().expect("pivot count");
        v[0] = 0.0 + scale * jac[67];
        v[1] = 0.0 + scale * jac[68];
        v[2] = 0.0 + scale * jac[69];
        v[3] = 0.0 + scale * jac[77];
        v[4] = 0.0 + scale * jac[78];
        v[5] = 0.0 + scale * jac[79];
        v[6] = 0.0 + scale * jac[87];
        v[7] = 0.0 + scale * jac[88];
        v[8] = 0.0 + scale * jac[89];
        v[9] = 0.0 + scale * jac[15];
        v[10] = 0.0 + scale * jac[71];
        v[11] = 0.0 + scale * jac[72];
        v[12] = 0.0 + scale * jac[73];
        v[13] = 0.0 + scale * jac[70];
        v[14] = 0.0 + scale * jac[75];
        v[15] = 0.0 + scale * jac[76];
        v[16] = 0.0 + scale * jac[74];
        v[17] = 0.0 + scale * jac[81];
        v[18] = 0.0 + scale * jac[82];
        v[19] = 0.0 + scale * jac[83];
        v[20] = 0.0 + scale * jac[80];
        v[21] = 0.0 + scale * jac[85];
        v[22] = 0.0 + scale * jac[86];
        v[23] = 0.0 + scale * jac[84];
        v[24] = 0.0 + scale * jac[91];
        v[25] = 0.0 + scale * jac[92];
        v[26] = 0.0 + scale * jac[93];
        v[27] = 0.0 + scale * jac[90];
        v[28] = 0.0 + scale * jac[95];
        v[29] = 0.0 + scale * jac[96];
        v[30] = 0.0 + scale * jac[94];
        v[31] = 0.0 + scale * jac[24];
        v[32] = 0.0 + scale * jac[25];
        v[33] = 0.0 + scale * jac[23];
        v[34] = 0.0 + scale * jac[20];
        v[35] = 0.0 + scale * jac[21];
        v[36] = 0.0 + scale * jac[22];
        v[37] = 0.0 + scale * jac[30];
        v[38] = 0.0 + scale * jac[31];
        v[39] = 0.0 + scale * jac[29];
        v[40] = 0.0 + scale * jac[26];
        v[41] = 0.0 + scale * jac[27];
        v[42] = 0.0 + scale * jac[28];
        v[43] = 0.0 + scale * jac[36];
        v[44] = 0.0 + scale * jac[37];
        v[45] = 0.0 + scale * jac[35];
        v[46] = 0.0 + scale * jac[32];
        v[47] = 0.0 + scale * jac[33];
        v[48] = 0.0 + scale * jac[34];
        v[49] = 0.0 + scale * jac[41];
        v[50] = 0.0 + scale * jac[38];
        v[51] = 0.0 + scale * jac[39];
        v[52] = 0.0 + scale * jac[40];
        v[53] = 0.0 + scale * jac[65];
        v[54] = 0.0 + scale * jac[66];
        v[55] = 0.0 + scale * jac[64];
        v[56] = 0.0 + scale * jac[61];
        v[57] = 0.0 + scale * jac[62];
        v[58] = 0.0 + scale * jac[63];
        v[59] = 0.0 + scale * jac[19];
        v[60] = 0.0 + scale * jac[16];
        v[61] = 0.0 + scale * jac[17];
        v[62] = 0.0 + scale * jac[18];
        v[63] = 0.0 + scale * jac[3];
        v[64] = 0.0 + scale * jac[0];
        v[65] = 0.0 + scale * jac[1];
        v[66] = 0.0 + scale * jac[2];
        v[67] = 0.0 + scale * jac[4];
        v[68] = 0.0 + scale * jac[5];
        v[69] = 0.0 + scale * jac[6];
        v[70] = 0.0 + scale * jac[7];
        v[71] = 0.0 + scale * jac[8];
        v[72] = 0.0 + scale * jac[12];
        v[73] = 0.0 + scale * jac[14];
        v[74] = 0.0;
        v[75] = 0.0 + scale * jac[9];
        v[76] = 0.0 + scale * jac[10];
        v[77] = 0.0 + scale * jac[11];
        v[78] = 0.0 + scale * jac[13];
        v[79] = 0.0 + scale * jac[42];
        v[80] = 0.0 + scale * jac[43];
        v[81] = 0.0 + scale * jac[44];
        v[82] = 0.0 + scale * jac[45];
        v[83] = 0.0;
        v[84] = 0.0 + scale * jac[50];
        v[85] = 0.0 + scale * jac[51];
        v[86] = 0.0 + scale * jac[52];
        v[87] = 0.0 + scale * jac[49];
        v[88] = 0.0 + scale * jac[46];
        v[89] = 0.0 + scale * jac[47];
        v[90] = 0.0 + scale * jac[48];
        v[91] = 0.0 + scale * jac[53];
        v[92] = 0.0 + scale * jac[54];
        v[93] = 0.0;
        v[94] = 0.0 + scale * jac[55];
        v[95] = 0.0 + scale * jac[56];
        v[96] = 0.0 + scale * jac[57];
        v[97] = 0.0 + scale * jac[58];
        v[98] = 0.0 + scale * jac[59];
        v[99] = 0.0 + scale * jac[60];
        v[0] = v[0] + shift;
        v[2] = v[2] + shift;
        v[3] = v[3] + shift;
        v[5] = v[5] + shift;
        v[6] = v[6] + shift;
        v[8] = v[8] + shift;
        v[9] = v[9] + shift;
        v[11] = v[11] + shift;
        v[15] = v[15] + shift;
        v[18] = v[18] + shift;
        v[22] = v[22] + shift;
        v[25] = v[25] + shift;
        v[29] = v[29] + shift;
        v[33] = v[33] + shift;
        v[39] = v[39] + shift;
        v[45] = v[45] + shift;
        v[49] = v[49] + shift;
        v[54] = v[54] + shift;
        v[59] = v[59] + shift;
        v[64] = v[64] + shift;
        v[69] = v[69] + shift;
        v[77] = v[77] + shift;
        v[82] = v[82] + shift;
        v[92] = v[92] + shift;
        v[99] = v[99] + shift;
        let row_max = 0.0f64.max(v[0].abs());
        let pivot = v[0];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(0); }
        inv[0] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[1].abs()).max(v[2].abs());
        let l = v[1] * inv[0];
        v[1] = l;
        let pivot = v[2];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(1); }
        inv[1] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[3].abs());
        let pivot = v[3];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(2); }
        inv[2] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[4].abs()).max(v[5].abs());
        let l = v[4] * inv[2];
        v[4] = l;
        let pivot = v[5];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(3); }
        inv[3] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[6].abs());
        let pivot = v[6];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(4); }
        inv[4] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[7].abs()).max(v[8].abs());
        let l = v[7] * inv[4];
        v[7] = l;
        let pivot = v[8];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(5); }
        inv[5] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[9].abs());
        let pivot = v[9];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(6); }
        inv[6] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[10].abs()).max(v[11].abs()).max(v[12].abs()).max(v[13].abs());
        let l = v[10] * inv[1];
        v[10] = l;
        let pivot = v[11];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(7); }
        inv[7] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[14].abs()).max(v[15].abs()).max(v[16].abs());
        let l = v[14] * inv[7];
        v[14] = l;
        if l != 0.0 { v[15] = v[15] - l * v[12]; v[16] = v[16] - l * v[13]; }
        let pivot = v[15];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(8); }
        inv[8] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[17].abs()).max(v[18].abs()).max(v[19].abs()).max(v[20].abs());
        let l = v[17] * inv[3];
        v[17] = l;
        let pivot = v[18];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(9); }
        inv[9] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[21].abs()).max(v[22].abs()).max(v[23].abs());
        let l = v[21] * inv[9];
        v[21] = l;
        if l != 0.0 { v[22] = v[22] - l * v[19]; v[23] = v[23] - l * v[20]; }
        let pivot = v[22];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(10); }
        inv[10] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[24].abs()).max(v[25].abs()).max(v[26].abs()).max(v[27].abs());
        let l = v[24] * inv[5];
        v[24] = l;
        let pivot = v[25];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(11); }
        inv[11] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[28].abs()).max(v[29].abs()).max(v[30].abs());
        let l = v[28] * inv[11];
        v[28] = l;
        if l != 0.0 { v[29] = v[29] - l * v[26]; v[30] = v[30] - l * v[27]; }
        let pivot = v[29];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(12); }
        inv[12] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[31].abs()).max(v[32].abs()).max(v[33].abs()).max(v[34].abs()).max(v[35].abs()).max(v[36].abs());
        let l = v[31] * inv[7];
        v[31] = l;
        if l != 0.0 { v[32] = v[32] - l * v[12]; v[33] = v[33] - l * v[13]; }
        let l = v[32] * inv[8];
        v[32] = l;
        if l != 0.0 { v[33] = v[33] - l * v[16]; }
        let pivot = v[33];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(13); }
        inv[13] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[37].abs()).max(v[38].abs()).max(v[39].abs()).max(v[40].abs()).max(v[41].abs()).max(v[42].abs());
        let l = v[37] * inv[9];
        v[37] = l;
        if l != 0.0 { v[38] = v[38] - l * v[19]; v[39] = v[39] - l * v[20]; }
        let l = v[38] * inv[10];
        v[38] = l;
        if l != 0.0 { v[39] = v[39] - l * v[23]; }
        let pivot = v[39];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(14); }
        inv[14] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[43].abs()).max(v[44].abs()).max(v[45].abs()).max(v[46].abs()).max(v[47].abs()).max(v[48].abs());
        let l = v[43] * inv[11];
        v[43] = l;
        if l != 0.0 { v[44] = v[44] - l * v[26]; v[45] = v[45] - l * v[27]; }
        let l = v[44] * inv[12];
        v[44] = l;
        if l != 0.0 { v[45] = v[45] - l * v[30]; }
        let pivot = v[45];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(15); }
        inv[15] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[49].abs()).max(v[50].abs()).max(v[51].abs()).max(v[52].abs());
        let pivot = v[49];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(16); }
        inv[16] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[53].abs()).max(v[54].abs()).max(v[55].abs()).max(v[56].abs()).max(v[57].abs()).max(v[58].abs());
        let l = v[53] * inv[16];
        v[53] = l;
        if l != 0.0 { v[56] = v[56] - l * v[50]; v[57] = v[57] - l * v[51]; v[58] = v[58] - l * v[52]; }
        let pivot = v[54];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(17); }
        inv[17] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[59].abs()).max(v[60].abs()).max(v[61].abs()).max(v[62].abs());
        let pivot = v[59];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(18); }
        inv[18] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[63].abs()).max(v[64].abs()).max(v[65].abs()).max(v[66].abs()).max(v[67].abs());
        let l = v[63] * inv[6];
        v[63] = l;
        let pivot = v[64];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(19); }
        inv[19] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[68].abs()).max(v[69].abs()).max(v[70].abs()).max(v[71].abs());
        let l = v[68] * inv[19];
        v[68] = l;
        if l != 0.0 { v[69] = v[69] - l * v[65]; v[70] = v[70] - l * v[66]; v[71] = v[71] - l * v[67]; }
        let pivot = v[69];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(20); }
        inv[20] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[72].abs()).max(v[73].abs()).max(v[74].abs()).max(v[75].abs()).max(v[76].abs()).max(v[77].abs()).max(v[78].abs());
        let l = v[72] * inv[6];
        v[72] = l;
        let l = v[73] * inv[17];
        v[73] = l;
        if l != 0.0 { v[74] = v[74] - l * v[55]; v[75] = v[75] - l * v[56]; v[76] = v[76] - l * v[57]; v[77] = v[77] - l * v[58]; }
        let l = v[74] * inv[18];
        v[74] = l;
        if l != 0.0 { v[75] = v[75] - l * v[60]; v[76] = v[76] - l * v[61]; v[77] = v[77] - l * v[62]; }
        let l = v[75] * inv[19];
        v[75] = l;
        if l != 0.0 { v[76] = v[76] - l * v[65]; v[77] = v[77] - l * v[66]; v[78] = v[78] - l * v[67]; }
        let l = v[76] * inv[20];
        v[76] = l;
        if l != 0.0 { v[77] = v[77] - l * v[70]; v[78] = v[78] - l * v[71]; }
        let pivot = v[77];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(21); }
        inv[21] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[79].abs()).max(v[80].abs()).max(v[81].abs()).max(v[82].abs()).max(v[83].abs());
        let l = v[79] * inv[19];
        v[79] = l;
        if l != 0.0 { v[80] = v[80] - l * v[65]; v[81] = v[81] - l * v[66]; v[83] = v[83] - l * v[67]; }
        let l = v[80] * inv[20];
        v[80] = l;
        if l != 0.0 { v[81] = v[81] - l * v[70]; v[83] = v[83] - l * v[71]; }
        let l = v[81] * inv[21];
        v[81] = l;
        if l != 0.0 { v[83] = v[83] - l * v[78]; }
        let pivot = v[82];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(22); }
        inv[22] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[84].abs()).max(v[85].abs()).max(v[86].abs()).max(v[87].abs()).max(v[88].abs()).max(v[89].abs()).max(v[90].abs()).max(v[91].abs()).max(v[92].abs()).max(v[93].abs());
        let l = v[84] * inv[13];
        v[84] = l;
        if l != 0.0 { v[88] = v[88] - l * v[34]; v[89] = v[89] - l * v[35]; v[90] = v[90] - l * v[36]; }
        let l = v[85] * inv[14];
        v[85] = l;
        if l != 0.0 { v[88] = v[88] - l * v[40]; v[89] = v[89] - l * v[41]; v[90] = v[90] - l * v[42]; }
        let l = v[86] * inv[15];
        v[86] = l;
        if l != 0.0 { v[88] = v[88] - l * v[46]; v[89] = v[89] - l * v[47]; v[90] = v[90] - l * v[48]; }
        let l = v[87] * inv[18];
        v[87] = l;
        if l != 0.0 { v[88] = v[88] - l * v[60]; v[89] = v[89] - l * v[61]; v[90] = v[90] - l * v[62]; }
        let l = v[88] * inv[19];
        v[88] = l;
        if l != 0.0 { v[89] = v[89] - l * v[65]; v[90] = v[90] - l * v[66]; v[93] = v[93] - l * v[67]; }
        let l = v[89] * inv[20];
        v[89] = l;
        if l != 0.0 { v[90] = v[90] - l * v[70]; v[93] = v[93] - l * v[71]; }
        let l = v[90] * inv[21];
        v[90] = l;
        if l != 0.0 { v[93] = v[93] - l * v[78]; }
        let l = v[91] * inv[22];
        v[91] = l;
        if l != 0.0 { v[93] = v[93] - l * v[83]; }
        let pivot = v[92];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(23); }
        inv[23] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[94].abs()).max(v[95].abs()).max(v[96].abs()).max(v[97].abs()).max(v[98].abs()).max(v[99].abs());
        let l = v[94] * inv[19];
        v[94] = l;
        if l != 0.0 { v[95] = v[95] - l * v[65]; v[96] = v[96] - l * v[66]; v[99] = v[99] - l * v[67]; }
        let l = v[95] * inv[20];
        v[95] = l;
        if l != 0.0 { v[96] = v[96] - l * v[70]; v[99] = v[99] - l * v[71]; }
        let l = v[96] * inv[21];
        v[96] = l;
        if l != 0.0 { v[99] = v[99] - l * v[78]; }
        let l = v[97] * inv[22];
        v[97] = l;
        if l != 0.0 { v[99] = v[99] - l * v[83]; }
        let l = v[98] * inv[23];
        v[98] = l;
        if l != 0.0 { v[99] = v[99] - l * v[93]; }
        let pivot = v[99];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(24); }
        inv[24] = 1.0 / pivot;
        Ok(())
    }

    pub fn lu_solve(v: &[f64], inv: &[f64], b: &mut [f64]) {
        let v: &[f64; 100] = v.try_into().expect("factor length");
        let inv: &[f64; 25] = inv.try_into().expect("pivot count");
        let b: &mut [f64; 25] = b.try_into().expect("right-hand side length");
        let y0 = b[13];
        let y1 = b[14] - v[1] * y0;
        let y2 = b[17];
        let y3 = b[18] - v[4] * y2;
        let y4 = b[21];
        let y5 = b[22] - v[7] * y4;
        let y6 = b[3];
        let y7 = b[15] - v[10] * y1;
        let y8 = b[16] - v[14] * y7;
        let y9 = b[19] - v[17] * y3;
        let y10 = b[20] - v[21] * y9;
        let y11 = b[23] - v[24] * y5;
        let y12 = b[24] - v[28] * y11;
        let y13 = b[5] - v[31] * y7 - v[32] * y8;
        let y14 = b[6] - v[37] * y9 - v[38] * y10;
        let y15 = b[7] - v[43] * y11 - v[44] * y12;
        let y16 = b[8];
        let y17 = b[12] - v[53] * y16;
        let y18 = b[4];
        let y19 = b[0] - v[63] * y6;
        let y20 = b[1] - v[68] * y19;
        let y21 = b[2] - v[72] * y6 - v[73] * y17 - v[74] * y18 - v[75] * y19 - v[76] * y20;
        let y22 = b[9] - v[79] * y19 - v[80] * y20 - v[81] * y21;
        let y23 = b[10] - v[84] * y13 - v[85] * y14 - v[86] * y15 - v[87] * y18 - v[88] * y19 - v[89] * y20 - v[90] * y21 - v[91] * y22;
        let y24 = b[11] - v[94] * y19 - v[95] * y20 - v[96] * y21 - v[97] * y22 - v[98] * y23;
        let x24 = (y24) * inv[24];
        b[11] = x24;
        let x23 = (y23 - v[93] * x24) * inv[23];
        b[10] = x23;
        let x22 = (y22 - v[83] * x24) * inv[22];
        b[9] = x22;
        let x21 = (y21 - v[78] * x24) * inv[21];
        b[2] = x21;
        let x20 = (y20 - v[70] * x21 - v[71] * x24) * inv[20];
        b[1] = x20;
        let x19 = (y19 - v[65] * x20 - v[66] * x21 - v[67] * x24) * inv[19];
        b[0] = x19;
        let x18 = (y18 - v[60] * x19 - v[61] * x20 - v[62] * x21) * inv[18];
        b[4] = x18;
        let x17 = (y17 - v[55] * x18 - v[56] * x19 - v[57] * x20 - v[58] * x21) * inv[17];
        b[12] = x17;
        let x16 = (y16 - v[50] * x19 - v[51] * x20 - v[52] * x21) * inv[16];
        b[8] = x16;
        let x15 = (y15 - v[46] * x19 - v[47] * x20 - v[48] * x21) * inv[15];
        b[7] = x15;
        let x14 = (y14 - v[40] * x19 - v[41] * x20 - v[42] * x21) * inv[14];
        b[6] = x14;
        let x13 = (y13 - v[34] * x19 - v[35] * x20 - v[36] * x21) * inv[13];
        b[5] = x13;
        let x12 = (y12 - v[30] * x15) * inv[12];
        b[24] = x12;
        let x11 = (y11 - v[26] * x12 - v[27] * x15) * inv[11];
        b[23] = x11;
        let x10 = (y10 - v[23] * x14) * inv[10];
        b[20] = x10;
        let x9 = (y9 - v[19] * x10 - v[20] * x14) * inv[9];
        b[19] = x9;
        let x8 = (y8 - v[16] * x13) * inv[8];
        b[16] = x8;
        let x7 = (y7 - v[12] * x8 - v[13] * x13) * inv[7];
        b[15] = x7;
        let x6 = (y6) * inv[6];
        b[3] = x6;
        let x5 = (y5) * inv[5];
        b[22] = x5;
        let x4 = (y4) * inv[4];
        b[21] = x4;
        let x3 = (y3) * inv[3];
        b[18] = x3;
        let x2 = (y2) * inv[2];
        b[17] = x2;
        let x1 = (y1) * inv[1];
        b[14] = x1;
        let x0 = (y0) * inv[0];
        b[13] = x0;
    }
}

pub static ARM_ANTI_CCL3_4_5: crate::model::compiled::CompiledKernels = crate::model::compiled::CompiledKernels {
    fingerprint: 0x4f93b033c231b232,
    constants: 357,
    rhs: arm_anti_ccl3_4_5::rhs,
    jacobian: arm_anti_ccl3_4_5::jacobian,
    lu: crate::model::compiled::CompiledLu { n: 25, nnz: 100, fingerprint: 0x92070a1f8e104b06, factor: arm_anti_ccl3_4_5::lu_factor, solve: arm_anti_ccl3_4_5::lu_solve },
};

// Kernels of model 'iannello2013' (fingerprint 0xd577ea535502dc88), written by
// crate::model::compiled::rust_source. Do not edit.
#[allow(clippy::all, clippy::pedantic, unused, non_snake_case)]
pub mod arm_anti_nkg2d {
    pub fn rhs(y: &[f64], u: &[f64], k: &[f64], dy: &mut [f64]) {
        let y: &[f64; 16] = y.try_into().expect("state length");
        let k: &[f64; 295] = k.try_into().expect("constants");
        let dy: &mut [f64; 16] = dy.try_into().expect("derivative length");
        let _ = u;
        let f0 = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); 1.0 - a * k[3] };
        let f1 = { let a = (-0.0); u[0] };
        let f2 = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); 1.0 / (a.max(0.0) + k[7]) };
        let f3 = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); a };
        let f4 = { let a = k[11] * y[4]; a / (k[12] + a) };
        let f5 = { let a = k[13] * y[5]; a / (k[14] + a) };
        let f6 = { let a = k[15] * y[6]; a / (k[16] + a) };
        let f7 = { let a = k[17] * y[7]; a / (k[18] + a) };
        let f8 = { let a = k[19] * y[9]; a / (k[20] + a) };
        let f9 = { let a = k[21] * y[14]; k[22] / (k[22] + a.max(0.0).powf(k[23])) };
        let f10 = { let a = k[24] * y[8]; a / (k[25] + a) };
        let p0 = y[0] * f0;
        let p1 = y[1] * f0;
        let p2 = y[0] * y[3];
        let p3 = y[2] * f2;
        let p4 = y[0] * f2;
        let p5 = y[1] * f2;
        let p6 = f3 * f4;
        let p7 = f3 * f5;
        let p8 = f3 * f6;
        let p9 = f3 * f7;
        let p10 = y[10] * f8;
        let p11 = f3 * f10;
        let p12 = y[0] * y[11] * f2;
        let p13 = y[1] * y[11] * f2;
        let p14 = y[2] * y[11] * f2;
        let p15 = y[2] * y[12] * f2;
        let p16 = 1.0 * y[0] * y[11] * f2 * f9;
        let p17 = 1.0 * y[1] * y[11] * f2 * f9;
        let p18 = 1.0 * y[2] * y[11] * f2 * f9;
        dy[0] = 0.0 + k[26] * p0 + k[27] * p2 + k[28] * p12 + k[29] * p16;
        dy[1] = 0.0 + k[30] * p1 + k[31] * p13 + k[32] * p17;
        dy[2] = 0.0 + k[33] * p2 + k[34] * p14 + k[35] * p15 + k[36] * p18;
        dy[3] = 0.0 + k[37] * f1 + k[38] * y[3];
        dy[4] = 0.0 + k[39] * y[4] + k[40] * p3 + k[41] * p4 + k[42] * p5;
        dy[5] = 0.0 + k[43] * y[5] + k[44] * p3 + k[45] * p4 + k[46] * p5;
        dy[6] = 0.0 + k[47] * y[6] + k[48] * p3 + k[49] * p4 + k[50] * p5;
        dy[7] = 0.0 + k[51] * y[7] + k[52] * p3 + k[53] * p4 + k[54] * p5;
        dy[8] = 0.0 + k[55] * y[8] + k[56] * p3 + k[57] * p4 + k[58] * p5;
        dy[9] = 0.0 + k[59] * y[9] + k[60] * p3 + k[61] * p4 + k[62] * p5;
        dy[10] = 0.0 + k[63] * f3 + k[64] * y[10] + k[65] * y[10] + k[66] * p6 + k[67] * p7 + k[68] * p8 + k[69] * p9 + k[70] * p10;
        dy[11] = 0.0 + k[71] * y[10] + k[72] * y[11] + k[73] * p10 + k[74] * p12 + k[75] * p13 + k[76] * p14 + k[77] * p16 + k[78] * p17 + k[79] * p18;
        dy[12] = 0.0 + k[80] * f3 + k[81] * y[12] + k[82] * p6 + k[83] * p11;
        dy[13] = 0.0 + k[84] * y[13];
        dy[14] = 0.0 + k[85] * y[13] + k[86] * y[14];
        dy[15] = 0.0 + k[87] * y[14] + k[88] * y[15];
    }

    pub fn jacobian(y: &[f64], u: &[f64], k: &[f64], out: &mut [f64]) {
        let y: &[f64; 16] = y.try_into().expect("state length");
        let k: &[f64; 295] = k.try_into().expect("constants");
        let out: &mut [f64; 70] = out.try_into().expect("Jacobian length");
        let _ = u;
        let (v0, d0) = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); (1.0 - a * k[3], -k[3]) };
        let (v1, d1) = { let a = (-0.0); (u[0], 0.0) };
        let (v2, d2) = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); { let d = 1.0 / (a.max(0.0) + k[7]); (d, if a > 0.0 { -d * d } else { 0.0 }) } };
        let (v3, d3) = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); (a, 1.0) };
        let (v4, d4) = { let a = (-0.0 + k[11] * y[4]); { let d = 1.0 / (k[12] + a); (a * d, k[12] * d * d) } };
        let (v5, d5) = { let a = (-0.0 + k[13] * y[5]); { let d = 1.0 / (k[14] + a); (a * d, k[14] * d * d) } };
        let (v6, d6) = { let a = (-0.0 + k[15] * y[6]); { let d = 1.0 / (k[16] + a); (a * d, k[16] * d * d) } };
        let (v7, d7) = { let a = (-0.0 + k[17] * y[7]); { let d = 1.0 / (k[18] + a); (a * d, k[18] * d * d) } };
        let (v8, d8) = { let a = (-0.0 + k[19] * y[9]); { let d = 1.0 / (k[20] + a); (a * d, k[20] * d * d) } };
        let (v9, d9) = { let a = (-0.0 + k[21] * y[14]); { let an = a.max(0.0).powf(k[23]); let d = 1.0 / (k[22] + an); let dan = if a > 0.0 { k[23] * an / a } else if k[23] == 1.0 { 1.0 } else { 0.0 }; (k[22] * d, -k[22] * dan * d * d) } };
        let (v10, d10) = { let a = (-0.0 + k[24] * y[8]); { let d = 1.0 / (k[25] + a); (a * d, k[25] * d * d) } };
        let p0 = v0 * 1.0;
        let p1 = y[0] * d0;
        let p2 = v0 * 1.0;
        let p3 = y[1] * d0;
        let p4 = y[0] * 1.0;
        let p5 = y[3] * 1.0;
        let p6 = v2 * 1.0;
        let p7 = y[2] * d2;
        let p8 = v2 * 1.0;
        let p9 = y[0] * d2;
        let p10 = v2 * 1.0;
        let p11 = y[1] * d2;
        let p12 = v3 * d4;
        let p13 = v4 * d3;
        let p14 = v3 * d5;
        let p15 = v5 * d3;
        let p16 = v3 * d6;
        let p17 = v6 * d3;
        let p18 = v3 * d7;
        let p19 = v7 * d3;
        let p20 = y[10] * d8;
        let p21 = v8 * 1.0;
        let p22 = v3 * d10;
        let p23 = v10 * d3;
        let p24 = y[0] * v2 * 1.0;
        let p25 = y[11] * v2 * 1.0;
        let p26 = y[0] * y[11] * d2;
        let p27 = y[1] * v2 * 1.0;
        let p28 = y[11] * v2 * 1.0;
        let p29 = y[1] * y[11] * d2;
        let p30 = y[2] * v2 * 1.0;
        let p31 = y[11] * v2 * 1.0;
        let p32 = y[2] * y[11] * d2;
        let p33 = y[2] * v2 * 1.0;
        let p34 = y[12] * v2 * 1.0;
        let p35 = y[2] * y[12] * d2;
        let p36 = 1.0 * y[0] * v2 * v9 * 1.0;
        let p37 = 1.0 * y[11] * v2 * v9 * 1.0;
        let p38 = 1.0 * y[0] * y[11] * v9 * d2;
        let p39 = 1.0 * y[0] * y[11] * v2 * d9;
        let p40 = 1.0 * y[1] * v2 * v9 * 1.0;
        let p41 = 1.0 * y[11] * v2 * v9 * 1.0;
        let p42 = 1.0 * y[1] * y[11] * v9 * d2;
        let p43 = 1.0 * y[1] * y[11] * v2 * d9;
        let p44 = 1.0 * y[2] * v2 * v9 * 1.0;
        let p45 = 1.0 * y[11] * v2 * v9 * 1.0;
        let p46 = 1.0 * y[2] * y[11] * v9 * d2;
        let p47 = 1.0 * y[2] * y[11] * v2 * d9;
        out[0] = 0.0 + k[89] * p0 + k[90] * p1 + k[91] * p5 + k[92] * p25 + k[93] * p26 + k[94] * p37 + k[95] * p38;
        out[1] = 0.0 + k[96] * p1 + k[97] * p26 + k[98] * p38;
        out[2] = 0.0 + k[99] * p1 + k[100] * p26 + k[101] * p38;
        out[3] = 0.0 + k[102] * p4;
        out[4] = 0.0 + k[103] * p24 + k[104] * p36;
        out[5] = 0.0 + k[105] * p39;
        out[6] = 0.0 + k[106] * p3 + k[107] * p29 + k[108] * p42;
        out[7] = 0.0 + k[109] * p2 + k[110] * p3 + k[111] * p28 + k[112] * p29 + k[113] * p41 + k[114] * p42;
        out[8] = 0.0 + k[115] * p3 + k[116] * p29 + k[117] * p42;
        out[9] = 0.0 + k[118] * p27 + k[119] * p40;
        out[10] = 0.0 + k[120] * p43;
        out[11] = 0.0 + k[121] * p5 + k[122] * p32 + k[123] * p35 + k[124] * p46;
        out[12] = 0.0 + k[125] * p32 + k[126] * p35 + k[127] * p46;
        out[13] = 0.0 + k[128] * p31 + k[129] * p32 + k[130] * p34 + k[131] * p35 + k[132] * p45 + k[133] * p46;
        out[14] = 0.0 + k[134] * p4;
        out[15] = 0.0 + k[135] * p30 + k[136] * p44;
        out[16] = 0.0 + k[137] * p33;
        out[17] = 0.0 + k[138] * p47;
        out[18] = 0.0 + k[139] * 1.0;
        out[19] = 0.0 + k[140] * p7 + k[141] * p8 + k[142] * p9 + k[143] * p11;
        out[20] = 0.0 + k[144] * p7 + k[145] * p9 + k[146] * p10 + k[147] * p11;
        out[21] = 0.0 + k[148] * p6 + k[149] * p7 + k[150] * p9 + k[151] * p11;
        out[22] = 0.0 + k[152] * 1.0;
        out[23] = 0.0 + k[153] * p7 + k[154] * p8 + k[155] * p9 + k[156] * p11;
        out[24] = 0.0 + k[157] * p7 + k[158] * p9 + k[159] * p10 + k[160] * p11;
        out[25] = 0.0 + k[161] * p6 + k[162] * p7 + k[163] * p9 + k[164] * p11;
        out[26] = 0.0 + k[165] * 1.0;
        out[27] = 0.0 + k[166] * p7 + k[167] * p8 + k[168] * p9 + k[169] * p11;
        out[28] = 0.0 + k[170] * p7 + k[171] * p9 + k[172] * p10 + k[173] * p11;
        out[29] = 0.0 + k[174] * p6 + k[175] * p7 + k[176] * p9 + k[177] * p11;
        out[30] = 0.0 + k[178] * 1.0;
        out[31] = 0.0 + k[179] * p7 + k[180] * p8 + k[181] * p9 + k[182] * p11;
        out[32] = 0.0 + k[183] * p7 + k[184] * p9 + k[185] * p10 + k[186] * p11;
        out[33] = 0.0 + k[187] * p6 + k[188] * p7 + k[189] * p9 + k[190] * p11;
        out[34] = 0.0 + k[191] * 1.0;
        out[35] = 0.0 + k[192] * p7 + k[193] * p8 + k[194] * p9 + k[195] * p11;
        out[36] = 0.0 + k[196] * p7 + k[197] * p9 + k[198] * p10 + k[199] * p11;
        out[37] = 0.0 + k[200] * p6 + k[201] * p7 + k[202] * p9 + k[203] * p11;
        out[38] = 0.0 + k[204] * 1.0;
        out[39] = 0.0 + k[205] * p7 + k[206] * p8 + k[207] * p9 + k[208] * p11;
        out[40] = 0.0 + k[209] * p7 + k[210] * p9 + k[211] * p10 + k[212] * p11;
        out[41] = 0.0 + k[213] * p6 + k[214] * p7 + k[215] * p9 + k[216] * p11;
        out[42] = 0.0 + k[217] * 1.0;
        out[43] = 0.0 + k[218] * d3 + k[219] * p13 + k[220] * p15 + k[221] * p17 + k[222] * p19;
        out[44] = 0.0 + k[223] * d3 + k[224] * p13 + k[225] * p15 + k[226] * p17 + k[227] * p19;
        out[45] = 0.0 + k[228] * d3 + k[229] * p13 + k[230] * p15 + k[231] * p17 + k[232] * p19;
        out[46] = 0.0 + k[233] * p12;
        out[47] = 0.0 + k[234] * p14;
        out[48] = 0.0 + k[235] * p16;
        out[49] = 0.0 + k[236] * p18;
        out[50] = 0.0 + k[237] * p20;
        out[51] = 0.0 + k[238] * 1.0 + k[239] * 1.0 + k[240] * p21;
        out[52] = 0.0 + k[241] * p25 + k[242] * p26 + k[243] * p29 + k[244] * p32 + k[245] * p37 + k[246] * p38 + k[247] * p42 + k[248] * p46;
        out[53] = 0.0 + k[249] * p26 + k[250] * p28 + k[251] * p29 + k[252] * p32 + k[253] * p38 + k[254] * p41 + k[255] * p42 + k[256] * p46;
        out[54] = 0.0 + k[257] * p26 + k[258] * p29 + k[259] * p31 + k[260] * p32 + k[261] * p38 + k[262] * p42 + k[263] * p45 + k[264] * p46;
        out[55] = 0.0 + k[265] * p20;
        out[56] = 0.0 + k[266] * 1.0 + k[267] * p21;
        out[57] = 0.0 + k[268] * 1.0 + k[269] * p24 + k[270] * p27 + k[271] * p30 + k[272] * p36 + k[273] * p40 + k[274] * p44;
        out[58] = 0.0 + k[275] * p39 + k[276] * p43 + k[277] * p47;
        out[59] = 0.0 + k[278] * d3 + k[279] * p13 + k[280] * p23;
        out[60] = 0.0 + k[281] * d3 + k[282] * p13 + k[283] * p23;
        out[61] = 0.0 + k[284] * d3 + k[285] * p13 + k[286] * p23;
        out[62] = 0.0 + k[287] * p12;
        out[63] = 0.0 + k[288] * p22;
        out[64] = 0.0 + k[289] * 1.0;
        out[65] = 0.0 + k[290] * 1.0;
        out[66] = 0.0 + k[291] * 1.0;
        out[67] = 0.0 + k[292] * 1.0;
        out[68] = 0.0 + k[293] * 1.0;
        out[69] = 0.0 + k[294] * 1.0;
    }

    pub fn lu_factor(jac: &[f64], scale: f64, shift: f64, v: &mut [f64], inv: &mut [f64]) -> Result<(), usize> {
        let jac: &[f64; 70] = jac.try_into().expect("Jacobian length");
        let v: &mut [f64; 73] = v.try_into().expect("factor length");
        let inv: &mut [f64; 16] = inv.try_into().expect("pivot count");
        v[0] = 0.0 + scale * jac[65];
        v[1] = 0.0 + scale * jac[69];
        v[2] = 0.0 + scale * jac[68];
        v[3] = 0.0 + scale * jac[18];
        v[4] = 0.0 + scale * jac[26];
        v[5] = 0.0 + scale * jac[23];
        v[6] = 0.0 + scale * jac[24];
        v[7] = 0.0 + scale * jac[25];
        v[8] = 0.0 + scale * jac[30];
        v[9] = 0.0 + scale * jac[27];
        v[10] = 0.0 + scale * jac[28];
        v[11] = 0.0 + scale * jac[29];
        v[12] = 0.0 + scale * jac[34];
        v[13] = 0.0 + scale * jac[31];
        v[14] = 0.0 + scale * jac[32];
        v[15] = 0.0 + scale * jac[33];
        v[16] = 0.0 + scale * jac[38];
        v[17] = 0.0 + scale * jac[35];
        v[18] = 0.0 + scale * jac[36];
        v[19] = 0.0 + scale * jac[37];
        v[20] = 0.0 + scale * jac[63];
        v[21] = 0.0 + scale * jac[64];
        v[22] = 0.0 + scale * jac[62];
        v[23] = 0.0 + scale * jac[59];
        v[24] = 0.0 + scale * jac[60];
        v[25] = 0.0 + scale * jac[61];
        v[26] = 0.0 + scale * jac[22];
        v[27] = 0.0 + scale * jac[19];
        v[28] = 0.0 + scale * jac[20];
        v[29] = 0.0 + scale * jac[21];
        v[30] = 0.0 + scale * jac[66];
        v[31] = 0.0 + scale * jac[67];
        v[32] = 0.0 + scale * jac[3];
        v[33] = 0.0 + scale * jac[5];
        v[34] = 0.0 + scale * jac[0];
        v[35] = 0.0 + scale * jac[1];
        v[36] = 0.0 + scale * jac[2];
        v[37] = 0.0 + scale * jac[4];
        v[38] = 0.0 + scale * jac[10];
        v[39] = 0.0 + scale * jac[6];
        v[40] = 0.0 + scale * jac[7];
        v[41] = 0.0 + scale * jac[8];
        v[42] = 0.0 + scale * jac[9];
        v[43] = 0.0 + scale * jac[14];
        v[44] = 0.0 + scale * jac[16];
        v[45] = 0.0;
        v[46] = 0.0 + scale * jac[17];
        v[47] = 0.0 + scale * jac[11];
        v[48] = 0.0 + scale * jac[12];
        v[49] = 0.0 + scale * jac[13];
        v[50] = 0.0 + scale * jac[15];
        v[51] = 0.0 + scale * jac[39];
        v[52] = 0.0 + scale * jac[40];
        v[53] = 0.0 + scale * jac[41];
        v[54] = 0.0 + scale * jac[42];
        v[55] = 0.0;
        v[56] = 0.0 + scale * jac[47];
        v[57] = 0.0 + scale * jac[48];
        v[58] = 0.0 + scale * jac[49];
        v[59] = 0.0 + scale * jac[46];
        v[60] = 0.0 + scale * jac[43];
        v[61] = 0.0 + scale * jac[44];
        v[62] = 0.0 + scale * jac[45];
        v[63] = 0.0 + scale * jac[50];
        v[64] = 0.0 + scale * jac[51];
        v[65] = 0.0;
        v[66] = 0.0 + scale * jac[58];
        v[67] = 0.0 + scale * jac[52];
        v[68] = 0.0 + scale * jac[53];
        v[69] = 0.0 + scale * jac[54];
        v[70] = 0.0 + scale * jac[55];
        v[71] = 0.0 + scale * jac[56];
        v[72] = 0.0 + scale * jac[57];
        v[0] = v[0] + shift;
        v[1] = v[1] + shift;
        v[3] = v[3] + shift;
        v[4] = v[4] + shift;
        v[8] = v[8] + shift;
        v[12] = v[12] + shift;
        v[16] = v[16] + shift;
        v[21] = v[21] + shift;
        v[26] = v[26] + shift;
        v[31] = v[31] + shift;
        v[34] = v[34] + shift;
        v[40] = v[40] + shift;
        v[49] = v[49] + shift;
        v[54] = v[54] + shift;
        v[64] = v[64] + shift;
        v[72] = v[72] + shift;
        let row_max = 0.0f64.max(v[0].abs());
        let pivot = v[0];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(0); }
        inv[0] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[1].abs()).max(v[2].abs());
        let pivot = v[1];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(1); }
        inv[1] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[3].abs());
        let pivot = v[3];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(2); }
        inv[2] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[4].abs()).max(v[5].abs()).max(v[6].abs()).max(v[7].abs());
        let pivot = v[4];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(3); }
        inv[3] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[8].abs()).max(v[9].abs()).max(v[10].abs()).max(v[11].abs());
        let pivot = v[8];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(4); }
        inv[4] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[12].abs()).max(v[13].abs()).max(v[14].abs()).max(v[15].abs());
        let pivot = v[12];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(5); }
        inv[5] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[16].abs()).max(v[17].abs()).max(v[18].abs()).max(v[19].abs());
        let pivot = v[16];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(6); }
        inv[6] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[20].abs()).max(v[21].abs()).max(v[22].abs()).max(v[23].abs()).max(v[24].abs()).max(v[25].abs());
        let l = v[20] * inv[6];
        v[20] = l;
        if l != 0.0 { v[23] = v[23] - l * v[17]; v[24] = v[24] - l * v[18]; v[25] = v[25] - l * v[19]; }
        let pivot = v[21];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(7); }
        inv[7] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[26].abs()).max(v[27].abs()).max(v[28].abs()).max(v[29].abs());
        let pivot = v[26];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(8); }
        inv[8] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[30].abs()).max(v[31].abs());
        let l = v[30] * inv[0];
        v[30] = l;
        let pivot = v[31];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(9); }
        inv[9] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[32].abs()).max(v[33].abs()).max(v[34].abs()).max(v[35].abs()).max(v[36].abs()).max(v[37].abs());
        let l = v[32] * inv[2];
        v[32] = l;
        let l = v[33] * inv[9];
        v[33] = l;
        let pivot = v[34];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(10); }
        inv[10] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[38].abs()).max(v[39].abs()).max(v[40].abs()).max(v[41].abs()).max(v[42].abs());
        let l = v[38] * inv[9];
        v[38] = l;
        let l = v[39] * inv[10];
        v[39] = l;
        if l != 0.0 { v[40] = v[40] - l * v[35]; v[41] = v[41] - l * v[36]; v[42] = v[42] - l * v[37]; }
        let pivot = v[40];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(11); }
        inv[11] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[43].abs()).max(v[44].abs()).max(v[45].abs()).max(v[46].abs()).max(v[47].abs()).max(v[48].abs()).max(v[49].abs()).max(v[50].abs());
        let l = v[43] * inv[2];
        v[43] = l;
        let l = v[44] * inv[7];
        v[44] = l;
        if l != 0.0 { v[45] = v[45] - l * v[22]; v[47] = v[47] - l * v[23]; v[48] = v[48] - l * v[24]; v[49] = v[49] - l * v[25]; }
        let l = v[45] * inv[8];
        v[45] = l;
        if l != 0.0 { v[47] = v[47] - l * v[27]; v[48] = v[48] - l * v[28]; v[49] = v[49] - l * v[29]; }
        let l = v[46] * inv[9];
        v[46] = l;
        let l = v[47] * inv[10];
        v[47] = l;
        if l != 0.0 { v[48] = v[48] - l * v[35]; v[49] = v[49] - l * v[36]; v[50] = v[50] - l * v[37]; }
        let l = v[48] * inv[11];
        v[48] = l;
        if l != 0.0 { v[49] = v[49] - l * v[41]; v[50] = v[50] - l * v[42]; }
        let pivot = v[49];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(12); }
        inv[12] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[51].abs()).max(v[52].abs()).max(v[53].abs()).max(v[54].abs()).max(v[55].abs());
        let l = v[51] * inv[10];
        v[51] = l;
        if l != 0.0 { v[52] = v[52] - l * v[35]; v[53] = v[53] - l * v[36]; v[55] = v[55] - l * v[37]; }
        let l = v[52] * inv[11];
        v[52] = l;
        if l != 0.0 { v[53] = v[53] - l * v[41]; v[55] = v[55] - l * v[42]; }
        let l = v[53] * inv[12];
        v[53] = l;
        if l != 0.0 { v[55] = v[55] - l * v[50]; }
        let pivot = v[54];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(13); }
        inv[13] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[56].abs()).max(v[57].abs()).max(v[58].abs()).max(v[59].abs()).max(v[60].abs()).max(v[61].abs()).max(v[62].abs()).max(v[63].abs()).max(v[64].abs()).max(v[65].abs());
        let l = v[56] * inv[3];
        v[56] = l;
        if l != 0.0 { v[60] = v[60] - l * v[5]; v[61] = v[61] - l * v[6]; v[62] = v[62] - l * v[7]; }
        let l = v[57] * inv[4];
        v[57] = l;
        if l != 0.0 { v[60] = v[60] - l * v[9]; v[61] = v[61] - l * v[10]; v[62] = v[62] - l * v[11]; }
        let l = v[58] * inv[5];
        v[58] = l;
        if l != 0.0 { v[60] = v[60] - l * v[13]; v[61] = v[61] - l * v[14]; v[62] = v[62] - l * v[15]; }
        let l = v[59] * inv[8];
        v[59] = l;
        if l != 0.0 { v[60] = v[60] - l * v[27]; v[61] = v[61] - l * v[28]; v[62] = v[62] - l * v[29]; }
        let l = v[60] * inv[10];
        v[60] = l;
        if l != 0.0 { v[61] = v[61] - l * v[35]; v[62] = v[62] - l * v[36]; v[65] = v[65] - l * v[37]; }
        let l = v[61] * inv[11];
        v[61] = l;
        if l != 0.0 { v[62] = v[62] - l * v[41]; v[65] = v[65] - l * v[42]; }
        let l = v[62] * inv[12];
        v[62] = l;
        if l != 0.0 { v[65] = v[65] - l * v[50]; }
        let l = v[63] * inv[13];
        v[63] = l;
        if l != 0.0 { v[65] = v[65] - l * v[55]; }
        let pivot = v[64];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(14); }
        inv[14] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[66].abs()).max(v[67].abs()).max(v[68].abs()).max(v[69].abs()).max(v[70].abs()).max(v[71].abs()).max(v[72].abs());
        let l = v[66] * inv[9];
        v[66] = l;
        let l = v[67] * inv[10];
        v[67] = l;
        if l != 0.0 { v[68] = v[68] - l * v[35]; v[69] = v[69] - l * v[36]; v[72] = v[72] - l * v[37]; }
        let l = v[68] * inv[11];
        v[68] = l;
        if l != 0.0 { v[69] = v[69] - l * v[41]; v[72] = v[72] - l * v[42]; }
        let l = v[69] * inv[12];
        v[69] = l;
        if l != 0.0 { v[72] = v[72] - l * v[50]; }
        let l = v[70] * inv[13];
        v[70] = l;
        if l != 0.0 { v[72] = v[72] - l * v[55]; }
        let l = v[71] * inv[14];
        v[71] = l;
        if l != 0.0 { v[72] = v[72] - l * v[65]; }
        let pivot = v[72];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(15); }
        inv[15] = 1.0 / pivot;
        Ok(())
    }

    pub fn lu_solve(v: &[f64], inv: &[f64], b: &mut [f64]) {
        let v: &[f64; 73] = v.try_into().expect("factor length");
        let inv: &[f64; 16] = inv.try_into().expect("pivot count");
        let b: &mut [f64; 16] = b.try_into().expect("right-hand side length");
        let y0 = b[13];
        let y1 = b[15];
        let y2 = b[3];
        let y3 = b[5];
        let y4 = b[6];
        let y5 = b[7];
        let y6 = b[8];
        let y7 = b[12] - v[20] * y6;
        let y8 = b[4];
        let y9 = b[14] - v[30] * y0;
        let y10 = b[0] - v[32] * y2 - v[33] * y9;
        let y11 = b[1] - v[38] * y9 - v[39] * y10;
        let y12 = b[2] - v[43] * y2 - v[44] * y7 - v[45] * y8 - v[46] * y9 - v[47] * y10 - v[48] * y11;
        let y13 = b[9] - v[51] * y10 - v[52] * y11 - v[53] * y12;
        let y14 = b[10] - v[56] * y3 - v[57] * y4 - v[58] * y5 - v[59] * y8 - v[60] * y10 - v[61] * y11 - v[62] * y12 - v[63] * y13;
        let y15 = b[11] - v[66] * y9 - v[67] * y10 - v[68] * y11 - v[69] * y12 - v[70] * y13 - v[71] * y14;
        let x15 = (y15) * inv[15];
        b[11] = x15;
        let x14 = (y14 - v[65] * x15) * inv[14];
        b[10] = x14;
        let x13 = (y13 - v[55] * x15) * inv[13];
        b[9] = x13;
        let x12 = (y12 - v[50] * x15) * inv[12];
        b[2] = x12;
        let x11 = (y11 - v[41] * x12 - v[42] * x15) * inv[11];
        b[1] = x11;
        let x10 = (y10 - v[35] * x11 - v[36] * x12 - v[37] * x15) * inv[10];
        b[0] = x10;
        let x9 = (y9) * inv[9];
        b[14] = x9;
        let x8 = (y8 - v[27] * x10 - v[28] * x11 - v[29] * x12) * inv[8];
        b[4] = x8;
        let x7 = (y7 - v[22] * x8 - v[23] * x10 - v[24] * x11 - v[25] * x12) * inv[7];
        b[12] = x7;
        let x6 = (y6 - v[17] * x10 - v[18] * x11 - v[19] * x12) * inv[6];
        b[8] = x6;
        let x5 = (y5 - v[13] * x10 - v[14] * x11 - v[15] * x12) * inv[5];
        b[7] = x5;
        let x4 = (y4 - v[9] * x10 - v[10] * x11 - v[11] * x12) * inv[4];
        b[6] = x4;
        let x3 = (y3 - v[5] * x10 - v[6] * x11 - v[7] * x12) * inv[3];
        b[5] = x3;
        let x2 = (y2) * inv[2];
        b[3] = x2;
        let x1 = (y1 - v[2] * x9) * inv[1];
        b[15] = x1;
        let x0 = (y0) * inv[0];
        b[13] = x0;
    }
}

pub static ARM_ANTI_NKG2D: crate::model::compiled::CompiledKernels = crate::model::compiled::CompiledKernels {
    fingerprint: 0xd577ea535502dc88,
    constants: 295,
    rhs: arm_anti_nkg2d::rhs,
    jacobian: arm_anti_nkg2d::jacobian,
    lu: crate::model::compiled::CompiledLu { n: 16, nnz: 73, fingerprint: 0xc1743d1688523b9f, factor: arm_anti_nkg2d::lu_factor, solve: arm_anti_nkg2d::lu_solve },
};

// Kernels of model 'iannello2013' (fingerprint 0x5130acf573ee34bf), written by
// crate::model::compiled::rust_source. Do not edit.
#[allow(clippy::all, clippy::pedantic, unused, non_snake_case)]
pub mod arm_nk_depleted {
    pub fn rhs(y: &[f64], u: &[f64], k: &[f64], dy: &mut [f64]) {
        let y: &[f64; 16] = y.try_into().expect("state length");
        let k: &[f64; 302] = k.try_into().expect("constants");
        let dy: &mut [f64; 16] = dy.try_into().expect("derivative length");
        let _ = u;
        let f0 = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); 1.0 - a * k[3] };
        let f1 = { let a = (-0.0); u[0] };
        let f2 = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); 1.0 / (a.max(0.0) + k[7]) };
        let f3 = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); a };
        let f4 = { let a = k[11] * y[14]; k[12] / (k[12] + a.max(0.0).powf(k[13])) };
        let f5 = { let a = k[14] * y[4]; a / (k[15] + a) };
        let f6 = { let a = k[16] * y[5]; a / (k[17] + a) };
        let f7 = { let a = k[18] * y[6]; a / (k[19] + a) };
        let f8 = { let a = k[20] * y[7]; a / (k[21] + a) };
        let f9 = { let a = k[22] * y[9]; a / (k[23] + a) };
        let f10 = { let a = k[24] * y[8]; a / (k[25] + a) };
        let f11 = { let a = k[26] * y[14]; a / (k[27] + a) };
        let p0 = y[0] * f0;
        let p1 = y[1] * f0;
        let p2 = y[0] * y[3];
        let p3 = y[2] * f2;
        let p4 = y[0] * f2;
        let p5 = y[1] * f2;
        let p6 = f3 * f4;
        let p7 = y[10] * f9;
        let p8 = f3 * f5;
        let p9 = f3 * f10;
        let p10 = y[10] * f11;
        let p11 = y[11] * f11;
        let p12 = f3 * f4 * f5;
        let p13 = f3 * f4 * f6;
        let p14 = f3 * f4 * f7;
        let p15 = f3 * f4 * f8;
        let p16 = y[0] * y[11] * f2;
        let p17 = y[1] * y[11] * f2;
        let p18 = y[2] * y[11] * f2;
        let p19 = y[2] * y[12] * f2;
        dy[0] = 0.0 + k[28] * p0 + k[29] * p2 + k[30] * p16 + k[31] * p16;
        dy[1] = 0.0 + k[32] * p1 + k[33] * p17 + k[34] * p17;
        dy[2] = 0.0 + k[35] * p2 + k[36] * p18 + k[37] * p18 + k[38] * p19;
        dy[3] = 0.0 + k[39] * f1 + k[40] * y[3];
        dy[4] = 0.0 + k[41] * y[4] + k[42] * p3 + k[43] * p4 + k[44] * p5;
        dy[5] = 0.0 + k[45] * y[5] + k[46] * p3 + k[47] * p4 + k[48] * p5;
        dy[6] = 0.0 + k[49] * y[6] + k[50] * p3 + k[51] * p4 + k[52] * p5;
        dy[7] = 0.0 + k[53] * y[7] + k[54] * p3 + k[55] * p4 + k[56] * p5;
        dy[8] = 0.0 + k[57] * y[8] + k[58] * p3 + k[59] * p4 + k[60] * p5;
        dy[9] = 0.0 + k[61] * y[9] + k[62] * p3 + k[63] * p4 + k[64] * p5;
        dy[10] = 0.0 + k[65] * y[10] + k[66] * y[10] + k[67] * p6 + k[68] * p7 + k[69] * p10 + k[70] * p12 + k[71] * p13 + k[72] * p14 + k[73] * p15;
        dy[11] = 0.0 + k[74] * y[10] + k[75] * y[11] + k[76] * p7 + k[77] * p11 + k[78] * p16 + k[79] * p16 + k[80] * p17 + k[81] * p17 + k[82] * p18 + k[83] * p18;
        dy[12] = 0.0 + k[84] * f3 + k[85] * y[12] + k[86] * p8 + k[87] * p9;
        dy[13] = 0.0 + k[88] * y[13];
        dy[14] = 0.0 + k[89] * y[13] + k[90] * y[14];
        dy[15] = 0.0 + k[91] * y[14] + k[92] * y[15];
    }

    pub fn jacobian(y: &[f64], u: &[f64], k: &[f64], out: &mut [f64]) {
        let y: &[f64; 16] = y.try_into().expect("state length");
        let k: &[f64; 302] = k.try_into().expect("constants");
        let out: &mut [f64; 68] = out.try_into().expect("Jacobian length");
        let _ = u;
        let (v0, d0) = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); (1.0 - a * k[3], -k[3]) };
        let (v1, d1) = { let a = (-0.0); (u[0], 0.0) };
        let (v2, d2) = { let a = (-0.0 + k[4] * y[0] + k[5] * y[1] + k[6] * y[2]); { let d = 1.0 / (a.max(0.0) + k[7]); (d, if a > 0.0 { -d * d } else { 0.0 }) } };
        let (v3, d3) = { let a = (-0.0 + k[8] * y[0] + k[9] * y[1] + k[10] * y[2]); (a, 1.0) };
        let (v4, d4) = { let a = (-0.0 + k[11] * y[14]); { let an = a.max(0.0).powf(k[13]); let d = 1.0 / (k[12] + an); let dan = if a > 0.0 { k[13] * an / a } else if k[13] == 1.0 { 1.0 } else { 0.0 }; (k[12] * d, -k[12] * dan * d * d) } };
        let (v5, d5) = { let a = (-0.0 + k[14] * y[4]); { let d = 1.0 / (k[15] + a); (a * d, k[15] * d * d) } };
        let (v6, d6) = { let a = (-0.0 + k[16] * y[5]); { let d = 1.0 / (k[17] + a); (a * d, k[17] * d * d) } };
        let (v7, d7) = { let a = (-0.0 + k[18] * y[6]); { let d = 1.0 / (k[19] + a); (a * d, k[19] * d * d) } };
        let (v8, d8) = { let a = (-0.0 + k[20] * y[7]); { let d = 1.0 / (k[21] + a); (a * d, k[21] * d * d) } };
        let (v9, d9) = { let a = (-0.0 + k[22] * y[9]); { let d = 1.0 / (k[23] + a); (a * d, k[23] * d * d) } };
        let (v10, d10) = { let a = (-0.0 + k[24] * y[8]); { let d = 1.0 / (k[25] + a); (a * d, k[25] * d * d) } };
        let (v11, d11) = { let a = (-0.0 + k[26] * y[14]); { let d = 1.0 / (k[27] + a); (a * d, k[27] * d * d) } };
        let p0 = v0 * 1.0;
        let p1 = y[0] * d0;
        let p2 = v0 * 1.0;
        let p3 = y[1] * d0;
        let p4 = y[0] * 1.0;
        let p5 = y[3] * 1.0;
        let p6 = v2 * 1.0;
        let p7 = y[2] * d2;
        let p8 = v2 * 1.0;
        let p9 = y[0] * d2;
        let p10 = v2 * 1.0;
        let p11 = y[1] * d2;
        let p12 = v4 * d3;
        let p13 = v3 * d4;
        let p14 = y[10] * d9;
        let p15 = v9 * 1.0;
        let p16 = v3 * d5;
        let p17 = v5 * d3;
        let p18 = v3 * d10;
        let p19 = v10 * d3;
        let p20 = v11 * 1.0;
        let p21 = y[10] * d11;
        let p22 = v11 * 1.0;
        let p23 = y[11] * d11;
        let p24 = v3 * v4 * d5;
        let p25 = v4 * v5 * d3;
        let p26 = v3 * v5 * d4;
        let p27 = v3 * v4 * d6;
        let p28 = v4 * v6 * d3;
        let p29 = v3 * v6 * d4;
        let p30 = v3 * v4 * d7;
        let p31 = v4 * v7 * d3;
        let p32 = v3 * v7 * d4;
        let p33 = v3 * v4 * d8;
        let p34 = v4 * v8 * d3;
        let p35 = v3 * v8 * d4;
        let p36 = y[0] * v2 * 1.0;
        let p37 = y[11] * v2 * 1.0;
        let p38 = y[0] * y[11] * d2;
        let p39 = y[1] * v2 * 1.0;
        let p40 = y[11] * v2 * 1.0;
        let p41 = y[1] * y[11] * d2;
        let p42 = y[2] * v2 * 1.0;
        let p43 = y[11] * v2 * 1.0;
        let p44 = y[2] * y[11] * d2;
        let p45 = y[2] * v2 * 1.0;
        let p46 = y[12] * v2 * 1.0;
        let p47 = y[2] * y[12] * d2;
        out[0] = 0.0 + k[93] * p0 + k[94] * p1 + k[95] * p5 + k[96] * p37 + k[97] * p38 + k[98] * p37 + k[99] * p38;
        out[1] = 0.0 + k[100] * p1 + k[101] * p38 + k[102] * p38;
        out[2] = 0.0 + k[103] * p1 + k[104] * p38 + k[105] * p38;
        out[3] = 0.0 + k[106] * p4;
        out[4] = 0.0 + k[107] * p36 + k[108] * p36;
        out[5] = 0.0 + k[109] * p3 + k[110] * p41 + k[111] * p41;
        out[6] = 0.0 + k[112] * p2 + k[113] * p3 + k[114] * p40 + k[115] * p41 + k[116] * p40 + k[117] * p41;
        out[7] = 0.0 + k[118] * p3 + k[119] * p41 + k[120] * p41;
        out[8] = 0.0 + k[121] * p39 + k[122] * p39;
        out[9] = 0.0 + k[123] * p5 + k[124] * p44 + k[125] * p44 + k[126] * p47;
        out[10] = 0.0 + k[127] * p44 + k[128] * p44 + k[129] * p47;
        out[11] = 0.0 + k[130] * p43 + k[131] * p44 + k[132] * p43 + k[133] * p44 + k[134] * p46 + k[135] * p47;
        out[12] = 0.0 + k[136] * p4;
        out[13] = 0.0 + k[137] * p42 + k[138] * p42;
        out[14] = 0.0 + k[139] * p45;
        out[15] = 0.0 + k[140] * 1.0;
        out[16] = 0.0 + k[141] * p7 + k[142] * p8 + k[143] * p9 + k[144] * p11;
        out[17] = 0.0 + k[145] * p7 + k[146] * p9 + k[147] * p10 + k[148] * p11;
        out[18] = 0.0 + k[149] * p6 + k[150] * p7 + k[151] * p9 + k[152] * p11;
        out[19] = 0.0 + k[153] * 1.0;
        out[20] = 0.0 + k[154] * p7 + k[155] * p8 + k[156] * p9 + k[157] * p11;
        out[21] = 0.0 + k[158] * p7 + k[159] * p9 + k[160] * p10 + k[161] * p11;
        out[22] = 0.0 + k[162] * p6 + k[163] * p7 + k[164] * p9 + k[165] * p11;
        out[23] = 0.0 + k[166] * 1.0;
        out[24] = 0.0 + k[167] * p7 + k[168] * p8 + k[169] * p9 + k[170] * p11;
        out[25] = 0.0 + k[171] * p7 + k[172] * p9 + k[173] * p10 + k[174] * p11;
        out[26] = 0.0 + k[175] * p6 + k[176] * p7 + k[177] * p9 + k[178] * p11;
        out[27] = 0.0 + k[179] * 1.0;
        out[28] = 0.0 + k[180] * p7 + k[181] * p8 + k[182] * p9 + k[183] * p11;
        out[29] = 0.0 + k[184] * p7 + k[185] * p9 + k[186] * p10 + k[187] * p11;
        out[30] = 0.0 + k[188] * p6 + k[189] * p7 + k[190] * p9 + k[191] * p11;
        out[31] = 0.0 + k[192] * 1.0;
        out[32] = 0.0 + k[193] * p7 + k[194] * p8 + k[195] * p9 + k[196] * p11;
        out[33] = 0.0 + k[197] * p7 + k[198] * p9 + k[199] * p10 + k[200] * p11;
        out[34] = 0.0 + k[201] * p6 + k[202] * p7 + k[203] * p9 + k[204] * p11;
        out[35] = 0.0 + k[205] * 1.0;
        out[36] = 0.0 + k[206] * p7 + k[207] * p8 + k[208] * p9 + k[209] * p11;
        out[37] = 0.0 + k[210] * p7 + k[211] * p9 + k[212] * p10 + k[213] * p11;
        out[38] = 0.0 + k[214] * p6 + k[215] * p7 + k[216] * p9 + k[217] * p11;
        out[39] = 0.0 + k[218] * 1.0;
        out[40] = 0.0 + k[219] * p12 + k[220] * p25 + k[221] * p28 + k[222] * p31 + k[223] * p34;
        out[41] = 0.0 + k[224] * p12 + k[225] * p25 + k[226] * p28 + k[227] * p31 + k[228] * p34;
        out[42] = 0.0 + k[229] * p12 + k[230] * p25 + k[231] * p28 + k[232] * p31 + k[233] * p34;
        out[43] = 0.0 + k[234] * p24;
        out[44] = 0.0 + k[235] * p27;
        out[45] = 0.0 + k[236] * p30;
        out[46] = 0.0 + k[237] * p33;
        out[47] = 0.0 + k[238] * p14;
        out[48] = 0.0 + k[239] * 1.0 + k[240] * 1.0 + k[241] * p15 + k[242] * p20;
        out[49] = 0.0 + k[243] * p13 + k[244] * p21 + k[245] * p26 + k[246] * p29 + k[247] * p32 + k[248] * p35;
        out[50] = 0.0 + k[249] * p37 + k[250] * p38 + k[251] * p37 + k[252] * p38 + k[253] * p41 + k[254] * p41 + k[255] * p44 + k[256] * p44;
        out[51] = 0.0 + k[257] * p38 + k[258] * p38 + k[259] * p40 + k[260] * p41 + k[261] * p40 + k[262] * p41 + k[263] * p44 + k[264] * p44;
        out[52] = 0.0 + k[265] * p38 + k[266] * p38 + k[267] * p41 + k[268] * p41 + k[269] * p43 + k[270] * p44 + k[271] * p43 + k[272] * p44;
        out[53] = 0.0 + k[273] * p14;
        out[54] = 0.0 + k[274] * 1.0 + k[275] * p15;
        out[55] = 0.0 + k[276] * 1.0 + k[277] * p22 + k[278] * p36 + k[279] * p36 + k[280] * p39 + k[281] * p39 + k[282] * p42 + k[283] * p42;
        out[56] = 0.0 + k[284] * p23;
        out[57] = 0.0 + k[285] * d3 + k[286] * p17 + k[287] * p19;
        out[58] = 0.0 + k[288] * d3 + k[289] * p17 + k[290] * p19;
        out[59] = 0.0 + k[291] * d3 + k[292] * p17 + k[293] * p19;
        out[60] = 0.0 + k[294] * p16;
        out[61] = 0.0 + k[295] * p18;
        out[62] = 0.0 + k[296] * 1.0;
        out[63] = 0.0 + k[297] * 1.0;
        out[64] = 0.0 + k[298] * 1.0;
        out[65] = 0.0 + k[299] * 1.0;
        out[66] = 0.0 + k[300] * 1.0;
        out[67] = 0.0 + k[301] * 1.0;
    }

    pub fn lu_factor(jac: &[f64], scale: f64, shift: f64, v: &mut [f64], inv: &mut [f64]) -> Result<(), usize> {
        let jac: &[f64; 68] = jac.try_into().expect("Jacobian length");
        let v: &mut [f64; 71] = v.try_into().expect("factor length");
        let inv: &mut [f64; 16] = inv.try_into().expect("pivot count");
        v[0] = 0.0 + scale * jac[63];
        v[1] = 0.0 + scale * jac[67];
        v[2] = 0.0 + scale * jac[66];
        v[3] = 0.0 + scale * jac[15];
        v[4] = 0.0 + scale * jac[64];
        v[5] = 0.0 + scale * jac[65];
        v[6] = 0.0 + scale * jac[23];
        v[7] = 0.0 + scale * jac[20];
        v[8] = 0.0 + scale * jac[21];
        v[9] = 0.0 + scale * jac[22];
        v[10] = 0.0 + scale * jac[27];
        v[11] = 0.0 + scale * jac[24];
        v[12] = 0.0 + scale * jac[25];
        v[13] = 0.0 + scale * jac[26];
        v[14] = 0.0 + scale * jac[31];
        v[15] = 0.0 + scale * jac[28];
        v[16] = 0.0 + scale * jac[29];
        v[17] = 0.0 + scale * jac[30];
        v[18] = 0.0 + scale * jac[35];
        v[19] = 0.0 + scale * jac[32];
        v[20] = 0.0 + scale * jac[33];
        v[21] = 0.0 + scale * jac[34];
        v[22] = 0.0 + scale * jac[61];
        v[23] = 0.0 + scale * jac[62];
        v[24] = 0.0 + scale * jac[60];
        v[25] = 0.0 + scale * jac[57];
        v[26] = 0.0 + scale * jac[58];
        v[27] = 0.0 + scale * jac[59];
        v[28] = 0.0 + scale * jac[19];
        v[29] = 0.0 + scale * jac[16];
        v[30] = 0.0 + scale * jac[17];
        v[31] = 0.0 + scale * jac[18];
        v[32] = 0.0 + scale * jac[3];
        v[33] = 0.0 + scale * jac[0];
        v[34] = 0.0 + scale * jac[1];
        v[35] = 0.0 + scale * jac[2];
        v[36] = 0.0 + scale * jac[4];
        v[37] = 0.0 + scale * jac[5];
        v[38] = 0.0 + scale * jac[6];
        v[39] = 0.0 + scale * jac[7];
        v[40] = 0.0 + scale * jac[8];
        v[41] = 0.0 + scale * jac[12];
        v[42] = 0.0 + scale * jac[14];
        v[43] = 0.0;
        v[44] = 0.0 + scale * jac[9];
        v[45] = 0.0 + scale * jac[10];
        v[46] = 0.0 + scale * jac[11];
        v[47] = 0.0 + scale * jac[13];
        v[48] = 0.0 + scale * jac[36];
        v[49] = 0.0 + scale * jac[37];
        v[50] = 0.0 + scale * jac[38];
        v[51] = 0.0 + scale * jac[39];
        v[52] = 0.0;
        v[53] = 0.0 + scale * jac[49];
        v[54] = 0.0 + scale * jac[44];
        v[55] = 0.0 + scale * jac[45];
        v[56] = 0.0 + scale * jac[46];
        v[57] = 0.0 + scale * jac[43];
        v[58] = 0.0 + scale * jac[40];
        v[59] = 0.0 + scale * jac[41];
        v[60] = 0.0 + scale * jac[42];
        v[61] = 0.0 + scale * jac[47];
        v[62] = 0.0 + scale * jac[48];
        v[63] = 0.0;
        v[64] = 0.0 + scale * jac[56];
        v[65] = 0.0 + scale * jac[50];
        v[66] = 0.0 + scale * jac[51];
        v[67] = 0.0 + scale * jac[52];
        v[68] = 0.0 + scale * jac[53];
        v[69] = 0.0 + scale * jac[54];
        v[70] = 0.0 + scale * jac[55];
        v[0] = v[0] + shift;
        v[1] = v[1] + shift;
        v[3] = v[3] + shift;
        v[5] = v[5] + shift;
        v[6] = v[6] + shift;
        v[10] = v[10] + shift;
        v[14] = v[14] + shift;
        v[18] = v[18] + shift;
        v[23] = v[23] + shift;
        v[28] = v[28] + shift;
        v[33] = v[33] + shift;
        v[38] = v[38] + shift;
        v[46] = v[46] + shift;
        v[51] = v[51] + shift;
        v[62] = v[62] + shift;
        v[70] = v[70] + shift;
        let row_max = 0.0f64.max(v[0].abs());
        let pivot = v[0];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(0); }
        inv[0] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[1].abs()).max(v[2].abs());
        let pivot = v[1];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(1); }
        inv[1] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[3].abs());
        let pivot = v[3];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(2); }
        inv[2] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[4].abs()).max(v[5].abs());
        let l = v[4] * inv[0];
        v[4] = l;
        let pivot = v[5];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(3); }
        inv[3] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[6].abs()).max(v[7].abs()).max(v[8].abs()).max(v[9].abs());
        let pivot = v[6];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(4); }
        inv[4] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[10].abs()).max(v[11].abs()).max(v[12].abs()).max(v[13].abs());
        let pivot = v[10];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(5); }
        inv[5] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[14].abs()).max(v[15].abs()).max(v[16].abs()).max(v[17].abs());
        let pivot = v[14];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(6); }
        inv[6] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[18].abs()).max(v[19].abs()).max(v[20].abs()).max(v[21].abs());
        let pivot = v[18];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(7); }
        inv[7] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[22].abs()).max(v[23].abs()).max(v[24].abs()).max(v[25].abs()).max(v[26].abs()).max(v[27].abs());
        let l = v[22] * inv[7];
        v[22] = l;
        if l != 0.0 { v[25] = v[25] - l * v[19]; v[26] = v[26] - l * v[20]; v[27] = v[27] - l * v[21]; }
        let pivot = v[23];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(8); }
        inv[8] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[28].abs()).max(v[29].abs()).max(v[30].abs()).max(v[31].abs());
        let pivot = v[28];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(9); }
        inv[9] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[32].abs()).max(v[33].abs()).max(v[34].abs()).max(v[35].abs()).max(v[36].abs());
        let l = v[32] * inv[2];
        v[32] = l;
        let pivot = v[33];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(10); }
        inv[10] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[37].abs()).max(v[38].abs()).max(v[39].abs()).max(v[40].abs());
        let l = v[37] * inv[10];
        v[37] = l;
        if l != 0.0 { v[38] = v[38] - l * v[34]; v[39] = v[39] - l * v[35]; v[40] = v[40] - l * v[36]; }
        let pivot = v[38];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(11); }
        inv[11] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[41].abs()).max(v[42].abs()).max(v[43].abs()).max(v[44].abs()).max(v[45].abs()).max(v[46].abs()).max(v[47].abs());
        let l = v[41] * inv[2];
        v[41] = l;
        let l = v[42] * inv[8];
        v[42] = l;
        if l != 0.0 { v[43] = v[43] - l * v[24]; v[44] = v[44] - l * v[25]; v[45] = v[45] - l * v[26]; v[46] = v[46] - l * v[27]; }
        let l = v[43] * inv[9];
        v[43] = l;
        if l != 0.0 { v[44] = v[44] - l * v[29]; v[45] = v[45] - l * v[30]; v[46] = v[46] - l * v[31]; }
        let l = v[44] * inv[10];
        v[44] = l;
        if l != 0.0 { v[45] = v[45] - l * v[34]; v[46] = v[46] - l * v[35]; v[47] = v[47] - l * v[36]; }
        let l = v[45] * inv[11];
        v[45] = l;
        if l != 0.0 { v[46] = v[46] - l * v[39]; v[47] = v[47] - l * v[40]; }
        let pivot = v[46];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(12); }
        inv[12] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[48].abs()).max(v[49].abs()).max(v[50].abs()).max(v[51].abs()).max(v[52].abs());
        let l = v[48] * inv[10];
        v[48] = l;
        if l != 0.0 { v[49] = v[49] - l * v[34]; v[50] = v[50] - l * v[35]; v[52] = v[52] - l * v[36]; }
        let l = v[49] * inv[11];
        v[49] = l;
        if l != 0.0 { v[50] = v[50] - l * v[39]; v[52] = v[52] - l * v[40]; }
        let l = v[50] * inv[12];
        v[50] = l;
        if l != 0.0 { v[52] = v[52] - l * v[47]; }
        let pivot = v[51];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(13); }
        inv[13] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[53].abs()).max(v[54].abs()).max(v[55].abs()).max(v[56].abs()).max(v[57].abs()).max(v[58].abs()).max(v[59].abs()).max(v[60].abs()).max(v[61].abs()).max(v[62].abs()).max(v[63].abs());
        let l = v[53] * inv[3];
        v[53] = l;
        let l = v[54] * inv[4];
        v[54] = l;
        if l != 0.0 { v[58] = v[58] - l * v[7]; v[59] = v[59] - l * v[8]; v[60] = v[60] - l * v[9]; }
        let l = v[55] * inv[5];
        v[55] = l;
        if l != 0.0 { v[58] = v[58] - l * v[11]; v[59] = v[59] - l * v[12]; v[60] = v[60] - l * v[13]; }
        let l = v[56] * inv[6];
        v[56] = l;
        if l != 0.0 { v[58] = v[58] - l * v[15]; v[59] = v[59] - l * v[16]; v[60] = v[60] - l * v[17]; }
        let l = v[57] * inv[9];
        v[57] = l;
        if l != 0.0 { v[58] = v[58] - l * v[29]; v[59] = v[59] - l * v[30]; v[60] = v[60] - l * v[31]; }
        let l = v[58] * inv[10];
        v[58] = l;
        if l != 0.0 { v[59] = v[59] - l * v[34]; v[60] = v[60] - l * v[35]; v[63] = v[63] - l * v[36]; }
        let l = v[59] * inv[11];
        v[59] = l;
        if l != 0.0 { v[60] = v[60] - l * v[39]; v[63] = v[63] - l * v[40]; }
        let l = v[60] * inv[12];
        v[60] = l;
        if l != 0.0 { v[63] = v[63] - l * v[47]; }
        let l = v[61] * inv[13];
        v[61] = l;
        if l != 0.0 { v[63] = v[63] - l * v[52]; }
        let pivot = v[62];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(14); }
        inv[14] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[64].abs()).max(v[65].abs()).max(v[66].abs()).max(v[67].abs()).max(v[68].abs()).max(v[69].abs()).max(v[70].abs());
        let l = v[64] * inv[3];
        v[64] = l;
        let l = v[65] * inv[10];
        v[65] = l;
        if l != 0.0 { v[66] = v[66] - l * v[34]; v[67] = v[67] - l * v[35]; v[70] = v[70] - l * v[36]; }
        let l = v[66] * inv[11];
        v[66] = l;
        if l != 0.0 { v[67] = v[67] - l * v[39]; v[70] = v[70] - l * v[40]; }
        let l = v[67] * inv[12];
        v[67] = l;
        if l != 0.0 { v[70] = v[70] - l * v[47]; }
        let l = v[68] * inv[13];
        v[68] = l;
        if l != 0.0 { v[70] = v[70] - l * v[52]; }
        let l = v[69] * inv[14];
        v[69] = l;
        if l != 0.0 { v[70] = v[70] - l * v[63]; }
        let pivot = v[70];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(15); }
        inv[15] = 1.0 / pivot;
        Ok(())
    }

    pub fn lu_solve(v: &[f64], inv: &[f64], b: &mut [f64]) {
        let v: &[f64; 71] = v.try_into().expect("factor length");
        let inv: &[f64; 16] = inv.try_into().expect("pivot count");
        let b: &mut [f64; 16] = b.try_into().expect("right-hand side length");
        let y0 = b[13];
        let y1 = b[15];
        let y2 = b[3];
        let y3 = b[14] - v[4] * y0;
        let y4 = b[5];
        let y5 = b[6];
        let y6 = b[7];
        let y7 = b[8];
        let y8 = b[12] - v[22] * y7;
        let y9 = b[4];
        let y10 = b[0] - v[32] * y2;
        let y11 = b[1] - v[37] * y10;
        let y12 = b[2] - v[41] * y2 - v[42] * y8 - v[43] * y9 - v[44] * y10 - v[45] * y11;
        let y13 = b[9] - v[48] * y10 - v[49] * y11 - v[50] * y12;
        let y14 = b[10] - v[53] * y3 - v[54] * y4 - v[55] * y5 - v[56] * y6 - v[57] * y9 - v[58] * y10 - v[59] * y11 - v[60] * y12 - v[61] * y13;
        let y15 = b[11] - v[64] * y3 - v[65] * y10 - v[66] * y11 - v[67] * y12 - v[68] * y13 - v[69] * y14;
        let x15 = (y15) * inv[15];
        b[11] = x15;
        let x14 = (y14 - v[63] * x15) * inv[14];
        b[10] = x14;
        let x13 = (y13 - v[52] * x15) * inv[13];
        b[9] = x13;
        let x12 = (y12 - v[47] * x15) * inv[12];
        b[2] = x12;
        let x11 = (y11 - v[39] * x12 - v[40] * x15) * inv[11];
        b[1] = x11;
        let x10 = (y10 - v[34] * x11 - v[35] * x12 - v[36] * x15) * inv[10];
        b[0] = x10;
        let x9 = (y9 - v[29] * x10 - v[30] * x11 - v[31] * x12) * inv[9];
        b[4] = x9;
        let x8 = (y8 - v[24] * x9 - v[25] * x10 - v[26] * x11 - v[27] * x12) * inv[8];
        b[12] = x8;
        let x7 = (y7 - v[19] * x10 - v[20] * x11 - v[21] * x12) * inv[7];
        b[8] = x7;
        let x6 = (y6 - v[15] * x10 - v[16] * x11 - v[17] * x12) * inv[6];
        b[7] = x6;
        let x5 = (y5 - v[11] * x10 - v[12] * x11 - v[13] * x12) * inv[5];
        b[6] = x5;
        let x4 = (y4 - v[7] * x10 - v[8] * x11 - v[9] * x12) * inv[4];
        b[5] = x4;
        let x3 = (y3) * inv[3];
        b[14] = x3;
        let x2 = (y2) * inv[2];
        b[3] = x2;
        let x1 = (y1 - v[2] * x3) * inv[1];
        b[15] = x1;
        let x0 = (y0) * inv[0];
        b[13] = x0;
    }
}

pub static ARM_NK_DEPLETED: crate::model::compiled::CompiledKernels = crate::model::compiled::CompiledKernels {
    fingerprint: 0x5130acf573ee34bf,
    constants: 302,
    rhs: arm_nk_depleted::rhs,
    jacobian: arm_nk_depleted::jacobian,
    lu: crate::model::compiled::CompiledLu { n: 16, nnz: 71, fingerprint: 0xc29d6048a0884803, factor: arm_nk_depleted::lu_factor, solve: arm_nk_depleted::lu_solve },
};

// Kernels of model 'iannello2013_spatial' (fingerprint 0x38f680774e2981b4), written by
// crate::model::compiled::rust_source. Do not edit.
#[allow(clippy::all, clippy::pedantic, unused, non_snake_case)]
pub mod vascular_entry {
    pub fn rhs(y: &[f64], u: &[f64], k: &[f64], dy: &mut [f64]) {
        let y: &[f64; 13] = y.try_into().expect("state length");
        let k: &[f64; 35] = k.try_into().expect("constants");
        let dy: &mut [f64; 13] = dy.try_into().expect("derivative length");
        let _ = u;
        let f0 = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); a };
        let f1 = { let a = k[3] * y[4]; a / (k[4] + a) };
        let f2 = { let a = k[5] * y[5]; a / (k[6] + a) };
        let f3 = { let a = k[7] * y[6]; a / (k[8] + a) };
        let f4 = { let a = k[9] * y[7]; a / (k[10] + a) };
        let p0 = f0 * f1;
        let p1 = f0 * f2;
        let p2 = f0 * f3;
        let p3 = f0 * f4;
        dy[0] = 0.0;
        dy[1] = 0.0;
        dy[2] = 0.0;
        dy[3] = 0.0;
        dy[4] = 0.0;
        dy[5] = 0.0;
        dy[6] = 0.0;
        dy[7] = 0.0;
        dy[8] = 0.0;
        dy[9] = 0.0;
        dy[10] = 0.0 + k[11] * f0 + k[12] * p0 + k[13] * p1 + k[14] * p2 + k[15] * p3;
        dy[11] = 0.0;
        dy[12] = 0.0;
    }

    pub fn jacobian(y: &[f64], u: &[f64], k: &[f64], out: &mut [f64]) {
        let y: &[f64; 13] = y.try_into().expect("state length");
        let k: &[f64; 35] = k.try_into().expect("constants");
        let out: &mut [f64; 20] = out.try_into().expect("Jacobian length");
        let _ = u;
        let (v0, d0) = { let a = (-0.0 + k[0] * y[0] + k[1] * y[1] + k[2] * y[2]); (a, 1.0) };
        let (v1, d1) = { let a = (-0.0 + k[3] * y[4]); { let d = 1.0 / (k[4] + a); (a * d, k[4] * d * d) } };
        let (v2, d2) = { let a = (-0.0 + k[5] * y[5]); { let d = 1.0 / (k[6] + a); (a * d, k[6] * d * d) } };
        let (v3, d3) = { let a = (-0.0 + k[7] * y[6]); { let d = 1.0 / (k[8] + a); (a * d, k[8] * d * d) } };
        let (v4, d4) = { let a = (-0.0 + k[9] * y[7]); { let d = 1.0 / (k[10] + a); (a * d, k[10] * d * d) } };
        let p0 = v0 * d1;
        let p1 = v1 * d0;
        let p2 = v0 * d2;
        let p3 = v2 * d0;
        let p4 = v0 * d3;
        let p5 = v3 * d0;
        let p6 = v0 * d4;
        let p7 = v4 * d0;
        out[0] = 0.0;
        out[1] = 0.0;
        out[2] = 0.0;
        out[3] = 0.0;
        out[4] = 0.0;
        out[5] = 0.0;
        out[6] = 0.0;
        out[7] = 0.0;
        out[8] = 0.0;
        out[9] = 0.0;
        out[10] = 0.0 + k[16] * d0 + k[17] * p1 + k[18] * p3 + k[19] * p5 + k[20] * p7;
        out[11] = 0.0 + k[21] * d0 + k[22] * p1 + k[23] * p3 + k[24] * p5 + k[25] * p7;
        out[12] = 0.0 + k[26] * d0 + k[27] * p1 + k[28] * p3 + k[29] * p5 + k[30] * p7;
        out[13] = 0.0 + k[31] * p0;
        out[14] = 0.0 + k[32] * p2;
        out[15] = 0.0 + k[33] * p4;
        out[16] = 0.0 + k[34] * p6;
        out[17] = 0.0;
        out[18] = 0.0;
        out[19] = 0.0;
    }

    pub fn lu_factor(jac: &[f64], scale: f64, shift: f64, v: &mut [f64], inv: &mut [f64]) -> Result<(), usize> {
        let jac: &[f64; 20] = jac.try_into().expect("Jacobian length");
        let v: &mut [f64; 20] = v.try_into().expect("factor length");
        let inv: &mut [f64; 13] = inv.try_into().expect("pivot count");
        v[0] = 0.0 + scale * jac[3];
        v[1] = 0.0 + scale * jac[8];
        v[2] = 0.0 + scale * jac[9];
        v[3] = 0.0 + scale * jac[18];
        v[4] = 0.0 + scale * jac[19];
        v[5] = 0.0 + scale * jac[0];
        v[6] = 0.0 + scale * jac[1];
        v[7] = 0.0 + scale * jac[2];
        v[8] = 0.0 + scale * jac[4];
        v[9] = 0.0 + scale * jac[5];
        v[10] = 0.0 + scale * jac[6];
        v[11] = 0.0 + scale * jac[7];
        v[12] = 0.0 + scale * jac[10];
        v[13] = 0.0 + scale * jac[11];
        v[14] = 0.0 + scale * jac[12];
        v[15] = 0.0 + scale * jac[13];
        v[16] = 0.0 + scale * jac[14];
        v[17] = 0.0 + scale * jac[15];
        v[18] = 0.0 + scale * jac[16];
        v[19] = 0.0 + scale * jac[17];
        v[0] = v[0] + shift;
        v[1] = v[1] + shift;
        v[2] = v[2] + shift;
        v[3] = v[3] + shift;
        v[4] = v[4] + shift;
        v[5] = v[5] + shift;
        v[6] = v[6] + shift;
        v[7] = v[7] + shift;
        v[8] = v[8] + shift;
        v[9] = v[9] + shift;
        v[10] = v[10] + shift;
        v[11] = v[11] + shift;
        v[19] = v[19] + shift;
        let row_max = 0.0f64.max(v[0].abs());
        let pivot = v[0];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(0); }
        inv[0] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[1].abs());
        let pivot = v[1];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(1); }
        inv[1] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[2].abs());
        let pivot = v[2];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(2); }
        inv[2] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[3].abs());
        let pivot = v[3];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(3); }
        inv[3] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[4].abs());
        let pivot = v[4];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(4); }
        inv[4] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[5].abs());
        let pivot = v[5];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(5); }
        inv[5] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[6].abs());
        let pivot = v[6];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(6); }
        inv[6] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[7].abs());
        let pivot = v[7];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(7); }
        inv[7] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[8].abs());
        let pivot = v[8];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(8); }
        inv[8] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[9].abs());
        let pivot = v[9];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(9); }
        inv[9] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[10].abs());
        let pivot = v[10];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(10); }
        inv[10] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[11].abs());
        let pivot = v[11];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(11); }
        inv[11] = 1.0 / pivot;
        let row_max = 0.0f64.max(v[12].abs()).max(v[13].abs()).max(v[14].abs()).max(v[15].abs()).max(v[16].abs()).max(v[17].abs()).max(v[18].abs()).max(v[19].abs());
        let l = v[12] * inv[5];
        v[12] = l;
        let l = v[13] * inv[6];
        v[13] = l;
        let l = v[14] * inv[7];
        v[14] = l;
        let l = v[15] * inv[8];
        v[15] = l;
        let l = v[16] * inv[9];
        v[16] = l;
        let l = v[17] * inv[10];
        v[17] = l;
        let l = v[18] * inv[11];
        v[18] = l;
        let pivot = v[19];
        if pivot.is_nan() || pivot.abs() <= 1e-10 * row_max || !pivot.is_finite() { return Err(12); }
        inv[12] = 1.0 / pivot;
        Ok(())
    }

    pub fn lu_solve(v: &[f64], inv: &[f64], b: &mut [f64]) {
        let v: &[f64; 20] = v.try_into().expect("factor length");
        let inv: &[f64; 13] = inv.try_into().expect("pivot count");
        let b: &mut [f64; 13] = b.try_into().expect("right-hand side length");
        let y0 = b[3];
        let y1 = b[8];
        let y2 = b[9];
        let y3 = b[11];
        let y4 = b[12];
        let y5 = b[0];
        let y6 = b[1];
        let y7 = b[2];
        let y8 = b[4];
        let y9 = b[5];
        let y10 = b[6];
        let y11 = b[7];
        let y12 = b[10] - v[12] * y5 - v[13] * y6 - v[14] * y7 - v[15] * y8 - v[16] * y9 - v[17] * y10 - v[18] * y11;
        let x12 = (y12) * inv[12];
        b[10] = x12;
        let x11 = (y11) * inv[11];
        b[7] = x11;
        let x10 = (y10) * inv[10];
        b[6] = x10;
        let x9 = (y9) * inv[9];
        b[5] = x9;
        let x8 = (y8) * inv[8];
        b[4] = x8;
        let x7 = (y7) * inv[7];
        b[2] = x7;
        let x6 = (y6) * inv[6];
        b[1] = x6;
        let x5 = (y5) * inv[5];
        b[0] = x5;
        let x4 = (y4) * inv[4];
        b[12] = x4;
        let x3 = (y3) * inv[3];
        b[11] = x3;
        let x2 = (y2) * inv[2];
        b[9] = x2;
        let x1 = (y1) * inv[1];
        b[8] = x1;
        let x0 = (y0) * inv[0];
        b[3] = x0;
    }
}

pub static VASCULAR_ENTRY: crate::model::compiled::CompiledKernels = crate::model::compiled::CompiledKernels {
    fingerprint: 0x38f680774e2981b4,
    constants: 35,
    rhs: vascular_entry::rhs,
    jacobian: vascular_entry::jacobian,
    lu: crate::model::compiled::CompiledLu { n: 13, nnz: 20, fingerprint: 0x1bef61790a53e4e8, factor: vascular_entry::lu_factor, solve: vascular_entry::lu_solve },
};

pub(crate) static BUILT_IN: &[&super::compiled::CompiledKernels] = &[
    &IANNELLO2013,
    &ARM_CONTROL,
    &ARM_ANTI_CCL2,
    &ARM_ANTI_CCL3,
    &ARM_ANTI_CCL4,
    &ARM_ANTI_CCL5,
    &ARM_ANTI_CCL3_4_5,
    &ARM_ANTI_NKG2D,
    &ARM_NK_DEPLETED,
    &VASCULAR_ENTRY,
];
