// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PublicLayout} from "../../generated/PublicLayout.sol";
import {PublicStart} from "../../generated/PublicStart.sol";
import {ILineageRegistry} from "../../interfaces/ILineageRegistry.sol";
import {LineageRegistry} from "../../LineageRegistry.sol";
import {RoyaltyVault} from "../../RoyaltyVault.sol";
import {MockVerifier} from "../mocks/MockVerifier.sol";
import {ExpectedCalldata} from "./ExpectedCalldata.sol";
import {Test} from "./Test.sol";

/// @title LineageFixture
/// @notice A deployed registry and vault (wired: registration prepares the vault's ETH
///         slots) with a mock verifier on the demo profile and another on the demo-declared
///         profile, and helpers to register datasets and build attestations of both kinds.
abstract contract LineageFixture is Test {
    uint256 internal constant FIELD_MODULUS =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint32 internal constant DEMO = 1;
    uint32 internal constant STANDARD = 2;
    uint32 internal constant DEMO_DECLARED = 3;
    uint32 internal constant STANDARD_DECLARED = 4;
    uint32 internal constant DEMO_TREE = 5;
    uint32 internal constant DEMO_DECLARED_TREE = 7;

    /// @dev The model file hash of `_declaredRequest`: its high half and low half differ, and
    ///      as a number it is above the field modulus.
    bytes32 internal constant MODEL_HASH =
        0xf1e2d3c4b5a69788796a5b4c3d2e1f000f1e2d3c4b5a69788796a5b4c3d2e1ff;

    address internal owner = address(0x0A11CE);
    address internal certifier = address(0xCE27);
    address internal curator = address(0xC0C0);
    address internal publisher = address(0xB0B);
    address internal stranger = address(0x5757);

    LineageRegistry internal registry;
    RoyaltyVault internal vault;
    MockVerifier internal verifier;
    MockVerifier internal declaredVerifier;

    function setUp() public virtual {
        registry = new LineageRegistry(owner);
        vault = new RoyaltyVault(registry, owner);
        verifier = new MockVerifier();
        declaredVerifier = new MockVerifier();
        vm.startPrank(owner);
        registry.setCertifier(certifier, true);
        registry.setVerifier(DEMO, address(verifier));
        registry.setVerifier(DEMO_DECLARED, address(declaredVerifier));
        registry.setRoyaltyVault(address(vault));
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- datasets

    /// @dev `n` creators, strictly ascending, distinct per `seed`.
    function _creators(uint256 n, uint256 seed) internal pure returns (address[] memory c) {
        c = new address[](n);
        for (uint256 i = 0; i < n; ++i) {
            // forge-lint: disable-next-line(unsafe-typecast) small test values
            c[i] = address(uint160(((seed + 1) << 32) + i + 1));
        }
    }

    /// @dev `n` weights 1, 2, 3, ...
    function _weights(uint256 n) internal pure returns (uint64[] memory w) {
        w = new uint64[](n);
        for (uint256 i = 0; i < n; ++i) {
            // forge-lint: disable-next-line(unsafe-typecast) small test values
            w[i] = uint64(i + 1);
        }
    }

    function _register(uint256 root, address[] memory creators, uint64[] memory weights)
        internal
        returns (uint32 id)
    {
        vm.prank(curator);
        id = registry.registerDataset(root, 1000, "ipfs://dataset", creators, weights);
    }

    function _registerCertified(uint256 root, address[] memory creators, uint64[] memory weights)
        internal
        returns (uint32 id)
    {
        id = _register(root, creators, weights);
        vm.prank(certifier);
        registry.certify(id);
    }

    /// @dev `m` certified datasets with roots 1000+i, 3 creators each (weights 1, 2, 3).
    function _certifiedDatasets(uint256 m) internal returns (uint32[] memory ids) {
        ids = new uint32[](m);
        for (uint256 i = 0; i < m; ++i) {
            ids[i] = _registerCertified(1000 + i, _creators(3, i), _weights(3));
        }
    }

    // ---------------------------------------------------------------- vault storage

    /// @dev Slots of `RoyaltyVault`'s `_distributed` and `_claimed` mappings
    ///      (`forge inspect RoyaltyVault storageLayout`), to check what `prepare` wrote.
    uint256 internal constant DISTRIBUTED_SLOT = 2;
    uint256 internal constant CLAIMED_SLOT = 3;

    /// @dev The raw word of `_distributed[datasetId][token]`.
    function _rawDistributed(uint32 datasetId, address token) internal view returns (uint256) {
        bytes32 outer = keccak256(abi.encode(datasetId, DISTRIBUTED_SLOT));
        return uint256(vm.load(address(vault), keccak256(abi.encode(token, outer))));
    }

    /// @dev The raw word of `_claimed[datasetId][token][creator]`.
    function _rawClaimed(uint32 datasetId, address token, address creator)
        internal
        view
        returns (uint256)
    {
        bytes32 outer = keccak256(abi.encode(datasetId, CLAIMED_SLOT));
        bytes32 middle = keccak256(abi.encode(token, outer));
        return uint256(vm.load(address(vault), keccak256(abi.encode(creator, middle))));
    }

    // ---------------------------------------------------------------- attestations

    /// @dev A request naming `ids` with `counts` and fixed other public values.
    function _request(uint32[] memory ids, uint32[] memory counts)
        internal
        pure
        returns (ILineageRegistry.AttestRequest memory r)
    {
        uint256 sum;
        for (uint256 i = 0; i < counts.length; ++i) {
            sum += counts[i];
        }
        r.profileId = DEMO;
        r.datasetIds = ids;
        r.counts = counts;
        r.trainRoot = 0x1111;
        r.licenseMask = 0x3;
        // forge-lint: disable-next-line(unsafe-typecast) test counts are small
        r.nRecords = uint32(sum);
        r.w0Hash = PublicStart.zeroWeightsHash(DEMO); // the only start the registry accepts
        r.wHash = 0x3333;
        r.hyperHash = 0x4444;
        r.accumulator = new uint256[](PublicLayout.ACCUMULATOR_LEN);
        for (uint256 i = 0; i < PublicLayout.ACCUMULATOR_LEN; ++i) {
            r.accumulator[i] = 0xacc0 + i;
        }
    }

    /// @dev Counts 10, 20, 30, ... for `m` datasets.
    function _counts(uint256 m) internal pure returns (uint32[] memory counts) {
        counts = new uint32[](m);
        for (uint256 i = 0; i < m; ++i) {
            counts[i] = uint32(10 * (i + 1));
        }
    }

    function _attest(uint32[] memory ids, uint32[] memory counts) internal returns (bytes32) {
        vm.prank(publisher);
        return registry.attest(_request(ids, counts), hex"c0ffee");
    }

    /// @dev The verifier calldata the registry must send for `r` (see `ExpectedCalldata`).
    function _expectedCalldata(ILineageRegistry.AttestRequest memory r, bytes memory proof)
        internal
        view
        returns (bytes memory)
    {
        return ExpectedCalldata.proven(registry, r, proof);
    }

    /// @dev A declared request naming `ids` with `counts`, the model file's hash above the
    ///      field (each half below it) and fixed other public values.
    function _declaredRequest(uint32[] memory ids, uint32[] memory counts)
        internal
        pure
        returns (ILineageRegistry.DeclaredRequest memory r)
    {
        ILineageRegistry.AttestRequest memory p = _request(ids, counts);
        r.profileId = DEMO_DECLARED;
        r.datasetIds = p.datasetIds;
        r.counts = p.counts;
        r.trainRoot = p.trainRoot;
        r.licenseMask = p.licenseMask;
        r.nRecords = p.nRecords;
        r.modelHash = MODEL_HASH;
        r.accumulator = p.accumulator;
    }

    function _attestDeclared(uint32[] memory ids, uint32[] memory counts)
        internal
        returns (bytes32)
    {
        vm.prank(publisher);
        return registry.attestDeclared(_declaredRequest(ids, counts), hex"c0ffee");
    }

    /// @dev The verifier calldata the registry must send for the declared `r`.
    function _expectedCalldata(ILineageRegistry.DeclaredRequest memory r, bytes memory proof)
        internal
        view
        returns (bytes memory)
    {
        return ExpectedCalldata.declared(registry, r, proof);
    }

    // ---------------------------------------------------------------- outputs

    /// @dev `n` distinct output hashes.
    function _leaves(uint256 n) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            leaves[i] = keccak256(abi.encode("output", i));
        }
    }

    /// @dev The root and the proof of `index`, per OutputMerkle's convention.
    function _tree(bytes32[] memory leaves, uint256 index)
        internal
        pure
        returns (bytes32 root, bytes32[] memory proof)
    {
        bytes32[] memory level = leaves;
        bytes32[] memory siblings = new bytes32[](256);
        uint256 depth;
        while (level.length > 1) {
            uint256 width = (level.length + 1) / 2;
            bytes32[] memory next = new bytes32[](width);
            uint256 sibling = index ^ 1;
            siblings[depth] = sibling < level.length ? level[sibling] : bytes32(0);
            for (uint256 i = 0; i < width; ++i) {
                bytes32 right = 2 * i + 1 < level.length ? level[2 * i + 1] : bytes32(0);
                next[i] = keccak256(abi.encodePacked(level[2 * i], right));
            }
            level = next;
            index >>= 1;
            ++depth;
        }
        root = level[0];
        proof = new bytes32[](depth);
        for (uint256 i = 0; i < depth; ++i) {
            proof[i] = siblings[i];
        }
    }

    // ---------------------------------------------------------------- arrays

    function _ids(uint32 a) internal pure returns (uint32[] memory ids) {
        ids = new uint32[](1);
        ids[0] = a;
    }

    function _ids(uint32 a, uint32 b) internal pure returns (uint32[] memory ids) {
        ids = new uint32[](2);
        ids[0] = a;
        ids[1] = b;
    }

    function _u32(uint32 a) internal pure returns (uint32[] memory xs) {
        xs = new uint32[](1);
        xs[0] = a;
    }

    function _u32(uint32 a, uint32 b) internal pure returns (uint32[] memory xs) {
        xs = new uint32[](2);
        xs[0] = a;
        xs[1] = b;
    }
}
