//! temp microbench
use std::hint::black_box;
use std::time::Instant;
use lineage_core::Fr;

const P: [u64; 4] = [0x43e1f593f0000001, 0x2833e84879b97091, 0xb85045b68181585d, 0x30644e72e131a029];
const INV: u64 = 0xc2e1f593efffffff;

#[inline(always)]
fn mac(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let t = a as u128 + (b as u128) * (c as u128) + carry as u128;
    (t as u64, (t >> 64) as u64)
}
#[inline(always)]
fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = a as u128 + b as u128 + carry as u128;
    (t as u64, (t >> 64) as u64)
}
#[inline(always)]
fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let t = (a as u128).wrapping_sub(b as u128 + (borrow >> 63) as u128);
    (t as u64, (t >> 64) as u64)
}
#[inline(always)]
fn sub_p_if_ge(r: [u64; 4]) -> [u64; 4] {
    let (d0, b) = sbb(r[0], P[0], 0);
    let (d1, b) = sbb(r[1], P[1], b);
    let (d2, b) = sbb(r[2], P[2], b);
    let (d3, b) = sbb(r[3], P[3], b);
    if b != 0 { r } else { [d0, d1, d2, d3] }
}
#[inline(always)]
fn mul_cios(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let mut t = [0u64; 4];
    for i in 0..4 {
        let (t0, mut aa) = mac(t[0], a[0], b[i], 0);
        let m = t0.wrapping_mul(INV);
        let (_, mut c) = mac(t0, m, P[0], 0);
        for j in 1..4 {
            let (tj, a2) = mac(t[j], a[j], b[i], aa);
            aa = a2;
            let (r, c2) = mac(tj, m, P[j], c);
            t[j - 1] = r;
            c = c2;
        }
        t[3] = c + aa;
    }
    sub_p_if_ge(t)
}
#[inline(always)]
fn mul_wide(a: &[u64; 4], b: &[u64; 4]) -> [u64; 8] {
    let mut r = [0u64; 8];
    for i in 0..4 {
        let mut c = 0;
        for j in 0..4 {
            let (x, c2) = mac(r[i + j], a[j], b[i], c);
            r[i + j] = x;
            c = c2;
        }
        r[i + 4] = c;
    }
    r
}
#[inline(always)]
fn redc(mut r: [u64; 8]) -> [u64; 4] {
    let mut carry2 = 0;
    for i in 0..4 {
        let m = r[i].wrapping_mul(INV);
        let (_, mut c) = mac(r[i], m, P[0], 0);
        for j in 1..4 {
            let (x, c2) = mac(r[i + j], m, P[j], c);
            r[i + j] = x;
            c = c2;
        }
        let (x, c2) = adc(r[i + 4], c, carry2);
        r[i + 4] = x;
        carry2 = c2;
    }
    sub_p_if_ge([r[4], r[5], r[6], r[7]])
}
#[inline(always)]
fn add_wide(a: [u64; 8], b: [u64; 8]) -> [u64; 8] {
    let mut r = [0u64; 8];
    let mut c = 0;
    for i in 0..8 { let (x, c2) = adc(a[i], b[i], c); r[i] = x; c = c2; }
    r
}

fn main() {
    let n = 20_000_000u64;
    let mut x = black_box(Fr::from(7u64));
    let y = black_box(Fr::from(11u64));
    let t = Instant::now();
    for _ in 0..n { x = x * y; }
    println!("mul chain {:.2} ns {:?}", t.elapsed().as_nanos() as f64 / n as f64, black_box(x).to_bytes()[0]);
    let t = Instant::now();
    for _ in 0..n { x = x + y; }
    println!("add chain {:.2} ns {:?}", t.elapsed().as_nanos() as f64 / n as f64, black_box(x).to_bytes()[0]);

    let mut a = black_box([7u64, 0, 0, 0]);
    let b = black_box([11u64, 3, 5, 1]);
    let t = Instant::now();
    for _ in 0..n { a = mul_cios(&a, &b); }
    println!("rust cios chain {:.2} ns {:?}", t.elapsed().as_nanos() as f64 / n as f64, black_box(a)[0]);
    let t = Instant::now();
    for _ in 0..n { a = redc(mul_wide(&a, &b)); }
    println!("rust wide+redc chain {:.2} ns {:?}", t.elapsed().as_nanos() as f64 / n as f64, black_box(a)[0]);
    let c = black_box([13u64, 3, 5, 1]);
    let d = black_box([17u64, 3, 5, 1]);
    let t = Instant::now();
    for _ in 0..n { a = redc(add_wide(add_wide(mul_wide(&a, &b), mul_wide(&c, &b)), mul_wide(&d, &b))); }
    println!("rust dot3 lazy chain {:.2} ns {:?}", t.elapsed().as_nanos() as f64 / n as f64, black_box(a)[0]);
    let (xa, xc, xd) = (Fr::from(3u64), Fr::from(5u64), Fr::from(9u64));
    let t = Instant::now();
    for _ in 0..n { x = x * xa + xc * xa + xd * xa; }
    println!("asm dot3 chain {:.2} ns {:?}", t.elapsed().as_nanos() as f64 / n as f64, black_box(x).to_bytes()[0]);
}
