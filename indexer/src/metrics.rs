//! Prometheus metrics, kept in atomics and rendered in the text exposition format: events
//! processed, blocks behind, reorgs, RPC errors, and request latency per route.

use std::{
    collections::BTreeMap,
    fmt::Write,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
    time::Duration,
};

/// Request latency buckets, in seconds.
const BUCKETS: [f64; 12] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The indexer's metrics.
#[derive(Default)]
pub struct Metrics {
    events: Mutex<BTreeMap<&'static str, u64>>,
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    /// Blocks between the chain head and the last indexed block.
    pub blocks_behind: AtomicU64,
    /// The chain head.
    pub head_block: AtomicU64,
    /// The last indexed block.
    pub indexed_block: AtomicU64,
    /// Reorgs rolled back.
    pub reorgs: AtomicU64,
    /// Blocks rolled back by reorgs, summed.
    pub reorged_blocks: AtomicU64,
    /// Failed RPC calls (retried).
    pub rpc_errors: AtomicU64,
    /// Block ranges the node refused or answered too large (then halved).
    pub range_shrinks: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Metrics {
    /// Counts stored events by name.
    pub fn events_processed(&self, names: impl IntoIterator<Item = &'static str>) {
        let mut events = lock(&self.events);
        for name in names {
            *events.entry(name).or_default() += 1;
        }
    }

    /// Total events processed.
    pub fn events_total(&self) -> u64 {
        lock(&self.events).values().sum()
    }

    /// Records one answered request.
    pub fn request(&self, route: &str, status: u16, elapsed: Duration) {
        *lock(&self.requests).entry((route.to_owned(), status)).or_default() += 1;
        let secs = elapsed.as_secs_f64();
        let mut latency = lock(&self.latency);
        let h = latency.entry(route.to_owned()).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let g = |out: &mut String, name: &str, help: &str, kind: &str, v: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {v}");
        };
        let _ = writeln!(
            out,
            "# HELP lineage_indexer_events_processed_total Events stored, by event name.\n\
             # TYPE lineage_indexer_events_processed_total counter"
        );
        for (name, n) in lock(&self.events).iter() {
            let _ = writeln!(out, "lineage_indexer_events_processed_total{{event=\"{name}\"}} {n}");
        }
        let ld = |a: &AtomicU64| a.load(Ordering::Relaxed);
        g(
            &mut out,
            "lineage_indexer_blocks_behind",
            "Chain head minus last indexed block.",
            "gauge",
            ld(&self.blocks_behind),
        );
        g(
            &mut out,
            "lineage_indexer_head_block",
            "Chain head seen by the follower.",
            "gauge",
            ld(&self.head_block),
        );
        g(
            &mut out,
            "lineage_indexer_indexed_block",
            "Last fully indexed block.",
            "gauge",
            ld(&self.indexed_block),
        );
        g(
            &mut out,
            "lineage_indexer_reorgs_total",
            "Reorgs rolled back.",
            "counter",
            ld(&self.reorgs),
        );
        g(
            &mut out,
            "lineage_indexer_reorged_blocks_total",
            "Blocks rolled back by reorgs.",
            "counter",
            ld(&self.reorged_blocks),
        );
        g(
            &mut out,
            "lineage_indexer_rpc_errors_total",
            "Failed RPC calls (retried).",
            "counter",
            ld(&self.rpc_errors),
        );
        g(
            &mut out,
            "lineage_indexer_range_shrinks_total",
            "Block ranges halved after a refusal.",
            "counter",
            ld(&self.range_shrinks),
        );
        let _ = writeln!(
            out,
            "# HELP lineage_indexer_http_requests_total Requests answered, by route and status.\n\
             # TYPE lineage_indexer_http_requests_total counter"
        );
        for ((route, status), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "lineage_indexer_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP lineage_indexer_http_request_duration_seconds Request latency by route.\n\
             # TYPE lineage_indexer_http_request_duration_seconds histogram"
        );
        for (route, h) in lock(&self.latency).iter() {
            let name = "lineage_indexer_http_request_duration_seconds";
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(out, "{name}_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}");
            }
            let _ = writeln!(out, "{name}_bucket{{route=\"{route}\",le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "{name}_sum{{route=\"{route}\"}} {}", h.sum);
            let _ = writeln!(out, "{name}_count{{route=\"{route}\"}} {}", h.count);
        }
        out
    }
}
