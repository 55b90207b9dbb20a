//! The keccak Merkle tree of an output batch, exactly as `contracts/libraries/OutputMerkle.sol`
//! checks it: leaves are the outputs' content hashes in order; each level is padded with
//! a zero word to an even length and pairs are hashed as `keccak256(left ‖ right)`; the
//! proof of leaf `i` has `treeDepth(count)` siblings.

use alloy::primitives::{keccak256, B256};

fn parents(level: &[B256]) -> Vec<B256> {
    level
        .chunks(2)
        .map(|pair| {
            let right = pair.get(1).copied().unwrap_or(B256::ZERO);
            keccak256([pair[0].as_slice(), right.as_slice()].concat())
        })
        .collect()
}

/// The batch root of `leaves` (zero for an empty batch, which the registry refuses).
pub fn root(leaves: &[B256]) -> B256 {
    let mut level = leaves.to_vec();
    if level.is_empty() {
        return B256::ZERO;
    }
    while level.len() > 1 {
        level = parents(&level);
    }
    level[0]
}

/// The siblings from leaf `index` up to the root (empty if `index` is out of range).
pub fn proof(leaves: &[B256], mut index: usize) -> Vec<B256> {
    if index >= leaves.len() {
        return Vec::new();
    }
    let mut level = leaves.to_vec();
    let mut siblings = Vec::new();
    while level.len() > 1 {
        siblings.push(level.get(index ^ 1).copied().unwrap_or(B256::ZERO));
        level = parents(&level);
        index >>= 1;
    }
    siblings
}

/// Whether `leaf` at `index` with `proof` hashes up to `root` (`OutputMerkle.verify`).
pub fn verify(root: B256, leaf: B256, index: usize, proof: &[B256]) -> bool {
    if proof.len() < usize::BITS as usize && index >> proof.len() != 0 {
        return false;
    }
    let node = proof.iter().enumerate().fold(leaf, |node, (level, sibling)| {
        if (index >> level) & 1 == 0 {
            keccak256([node.as_slice(), sibling.as_slice()].concat())
        } else {
            keccak256([sibling.as_slice(), node.as_slice()].concat())
        }
    });
    node == root
}

#[cfg(test)]
mod tests {
    use super::*;

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
