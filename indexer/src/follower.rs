//! The chain follower: reads the registry's and vault's logs from the start block in
//! adaptive ranges, stores them with the checkpoint, follows the head with a number of
//! confirmations once caught up, and rolls back to the common ancestor on a reorg.
//!
//! Reorg safety rests on stored block hashes: every range records the hash of each block
//! holding an event and of its last block. Before each step the follower compares the
//! hash of the last indexed block with the node's; on a mismatch (or when that block no
//! longer exists) it walks the stored hashes down to the newest one the node still has,
//! deletes everything above it and continues from there. Since a block hash commits to
//! all its ancestors, everything at or below that block is on the node's chain.

use std::{collections::HashMap, sync::Arc, time::Duration};

use alloy::{
    consensus::Transaction as _,
    eips::BlockNumberOrTag,
    primitives::{BlockNumber, B256},
    providers::{Provider, RootProvider},
    rpc::types::Filter,
};
use tokio::sync::watch;
use tracing::{debug, info, warn};

use crate::{
    events::{self, Body, RegistryEvents},
    metrics::Metrics,
    model::Tip,
    store::{Checkpoint, IndexedRange, Store, Target},
    Error, Result,
};

/// How the follower reads the chain.
#[derive(Clone, Debug)]
pub struct FollowerConfig {
    /// Blocks on top of a block before it is indexed (0: index the head itself).
    pub confirmations: u64,
    /// Depth below the head treated as final when the node has no `finalized` block.
    pub finality_depth: u64,
    /// Wait between polls once caught up.
    pub poll_interval: Duration,
    /// The first range size, in blocks.
    pub initial_range: u64,
    /// The largest range size.
    pub max_range: u64,
    /// Aim for at most this many logs per range: a larger answer is still stored, and the
    /// next range is sized from the logs per block seen.
    pub max_logs: usize,
    /// Wait after a failed step.
    pub retry_delay: Duration,
}

impl Default for FollowerConfig {
    fn default() -> Self {
        Self {
            confirmations: 2,
            finality_depth: 64,
            poll_interval: Duration::from_secs(2),
            initial_range: 2_000,
            max_range: 100_000,
            max_logs: 20_000,
            retry_delay: Duration::from_secs(1),
        }
    }
}

/// What the follower publishes after each step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncStatus {
    /// Where the index stands.
    pub tip: Tip,
    /// Caught up with the head (minus confirmations).
    pub ready: bool,
    /// Bumped by every change to the indexed data.
    pub generation: u64,
}

enum Step {
    /// Indexed a range or rolled back: go on at once.
    Progressed,
    /// Caught up: wait for the next poll.
    Idle,
}

/// The chain follower.
pub struct Follower {
    provider: RootProvider,
    store: Store,
    target: Target,
    config: FollowerConfig,
    metrics: Arc<Metrics>,
    status: watch::Sender<SyncStatus>,
    range: u64,
}

fn rpc(method: &'static str) -> impl FnOnce(alloy::transports::TransportError) -> Error {
    move |source| Error::Rpc { method, source }
}

impl Follower {
    /// A follower of `target` over `provider`, storing into `store`.
    pub fn new(
        provider: RootProvider,
        store: Store,
        target: Target,
        config: FollowerConfig,
        metrics: Arc<Metrics>,
        status: watch::Sender<SyncStatus>,
    ) -> Self {
        let range = config.initial_range.clamp(1, config.max_range.max(1));
        Self { provider, store, target, config, metrics, status, range }
    }

