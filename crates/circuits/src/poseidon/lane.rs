//! A dedicated Poseidon chip: one permutation is 167 cells of one advice column (a "lane"),
//! against ~2,250 cells of halo2-base's generic gate.
//!
//! ## Layout
//! The permutation is the textbook one, `s ← M · sbox(s + c_r)`, over the dense MDS matrix
//! `M` (gate coefficients cost no cells) and constants folded as in
//! `lineage_core::poseidon` (rewrite 1: one constant per partial round). A block of
//! [`ROWS`] rows of one lane holds one permutation:
//!
//! | rows | content | gate at the first row |
//! |---|---|---|
//! | 0-17 | full rounds 0-2: `s0 w0 s1 w1 s2 w2` per 6 rows, `w_i = (s_i + c_i)²` | `full` |
//! | 18-23 | full round 3 | `entry` |
//! | 24-137 | partial round t: `s0_t` at 24 + 2t, `w_t` at 25 + 2t | `partial` (t ≤ 54), `exit` (t = 55) |
//! | 138-161 | full rounds 61-64 (row 138 is `s0_57`; `s1_57`, `s2_57` at 140, 142) | `full` |
//! | 162, 164, 166 | the output state (163, 165 stay zero) | |
//!
//! The fixed column `c` holds the round constant beside each `s`. An S-box output is
//! `x = w² · (s + c)`, an inline degree-3 expression, so every gate has degree 4 with its
//! selector: the degree the training circuit's lookup already has, and the most this fork
//! allows without `MAX_DEGREE` (which a degree-6 gate would need in every process).
//!
//! ## Partial rounds without the hidden state
//! Write `M = [[m00, m0], [mc, M̂]]` (`m0` a row, `mc` a column, `M̂` 2×2), `v_t` the state's
//! last two words entering partial round `t`, `x_t` its S-box output and
//! `y_t = m0 · v_t = s0_{t+1} − m00 · x_t`. Since `v_{t+1} = mc · x_t + M̂ · v_t`,
//! Cayley-Hamilton on `M̂` gives a recurrence with constant coefficients:
//!
//! `y_{t+2} = tr(M̂) · y_{t+1} − det(M̂) · y_t + α · x_t + β · x_{t+1}`,
//! `α = m0 · M̂ · mc − tr(M̂) · β`, `β = m0 · mc`.
//!
//! So a partial round stores only `s0_t` and `w_t` (2 cells). The `entry` gate ties `y_0`
//! and `y_1` to round 3's output `v_0` (never stored); the `exit` gate recovers `v_56` from
//! `y_55`, `y_56`, `x_55` through `O = [m0; m0 · M̂⁻¹]` and writes `v_57 = mc · x_56 + M̂ · v_56`
//! into round 61's block.
//!
//! ## Assumptions
//! - `det M̂ ≠ 0` and `det O ≠ 0` (`m0` is not a left eigenvector of `M̂`). Both are properties
//!   of the fixed constants, checked when they are derived and by the tests; with them, the
//!   recurrence with its two initial conditions and the exit gate determine every partial
//!   round's state, so the lane's cells admit exactly the permutation's trace.
//! - Inputs (rows 0, 2, 4) are free in the lane: they are bound to the caller's cells by copy
//!   constraints. Outputs (rows 162, 164, 166) are pinned by the last `full` gate.

use std::ops::{Add, Mul, Sub};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use halo2_base::{
    halo2_proofs::{
        circuit::{Cell, Region, Value},
        halo2curves::bn256::Fr,
        plonk::{Advice, Column, ConstraintSystem, Error, Expression, Fixed, Selector},
        poly::Rotation,
    },
    utils::halo2::constrain_virtual_equals_external,
    virtual_region::copy_constraints::CopyConstraintManager,
    AssignedValue, Context,
};
use lineage_core::poseidon::{constants, folded_constants, R_F, R_P, T};

