// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProfileKinds} from "../../generated/ProfileKinds.sol";
import {PublicLayout} from "../../generated/PublicLayout.sol";
import {ILineageRegistry} from "../../interfaces/ILineageRegistry.sol";
import {LineageVerifierDemoDeclared} from "../../verifiers/LineageVerifierDemoDeclared.sol";
import {LineageVerifierDemoDeclaredTree} from "../../verifiers/LineageVerifierDemoDeclaredTree.sol";
import {DemoDeclaredProof} from "../fixtures/DemoDeclaredProof.sol";
import {DemoDeclaredTreeProof} from "../fixtures/DemoDeclaredTreeProof.sol";
import {DemoProof} from "../fixtures/DemoProof.sol";
import {RealVerifierBase} from "./RealVerifierBase.sol";

/// @title RealVerifierDeclaredCases
/// @notice A generated declared-training verifier and a real proof of its profile: the
///         verifier accepts it and nothing else, and the registry records a declared
///         attestation only for exactly the proven values and model hash. Run for the
///         single demo-declared proof and for a proof tree's root (demo-declared-tree).
abstract contract RealVerifierDeclaredCases is RealVerifierBase {
    /// @dev The profile id.
    function _profile() internal pure virtual returns (uint32);

    /// @dev The fixture proof's public words.
    function _instances() internal pure virtual returns (uint256[] memory);

    /// @dev The fixture proof.
    function _proof() internal pure virtual returns (bytes memory);

    /// @dev The records the fixture proves.
    function _records() internal pure virtual returns (uint256);

    /// @dev A real proof of another profile, which this verifier must refuse.
    function _otherProof() internal pure virtual returns (uint256[] memory, bytes memory);

    /// @dev This profile's generated verifier, deployed.
    function _newVerifier() internal virtual returns (address);

    function setUp() public {
        uint256[] memory w = _instances();
        assertEq(w.length, PublicLayout.DECLARED_LEN);
        _setUp(_profile(), _newVerifier(), w);
    }

    /// @dev The request of the fixture's public values.
    function _request() internal view returns (ILineageRegistry.DeclaredRequest memory r) {
        uint256[] memory w = _instances();
        r.profileId = _profile();
        r.datasetIds = new uint32[](2);
        r.datasetIds[0] = first;
        r.datasetIds[1] = second;
        r.counts = new uint32[](2);
        // forge-lint: disable-next-line(unsafe-typecast) proven counts are at most 2^20
        r.counts[0] = uint32(w[PublicLayout.COUNT]);
        // forge-lint: disable-next-line(unsafe-typecast) proven counts are at most 2^20
        r.counts[1] = uint32(w[PublicLayout.COUNT + 1]);
        r.trainRoot = w[PublicLayout.TRAIN_ROOT];
        // forge-lint: disable-next-line(unsafe-typecast) the circuit bounds the mask to 64 bits
        r.licenseMask = uint64(w[PublicLayout.LICENSE_MASK]);
        // forge-lint: disable-next-line(unsafe-typecast) n_records is at most 2^20
        r.nRecords = uint32(w[PublicLayout.N_RECORDS]);
        r.modelHash = bytes32(
            (w[PublicLayout.DECLARED_MODEL_HASH_HI] << 128) | w[PublicLayout.DECLARED_MODEL_HASH_LO]
        );
        r.accumulator = new uint256[](PublicLayout.ACCUMULATOR_LEN);
        for (uint256 i = 0; i < PublicLayout.ACCUMULATOR_LEN; ++i) {
            r.accumulator[i] = w[PublicLayout.ACCUMULATOR + i];
        }
    }

    function _attestRejected(ILineageRegistry.DeclaredRequest memory r) internal {
        vm.prank(publisher);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryProofRejected.selector, _profile(), verifier
            )
        );
        registry.attestDeclared(r, _proof());
    }

    // ---------------------------------------------------------------- the verifier alone

    function test_verifierAcceptsTheFixtureProof() public {
        assertTrue(_verifies(_instances(), _proof()));
    }

    function test_verifierRejectsAChangeToEachPublicValue() public {
        for (uint256 i = 0; i < PublicLayout.DECLARED_LEN; ++i) {
            uint256[] memory w = _instances();
            w[i] += 1;
            assertFalse(_verifies(w, _proof()), vm.toString(i));
        }
    }

    function test_verifierRejectsAnotherProfilesProof() public {
        (uint256[] memory w, bytes memory proof) = _otherProof();
        assertFalse(_verifies(w, proof));
    }

    // ---------------------------------------------------------------- through the registry

    function test_attestDeclaredAcceptsTheHonestProof() public {
        ILineageRegistry.DeclaredRequest memory r = _request();
        vm.prank(publisher);
        bytes32 modelId = registry.attestDeclared(r, _proof());
        assertEq(modelId, registry.modelIdOf(publisher, uint256(r.modelHash)));
        assertTrue(registry.attestationStatus(modelId) == ILineageRegistry.AttestationStatus.Valid);
        ILineageRegistry.Attestation memory a = registry.attestation(modelId);
        assertEq(uint256(a.kind), uint256(ProfileKinds.DECLARED));
        assertEq(a.baseModelId, bytes32(0));
        assertEq(uint256(a.counts[0]) + a.counts[1], _records());
        assertEq(a.nRecords, _records());
        assertEq(a.profileId, _profile());
    }

    function test_attestDeclaredRejectsAnotherModelHash() public {
        ILineageRegistry.DeclaredRequest memory r = _request();
        r.modelHash = bytes32(uint256(r.modelHash) ^ 1);
        _attestRejected(r);
        r = _request();
        r.modelHash = bytes32(uint256(r.modelHash) ^ (uint256(1) << 200));
        _attestRejected(r);
    }

    function test_attestDeclaredRejectsOtherCounts() public {
        ILineageRegistry.DeclaredRequest memory r = _request();
        r.counts[0] -= 1;
        r.counts[1] += 1;
        _attestRejected(r);
    }

    function test_theDeclaredProofCannotBePresentedAsProvenTraining() public {
        // Through `attest`, under its own profile: refused by kind before any verifier call.
        ILineageRegistry.DeclaredRequest memory d = _request();
        ILineageRegistry.AttestRequest memory r;
        r.profileId = _profile();
        r.datasetIds = d.datasetIds;
        r.counts = d.counts;
        r.trainRoot = d.trainRoot;
        r.licenseMask = d.licenseMask;
        r.nRecords = d.nRecords;
        r.wHash = uint256(d.modelHash) % 2 ** 200;
        r.accumulator = d.accumulator;
        vm.prank(publisher);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryProfileKind.selector, _profile(), ProfileKinds.DECLARED
            )
        );
        registry.attest(r, _proof());
        // Under a proven profile wired to the declared verifier: the proven layout's words
        // are not the declared proof's.
        registry.setVerifier(1, verifier);
        r.profileId = 1;
        r.w0Hash = 0;
        vm.prank(publisher);
        vm.expectRevert();
        registry.attest(r, _proof());
    }
}