    /// Follows the chain until `shutdown` turns true. Failed steps (RPC errors, a node
    /// behind a load balancer answering from another block) are logged and retried.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) -> Result<()> {
        let mut checkpoint = self.store.init(self.target).await?;
        info!(
            next_block = checkpoint.next_block,
            registry = %self.target.registry,
            vault = %self.target.vault,
            "following the chain"
        );
        loop {
            if *shutdown.borrow() {
                return Ok(());
            }
            let wait = match self.step(&mut checkpoint).await {
                Ok(Step::Progressed) => continue,
                Ok(Step::Idle) => self.config.poll_interval,
                Err(e @ Error::Database(_)) | Err(e @ Error::Corrupt { .. }) => {
                    warn!(error = %e, "store failed; re-reading the checkpoint");
                    checkpoint = self.store.checkpoint().await.unwrap_or(checkpoint);
                    self.config.retry_delay
                }
                Err(e) => {
                    self.metrics.rpc_errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    warn!(error = %e, "follower step failed; retrying");
                    self.config.retry_delay
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    async fn block_hash(&self, number: BlockNumber) -> Result<Option<B256>> {
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Number(number))
            .await
            .map_err(rpc("eth_getBlockByNumber"))?;
        Ok(block.map(|b| b.header.hash))
    }

    async fn finalized(&self, head: BlockNumber) -> BlockNumber {
        let by_depth = head.saturating_sub(self.config.finality_depth);
        match self.provider.get_block_by_number(BlockNumberOrTag::Finalized).await {
            Ok(Some(b)) => b.header.number.min(head),
            _ => by_depth,
        }
    }

    fn publish(&self, head: BlockNumber, finalized: BlockNumber, next: BlockNumber, ready: bool) {
        let indexed = next.saturating_sub(1);
        let behind = head.saturating_sub(indexed);
        use std::sync::atomic::Ordering::Relaxed;
        self.metrics.blocks_behind.store(behind, Relaxed);
        self.metrics.head_block.store(head, Relaxed);
        self.metrics.indexed_block.store(indexed, Relaxed);
        self.status.send_modify(|s| {
            s.tip.head_block = head;
            s.tip.finalized_block = finalized;
            s.ready = ready;
        });
    }

    async fn refresh_tip(&self) -> Result<()> {
        let (tip, generation) = self.store.tip().await?;
        self.status.send_modify(|s| {
            s.tip = tip;
            s.generation = generation;
        });
        Ok(())
    }

    async fn step(&mut self, checkpoint: &mut Checkpoint) -> Result<Step> {
        let head = self.provider.get_block_number().await.map_err(rpc("eth_blockNumber"))?;
        let finalized = self.finalized(head).await;

        // 1. Is the last indexed block still on the node's chain?
        if let Some(hash) = checkpoint.indexed_hash {
            let last = checkpoint.next_block - 1;
            if self.block_hash(last).await? != Some(hash) {
                self.roll_back(checkpoint, last).await?;
                return Ok(Step::Progressed);
            }
        }

        // 2. Caught up?
        let target = head.saturating_sub(self.config.confirmations);
        if checkpoint.next_block > target || head < self.config.confirmations {
            if self.status.borrow().tip.head_block != head {
                self.store.set_head(head, finalized).await?;
            }
            self.publish(head, finalized, checkpoint.next_block, true);
            self.refresh_tip().await?;
            return Ok(Step::Idle);
        }
        self.publish(head, finalized, checkpoint.next_block, false);

        // 3. Read one range; the hash of its last block first, so that a reorg during the
        //    read shows up as a mismatch at the next step rather than going unnoticed.
        let from = checkpoint.next_block;
        let to = from.saturating_add(self.range - 1).min(target);
        let Some(to_hash) = self.block_hash(to).await? else {
            return Err(Error::MissingBlock { number: to });
        };
        let filter = Filter::new()
            .address(vec![self.target.registry, self.target.vault])
            .from_block(from)
            .to_block(to);
        let logs = match self.provider.get_logs(&filter).await {
            Ok(logs) => logs,
            Err(e) if to > from => {
                self.shrink(from, to, &e.to_string());
                return Ok(Step::Progressed);
            }
            Err(e) => return Err(rpc("eth_getLogs")(e)),
        };
        if logs.iter().any(|l| l.block_number == Some(to) && l.block_hash != Some(to_hash)) {
            debug!(to, "block {to} changed while its range was read; re-reading");
            return Ok(Step::Progressed);
        }
        let events = events::decode_logs(&logs, self.target.registry, self.target.vault, from, to)?;

        // 4. Attestations (proven or declared): the proof is in the transaction's calldata,
        //    not in the event.
        let mut attest_calls = HashMap::new();
        for e in &events {
            if let Body::Registry(RegistryEvents::ModelAttested(_)) = e.body {
                let tx = self
                    .provider
                    .get_transaction_by_hash(e.at.tx_hash)
                    .await
                    .map_err(rpc("eth_getTransactionByHash"))?;
                if let Some(call) = tx.and_then(|tx| {
                    (tx.to() == Some(self.target.registry))
                        .then(|| events::decode_attest_call(tx.input()))
                        .flatten()
                }) {
                    attest_calls.insert(e.at.tx_hash, call);
                }
            }
        }

        let n = events.len();
        let names: Vec<&'static str> = events.iter().map(|e| e.name()).collect();
        let range = IndexedRange { from, to, to_hash, events, attest_calls, head, finalized };
        self.store.apply(&range).await?;
        self.metrics.events_processed(names);
        checkpoint.next_block = to + 1;
        checkpoint.indexed_hash = Some(to_hash);
        debug!(from, to, events = n, range = self.range, "indexed");

        self.adapt(to - from + 1, logs.len());
        let ready = checkpoint.next_block > target;
        self.publish(head, finalized, checkpoint.next_block, ready);
        self.refresh_tip().await?;
        Ok(Step::Progressed)
    }

    /// Sizes the next range for about half of `max_logs` logs at the density just seen,
    /// at most doubling at a time (sparse stretches of chain grow the range quickly).
    fn adapt(&mut self, blocks: u64, logs: usize) {
        let target = (self.config.max_logs / 2).max(1) as u64;
        let next = match logs as u64 {
            0 => self.range.saturating_mul(2),
            n => (blocks.saturating_mul(target) / n).clamp(1, self.range.saturating_mul(2)),
        };
        if next < self.range {
            self.metrics.range_shrinks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        self.range = next.clamp(1, self.config.max_range.max(1));
    }

    fn shrink(&mut self, from: BlockNumber, to: BlockNumber, why: &str) {
        self.range = (to - from).div_ceil(2).max(1);
        self.metrics.range_shrinks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        debug!(from, to, range = self.range, why, "range refused; halving");
    }

    /// Finds the newest stored block the node still has and rolls back to it.
    async fn roll_back(&mut self, checkpoint: &mut Checkpoint, last: BlockNumber) -> Result<()> {
        let mut at = last;
        let ancestor = 'search: loop {
            let stored = self.store.recent_blocks(at, 64).await?;
            let Some(&(oldest, _)) = stored.last() else { break None };
            for (number, hash) in stored {
                if self.block_hash(number).await? == Some(hash) {
                    break 'search Some((number, hash));
                }
            }
            if oldest == 0 {
                break None;
            }
            at = oldest - 1;
        };
        let depth = last + 1 - ancestor.map_or(checkpoint.start_block, |(n, _)| n + 1);
        let deleted = self.store.rollback(ancestor).await?;
        use std::sync::atomic::Ordering::Relaxed;
        self.metrics.reorgs.fetch_add(1, Relaxed);
        self.metrics.reorged_blocks.fetch_add(depth, Relaxed);
        warn!(
            last,
            ancestor = ?ancestor.map(|(n, _)| n),
            depth,
            deleted,
            "reorg: rolled back to the common ancestor"
        );
        *checkpoint = self.store.checkpoint().await?;
        self.refresh_tip().await?;
        Ok(())
    }
}