/// Rows of one permutation in a lane.
pub const ROWS: usize = 167;
const HALF: usize = R_F / 2;
/// First row of full round 3, whose output enters the partial rounds.
const ENTRY: usize = 6 * (HALF - 1);
/// Row of partial round 0's `s0`.
const PARTIAL: usize = 6 * HALF;
/// Row of partial round 55: the `exit` gate covers rounds 55 and 56.
const EXIT: usize = PARTIAL + 2 * (R_P - 2);
/// First row of the second half's full rounds.
const SECOND: usize = PARTIAL + 2 * R_P;
/// Row of the output state's first word.
pub const OUTPUT: usize = SECOND + 6 * HALF;
const _: () = assert!(OUTPUT + 2 * (T - 1) + 1 == ROWS);
/// The rows copied to and from the caller's cells: the input state, then the output.
const BOUND_ROWS: [usize; 2 * T] = [0, 2, 4, OUTPUT, OUTPUT + 2, OUTPUT + 4];

type Matrix = [[Fr; T]; T];
type Pair = [Fr; 2];

/// The chip's constants, derived once from `lineage_core::poseidon::constants()`.
struct Lane {
    /// Round constants, folded: a partial round keeps only its first word's.
    rc: Vec<[Fr; T]>,
    m: Matrix,
    m00: Fr,
    m0: Pair,
    mc: Pair,
    mh: [Pair; 2],
    tr: Fr,
    det: Fr,
    alpha: Fr,
    beta: Fr,
    /// `m0 · M̂`.
    m0_mh: Pair,
    /// `m0 · M̂⁻¹ · mc`.
    gamma: Fr,
    /// `O⁻¹`, `O = [m0; m0 · M̂⁻¹]`.
    o_inv: [Pair; 2],
    /// The fixed column `c` of one block.
    fixed: Vec<Fr>,
    /// The trace of `[0, 0, 0]`: what a lane's unused blocks hold, so that their gates hold.
    dummy: Vec<Fr>,
}

/// `1 / x`, for values the Poseidon constants make non-zero: `M` is a Cauchy matrix (every
/// minor non-zero, so `det M̂ ≠ 0`), and `det O ≠ 0` is the secure-MDS selection's
/// exclusion of invariant subspace trails. A zero would be a wrong constant, not a user
/// error; the tests derive the constants, so it would fail them rather than ship.
fn invert(x: Fr, what: &str) -> Fr {
    #[allow(clippy::expect_used)]
    Option::<Fr>::from(x.invert()).expect(what)
}

fn dot(a: &Pair, b: &Pair) -> Fr {
    a[0] * b[0] + a[1] * b[1]
}

/// `v · A` for a row vector `v`.
fn row_mat(v: &Pair, a: &[Pair; 2]) -> Pair {
    [v[0] * a[0][0] + v[1] * a[1][0], v[0] * a[0][1] + v[1] * a[1][1]]
}

fn mat_pair(a: &[Pair; 2], v: &Pair) -> Pair {
    [dot(&a[0], v), dot(&a[1], v)]
}

fn inverse(a: &[Pair; 2], what: &str) -> [Pair; 2] {
    let d = invert(a[0][0] * a[1][1] - a[0][1] * a[1][0], what);
    [[a[1][1] * d, -a[0][1] * d], [-a[1][0] * d, a[0][0] * d]]
}

fn pow5(x: Fr) -> Fr {
    x.square().square() * x
}

static LANE: LazyLock<Lane> = LazyLock::new(Lane::derive);

impl Lane {
    fn derive() -> Self {
        let m = *constants().1;
        let rc = folded_constants();
        let m00 = m[0][0];
        let m0 = [m[0][1], m[0][2]];
        let mc = [m[1][0], m[2][0]];
        let mh = [[m[1][1], m[1][2]], [m[2][1], m[2][2]]];
        let tr = mh[0][0] + mh[1][1];
        let det = mh[0][0] * mh[1][1] - mh[0][1] * mh[1][0];
        let beta = dot(&m0, &mc);
        let alpha = dot(&m0, &mat_pair(&mh, &mc)) - tr * beta;
        let mh_inv = inverse(&mh, "Poseidon lane: det M̂ is zero");
        let m0_mh_inv = row_mat(&m0, &mh_inv);
        let gamma = dot(&m0_mh_inv, &mc);
        let o_inv = inverse(&[m0, m0_mh_inv], "Poseidon lane: the partial state is unobservable");
        let mut fixed = vec![Fr::zero(); ROWS];
        for r in 0..HALF {
            for i in 0..T {
                fixed[6 * r + 2 * i] = rc[r][i];
                fixed[SECOND + 6 * r + 2 * i] = rc[HALF + R_P + r][i];
            }
        }
        for t in 0..R_P {
            fixed[PARTIAL + 2 * t] = rc[HALF + t][0];
        }
        let mut lane = Self {
            rc,
            m,
            m00,
            m0,
            mc,
            mh,
            tr,
            det,
            alpha,
            beta,
            m0_mh: row_mat(&m0, &mh),
            gamma,
            o_inv,
            fixed,
            dummy: Vec::new(),
        };
        lane.dummy = lane.trace([Fr::zero(); T]);
        lane
    }

