//! temp microbench
#![allow(dead_code, missing_docs, unreachable_pub)]
use std::hint::black_box;
use std::time::Instant;
mod field {
    pub use lineage_core::Fr;
}
#[path = "../src/poseidon/mont.rs"]
mod mont;
use lineage_core::Fr;
use mont::Elem;

fn main() {
    let n = 20_000_000u64;
    let e = |v: u64| Elem::from_fr(&Fr::from(v));
    let mut a = black_box(e(7));
    let b = black_box(e(11));
    let t = Instant::now();
    for _ in 0..n {
        a = a.mul(b);
    }
    println!("mul chain {:.2} ns", t.elapsed().as_nanos() as f64 / n as f64);
    black_box(a);
    let t = Instant::now();
    for _ in 0..n {
        a = a.add(b);
    }
    println!("add chain {:.2} ns", t.elapsed().as_nanos() as f64 / n as f64);
    black_box(a);
    let t = Instant::now();
    for _ in 0..n {
        a = a.pow5();
    }
    println!("pow5 chain {:.2} ns", t.elapsed().as_nanos() as f64 / n as f64);
    black_box(a);
    let row = black_box([e(3), e(5), e(9)]);
    let (mut x1, mut x2) = (e(4), e(8));
    let t = Instant::now();
    for _ in 0..n {
        a = mont::dot(&row, &[a, x1, x2]);
        x1 = x1.add(a);
        x2 = x2.add(x1);
    }
    println!("dot chain {:.2} ns", t.elapsed().as_nanos() as f64 / n as f64);
    black_box(a);
    let (mut s0, mut s1, mut s2) = (e(4), e(8), e(9));
    let t = Instant::now();
    for _ in 0..n / 3 {
        s0 = s0.mul(b);
        s1 = s1.mul(b);
        s2 = s2.mul(b);
    }
    println!("mul x3 indep {:.2} ns/mul", t.elapsed().as_nanos() as f64 / n as f64);
    black_box((s0, s1, s2));
    let mut st = [Fr::from(1u64), Fr::from(2u64), Fr::from(3u64)];
    let m = 200_000;
    let t = Instant::now();
    for _ in 0..m {
        lineage_core::poseidon::permute(black_box(&mut st));
    }
    println!("permute {:.2} ns", t.elapsed().as_nanos() as f64 / m as f64);
}
