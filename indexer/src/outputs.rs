//! The keccak Merkle tree of an output batch, exactly as `contracts/libraries/OutputMerkle.sol`
//! checks it: `lineage_core::output`'s tree (the one `lineage anchor` builds), wrapped for
//! the indexer's use: leaves are the outputs' content hashes in order; each level is padded
//! with a zero word to an even length and pairs are hashed as `keccak256(left ‖ right)`.

use alloy::primitives::B256;
use lineage_core::output::OutputTree;

/// The batch root of `leaves` (zero for an empty batch, which the registry refuses).
pub fn root(leaves: &[B256]) -> B256 {
    OutputTree::new(leaves.to_vec()).map(|t| t.root()).unwrap_or(B256::ZERO)
}

/// The siblings from leaf `index` up to the root (empty if `index` is out of range).
pub fn proof(leaves: &[B256], index: usize) -> Vec<B256> {
    OutputTree::new(leaves.to_vec()).and_then(|t| t.proof(index as u64)).unwrap_or_default()
}

/// Whether `leaf` at `index` with `proof` hashes up to `root` (`OutputMerkle.verify`).
pub fn verify(root: B256, leaf: B256, index: usize, proof: &[B256]) -> bool {
    lineage_core::output::compute_root(leaf, index as u64, proof).is_ok_and(|r| r == root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::keccak256;

    fn leaves(n: usize) -> Vec<B256> {
        (0..n).map(|i| keccak256((i as u64).to_be_bytes())).collect()
    }

    #[test]
    fn every_leaf_proves_against_the_root() {
        for n in 1..=9 {
            let l = leaves(n);
            let r = root(&l);
            for (i, leaf) in l.iter().enumerate() {
                let p = proof(&l, i);
                assert_eq!(p.len(), (n as f64).log2().ceil() as usize, "depth for {n} leaves");
                assert!(verify(r, *leaf, i, &p), "leaf {i} of {n}");
                assert!(!verify(r, B256::repeat_byte(1), i, &p));
            }
        }
    }

    #[test]
    fn odd_levels_are_padded_with_zero() {
        let l = leaves(3);
        let left = keccak256([l[0].as_slice(), l[1].as_slice()].concat());
        let right = keccak256([l[2].as_slice(), B256::ZERO.as_slice()].concat());
        assert_eq!(root(&l), keccak256([left.as_slice(), right.as_slice()].concat()));
        assert_eq!(root(&l[..1]), l[0]);
    }
}