    /// The lane's cells for one permutation of `input`; the output is at rows 162, 164, 166.
    fn trace(&self, input: [Fr; T]) -> Vec<Fr> {
        self.trace_nudged(input, None)
    }

    /// [`Self::trace`], with the computation itself moved once by `nudge` (and carried on
    /// honestly from there): the tests' model of a prover who deviates at one point.
    fn trace_nudged(&self, input: [Fr; T], nudge: Option<Nudge>) -> Vec<Fr> {
        let d = |point: Point| nudge.filter(|n| n.point == point).map_or(Fr::zero(), |n| n.delta);
        let mut a = vec![Fr::zero(); ROWS];
        let mut s = input;
        let full = |a: &mut [Fr], row: usize, s: &mut [Fr; T], r: usize| {
            let mut x = [Fr::zero(); T];
            for i in 0..T {
                s[i] += d(Point::Row(row + 2 * i));
                let sc = s[i] + self.rc[r][i] + d(Point::Constant(row + 2 * i));
                a[row + 2 * i] = s[i];
                a[row + 2 * i + 1] = sc.square();
                x[i] = pow5(sc);
            }
            *s = std::array::from_fn(|j| {
                (0..T).map(|i| self.m[j][i] * x[i]).sum::<Fr>() + d(Point::Mds(r, j)) * x[0]
            });
        };
        for r in 0..HALF {
            full(&mut a, 6 * r, &mut s, r);
        }
        let mut v = [s[1], s[2]];
        let mut s0 = s[0];
        for t in 0..R_P {
            let (row, r) = (PARTIAL + 2 * t, HALF + t);
            s0 += d(Point::Row(row));
            for (j, vj) in v.iter_mut().enumerate() {
                *vj += d(Point::Hidden(t, j));
            }
            let sc = s0 + self.rc[r][0] + d(Point::Constant(row));
            a[row] = s0;
            a[row + 1] = sc.square();
            let x = pow5(sc);
            s0 = self.m00 * x + dot(&self.m0, &v) + d(Point::Mds(r, 0)) * x;
            let mv = mat_pair(&self.mh, &v);
            v = std::array::from_fn(|j| self.mc[j] * x + mv[j] + d(Point::Mds(r, j + 1)) * x);
        }
        let mut s = [s0, v[0], v[1]];
        for r in 0..HALF {
            full(&mut a, SECOND + 6 * r, &mut s, HALF + R_P + r);
        }
        for (i, x) in s.into_iter().enumerate() {
            a[OUTPUT + 2 * i] = x + d(Point::Row(OUTPUT + 2 * i));
        }
        a
    }
}

/// A point of the permutation's computation where a dishonest prover may deviate.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Point {
    /// The state word written at a row.
    Row(usize),
    /// A word of the partial rounds' hidden state `v_t`: (`t`, word).
    Hidden(usize, usize),
    /// The round constant added at an S-box row.
    Constant(usize),
    /// Row `word` of the MDS matrix in textbook round `round` (its first entry moves).
    Mds(usize, usize),
}

/// One deviation of the computation: `delta` added at `point`.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Nudge {
    pub point: Point,
    pub delta: Fr,
}

/// The lane's output state in a trace.
fn outputs(trace: &[Fr]) -> [Fr; T] {
    std::array::from_fn(|i| trace[OUTPUT + 2 * i])
}

/// Cells of a lane seen from a gate's row: the same gate code builds the circuit's
/// expressions and evaluates a trace natively (the tests).
trait Cells {
    type E: Clone + Add<Output = Self::E> + Sub<Output = Self::E> + Mul<Output = Self::E>;
    fn a(&mut self, rot: usize) -> Self::E;
    fn c(&mut self, rot: usize) -> Self::E;
    fn k(&self, x: Fr) -> Self::E;
}

/// The four gates of a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gate {
    Full,
    Entry,
    Partial,
    Exit,
}

impl Gate {
    const ALL: [Gate; 4] = [Gate::Full, Gate::Entry, Gate::Partial, Gate::Exit];

