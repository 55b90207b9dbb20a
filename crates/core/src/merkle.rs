//! Fixed-depth binary Poseidon Merkle trees: build, root, inclusion proofs.
//!
//! A tree of depth `D` has `2^D` leaf positions; leaves fill positions `0..n` in order and
//! the rest are empty (the leaf value 0). Empty subtrees are never materialised: their
//! roots are the precomputed [`empty_root`]s, so a 100-leaf dataset at depth 20 costs
//! about 100 + 20 hashes, and a full 2^20-leaf tree about 2^20, spread over all cores.

use crate::{
    field::{fr_hex_vec, Fr},
    poseidon::merkle_node,
    Error, Result,
};
use ff::Field;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// Deepest tree supported (2^32 leaf positions).
pub const MAX_DEPTH: u32 = 32;

/// Below this many nodes a level is hashed on one thread (scheduling costs more).
const PARALLEL_MIN_NODES: usize = 1 << 10;

static EMPTY_ROOTS: LazyLock<Vec<Fr>> = LazyLock::new(|| {
    let mut roots = vec![Fr::ZERO];
    for h in 0..MAX_DEPTH as usize {
        roots.push(merkle_node(roots[h], roots[h]));
    }
    roots
});

/// Root of an all-empty subtree of the given height (`empty_root(0) == 0`).
pub fn empty_root(height: u32) -> Fr {
    EMPTY_ROOTS[height.min(MAX_DEPTH) as usize]
}

/// A built tree: every non-empty node of every level.
#[derive(Clone, Debug)]
pub struct MerkleTree {
    depth: u32,
    /// `levels[0]` are the leaves; `levels[h][i]` is node `i` at height `h`. Level `h`
    /// holds only the nodes with at least one non-empty leaf below them.
    levels: Vec<Vec<Fr>>,
}

impl MerkleTree {
    /// Builds the tree of `depth` over `leaves` (positions `0..leaves.len()`).
    pub fn new(leaves: Vec<Fr>, depth: u32) -> Result<Self> {
        check_capacity(leaves.len(), depth)?;
        let mut levels = Vec::with_capacity(depth as usize + 1);
        levels.push(leaves);
        for h in 0..depth {
            let next = parents(&levels[h as usize], h);
            levels.push(next);
        }
        Ok(Self { depth, levels })
    }

    /// The non-empty nodes at `height` (`0` the leaves, [`Self::depth`] the root), left to
    /// right: with `height = c`, the roots of the consecutive `2^c`-leaf chunks.
    pub fn level(&self, height: u32) -> &[Fr] {
        self.levels.get(height as usize).map_or(&[], Vec::as_slice)
    }

    /// Depth (number of levels above the leaves).
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// Number of (non-empty) leaves.
    pub fn len(&self) -> usize {
        self.levels[0].len()
    }

    /// Whether the tree holds no leaves.
    pub fn is_empty(&self) -> bool {
        self.levels[0].is_empty()
    }

    /// The leaves, in order.
    pub fn leaves(&self) -> &[Fr] {
        &self.levels[0]
    }

    /// The root.
    pub fn root(&self) -> Fr {
        self.levels[self.depth as usize].first().copied().unwrap_or_else(|| empty_root(self.depth))
    }

    /// The inclusion proof of leaf `index`.
    pub fn proof(&self, index: u64) -> Result<MerkleProof> {
        if index >= self.len() as u64 {
            return Err(Error::LeafIndexOutOfRange { index, len: self.len() as u64 });
        }
        let siblings = (0..self.depth)
            .map(|h| {
                let sibling = ((index >> h) ^ 1) as usize;
                self.levels[h as usize].get(sibling).copied().unwrap_or_else(|| empty_root(h))
            })
            .collect();
        Ok(MerkleProof { index, siblings })
    }
}

