// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {OutputMerkle} from "../../libraries/OutputMerkle.sol";
import {Test} from "../utils/Test.sol";

/// @dev Exposes the library's internal functions; calling it externally turns the tests'
///      memory proofs into the calldata the library takes.
contract OutputMerkleHarness {
    function computeRoot(bytes32 leaf, uint256 index, bytes32[] calldata proof)
        external
        pure
        returns (bytes32)
    {
        return OutputMerkle.computeRoot(leaf, index, proof);
    }

    function verify(bytes32 root, bytes32 leaf, uint256 index, bytes32[] calldata proof)
        external
        pure
        returns (bool)
    {
        return OutputMerkle.verify(root, leaf, index, proof);
    }

    function treeDepth(uint256 leafCount) external pure returns (uint256) {
        return OutputMerkle.treeDepth(leafCount);
    }

    function leafV2(bytes32 contentHash, bytes32 perceptualHash) external pure returns (bytes32) {
        return OutputMerkle.leafV2(contentHash, perceptualHash);
    }
}

contract OutputMerkleTest is Test {
    OutputMerkleHarness internal harness;

    uint256 internal constant MAX_LEAVES = 16;

    function setUp() public {
        harness = new OutputMerkleHarness();
    }

    // ---------------------------------------------------------------- known answers
    // Leaves are bytes32(uint256(1)), bytes32(uint256(2)), ...; the roots were computed
    // independently (js-sha3 keccak256 over the documented convention). The Rust side
    // should pin the same vectors.

    // Version-2 leaves: pinned with `cast keccak` over the domain, the content hash and the
    // fingerprint, and against the shared vectors (crates/core/tests/vectors/merkle.json).
    function test_leafV2_knownAnswers() public view {
        assertEq(
            harness.leafV2(bytes32(uint256(1)), bytes32(uint256(2))),
            0xe13e5ca4d7641df02fa6919d6874cf06343b00781f6e7a962e6b3a7b0eb2c785
        );
        assertEq(
            harness.leafV2(
                0x9c1c303f9b0ed0ebaa7717739d79a0b7eee67922dc8d55fb85f0f13a50e080a4,
                0xbc36789e7a1e281436464229828f817d6612f7b477d66591ff96a9e064bcc98a
            ),
            0xbd87e9576311041c51e78231a43210f50ae1dc2d4f7b1a02c9af6c68666c457f
        );
    }

    function testFuzz_leafV2_isNeverTheNodeOfTheSamePair(bytes32 c, bytes32 p) public view {
        bytes32 leaf = harness.leafV2(c, p);
        assertTrue(leaf != keccak256(abi.encodePacked(c, p)));
        if (c != p) assertTrue(leaf != harness.leafV2(p, c));
    }

    function test_knownRoot_oneLeafIsTheLeaf() public view {
        bytes32[] memory leaves = _leaves(1);
        assertEq(_root(leaves), leaves[0]);
        assertEq(harness.computeRoot(leaves[0], 0, new bytes32[](0)), leaves[0]);
    }

    function test_knownRoot_twoLeaves() public pure {
        bytes32 expected = 0xe90b7bceb6e7df5418fb78d8ee546e97c83a08bbccc01a0644d599ccd2a7c2e0;
        assertEq(expected, keccak256(abi.encodePacked(bytes32(uint256(1)), bytes32(uint256(2)))));
        assertEq(_root(_leaves(2)), expected);
    }

    function test_knownRoot_threeLeavesPadsOddLevelWithZero() public pure {
        bytes32 expected = 0x222ff5e0b5877792c2bc1670e2ccd0c2c97cd7bb1672a57d598db05092d3d72c;
        bytes32 left = keccak256(abi.encodePacked(bytes32(uint256(1)), bytes32(uint256(2))));
        bytes32 right = keccak256(abi.encodePacked(bytes32(uint256(3)), bytes32(0)));
        assertEq(expected, keccak256(abi.encodePacked(left, right)));
        assertEq(_root(_leaves(3)), expected);
    }

    function test_knownRoot_fiveLeaves() public view {
        bytes32 expected = 0x6a050b9a96b993dfde3b68feea9a64f73cf7d2551878af1887c0a5da5dcedb53;
        bytes32[] memory leaves = _leaves(5);
        assertEq(_root(leaves), expected);
        for (uint256 i = 0; i < leaves.length; ++i) {
            assertTrue(harness.verify(expected, leaves[i], i, _proof(leaves, i)));
        }
    }

    // ---------------------------------------------------------------- unit

    function test_verify_pairsAreOrderedByIndexNotSorted() public view {
        bytes32 a = bytes32(uint256(1));
        bytes32 b = bytes32(uint256(2));
        bytes32 root = keccak256(abi.encodePacked(a, b));
        bytes32[] memory proof = new bytes32[](1);

        proof[0] = b;
        assertTrue(harness.verify(root, a, 0, proof), "a is the left leaf");
        assertFalse(harness.verify(root, a, 1, proof), "a is not the right leaf");

        proof[0] = a;
        assertTrue(harness.verify(root, b, 1, proof), "b is the right leaf");
        assertFalse(harness.verify(root, b, 0, proof), "b is not the left leaf");
    }

    function test_computeRoot_acceptsLastIndexOfDepth() public view {
        bytes32[] memory leaves = _leaves(MAX_LEAVES);
        uint256 last = MAX_LEAVES - 1;
        assertEq(harness.computeRoot(leaves[last], last, _proof(leaves, last)), _root(leaves));
    }

    function test_treeDepth() public view {
        assertEq(harness.treeDepth(0), 0);
        assertEq(harness.treeDepth(1), 0);
        assertEq(harness.treeDepth(2), 1);
        assertEq(harness.treeDepth(3), 2);
        assertEq(harness.treeDepth(4), 2);
        assertEq(harness.treeDepth(5), 3);
        assertEq(harness.treeDepth(16), 4);
        assertEq(harness.treeDepth(17), 5);
        assertEq(harness.treeDepth(type(uint256).max), 256);
    }

    function test_revertWhen_indexOutOfRange() public {
        bytes32 leaf = bytes32(uint256(1));

        vm.expectRevert(
            abi.encodeWithSelector(OutputMerkle.OutputMerkleIndexOutOfRange.selector, 1, 0)
        );
        harness.computeRoot(leaf, 1, new bytes32[](0));

        vm.expectRevert(
            abi.encodeWithSelector(OutputMerkle.OutputMerkleIndexOutOfRange.selector, 4, 2)
        );
        harness.verify(bytes32(0), leaf, 4, new bytes32[](2));
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_everyLeafVerifies(bytes32 seed, uint256 count) public view {
        count = bound(count, 1, MAX_LEAVES);
        bytes32[] memory leaves = _randomLeaves(seed, count);
        bytes32 root = _root(leaves);
        for (uint256 i = 0; i < count; ++i) {
            bytes32[] memory proof = _proof(leaves, i);
            assertEq(proof.length, harness.treeDepth(count), "proof length");
            assertEq(harness.computeRoot(leaves[i], i, proof), root);
            assertTrue(harness.verify(root, leaves[i], i, proof));
        }
    }

    function testFuzz_rejectsFlippedProofElement(
        bytes32 seed,
        uint256 count,
        uint256 index,
        uint256 level,
        uint8 bit
    ) public view {
        count = bound(count, 2, MAX_LEAVES);
        index = bound(index, 0, count - 1);
        bytes32[] memory leaves = _randomLeaves(seed, count);
        bytes32[] memory proof = _proof(leaves, index);
        level = bound(level, 0, proof.length - 1);

        proof[level] ^= bytes32(uint256(1) << bit);
        assertFalse(harness.verify(_root(leaves), leaves[index], index, proof));
    }

    function testFuzz_rejectsWrongLeaf(bytes32 seed, uint256 count, uint256 index, bytes32 other)
        public
        view
    {
        count = bound(count, 1, MAX_LEAVES);
        index = bound(index, 0, count - 1);
        bytes32[] memory leaves = _randomLeaves(seed, count);
        vm.assume(other != leaves[index]);
        assertFalse(harness.verify(_root(leaves), other, index, _proof(leaves, index)));
    }

    function testFuzz_rejectsWrongIndex(bytes32 seed, uint256 count, uint256 index, uint256 other)
        public
        view
    {
        count = bound(count, 2, MAX_LEAVES);
        index = bound(index, 0, count - 1);
        bytes32[] memory leaves = _randomLeaves(seed, count);
        bytes32[] memory proof = _proof(leaves, index);
        // Any other index the proof's depth admits, padded positions included.
        other = bound(other, 0, (uint256(1) << proof.length) - 1);
        vm.assume(other != index);
        assertFalse(harness.verify(_root(leaves), leaves[index], other, proof));
    }

    function testFuzz_revertWhen_indexOutOfRange(uint256 index, uint256 depth) public {
        depth = bound(depth, 0, 64);
        index = bound(index, uint256(1) << depth, type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(OutputMerkle.OutputMerkleIndexOutOfRange.selector, index, depth)
        );
        harness.verify(bytes32(0), bytes32(0), index, new bytes32[](depth));
    }

    // ---------------------------------------------------------------- reference tree
    // An independent, level-by-level construction of the documented tree.

    function _leaves(uint256 count) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            leaves[i] = bytes32(i + 1);
        }
    }

    /// @dev Distinct, non-zero leaves derived from `seed`.
    function _randomLeaves(bytes32 seed, uint256 count)
        internal
        pure
        returns (bytes32[] memory leaves)
    {
        leaves = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            leaves[i] = keccak256(abi.encode(seed, i));
        }
    }

    /// @dev The next level up: `level` padded with `bytes32(0)` to an even length, pairs hashed.
    function _parents(bytes32[] memory level) internal pure returns (bytes32[] memory parents) {
        parents = new bytes32[]((level.length + 1) / 2);
        for (uint256 i = 0; i < parents.length; ++i) {
            bytes32 right = 2 * i + 1 < level.length ? level[2 * i + 1] : bytes32(0);
            parents[i] = keccak256(abi.encodePacked(level[2 * i], right));
        }
    }

    function _root(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            level = _parents(level);
        }
        return level[0];
    }

    function _proof(bytes32[] memory leaves, uint256 index)
        internal
        pure
        returns (bytes32[] memory proof)
    {
        uint256 depth = 0;
        while ((uint256(1) << depth) < leaves.length) ++depth;
        proof = new bytes32[](depth);
        bytes32[] memory level = leaves;
        for (uint256 k = 0; k < depth; ++k) {
            uint256 sibling = index ^ 1;
            proof[k] = sibling < level.length ? level[sibling] : bytes32(0);
            level = _parents(level);
            index >>= 1;
        }
    }
}