    fn name(self) -> &'static str {
        match self {
            Gate::Full => "poseidon lane: full round",
            Gate::Entry => "poseidon lane: entry",
            Gate::Partial => "poseidon lane: partial round",
            Gate::Exit => "poseidon lane: exit",
        }
    }

    /// The block rows where this gate's selector is on.
    fn rows(self) -> Vec<usize> {
        match self {
            Gate::Full => {
                (0..HALF - 1).map(|r| 6 * r).chain((0..HALF).map(|r| SECOND + 6 * r)).collect()
            }
            Gate::Entry => vec![ENTRY],
            Gate::Partial => (0..R_P - 2).map(|t| PARTIAL + 2 * t).collect(),
            Gate::Exit => vec![EXIT],
        }
    }

    /// The gate's polynomials (without the selector), each zero on an honest block.
    fn constraints<C: Cells>(self, v: &mut C) -> Vec<C::E> {
        let lane = &*LANE;
        match self {
            Gate::Full => {
                let mut out: Vec<C::E> = (0..T).map(|i| square(v, 2 * i)).collect();
                let x: Vec<C::E> = (0..T).map(|i| sbox(v, 2 * i)).collect();
                for j in 0..T {
                    let mx = combine(v, &lane.m[j], &x);
                    out.push(v.a(6 + 2 * j) - mx);
                }
                out
            }
            Gate::Entry => {
                let mut out: Vec<C::E> = (0..T).map(|i| square(v, 2 * i)).collect();
                let x: Vec<C::E> = (0..T).map(|i| sbox(v, 2 * i)).collect();
                let mx: Vec<C::E> = (0..T).map(|j| combine(v, &lane.m[j], &x)).collect();
                // v_0 = (mx[1], mx[2]); s0_0 = mx[0] sits at row 24.
                out.push(v.a(6) - mx[0].clone());
                let x0 = sbox(v, 6);
                let x1 = sbox(v, 8);
                let y0 = v.a(8) - v.k(lane.m00) * x0.clone();
                let y1 = v.a(10) - v.k(lane.m00) * x1;
                let v0 = [mx[1].clone(), mx[2].clone()];
                out.push(y0 - pair(v, &lane.m0, &v0));
                out.push(y1 - pair(v, &lane.m0_mh, &v0) - v.k(lane.beta) * x0);
                out
            }
            Gate::Partial => {
                let mut out = vec![square(v, 0)];
                let x: Vec<C::E> = (0..3).map(|k| sbox(v, 2 * k)).collect();
                let y: Vec<C::E> =
                    (0..3).map(|k| v.a(2 * k + 2) - v.k(lane.m00) * x[k].clone()).collect();
                out.push(
                    y[2].clone() - v.k(lane.tr) * y[1].clone() + v.k(lane.det) * y[0].clone()
                        - v.k(lane.alpha) * x[0].clone()
                        - v.k(lane.beta) * x[1].clone(),
                );
                out
            }
            Gate::Exit => {
                let mut out = vec![square(v, 0), square(v, 2)];
                let x55 = sbox(v, 0);
                let x56 = sbox(v, 2);
                let y55 = v.a(2) - v.k(lane.m00) * x55.clone();
                let y56 = v.a(4) - v.k(lane.m00) * x56.clone();
                let rhs = [y56, y55 + v.k(lane.gamma) * x55];
                let v56 = [pair(v, &lane.o_inv[0], &rhs), pair(v, &lane.o_inv[1], &rhs)];
                for j in 0..2 {
                    let v57 = v.k(lane.mc[j]) * x56.clone() + pair(v, &lane.mh[j], &v56);
                    out.push(v.a(6 + 2 * j) - v57);
                }
                out
            }
        }
    }
}

/// `w − (s + c)²` at row `at`.
fn square<C: Cells>(v: &mut C, at: usize) -> C::E {
    let sc = v.a(at) + v.c(at);
    v.a(at + 1) - sc.clone() * sc
}

/// The S-box output `w² · (s + c)` at row `at`.
fn sbox<C: Cells>(v: &mut C, at: usize) -> C::E {
    let w = v.a(at + 1);
    w.clone() * w * (v.a(at) + v.c(at))
}

fn combine<C: Cells>(v: &C, row: &[Fr; T], x: &[C::E]) -> C::E {
    v.k(row[0]) * x[0].clone() + v.k(row[1]) * x[1].clone() + v.k(row[2]) * x[2].clone()
}