/// The nodes at height `h + 1` over the non-empty nodes `below` at height `h`: a missing
/// right sibling is the empty subtree of height `h`.
fn parents(below: &[Fr], h: u32) -> Vec<Fr> {
    let pad = empty_root(h);
    let pair = |c: &[Fr]| merkle_node(c[0], c.get(1).copied().unwrap_or(pad));
    if below.len() / 2 >= PARALLEL_MIN_NODES {
        below.par_chunks(2).with_min_len(PARALLEL_MIN_NODES / 4).map(pair).collect()
    } else {
        below.chunks(2).map(pair).collect()
    }
}

/// The root of the tree of `depth` whose leftmost subtrees of `height` have the roots
/// `subtrees`, in order, and whose other positions are empty.
///
/// This is how a training set proven in chunks of `2^height` records has one root: the
/// chunks' roots are [`MerkleTree::level`]`(height)` of the whole set's tree, and this
/// combines them to its [`MerkleTree::root`], whatever the number of chunks. With one
/// subtree it extends a root with empty siblings up to `depth`.
pub fn root_of_subtrees(subtrees: &[Fr], height: u32, depth: u32) -> Result<Fr> {
    if height > depth {
        return Err(Error::DepthTooSmall { depth, leaves: 1 << height.min(63), min: height });
    }
    check_capacity(subtrees.len(), depth - height)?;
    if subtrees.is_empty() {
        return Ok(empty_root(depth));
    }
    let mut level = subtrees.to_vec();
    for h in height..depth {
        level = parents(&level, h);
    }
    Ok(level[0])
}

/// Fails unless `n` leaves fit a tree of `depth`.
pub fn check_capacity(n: usize, depth: u32) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(Error::DepthTooLarge { depth, max: MAX_DEPTH });
    }
    if (n as u128) > (1u128 << depth) {
        return Err(Error::DepthTooSmall { depth, leaves: n as u64, min: min_depth(n as u64) });
    }
    Ok(())
}

/// The smallest depth whose tree holds `n` leaves.
pub fn min_depth(n: u64) -> u32 {
    if n <= 1 {
        0
    } else {
        64 - (n - 1).leading_zeros()
    }
}

/// A Merkle path: the leaf's position and its siblings from the leaves up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerkleProof {
    /// Leaf position; bit `h` says whether the node at height `h` is a right child.
    pub index: u64,
    /// Sibling at each height, leaves first; its length is the tree depth.
    #[serde(with = "fr_hex_vec")]
    pub siblings: Vec<Fr>,
}

impl MerkleProof {
    /// The root this path leads to from `leaf`; `None` if the index does not fit the depth.
    pub fn root_from(&self, leaf: Fr) -> Option<Fr> {
        let depth = self.siblings.len() as u32;
        if depth > MAX_DEPTH || (depth < 64 && self.index >> depth != 0) {
            return None;
        }
        let root = self.siblings.iter().enumerate().fold(leaf, |node, (h, sib)| {
            if (self.index >> h) & 1 == 1 {
                merkle_node(*sib, node)
            } else {
                merkle_node(node, *sib)
            }
        });
        Some(root)
    }