/// @title RealVerifierDeclaredTest
/// @notice The single demo-declared proof (48 records; fixture generated by
///         `crates/prover/tests/declared.rs`); the proven demo proof, cut or not to the
///         declared length, is another key's.
contract RealVerifierDeclaredTest is RealVerifierDeclaredCases {
    function _profile() internal pure override returns (uint32) {
        return 3;
    }

    function _instances() internal pure override returns (uint256[] memory) {
        return DemoDeclaredProof.instances();
    }

    function _proof() internal pure override returns (bytes memory) {
        return DemoDeclaredProof.proof();
    }

    function _records() internal pure override returns (uint256) {
        return 48;
    }

    function _otherProof() internal pure override returns (uint256[] memory, bytes memory) {
        return (DemoProof.instances(), DemoProof.proof());
    }

    function _newVerifier() internal override returns (address) {
        return address(new LineageVerifierDemoDeclared());
    }
}

/// @title RealVerifierDeclaredTreeTest
/// @notice A proof tree's root (demo-declared-tree, 80 records in two chunks; fixture
///         generated by `crates/prover/tests/tree_fixture.rs`): the same words as a single
///         proof, its own verifier, which refuses the single profile's proof of the same
///         layout.
contract RealVerifierDeclaredTreeTest is RealVerifierDeclaredCases {
    function _profile() internal pure override returns (uint32) {
        return 7;
    }

    function _instances() internal pure override returns (uint256[] memory) {
        return DemoDeclaredTreeProof.instances();
    }

    function _proof() internal pure override returns (bytes memory) {
        return DemoDeclaredTreeProof.proof();
    }

    function _records() internal pure override returns (uint256) {
        return 80;
    }

    function _otherProof() internal pure override returns (uint256[] memory, bytes memory) {
        return (DemoDeclaredProof.instances(), DemoDeclaredProof.proof());
    }

    function _newVerifier() internal override returns (address) {
        return address(new LineageVerifierDemoDeclaredTree());
    }
}