fn pair<C: Cells>(v: &C, row: &Pair, x: &[C::E; 2]) -> C::E {
    v.k(row[0]) * x[0].clone() + v.k(row[1]) * x[1].clone()
}

/// A block's cells, natively.
#[cfg(test)]
struct Native<'a> {
    a: &'a [Fr],
    c: &'a [Fr],
    at: usize,
}

#[cfg(test)]
impl Cells for Native<'_> {
    type E = Fr;
    fn a(&mut self, rot: usize) -> Fr {
        self.a[self.at + rot]
    }
    fn c(&mut self, rot: usize) -> Fr {
        self.c[self.at + rot]
    }
    fn k(&self, x: Fr) -> Fr {
        x
    }
}

/// The gates a block's trace violates, as (gate, row): empty for an honest trace.
#[cfg(test)]
fn violations(trace: &[Fr]) -> Vec<(&'static str, usize)> {
    let mut bad = Vec::new();
    for gate in Gate::ALL {
        for at in gate.rows() {
            let mut cells = Native { a: trace, c: &LANE.fixed, at };
            if gate.constraints(&mut cells).iter().any(|e| *e != Fr::zero()) {
                bad.push((gate.name(), at));
            }
        }
    }
    bad
}

struct Query<'a, 'b> {
    meta: &'a mut halo2_base::halo2_proofs::plonk::VirtualCells<'b, Fr>,
    a: Column<Advice>,
    c: Column<Fixed>,
}

impl Cells for Query<'_, '_> {
    type E = Expression<Fr>;
    fn a(&mut self, rot: usize) -> Expression<Fr> {
        self.meta.query_advice(self.a, Rotation(rot as i32))
    }
    fn c(&mut self, rot: usize) -> Expression<Fr> {
        self.meta.query_fixed(self.c, Rotation(rot as i32))
    }
    fn k(&self, x: Fr) -> Expression<Fr> {
        Expression::Constant(x)
    }
}

/// The chip's columns: `lanes` advice columns running in lockstep, sharing one fixed
/// column of constants and one selector per gate.
#[derive(Clone, Debug)]
pub struct LaneConfig {
    lanes: Vec<Column<Advice>>,
    c: Column<Fixed>,
    selectors: [Selector; 4],
}

impl LaneConfig {
    /// Adds the chip's columns and gates to `meta`.
    pub fn configure(meta: &mut ConstraintSystem<Fr>, lanes: usize) -> Self {
        let lanes: Vec<Column<Advice>> = (0..lanes)
            .map(|_| {
                let a = meta.advice_column();
                meta.enable_equality(a);
                a
            })
            .collect();
        let c = meta.fixed_column();
        let selectors = [(); 4].map(|_| meta.selector());
        for (gate, selector) in Gate::ALL.into_iter().zip(selectors) {
            for &a in &lanes {
                meta.create_gate(gate.name(), |meta| {
                    let q = meta.query_selector(selector);
                    let mut cells = Query { meta, a, c };
                    gate.constraints(&mut cells)
                        .into_iter()
                        .map(|e| q.clone() * e)
                        .collect::<Vec<_>>()
                });
            }
        }
        Self { lanes, c, selectors }
    }