    /// Whether `leaf` opens to `root` along this path.
    pub fn verify(&self, leaf: Fr, root: Fr) -> bool {
        self.root_from(leaf) == Some(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: u64) -> Vec<Fr> {
        (1..=n).map(Fr::from).collect()
    }

    #[test]
    fn small_tree_by_hand() {
        let l = leaves(3);
        let t = MerkleTree::new(l.clone(), 2).unwrap();
        let expected = merkle_node(merkle_node(l[0], l[1]), merkle_node(l[2], Fr::ZERO));
        assert_eq!(t.root(), expected);
        assert_eq!(MerkleTree::new(vec![], 2).unwrap().root(), empty_root(2));
    }

    #[test]
    fn sparse_tree_matches_dense() {
        let l = leaves(5);
        let mut dense = l.clone();
        dense.resize(16, Fr::ZERO);
        assert_eq!(
            MerkleTree::new(l, 4).unwrap().root(),
            MerkleTree::new(dense, 4).unwrap().root()
        );
    }

    #[test]
    fn capacity_errors() {
        assert!(matches!(
            MerkleTree::new(leaves(5), 2),
            Err(Error::DepthTooSmall { depth: 2, leaves: 5, min: 3 })
        ));
        assert!(matches!(MerkleTree::new(leaves(1), 33), Err(Error::DepthTooLarge { .. })));
        assert_eq!(min_depth(1), 0);
        assert_eq!(min_depth(4), 2);
        assert_eq!(min_depth(5), 3);
    }

    /// Chunked roots compose to the whole tree's root for every count around the chunk
    /// boundaries, and each leaf's inclusion proof in the whole tree does not depend on
    /// the chunking.
    #[test]
    fn chunk_roots_compose_to_the_whole_root() {
        let (c, depth) = (3u32, 12u32); // chunks of 8 leaves
        let chunk = 1usize << c;
        for n in [1, chunk - 1, chunk, chunk + 1, 2 * chunk, 3 * chunk + 5] {
            let l = leaves(n as u64);
            let whole = MerkleTree::new(l.clone(), depth).unwrap();
            let roots: Vec<Fr> =
                l.chunks(chunk).map(|ch| MerkleTree::new(ch.to_vec(), c).unwrap().root()).collect();
            assert_eq!(roots, whole.level(c), "n = {n}");
            assert_eq!(root_of_subtrees(&roots, c, depth).unwrap(), whole.root(), "n = {n}");
            for i in 0..n as u64 {
                assert!(whole.proof(i).unwrap().verify(l[i as usize], whole.root()));
            }
        }
        let one = MerkleTree::new(leaves(5), c).unwrap();
        assert_eq!(
            root_of_subtrees(&[one.root()], c, depth).unwrap(),
            MerkleTree::new(leaves(5), depth).unwrap().root(),
            "one chunk extended with empty siblings"
        );
        assert_eq!(root_of_subtrees(&[], c, depth).unwrap(), empty_root(depth));
    }

    /// Reordered, zero-padded or shifted chunks give other roots.
    #[test]
    fn tampered_chunks_change_the_root() {
        let (c, depth) = (3u32, 12u32);
        let l = leaves(20);
        let whole = MerkleTree::new(l.clone(), depth).unwrap().root();
        let roots = MerkleTree::new(l.clone(), depth).unwrap().level(c).to_vec();
        assert_eq!(roots.len(), 3);
        let combine = |r: &[Fr]| root_of_subtrees(r, c, depth).unwrap();
        assert_eq!(combine(&roots), whole);
        assert_ne!(combine(&[roots[1], roots[0], roots[2]]), whole, "two chunks swapped");
        assert_ne!(combine(&roots[..2]), whole, "the last chunk dropped");
        assert_ne!(combine(&[roots[0], roots[0], roots[1], roots[2]]), whole, "a chunk repeated");
        // The empty fourth chunk is empty_root(c), not a zero.
        assert_ne!(combine(&[roots[0], roots[1], roots[2], Fr::ZERO]), whole, "zero padding");
        assert_eq!(combine(&[roots[0], roots[1], roots[2], empty_root(c)]), whole);
        let shifted: Vec<Fr> = l[1..]
            .chunks(8)
            .map(|ch| MerkleTree::new(ch.to_vec(), c).unwrap().root())
            .chain([MerkleTree::new(vec![l[0]], c).unwrap().root()])
            .collect();
        assert_ne!(combine(&shifted), whole, "the chunks shifted by one record");
    }

    #[test]
    fn subtree_capacity_errors() {
        let r = [Fr::ONE; 5];
        assert!(matches!(root_of_subtrees(&r, 3, 5), Err(Error::DepthTooSmall { .. })));
        assert!(matches!(root_of_subtrees(&r[..1], 6, 5), Err(Error::DepthTooSmall { .. })));
        assert!(root_of_subtrees(&r[..4], 3, 5).is_ok());
    }

    #[test]
    fn index_outside_depth_is_refused() {
        let t = MerkleTree::new(leaves(4), 2).unwrap();
        let mut p = t.proof(1).unwrap();
        assert!(p.verify(Fr::from(2u64), t.root()));
        p.index += 4; // same low bits, but outside a depth-2 tree
        assert!(!p.verify(Fr::from(2u64), t.root()));
        assert!(t.proof(4).is_err());
    }
}
