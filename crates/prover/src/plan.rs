//! The proof tree's shape for a training set: which chunk proofs and which nodes, in an
//! order where every node comes after its children (issue 17; `docs/proof-tree-plan.md`).
//!
//! `K = ceil(N / C)` chunks of the profile's capacity `C`, each the leaf of a binary tree of
//! height `H = max(1, ceil(log2 K))`. The node `j` at height `h` has the children `2j` and
//! `2j + 1` at height `h − 1` (chunks at height 0); a missing right child makes it a padded
//! node over its left child alone. So a set of one chunk still has one (padded) height-1
//! node under the root: the root verifies nodes only.

use std::fmt;

/// A proof in the tree: a chunk proof, or a node at `height ≥ 1` and `index` among its
/// height's nodes, left to right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Slot {
    /// The proof of chunk `index`.
    Chunk(usize),
    /// A node.
    Node {
        /// Height above the chunks.
        height: u32,
        /// Position among the nodes of its height.
        index: usize,
    },
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Chunk(i) => write!(f, "chunk.{i:05}"),
            Self::Node { height, index } => write!(f, "node.h{height:02}.{index:05}"),
        }
    }
}

/// A node to prove: its place and its children (`right` is `None` for a padded node).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeTask {
    /// Where the node sits.
    pub slot: Slot,
    /// Its left child.
    pub left: Slot,
    /// Its right child, if it has one.
    pub right: Option<Slot>,
}

/// The tree over a training set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tree {
    /// Records per chunk (the profile's capacity).
    pub capacity: usize,
    /// The chunks' record ranges, in training order.
    pub chunks: Vec<std::ops::Range<usize>>,
    /// The nodes, children before parents (height by height).
    pub nodes: Vec<NodeTask>,
}

/// Why a training set has no tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// No records.
    #[error("a training set of no records has nothing to prove")]
    Empty,
    /// More records than the profile's tree has leaves.
    #[error("{records} records exceed the profile's maximum of {max}")]
    TooMany {
        /// The set's size.
        records: usize,
        /// The profile's `max_records`.
        max: usize,
    },
}

impl Tree {
    /// The tree over `records` records in chunks of `capacity`, for a profile of at most
    /// `max_records` records.
    pub fn new(records: usize, capacity: usize, max_records: usize) -> Result<Self, PlanError> {
        assert!(capacity.is_power_of_two() && capacity <= max_records, "a profile's capacity");
        if records == 0 {
            return Err(PlanError::Empty);
        }
        if records > max_records {
            return Err(PlanError::TooMany { records, max: max_records });
        }
        let chunks: Vec<_> = (0..records.div_ceil(capacity))
            .map(|i| i * capacity..records.min((i + 1) * capacity))
            .collect();
        let mut nodes = Vec::new();
        let mut below: Vec<Slot> = (0..chunks.len()).map(Slot::Chunk).collect();
        let mut height = 0;
        while height == 0 || below.len() > 1 {
            height += 1;
            let level: Vec<NodeTask> = below
                .chunks(2)
                .enumerate()
                .map(|(index, pair)| NodeTask {
                    slot: Slot::Node { height, index },
                    left: pair[0],
                    right: pair.get(1).copied(),
                })
                .collect();
            below = level.iter().map(|n| n.slot).collect();
            nodes.extend(level);
        }
        Ok(Self { capacity, chunks, nodes })
    }

    /// The top node's height.
    pub fn height(&self) -> u32 {
        match self.nodes.last().map(|n| n.slot) {
            Some(Slot::Node { height, .. }) => height,
            _ => 0,
        }
    }

    /// The top node, which the root verifies.
    pub fn top(&self) -> Slot {
        self.nodes.last().expect("a tree has a node").slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(height: u32, index: usize) -> Slot {
        Slot::Node { height, index }
    }

    #[test]
    fn three_chunks_make_a_tree_of_height_two_with_one_padded_node() {
        let t = Tree::new(150, 64, 1 << 20).unwrap();
        assert_eq!(t.chunks, vec![0..64, 64..128, 128..150]);
        assert_eq!(
            t.nodes,
            vec![
                NodeTask { slot: node(1, 0), left: Slot::Chunk(0), right: Some(Slot::Chunk(1)) },
                NodeTask { slot: node(1, 1), left: Slot::Chunk(2), right: None },
                NodeTask { slot: node(2, 0), left: node(1, 0), right: Some(node(1, 1)) },
            ]
        );
        assert_eq!((t.height(), t.top()), (2, node(2, 0)));
        assert_eq!(t.top().to_string(), "node.h02.00000");
    }

    #[test]
    fn every_size_gets_one_top_node_over_all_its_chunks() {
        for records in [1, 63, 64, 65, 128, 129, 64 * 5, 64 * 8 + 1] {
            let t = Tree::new(records, 64, 1 << 20).unwrap();
            let k = records.div_ceil(64);
            assert_eq!(t.chunks.len(), k);
            assert_eq!(t.chunks.last().unwrap().end, records);
            assert_eq!(t.height(), k.next_power_of_two().trailing_zeros().max(1), "{records}");
            // Each slot below the top is the child of exactly one node, after it.
            let mut children: Vec<Slot> =
                t.nodes.iter().flat_map(|n| std::iter::once(n.left).chain(n.right)).collect();
            children.sort();
            let mut expected: Vec<Slot> = (0..k).map(Slot::Chunk).collect();
            expected.extend(t.nodes.iter().map(|n| n.slot).filter(|s| *s != t.top()));
            expected.sort();
            assert_eq!(children, expected, "{records}");
            for (i, n) in t.nodes.iter().enumerate() {
                for c in std::iter::once(n.left).chain(n.right) {
                    if let Slot::Node { .. } = c {
                        assert!(t.nodes[..i].iter().any(|m| m.slot == c), "child first");
                    }
                }
            }
        }
        // One chunk: one padded height-1 node.
        let t = Tree::new(10, 64, 1 << 20).unwrap();
        assert_eq!(t.nodes, vec![NodeTask { slot: node(1, 0), left: Slot::Chunk(0), right: None }]);
    }

    #[test]
    fn empty_or_oversized_sets_are_refused() {
        assert_eq!(Tree::new(0, 64, 1 << 20), Err(PlanError::Empty));
        assert_eq!(
            Tree::new((1 << 20) + 1, 64, 1 << 20),
            Err(PlanError::TooMany { records: (1 << 20) + 1, max: 1 << 20 })
        );
        assert_eq!(Tree::new(1 << 20, 64, 1 << 20).unwrap().height(), 14);
    }
}
