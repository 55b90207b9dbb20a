// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PublicLayout} from "../../generated/PublicLayout.sol";
import {PublicStart} from "../../generated/PublicStart.sol";
import {ILineageRegistry} from "../../interfaces/ILineageRegistry.sol";
import {LineageRegistry} from "../../LineageRegistry.sol";
import {RoyaltyVault} from "../../RoyaltyVault.sol";
import {MockVerifier} from "../mocks/MockVerifier.sol";
import {Test} from "./Test.sol";

/// @title LineageFixture
/// @notice A deployed registry and vault (wired: registration prepares the vault's ETH
///         slots) with a mock verifier on the demo profile, and helpers
///         to register datasets and build attestations.
abstract contract LineageFixture is Test {
    uint256 internal constant FIELD_MODULUS =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint32 internal constant DEMO = 1;
    uint32 internal constant STANDARD = 2;

    address internal owner = address(0x0A11CE);
    address internal certifier = address(0xCE27);
    address internal curator = address(0xC0C0);
    address internal publisher = address(0xB0B);
    address internal stranger = address(0x5757);

    LineageRegistry internal registry;
    RoyaltyVault internal vault;
    MockVerifier internal verifier;

    function setUp() public virtual {
        registry = new LineageRegistry(owner);
        vault = new RoyaltyVault(registry, owner);
        verifier = new MockVerifier();
        vm.startPrank(owner);
        registry.setCertifier(certifier, true);
        registry.setVerifier(DEMO, address(verifier));
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

    /// @dev The verifier calldata the registry must send, built here independently from the
    ///      layout: the public values as words, unused slots 0, then the proof.
    function _expectedCalldata(ILineageRegistry.AttestRequest memory r, bytes memory proof)
        internal
        view
        returns (bytes memory)
    {
        uint256[] memory words = new uint256[](PublicLayout.LEN);
        for (uint256 i = 0; i < PublicLayout.ACCUMULATOR_LEN; ++i) {
            words[PublicLayout.ACCUMULATOR + i] = r.accumulator[i];
        }
        for (uint256 s = 0; s < PublicLayout.SLOTS; ++s) {
            if (s < r.datasetIds.length) {
                words[PublicLayout.CERT_ROOT + s] = registry.dataset(r.datasetIds[s]).root;
                words[PublicLayout.COUNT + s] = r.counts[s];
            }
        }
        words[PublicLayout.TRAIN_ROOT] = r.trainRoot;
        words[PublicLayout.LICENSE_MASK] = r.licenseMask;
        words[PublicLayout.N_RECORDS] = r.nRecords;
        words[PublicLayout.W0_HASH] = r.w0Hash;
        words[PublicLayout.W_HASH] = r.wHash;
        words[PublicLayout.HYPER_HASH] = r.hyperHash;
        bytes memory out;
        for (uint256 i = 0; i < words.length; ++i) {
            out = bytes.concat(out, bytes32(words[i]));
        }
        return bytes.concat(out, proof);
    }

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
