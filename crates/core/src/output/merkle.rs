//! The keccak Merkle tree of an anchored batch, exactly as `contracts/libraries/OutputMerkle.sol`.
//!
//! - Leaves are in batch order. A version-1 leaf is the output's 32-byte content hash, used
//!   as it is; a version-2 leaf also commits to its PDQ fingerprint, [`leaf_v2`]. Its
//!   87-byte preimage has a domain prefix, so it is never a node's 64-byte one.
//! - A node is `keccak256(left || right)`; pairs are ordered by position, not sorted.
//! - While a level holds more than one node, an odd level is padded with one `0x00..00`
//!   node before pairing, so an empty subtree counts as zero at every level.
//! - A batch of `n >= 1` has depth `ceil(log2 n)`; every proof has exactly that many
//!   siblings, leaf level first. A batch of one has depth 0: the root is the leaf.

use super::{Error, Result};
use alloy_primitives::{keccak256, B256};

/// The depth of the tree over `count` leaves: `ceil(log2(count))`, and 0 for 0 or 1
/// (`OutputMerkle.treeDepth`). Every proof in such a batch has this many siblings.
pub const fn tree_depth(count: u64) -> u32 {
    if count <= 1 {
        0
    } else {
        u64::BITS - (count - 1).leading_zeros()
    }
}

/// Domain prefix of a version-2 leaf ([`leaf_v2`]), `OutputMerkle.LEAF_V2_DOMAIN`.
pub const LEAF_V2_DOMAIN: &[u8] = b"lineage.output.leaf.v2\0";

/// A version-2 leaf: `keccak256(LEAF_V2_DOMAIN || content_hash || perceptual_hash)`, the
/// output's content hash and its PDQ fingerprint (`OutputMerkle.leafV2`).
pub fn leaf_v2(content_hash: &B256, perceptual_hash: &B256) -> B256 {
    let mut buf = [0u8; LEAF_V2_DOMAIN.len() + 64];
    buf[..LEAF_V2_DOMAIN.len()].copy_from_slice(LEAF_V2_DOMAIN);
    buf[LEAF_V2_DOMAIN.len()..][..32].copy_from_slice(content_hash.as_slice());
    buf[LEAF_V2_DOMAIN.len() + 32..].copy_from_slice(perceptual_hash.as_slice());
    keccak256(buf)
}

/// An inner node: `keccak256(left || right)`.
pub fn node(left: &B256, right: &B256) -> B256 {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(left.as_slice());
    buf[32..].copy_from_slice(right.as_slice());
    keccak256(buf)
}

/// The batch tree with all its levels kept, to hand out a proof per leaf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputTree {
    /// `levels[0]` are the leaves, the last level is `[root]`; levels are stored unpadded.
    levels: Vec<Vec<B256>>,
}

impl OutputTree {
    /// Builds the tree over `leaves` (the outputs' content hashes in batch order).
    ///
    /// # Errors
    /// [`Error::EmptyBatch`] when there are no leaves.
    pub fn new(leaves: Vec<B256>) -> Result<Self> {
        if leaves.is_empty() {
            return Err(Error::EmptyBatch);
        }
        let mut levels = vec![leaves];
        while let Some(level) = levels.last().filter(|l| l.len() > 1) {
            let next = level
                .chunks(2)
                .map(|pair| node(&pair[0], pair.get(1).unwrap_or(&B256::ZERO)))
                .collect();
            levels.push(next);
        }
        Ok(Self { levels })
    }

    /// The root anchored on-chain.
    pub fn root(&self) -> B256 {
        self.levels.last().and_then(|l| l.first()).copied().unwrap_or_default()
    }

    /// The leaves, in batch order.
    pub fn leaves(&self) -> &[B256] {
        &self.levels[0]
    }

    /// The number of leaves: the batch's `count`.
    pub fn count(&self) -> u64 {
        self.leaves().len() as u64
    }

    /// The tree's depth, [`tree_depth`] of [`Self::count`].
    pub fn depth(&self) -> u32 {
        (self.levels.len() - 1) as u32
    }

    /// The siblings from the leaf level up for leaf `index`: [`Self::depth`] of them.
    ///
    /// # Errors
    /// [`Error::LeafIndexOutOfRange`] when `index >= count`.
    pub fn proof(&self, index: u64) -> Result<Vec<B256>> {
        if index >= self.count() {
            return Err(Error::LeafIndexOutOfRange { index, count: self.count() });
        }
        let mut i = index as usize;
        let proof = self.levels[..self.levels.len() - 1]
            .iter()
            .map(|level| {
                let sibling = level.get(i ^ 1).copied().unwrap_or(B256::ZERO);
                i >>= 1;
                sibling
            })
            .collect();
        Ok(proof)
    }
}

