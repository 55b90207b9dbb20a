// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title OutputMerkle
/// @notice Inclusion proofs for the keccak Merkle tree that anchors a batch of generated
///         outputs on-chain (`anchorOutputs(modelId, batchRoot, count, uri)`).
/// @dev The tree, exactly (the Rust side must build the same; the tests pin known roots):
///      - Leaves are in batch order; leaf `i` has index `i`. A version-1 leaf is the
///        output's 32-byte content hash, used as it is (not re-hashed). A version-2 leaf
///        also commits to the output's PDQ fingerprint: `leafV2(contentHash,
///        perceptualHash)`, whose 87-byte preimage starts with `LEAF_V2_DOMAIN` and so is
///        never a node's 64-byte one. The receipt says which version a leaf is; the tree
///        and `verify` take either as given.
///      - A node is `keccak256(abi.encodePacked(left, right))`. Pairs are ordered by
///        position, NOT sorted: at level `k` (leaves are level 0) the running node is the
///        right child when bit `k` of the index is 1, the left child when it is 0.
///      - Building: start from the leaves; while a level holds more than one node, append
///        `bytes32(0)` to it if its length is odd, then hash adjacent pairs into the next
///        level. An empty subtree thus counts as `bytes32(0)` at every level (the leaf
///        level is not padded with zero leaves that are then hashed).
///      - A batch of `n >= 1` outputs has depth `treeDepth(n) = ceil(log2(n))` and every
///        proof has exactly that many siblings, ordered from the leaf level up. A batch of
///        one output has depth 0: its root is the leaf and its proof is empty.
///      - Callers must pin the proof length to `treeDepth(count)` and check
///        `index < count`: a shorter proof would let an inner node pass as a leaf, and the
///        padded positions (`count <= index < 2**depth`) hold `bytes32(0)`.
library OutputMerkle {
    // ---------------------------------------------------------------- errors

    /// @notice `index` does not fit in a tree of `depth` levels (it must be `< 2**depth`).
    /// @param index The leaf index given.
    /// @param depth The proof length given.
    error OutputMerkleIndexOutOfRange(uint256 index, uint256 depth);

    // ---------------------------------------------------------------- constants

    /// @notice The domain prefix of a version-2 leaf, NUL included.
    bytes internal constant LEAF_V2_DOMAIN = "lineage.output.leaf.v2\x00";

    // ---------------------------------------------------------------- internal

    /// @notice A version-2 leaf: `keccak256(LEAF_V2_DOMAIN || contentHash || perceptualHash)`.
    /// @param contentHash The output's content hash.
    /// @param perceptualHash The output's PDQ fingerprint, as its receipt carries it.
    /// @return The leaf to pass as `outputHash` to `verifyOutput`.
    function leafV2(bytes32 contentHash, bytes32 perceptualHash) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(LEAF_V2_DOMAIN, contentHash, perceptualHash));
    }

    /// @notice The root that `leaf` at position `index` with the siblings `proof` leads to.
    /// @param leaf The leaf: an output's content hash.
    /// @param index The leaf's position in the batch; its bits choose left or right per level.
    /// @param proof The sibling at each level, leaf level first.
    /// @return node The computed root.
    /// @custom:reverts OutputMerkleIndexOutOfRange when `index >= 2**proof.length`.
    function computeRoot(bytes32 leaf, uint256 index, bytes32[] calldata proof)
        internal
        pure
        returns (bytes32 node)
    {
        // A shift by 256 or more gives 0 in Solidity, so any index fits a proof that long.
        if (index >> proof.length != 0) revert OutputMerkleIndexOutOfRange(index, proof.length);
        node = leaf;
        for (uint256 level = 0; level < proof.length; ++level) {
            node = (index >> level) & 1 == 0
                ? keccak256(abi.encodePacked(node, proof[level]))
                : keccak256(abi.encodePacked(proof[level], node));
        }
    }

    /// @notice Whether `leaf` sits at position `index` of the tree with root `root`.
    /// @dev See the library's notes: callers also check the proof length and `index`
    ///      against the batch's count.
    /// @param root The anchored batch root.
    /// @param leaf The leaf: an output's content hash.
    /// @param index The leaf's position in the batch.
    /// @param proof The sibling at each level, leaf level first.
    /// @return True when the proof leads to `root`.
    /// @custom:reverts OutputMerkleIndexOutOfRange when `index >= 2**proof.length`.
    function verify(bytes32 root, bytes32 leaf, uint256 index, bytes32[] calldata proof)
        internal
        pure
        returns (bool)
    {
        return computeRoot(leaf, index, proof) == root;
    }

    /// @notice The depth of the tree over `leafCount` leaves: `ceil(log2(leafCount))`, and 0
    ///         for 0 or 1 leaves. It is the length every proof in that batch has.
    /// @param leafCount The number of leaves in the batch.
    /// @return depth The number of levels above the leaves.
    function treeDepth(uint256 leafCount) internal pure returns (uint256 depth) {
        while (depth < 256 && (uint256(1) << depth) < leafCount) ++depth;
    }
}