    /// Lays the tape's permutations out, call `i` in lane `i mod L`, block `i / L`, from row
    /// 0 of a circuit of 2^k rows; `copies` is `None` when only the witness is generated (the
    /// prover stage). Fails when the lanes cannot hold the tape.
    pub fn assign(
        &self,
        region: &mut Region<'_, Fr>,
        tape: &PoseidonTape,
        k: u32,
        mut copies: Option<&mut CopyConstraintManager<Fr>>,
    ) -> Result<(), Error> {
        let calls = tape.lock();
        let lanes = self.lanes.len();
        if calls.len() > lanes * blocks_per_lane(k) {
            return Err(Error::NotEnoughRowsAvailable { current_k: k });
        }
        let blocks = calls.len().div_ceil(lanes.max(1));
        let lane = &*LANE;
        for block in 0..blocks {
            let base = block * ROWS;
            for (l, &column) in self.lanes.iter().enumerate() {
                let call = calls.get(block * lanes + l);
                let trace = call.map_or(&lane.dummy, |c| &c.trace);
                let mut cells: Vec<Cell> = Vec::with_capacity(2 * T);
                for (row, x) in trace.iter().enumerate() {
                    let cell = region.assign_advice(column, base + row, Value::known(*x)).cell();
                    if BOUND_ROWS.contains(&row) {
                        cells.push(cell);
                    }
                }
                if let (Some(call), Some(cm)) = (call, copies.as_deref_mut()) {
                    for (virt, cell) in call.inputs.iter().chain(&call.outputs).zip(cells) {
                        constrain_virtual_equals_external(region, *virt, cell, cm);
                    }
                }
            }
            if copies.is_some() {
                for (row, c) in lane.fixed.iter().enumerate() {
                    region.assign_fixed(self.c, base + row, *c);
                }
                for (gate, selector) in Gate::ALL.into_iter().zip(&self.selectors) {
                    for at in gate.rows() {
                        selector.enable(region, base + at)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Permutations one lane holds in a circuit of 2^k rows (the last
/// [`BLINDING_ROWS`](crate::circuit::BLINDING_ROWS) are the prover's).
pub fn blocks_per_lane(k: u32) -> usize {
    (1usize << k).saturating_sub(crate::circuit::BLINDING_ROWS) / ROWS
}

/// Lanes needed for `calls` permutations in a circuit of 2^k rows.
pub fn lanes_for(calls: usize, k: u32) -> usize {
    calls.div_ceil(blocks_per_lane(k).max(1))
}

/// One recorded permutation: its trace and the virtual cells standing for the lane's input
/// and output words until the lane is laid out.
#[derive(Clone, Debug)]
struct Call {
    trace: Vec<Fr>,
    inputs: [AssignedValue<Fr>; T],
    outputs: [AssignedValue<Fr>; T],
}

/// The permutations a circuit asked for, in call order; shared between the gadgets (which
/// record) and the circuit (which lays them out). Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct PoseidonTape {
    calls: Arc<Mutex<Vec<Call>>>,
    tamper: Option<Tamper>,
}

/// A dishonest lane, for negative tests only: the chip must reject each.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub enum TamperKind {
    /// One cell of the trace moved by `delta`.
    Cell { row: usize, delta: Fr },
    /// The permutation computed with one deviation (a wrong round constant, a wrong MDS
    /// row, a moved state word), honestly from there on.
    Trace(Nudge),
    /// The lane permutes the caller's state with word `word` moved by `delta` (an honest
    /// trace of it).
    Input { word: usize, delta: Fr },
    /// The caller is handed `output + delta` while the lane holds the true output.
    Output { delta: Fr },
    /// As `Input`, with the copy constraints from the caller's state removed (the ablation
    /// that shows `Input` is caught by them).
    UnboundInput { word: usize, delta: Fr },
}

/// Which call to tamper with, and how.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Tamper {
    pub call: usize,
    pub kind: TamperKind,
}

impl PoseidonTape {
    /// An empty tape.
    pub fn new() -> Self {
        Self::default()
    }

    #[doc(hidden)]
    pub fn with_tamper(tamper: Tamper) -> Self {
        Self { tamper: Some(tamper), ..Self::default() }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Call>> {
        self.calls.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Number of permutations recorded.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no permutation was recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The Poseidon permutation of `state`, computed natively and recorded for the lane;
    /// returns virtual cells the lane's output will stand behind.
    pub fn permute(
        &self,
        ctx: &mut Context<Fr>,
        state: [AssignedValue<Fr>; T],
    ) -> [AssignedValue<Fr>; T] {
        let lane = &*LANE;
        let mut calls = self.lock();
        let tamper = self.tamper.filter(|t| t.call == calls.len()).map(|t| t.kind);
        let input = state.map(|x| *x.value());
        let shifted = |word: usize, delta: Fr| {
            let mut moved = input;
            moved[word] += delta;
            moved
        };
        let mut trace = match tamper {
            Some(TamperKind::Input { word, delta } | TamperKind::UnboundInput { word, delta }) => {
                lane.trace(shifted(word, delta))
            }
            Some(TamperKind::Trace(nudge)) => lane.trace_nudged(input, Some(nudge)),
            _ => lane.trace(input),
        };
        let mut out = outputs(&trace);
        match tamper {
            Some(TamperKind::Cell { row, delta }) => trace[row] += delta,
            Some(TamperKind::Output { delta }) => out = out.map(|x| x + delta),
            _ => {}
        }
        let lane_inputs = std::array::from_fn(|i| trace[2 * i]);
        let (inputs, outputs) = {
            let mut cm = ctx.copy_manager.lock().unwrap_or_else(|p| p.into_inner());
            (
                lane_inputs.map(|v| cm.mock_external_assigned(v)),
                out.map(|v| cm.mock_external_assigned(v)),
            )
        };
        if !matches!(tamper, Some(TamperKind::UnboundInput { .. })) {
            for (s, i) in state.iter().zip(&inputs) {
                ctx.constrain_equal(s, i);
            }
        }
        calls.push(Call { trace, inputs, outputs });
        outputs
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use lineage_core::poseidon::permute;
    use proptest::prelude::*;

    fn fr() -> impl Strategy<Value = Fr> {
        prop_oneof![
            Just(Fr::zero()),
            Just(Fr::one()),
            Just(-Fr::one()),
            any::<u64>().prop_map(Fr::from),
            any::<[u64; 4]>().prop_map(Fr::from_raw),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn lane_trace_is_the_permutation_and_satisfies_every_gate(a in fr(), b in fr(), c in fr()) {
            let trace = LANE.trace([a, b, c]);
            let mut expected = [a, b, c];
            permute(&mut expected);
            prop_assert_eq!(outputs(&trace), expected);
            prop_assert!(violations(&trace).is_empty());
        }
    }

    #[test]
    fn every_cell_but_the_two_spare_ones_is_pinned_by_a_gate() {
        // An input moved alone breaks its square; moved with its square, the rest of the
        // trace (the caller's copy constraints bind the inputs themselves).
        let trace = LANE.trace([Fr::from(5), Fr::from(6), Fr::from(7)]);
        for row in 0..ROWS {
            let mut moved = trace.clone();
            moved[row] += Fr::one();
            let free = row == OUTPUT + 1 || row == OUTPUT + 3;
            assert_eq!(violations(&moved).is_empty(), free, "row {row}");
        }
    }

    /// Every state the computation passes through, stored or hidden, every round constant
    /// and every MDS row is pinned: a prover who deviates anywhere (and computes honestly
    /// from there) breaks a gate, unless the deviation is at the inputs, which the caller's
    /// copy constraints pin.
    #[test]
    fn a_deviation_anywhere_in_the_computation_breaks_a_gate() {
        let input = [Fr::from(5), Fr::from(6), Fr::from(7)];
        let honest = LANE.trace(input);
        let state_rows = (0..HALF)
            .flat_map(|r| [6 * r, SECOND + 6 * r])
            .flat_map(|b| (0..T).map(move |i| b + 2 * i))
            .chain((0..R_P).map(|t| PARTIAL + 2 * t))
            .chain((0..T).map(|i| OUTPUT + 2 * i));
        let sbox_rows: Vec<usize> = (0..HALF)
            .flat_map(|r| [6 * r, SECOND + 6 * r])
            .flat_map(|b| (0..T).map(move |i| b + 2 * i))
            .chain((0..R_P).map(|t| PARTIAL + 2 * t))
            .collect();
        let points: Vec<Point> = state_rows
            .map(Point::Row)
            .chain((0..R_P).flat_map(|t| (0..2).map(move |j| Point::Hidden(t, j))))
            .chain(sbox_rows.iter().map(|&r| Point::Constant(r)))
            .chain((0..R_F + R_P).flat_map(|r| (0..T).map(move |j| Point::Mds(r, j))))
            .collect();
        assert_eq!(
            points.len(),
            2 * HALF * T + R_P + T + 2 * R_P + sbox_rows.len() + T * (R_F + R_P)
        );
        for point in points {
            let trace = LANE.trace_nudged(input, Some(Nudge { point, delta: Fr::from(9) }));
            assert_ne!(outputs(&trace), outputs(&honest), "{point:?} changes the output");
            let input_row = matches!(point, Point::Row(r) if r < 2 * T);
            assert_eq!(violations(&trace).is_empty(), input_row, "{point:?}");
        }
    }

    /// A value and its derivative along one cell: forward-mode differentiation of the gates.
    #[derive(Clone, Copy, Debug)]
    struct Dual(Fr, Fr);

    impl Add for Dual {
        type Output = Dual;
        fn add(self, o: Dual) -> Dual {
            Dual(self.0 + o.0, self.1 + o.1)
        }
    }
    impl Sub for Dual {
        type Output = Dual;
        fn sub(self, o: Dual) -> Dual {
            Dual(self.0 - o.0, self.1 - o.1)
        }
    }
    impl Mul for Dual {
        type Output = Dual;
        fn mul(self, o: Dual) -> Dual {
            Dual(self.0 * o.0, self.0 * o.1 + self.1 * o.0)
        }
    }

    /// A block's cells, differentiated along cell `seed`.
    struct Seeded<'a> {
        a: &'a [Fr],
        at: usize,
        seed: usize,
    }

    impl Cells for Seeded<'_> {
        type E = Dual;
        fn a(&mut self, rot: usize) -> Dual {
            let row = self.at + rot;
            Dual(self.a[row], if row == self.seed { Fr::one() } else { Fr::zero() })
        }
        fn c(&mut self, rot: usize) -> Dual {
            Dual(LANE.fixed[self.at + rot], Fr::zero())
        }
        fn k(&self, x: Fr) -> Dual {
            Dual(x, Fr::zero())
        }
    }

    fn rank(mut m: Vec<Vec<Fr>>) -> usize {
        let cols = m.first().map_or(0, Vec::len);
        let mut rank = 0;
        for col in 0..cols {
            let Some(p) = (rank..m.len()).find(|&r| m[r][col] != Fr::zero()) else { continue };
            m.swap(rank, p);
            let inv = m[rank][col].invert().unwrap();
            for r in 0..m.len() {
                if r != rank && m[r][col] != Fr::zero() {
                    let f = m[r][col] * inv;
                    let pivot = m[rank].clone();
                    for (x, y) in m[r].iter_mut().zip(pivot) {
                        *x -= f * y;
                    }
                }
            }
            rank += 1;
        }
        rank
    }

    /// The gates determine every cell but the inputs (and the two spare rows): as many
    /// constraints as such cells, and their Jacobian at an honest trace has full rank.
    /// (Ordered by the computation, the system is triangular with unit diagonal: each
    /// constraint is linear, coefficient one, in the cell it determines, so the solution is
    /// unique, not only locally.) Dropping any one constraint fails this.
    #[test]
    fn the_gates_determine_every_cell_but_the_inputs() {
        let trace = LANE.trace([Fr::from(5), Fr::from(6), Fr::from(7)]);
        let unknowns: Vec<usize> = (0..ROWS)
            .filter(|&r| !(r < 2 * T && r % 2 == 0) && r != OUTPUT + 1 && r != OUTPUT + 3)
            .collect();
        let mut rows: Vec<Vec<Fr>> = Vec::new();
        for gate in Gate::ALL {
            for at in gate.rows() {
                let columns: Vec<Vec<Fr>> = unknowns
                    .iter()
                    .map(|&seed| {
                        let mut cells = Seeded { a: &trace, at, seed };
                        gate.constraints(&mut cells).iter().map(|e| e.1).collect()
                    })
                    .collect();
                for i in 0..columns[0].len() {
                    rows.push(columns.iter().map(|c| c[i]).collect());
                }
            }
        }
        assert_eq!(rows.len(), unknowns.len());
        assert_eq!(rank(rows), unknowns.len());
    }

    #[test]
    fn the_partial_state_is_recoverable() {
        let lane = &*LANE;
        assert_ne!(lane.det, Fr::zero());
        // o_inv is the inverse of [m0; m0 · M̂⁻¹].
        let m0_mh_inv = row_mat(&lane.m0, &inverse(&lane.mh, "det"));
        let o = [lane.m0, m0_mh_inv];
        let product: Vec<Fr> = (0..4)
            .map(|ij| {
                let (i, j) = (ij / 2, ij % 2);
                lane.o_inv[i][0] * o[0][j] + lane.o_inv[i][1] * o[1][j]
            })
            .collect();
        assert_eq!(product, vec![Fr::one(), Fr::zero(), Fr::zero(), Fr::one()]);
    }

    #[test]
    fn the_gates_cover_the_block_as_documented() {
        assert_eq!(Gate::Full.rows(), vec![0, 6, 12, 138, 144, 150, 156]);
        assert_eq!(Gate::Entry.rows(), vec![18]);
        assert_eq!(Gate::Partial.rows().len(), 55);
        assert_eq!(Gate::Exit.rows(), vec![134]);
    }
}