/// The root that `leaf` at position `index` with siblings `proof` leads to
/// (`OutputMerkle.computeRoot`): at level `k` the running node is the right child when bit
/// `k` of `index` is 1.
///
/// # Errors
/// [`Error::ProofIndexOutOfRange`] when `index >= 2^proof.len()`, as the library reverts.
pub fn compute_root(leaf: B256, index: u64, proof: &[B256]) -> Result<B256> {
    if proof.len() < 64 && index >> proof.len() != 0 {
        return Err(Error::ProofIndexOutOfRange { index, depth: proof.len() });
    }
    Ok(proof.iter().enumerate().fold(leaf, |acc, (level, sibling)| {
        if level < 64 && (index >> level) & 1 == 1 {
            node(sibling, &acc)
        } else {
            node(&acc, sibling)
        }
    }))
}

/// Whether `leaf` is output `index` of the batch of `count` outputs with root `root`,
/// with the checks of `LineageRegistry.verifyOutput`: `index < count`, exactly
/// [`tree_depth`]`(count)` siblings, and the proof leading to `root`.
pub fn verify_proof(root: B256, leaf: B256, index: u64, count: u64, proof: &[B256]) -> bool {
    index < count
        && proof.len() == tree_depth(count) as usize
        && compute_root(leaf, index, proof).is_ok_and(|r| r == root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{b256, U256};
    use proptest::prelude::*;

    #[test]
    fn leaf_v2_is_pinned_and_never_a_node() {
        let (c, p) = (B256::from(U256::from(1)), B256::from(U256::from(2)));
        // `cast keccak` of the domain's bytes, then c, then p; also pinned in
        // OutputMerkle.t.sol and the TypeScript package (vectors/merkle.json).
        assert_eq!(
            leaf_v2(&c, &p),
            b256!("e13e5ca4d7641df02fa6919d6874cf06343b00781f6e7a962e6b3a7b0eb2c785")
        );
        assert_eq!(
            node(&c, &p),
            b256!("e90b7bceb6e7df5418fb78d8ee546e97c83a08bbccc01a0644d599ccd2a7c2e0")
        );
        assert_ne!(leaf_v2(&c, &p), leaf_v2(&p, &c));
    }

    /// `bytes32(uint256(i + 1))` for `i` in `0..n`, as the Solidity tests' `_leaves`.
    fn counting_leaves(n: u64) -> Vec<B256> {
        (1..=n).map(|i| B256::from(U256::from(i))).collect()
    }

    /// Distinct leaves from a seed, as the Solidity tests' `_randomLeaves`.
    fn random_leaves(seed: B256, n: u64) -> Vec<B256> {
        (0..n)
            .map(|i| {
                let mut buf = [0u8; 64];
                buf[..32].copy_from_slice(seed.as_slice());
                buf[32..].copy_from_slice(&U256::from(i).to_be_bytes::<32>());
                keccak256(buf)
            })
            .collect()
    }

    // Roots pinned in contracts/test/libraries/OutputMerkle.t.sol (computed there with
    // js-sha3 over the documented convention and checked against the library).

    #[test]
    fn pinned_root_one_leaf_is_the_leaf() {
        let tree = OutputTree::new(counting_leaves(1)).unwrap();
        assert_eq!(tree.root(), B256::from(U256::from(1)));
        assert_eq!(tree.depth(), 0);
        assert!(tree.proof(0).unwrap().is_empty());
        assert!(verify_proof(tree.root(), tree.root(), 0, 1, &[]));
    }

    #[test]
    fn pinned_root_two_leaves() {
        let tree = OutputTree::new(counting_leaves(2)).unwrap();
        assert_eq!(
            tree.root(),
            b256!("e90b7bceb6e7df5418fb78d8ee546e97c83a08bbccc01a0644d599ccd2a7c2e0")
        );
    }

    #[test]
    fn pinned_root_three_leaves_pads_odd_level_with_zero() {
        let tree = OutputTree::new(counting_leaves(3)).unwrap();
        assert_eq!(
            tree.root(),
            b256!("222ff5e0b5877792c2bc1670e2ccd0c2c97cd7bb1672a57d598db05092d3d72c")
        );
        // The padding is a zero node, not a duplicated leaf.
        let leaves = counting_leaves(3);
        let expected = node(&node(&leaves[0], &leaves[1]), &node(&leaves[2], &B256::ZERO));
        assert_eq!(tree.root(), expected);
    }

    #[test]
    fn pinned_root_five_leaves_and_every_proof_verifies() {
        let tree = OutputTree::new(counting_leaves(5)).unwrap();
        let root = b256!("6a050b9a96b993dfde3b68feea9a64f73cf7d2551878af1887c0a5da5dcedb53");
        assert_eq!(tree.root(), root);
        for (i, leaf) in tree.leaves().iter().enumerate() {
            let proof = tree.proof(i as u64).unwrap();
            assert_eq!(proof.len(), 3);
            assert!(verify_proof(root, *leaf, i as u64, 5, &proof));
        }
    }

    #[test]
    fn pairs_are_ordered_by_index_not_sorted() {
        let (a, b) = (B256::from(U256::from(1)), B256::from(U256::from(2)));
        let root = node(&a, &b);
        assert!(verify_proof(root, a, 0, 2, &[b]));
        assert!(!verify_proof(root, a, 1, 2, &[b]));
        assert!(verify_proof(root, b, 1, 2, &[a]));
        assert!(!verify_proof(root, b, 0, 2, &[a]));
    }

    #[test]
    fn tree_depth_matches_solidity() {
        for (n, d) in [(0, 0), (1, 0), (2, 1), (3, 2), (4, 2), (5, 3), (16, 4), (17, 5)] {
            assert_eq!(tree_depth(n), d, "treeDepth({n})");
        }
        assert_eq!(tree_depth(u64::MAX), 64);
        assert_eq!(tree_depth(1 << 63), 63);
        assert_eq!(tree_depth((1 << 63) + 1), 64);
    }

    #[test]
    fn index_out_of_range_errors_like_the_library() {
        let leaf = B256::from(U256::from(1));
        assert!(matches!(
            compute_root(leaf, 1, &[]),
            Err(Error::ProofIndexOutOfRange { index: 1, depth: 0 })
        ));
        assert!(matches!(
            compute_root(leaf, 4, &[B256::ZERO; 2]),
            Err(Error::ProofIndexOutOfRange { index: 4, depth: 2 })
        ));
        assert!(!verify_proof(B256::ZERO, leaf, 4, 4, &[B256::ZERO; 2]));
        assert!(matches!(
            OutputTree::new(counting_leaves(3)).unwrap().proof(3),
            Err(Error::LeafIndexOutOfRange { index: 3, count: 3 })
        ));
        assert!(matches!(OutputTree::new(vec![]), Err(Error::EmptyBatch)));
    }

    #[test]
    fn padded_positions_and_short_proofs_are_rejected() {
        let tree = OutputTree::new(counting_leaves(5)).unwrap();
        let root = tree.root();
        // Position 5 of depth 3 is padding (zero): a zero leaf there must not pass.
        let proof5 = {
            let mut p = tree.proof(4).unwrap();
            p[0] = tree.leaves()[4];
            p
        };
        assert_eq!(compute_root(B256::ZERO, 5, &proof5).unwrap(), root);
        assert!(!verify_proof(root, B256::ZERO, 5, 5, &proof5));
        // An inner node with a shortened proof must not pass as a leaf.
        let inner = node(&tree.leaves()[0], &tree.leaves()[1]);
        let short = tree.proof(0).unwrap()[1..].to_vec();
        assert_eq!(compute_root(inner, 0, &short).unwrap(), root);
        assert!(!verify_proof(root, inner, 0, 5, &short));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Every leaf's proof verifies, and the root matches an independent level-by-level
        /// construction (the Solidity tests' `_root`).
        #[test]
        fn every_proof_verifies(seed in any::<[u8; 32]>(), n in 1u64..=40) {
            let leaves = random_leaves(B256::from(seed), n);
            let tree = OutputTree::new(leaves.clone()).unwrap();
            let mut level = leaves.clone();
            while level.len() > 1 {
                if level.len() % 2 == 1 {
                    level.push(B256::ZERO);
                }
                level = level.chunks(2).map(|p| node(&p[0], &p[1])).collect();
            }
            prop_assert_eq!(tree.root(), level[0]);
            prop_assert_eq!(tree.depth(), tree_depth(n));
            for (i, leaf) in leaves.iter().enumerate() {
                let proof = tree.proof(i as u64).unwrap();
                prop_assert_eq!(proof.len(), tree_depth(n) as usize);
                prop_assert!(verify_proof(tree.root(), *leaf, i as u64, n, &proof));
            }
        }

        /// Any flipped bit in a sibling, the leaf or the root is rejected.
        #[test]
        fn flipped_bits_are_rejected(
            seed in any::<[u8; 32]>(), n in 2u64..=40, pick in any::<u64>(),
            level in any::<usize>(), bit in 0usize..256, what in 0u8..3,
        ) {
            let leaves = random_leaves(B256::from(seed), n);
            let tree = OutputTree::new(leaves.clone()).unwrap();
            let index = pick % n;
            let mut proof = tree.proof(index).unwrap();
            let (mut leaf, mut root) = (leaves[index as usize], tree.root());
            let flip = |x: &mut B256| x.0[bit / 8] ^= 1 << (bit % 8);
            match what {
                0 => { let l = level % proof.len(); flip(&mut proof[l]) }
                1 => flip(&mut leaf),
                _ => flip(&mut root),
            }
            prop_assert!(!verify_proof(root, leaf, index, n, &proof));
        }

        /// Any other index, padded positions and positions past the depth included, is rejected.
        #[test]
        fn wrong_index_is_rejected(
            seed in any::<[u8; 32]>(), n in 2u64..=40, pick in any::<u64>(), other in any::<u64>(),
        ) {
            let leaves = random_leaves(B256::from(seed), n);
            let tree = OutputTree::new(leaves.clone()).unwrap();
            let index = pick % n;
            let proof = tree.proof(index).unwrap();
            let other = if other % 2 == 0 { other % (1 << tree.depth()) } else { other };
            prop_assume!(other != index);
            prop_assert!(!verify_proof(tree.root(), leaves[index as usize], other, n, &proof));
        }
    }
}
