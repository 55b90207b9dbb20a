// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {PublicLayout} from "../generated/PublicLayout.sol";
import {PublicStart} from "../generated/PublicStart.sol";
import {ILineageRegistry} from "../interfaces/ILineageRegistry.sol";
import {LineageRegistry} from "../LineageRegistry.sol";
import {RoyaltyVault} from "../RoyaltyVault.sol";
import {
    FullGasVerifier,
    GasBurningVerifier,
    GasProbeVerifier,
    MockVerifier
} from "./mocks/MockVerifier.sol";
import {LineageFixture} from "./utils/LineageFixture.sol";

/// @dev An ERC-1271 wallet that accepts signatures of its `signer` key.
contract SmartWallet {
    address internal immutable signer;

    constructor(address signer_) {
        signer = signer_;
    }

    function isValidSignature(bytes32 digest, bytes calldata signature)
        external
        view
        returns (bytes4)
    {
        (uint8 v, bytes32 r, bytes32 s) =
            (uint8(signature[64]), bytes32(signature[0:32]), bytes32(signature[32:64]));
        return ecrecover(digest, v, r, s) == signer ? this.isValidSignature.selector : bytes4(0);
    }
}

contract LineageRegistryTest is LineageFixture {
    bytes internal constant PROOF = hex"c0ffee";

    // ================================================================ registerDataset

    function test_registerDataset_storesEverythingAndEmits() public {
        address[] memory creators = _creators(3, 7);
        uint64[] memory weights = _weights(3);
        vm.warp(1000);
        vm.expectEmit(address(registry));
        emit ILineageRegistry.DatasetRegistered(
            1, curator, 42, 1000, 6, "ipfs://dataset", creators, weights
        );
        uint32 id = _register(42, creators, weights);

        assertEq(id, 1);
        assertEq(registry.datasetCount(), 1);
        ILineageRegistry.Dataset memory d = registry.dataset(id);
        assertEq(d.root, 42);
        assertEq(d.curator, curator);
        assertEq(d.leafCount, 1000);
        assertEq(uint256(d.status), uint256(ILineageRegistry.DatasetStatus.Registered));
        assertEq(d.creatorCount, 3);
        assertEq(d.totalWeight, 6);
        assertEq(d.registeredAt, 1000);
        assertEq(d.certifiedAt, 0);
        assertEq(d.revokedAt, 0);
        assertEq(d.uri, "ipfs://dataset");
        for (uint256 i = 0; i < 3; ++i) {
            (uint64 w, uint64 total) = registry.creatorWeight(id, creators[i]);
            assertEq(w, weights[i]);
            assertEq(total, 6);
        }
        (uint64 none,) = registry.creatorWeight(id, stranger);
        assertEq(none, 0);
        assertEq(registry.datasetOfRoot(42), id);
    }

    function test_registerDataset_idsIncrement() public {
        assertEq(_register(1, _creators(1, 0), _weights(1)), 1);
        assertEq(_register(2, _creators(1, 0), _weights(1)), 2);
        assertEq(registry.datasetCount(), 2);
    }

    function test_registerDataset_acceptsLargestFieldElement() public {
        assertEq(_register(FIELD_MODULUS - 1, _creators(1, 0), _weights(1)), 1);
    }

    function test_registerDataset_revertsOnRootZero() public {
        vm.expectRevert(abi.encodeWithSelector(ILineageRegistry.RegistryRootInvalid.selector, 0));
        _register(0, _creators(1, 0), _weights(1));
    }

    function test_registerDataset_revertsOnRootOutOfField() public {
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryRootInvalid.selector, FIELD_MODULUS)
        );
        _register(FIELD_MODULUS, _creators(1, 0), _weights(1));
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryRootInvalid.selector, type(uint256).max)
        );
        _register(type(uint256).max, _creators(1, 0), _weights(1));
    }

    function test_registerDataset_revertsOnLeafCountZero() public {
        vm.expectRevert(ILineageRegistry.RegistryLeafCountZero.selector);
        registry.registerDataset(1, 0, "", _creators(1, 0), _weights(1));
    }

    function test_registerDataset_revertsOnNoCreators() public {
        vm.expectRevert(ILineageRegistry.RegistryCreatorsEmpty.selector);
        _register(1, new address[](0), new uint64[](0));
    }

    function test_registerDataset_revertsOnLengthMismatch() public {
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryCreatorsLengthMismatch.selector, 2, 3)
        );
        _register(1, _creators(2, 0), _weights(3));
    }

    function test_registerDataset_revertsOnZeroCreator() public {
        address[] memory creators = new address[](1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryCreatorsNotSorted.selector, 0, address(0)
            )
        );
        _register(1, creators, _weights(1));
    }

    function test_registerDataset_revertsOnDuplicateCreator() public {
        address[] memory creators = _creators(3, 0);
        creators[2] = creators[1];
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryCreatorsNotSorted.selector, 2, creators[1]
            )
        );
        _register(1, creators, _weights(3));
    }

    function test_registerDataset_revertsOnDescendingCreators() public {
        address[] memory creators = _creators(2, 0);
        (creators[0], creators[1]) = (creators[1], creators[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryCreatorsNotSorted.selector, 1, creators[1]
            )
        );
        _register(1, creators, _weights(2));
    }

    function test_registerDataset_revertsOnZeroWeight() public {
        address[] memory creators = _creators(2, 0);
        uint64[] memory weights = _weights(2);
        weights[1] = 0;
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryWeightZero.selector, creators[1])
        );
        _register(1, creators, weights);
    }

    function test_registerDataset_revertsOnTotalWeightOverflow() public {
        uint64[] memory weights = new uint64[](2);
        weights[0] = type(uint64).max;
        weights[1] = 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryTotalWeightTooLarge.selector, uint256(type(uint64).max) + 1
            )
        );
        _register(1, _creators(2, 0), weights);
    }

    // ================================================================ one dataset id per root

    /// @dev The revert `registerDataset` must give for `root`, registered as `id`.
    function _rootRegistered(uint256 root, uint32 id) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ILineageRegistry.RegistryRootRegistered.selector, root, id);
    }

    /// @dev `who` registers `root` with `creators`, weights 1, 2, ...
    function _registerAs(address who, uint256 root, address[] memory creators)
        internal
        returns (uint32 id)
    {
        vm.prank(who);
        id = registry.registerDataset(root, 7, "ipfs://again", creators, _weights(creators.length));
    }

    /// @dev That the failed re-registration of `root` (dataset `id`) left everything as it was.
    function _assertUnchanged(uint256 root, uint32 id, uint32 count) internal view {
        assertEq(registry.datasetCount(), count, "a second id was created");
        assertEq(registry.datasetOfRoot(root), id, "the root moved to another id");
        assertEq(registry.dataset(id).root, root);
        assertEq(registry.dataset(count + 1).root, 0);
    }

    function test_registerDataset_revertsOnRootRegisteredBySameCurator() public {
        uint32 id = _register(99, _creators(1, 0), _weights(1));
        vm.expectRevert(_rootRegistered(99, id));
        _register(99, _creators(1, 0), _weights(1));
        _assertUnchanged(99, id, 1);
    }

    function test_registerDataset_revertsOnRootRegisteredByAnotherCurator() public {
        uint32 id = _register(99, _creators(1, 0), _weights(1));
        // Another curator, other creators and weights: the royalties of the proof's records
        // would go to this list under the second id.
        vm.expectRevert(_rootRegistered(99, id));
        _registerAs(stranger, 99, _creators(3, 5));
        _assertUnchanged(99, id, 1);
        (uint64 weight,) = registry.creatorWeight(id, _creators(3, 5)[0]);
        assertEq(weight, 0);
    }

    function test_registerDataset_revertsOnRootOfACertifiedDataset() public {
        _register(1, _creators(1, 0), _weights(1));
        uint32 id = _registerCertified(99, _creators(1, 0), _weights(1));
        vm.expectRevert(_rootRegistered(99, id));
        _registerAs(stranger, 99, _creators(2, 1));
        _assertUnchanged(99, id, 2);
    }

    /// @dev The attack the rule closes: a revoked dataset's root registered again under a new
    ///      id, certified, and attested as Valid with the same proof instead of Tainted.
    function test_registerDataset_revertsOnRootOfARevokedDataset() public {
        uint32 id = _registerCertified(99, _creators(1, 0), _weights(1));
        bytes32 model = _attest(_ids(id), _u32(5));
        vm.prank(certifier);
        registry.revokeDataset(id, "stolen works");

        vm.expectRevert(_rootRegistered(99, id));
        _register(99, _creators(1, 0), _weights(1));
        vm.expectRevert(_rootRegistered(99, id));
        _registerAs(stranger, 99, _creators(2, 1));
        _assertUnchanged(99, id, 1);
        assertEq(
            uint256(registry.attestationStatus(model)),
            uint256(ILineageRegistry.AttestationStatus.Tainted)
        );
    }

    function test_registerDataset_revertsOnRootRevokedBeforeCertification() public {
        uint32 id = _register(99, _creators(1, 0), _weights(1));
        vm.prank(certifier);
        registry.revokeDataset(id, "spam");
        vm.expectRevert(_rootRegistered(99, id));
        _registerAs(stranger, 99, _creators(1, 0));
        _assertUnchanged(99, id, 1);
    }

    function test_datasetOfRoot_answersEachRootsIdForever() public {
        assertEq(registry.datasetOfRoot(99), 0);
        uint32 a = _register(99, _creators(1, 0), _weights(1));
        uint32 b = _registerCertified(FIELD_MODULUS - 1, _creators(2, 1), _weights(2));
        assertEq(registry.datasetOfRoot(99), a);
        assertEq(registry.datasetOfRoot(FIELD_MODULUS - 1), b);
        assertEq(registry.datasetOfRoot(100), 0);
        assertEq(registry.datasetOfRoot(0), 0);

        vm.prank(certifier);
        registry.revokeDataset(b, "");
        assertEq(registry.datasetOfRoot(FIELD_MODULUS - 1), b, "revocation freed the root");
        vm.expectRevert(_rootRegistered(FIELD_MODULUS - 1, b));
        _registerAs(stranger, FIELD_MODULUS - 1, _creators(1, 3));
        assertEq(registry.datasetOfRoot(FIELD_MODULUS - 1), b);
    }

    /// @dev Any valid root, re-registered by any account at any stage of the first dataset's
    ///      life (0 registered, 1 certified, 2 revoked after certification, 3 revoked before).
    function testFuzz_registerDataset_aRootHasOneIdForever(
        uint256 root,
        uint160 rawCurator,
        uint8 stage,
        uint8 creators
    ) public {
        root = bound(root, 1, FIELD_MODULUS - 1);
        address again = address(uint160(bound(rawCurator, 1, type(uint160).max)));
        stage = uint8(bound(stage, 0, 3));
        uint32 id = _register(root, _creators(1, 0), _weights(1));
        if (stage == 1 || stage == 2) {
            vm.prank(certifier);
            registry.certify(id);
        }
        if (stage >= 2) {
            vm.prank(certifier);
            registry.revokeDataset(id, "");
        }
        vm.expectRevert(_rootRegistered(root, id));
        _registerAs(again, root, _creators(bound(creators, 1, 4), stage));
        _assertUnchanged(root, id, 1);
    }

    // ================================================================ certifiers

    function test_setCertifier_grantsAndRemoves() public {
        vm.expectEmit(address(registry));
        emit ILineageRegistry.CertifierUpdated(stranger, true);
        vm.prank(owner);
        registry.setCertifier(stranger, true);
        assertTrue(registry.isCertifier(stranger));

        vm.expectEmit(address(registry));
        emit ILineageRegistry.CertifierUpdated(stranger, false);
        vm.prank(owner);
        registry.setCertifier(stranger, false);
        assertFalse(registry.isCertifier(stranger));
    }

    function test_setCertifier_revertsForNonOwner() public {
        vm.expectRevert(
            abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger)
        );
        vm.prank(stranger);
        registry.setCertifier(stranger, true);
    }

    function test_setCertifier_revertsOnZeroAddress() public {
        vm.expectRevert(ILineageRegistry.RegistryZeroAddress.selector);
        vm.prank(owner);
        registry.setCertifier(address(0), true);
    }

    function test_ownership_transfersInTwoSteps() public {
        vm.prank(owner);
        registry.transferOwnership(stranger);
        assertEq(registry.owner(), owner);
        assertEq(registry.pendingOwner(), stranger);
        vm.prank(stranger);
        registry.acceptOwnership();
        assertEq(registry.owner(), stranger);
    }

    // ================================================================ certify / revoke

    function test_certify_certifiesAndEmits() public {
        uint32 id = _register(77, _creators(1, 0), _weights(1));
        vm.warp(5000);
        vm.expectEmit(address(registry));
        emit ILineageRegistry.DatasetCertified(id, certifier, 77);
        vm.prank(certifier);
        registry.certify(id);
        ILineageRegistry.Dataset memory d = registry.dataset(id);
        assertEq(uint256(d.status), uint256(ILineageRegistry.DatasetStatus.Certified));
        assertEq(d.certifiedAt, 5000);
    }

    function test_certify_revertsForNonCertifier() public {
        uint32 id = _register(77, _creators(1, 0), _weights(1));
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryNotCertifier.selector, stranger)
        );
        vm.prank(stranger);
        registry.certify(id);
    }

    function test_certify_revertsForUnknownDataset() public {
        vm.expectRevert(abi.encodeWithSelector(ILineageRegistry.RegistryDatasetUnknown.selector, 9));
        vm.prank(certifier);
        registry.certify(9);
    }

    function test_certify_revertsWhenAlreadyCertified() public {
        uint32 id = _registerCertified(77, _creators(1, 0), _weights(1));
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryDatasetAlreadyCertified.selector, id)
        );
        vm.prank(certifier);
        registry.certify(id);
    }

    function test_certify_revertsWhenRevoked() public {
        uint32 id = _registerCertified(77, _creators(1, 0), _weights(1));
        vm.prank(certifier);
        registry.revokeDataset(id, "stolen works");
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryDatasetRevoked.selector, id)
        );
        vm.prank(certifier);
        registry.certify(id);
    }

    function test_revokeDataset_revokesAndEmits() public {
        uint32 id = _registerCertified(77, _creators(1, 0), _weights(1));
        vm.warp(9000);
        vm.expectEmit(address(registry));
        emit ILineageRegistry.DatasetRevoked(id, certifier, "stolen works");
        vm.prank(certifier);
        registry.revokeDataset(id, "stolen works");
        ILineageRegistry.Dataset memory d = registry.dataset(id);
        assertEq(uint256(d.status), uint256(ILineageRegistry.DatasetStatus.Revoked));
        assertEq(d.revokedAt, 9000);
    }

    function test_revokeDataset_worksBeforeCertification() public {
        uint32 id = _register(77, _creators(1, 0), _weights(1));
        vm.prank(certifier);
        registry.revokeDataset(id, "spam");
        assertEq(
            uint256(registry.dataset(id).status), uint256(ILineageRegistry.DatasetStatus.Revoked)
        );
    }

    function test_revokeDataset_revertsForNonCertifier() public {
        uint32 id = _registerCertified(77, _creators(1, 0), _weights(1));
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryNotCertifier.selector, curator)
        );
        vm.prank(curator);
        registry.revokeDataset(id, "");
    }

    function test_revokeDataset_revertsForUnknownDataset() public {
        vm.expectRevert(abi.encodeWithSelector(ILineageRegistry.RegistryDatasetUnknown.selector, 3));
        vm.prank(certifier);
        registry.revokeDataset(3, "");
    }

    function test_revokeDataset_revertsWhenAlreadyRevoked() public {
        uint32 id = _registerCertified(77, _creators(1, 0), _weights(1));
        vm.startPrank(certifier);
        registry.revokeDataset(id, "");
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryDatasetRevoked.selector, id)
        );
        registry.revokeDataset(id, "");
        vm.stopPrank();
    }

    // ================================================================ setVerifier

    function test_setVerifier_setsReplacesAndDisables() public {
        MockVerifier other = new MockVerifier();
        vm.expectEmit(address(registry));
        emit ILineageRegistry.VerifierUpdated(DEMO, address(verifier), address(other));
        vm.prank(owner);
        registry.setVerifier(DEMO, address(other));
        assertEq(registry.verifierOf(DEMO), address(other));

        vm.expectEmit(address(registry));
        emit ILineageRegistry.VerifierUpdated(DEMO, address(other), address(0));
        vm.prank(owner);
        registry.setVerifier(DEMO, address(0));
        assertEq(registry.verifierOf(DEMO), address(0));
    }

    function test_setVerifier_revertsOnAddressWithoutCode() public {
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryVerifierNoCode.selector, stranger)
        );
        vm.prank(owner);
        registry.setVerifier(STANDARD, stranger);
    }

    function test_setVerifier_revertsForNonOwner() public {
        vm.expectRevert(
            abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger)
        );
        vm.prank(stranger);
        registry.setVerifier(STANDARD, address(verifier));
    }

    // ================================================================ attest

    function test_attest_recordsCallsVerifierWithLayoutAndEmits() public {
        uint32[] memory ids = _certifiedDatasets(2);
        uint32[] memory counts = _u32(7, 5);
        ILineageRegistry.AttestRequest memory r = _request(ids, counts);
        bytes32 expectedId = keccak256(abi.encode(publisher, r.wHash));
        vm.warp(12345);

        vm.expectEmit(address(registry));
        emit ILineageRegistry.ModelAttested(
            expectedId,
            publisher,
            DEMO,
            r.wHash,
            ids,
            counts,
            r.trainRoot,
            r.licenseMask,
            12,
            r.w0Hash,
            r.hyperHash,
            address(verifier),
            publisher
        );
        vm.prank(publisher);
        bytes32 modelId = registry.attest(r, PROOF);

        assertEq(modelId, expectedId);
        assertEq(registry.modelIdOf(publisher, r.wHash), expectedId);
        assertEq(verifier.acceptedCalls(), 1);
        assertEq(verifier.lastCalldataHash(), keccak256(_expectedCalldata(r, PROOF)));

        ILineageRegistry.Attestation memory a = registry.attestation(modelId);
        assertEq(a.publisher, publisher);
        assertEq(a.profileId, DEMO);
        assertEq(a.nRecords, 12);
        assertEq(a.licenseMask, 3);
        assertFalse(a.revoked);
        assertEq(a.datasetIds.length, 2);
        assertEq(a.datasetIds[0], ids[0]);
        assertEq(a.datasetIds[1], ids[1]);
        assertEq(a.counts[0], 7);
        assertEq(a.counts[1], 5);
        assertEq(
            uint256(registry.attestationStatus(modelId)),
            uint256(ILineageRegistry.AttestationStatus.Valid)
        );
    }

    function test_attest_calldataLayoutForEveryDatasetCount() public {
        uint32[] memory all = _certifiedDatasets(PublicLayout.SLOTS);
        for (uint256 n = 1; n <= PublicLayout.SLOTS; ++n) {
            uint32[] memory ids = new uint32[](n);
            for (uint256 i = 0; i < n; ++i) {
                ids[i] = all[i];
            }
            ILineageRegistry.AttestRequest memory r = _request(ids, _counts(n));
            r.wHash = 0x5000 + n; // a new model each time
            vm.prank(publisher);
            registry.attest(r, PROOF);
            assertEq(verifier.lastCalldataHash(), keccak256(_expectedCalldata(r, PROOF)));
        }
    }

    /// @dev The calldata words sit where PublicLayout says: each position checked on its own
    ///      by giving it a distinct value.
    function test_attest_eachPublicValueReachesItsPosition() public {
        uint32[] memory ids = _certifiedDatasets(1);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(9));
        r.trainRoot = 0xAAAA01;
        r.licenseMask = 0xAAAA02;
        r.w0Hash = PublicStart.zeroWeightsHash(DEMO); // the one start accepted
        r.wHash = 0xAAAA04;
        r.hyperHash = 0xAAAA05;
        vm.prank(publisher);
        registry.attest(r, PROOF);
        bytes memory data = _expectedCalldata(r, PROOF);
        assertEq(_word(data, PublicLayout.TRAIN_ROOT), 0xAAAA01);
        assertEq(_word(data, PublicLayout.LICENSE_MASK), 0xAAAA02);
        assertEq(_word(data, PublicLayout.W0_HASH), PublicStart.zeroWeightsHash(DEMO));
        assertEq(_word(data, PublicLayout.W_HASH), 0xAAAA04);
        assertEq(_word(data, PublicLayout.HYPER_HASH), 0xAAAA05);
        assertEq(_word(data, PublicLayout.N_RECORDS), 9);
        assertEq(_word(data, PublicLayout.CERT_ROOT), 1000);
        assertEq(_word(data, PublicLayout.COUNT), 9);
        assertEq(_word(data, PublicLayout.CERT_ROOT + 1), 0);
        assertEq(_word(data, PublicLayout.COUNT + 1), 0);
        assertEq(verifier.lastCalldataHash(), keccak256(data));
    }

    function test_attest_rejectedProofRecordsNothing() public {
        uint32[] memory ids = _certifiedDatasets(1);
        verifier.setAccept(false);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryProofRejected.selector, DEMO, address(verifier)
            )
        );
        _attest(ids, _u32(5));
        bytes32 modelId = registry.modelIdOf(publisher, 0x3333);
        assertEq(registry.attestation(modelId).publisher, address(0));
        assertEq(
            uint256(registry.attestationStatus(modelId)),
            uint256(ILineageRegistry.AttestationStatus.None)
        );
    }

    function test_attest_revertsWithoutVerifier() public {
        uint32[] memory ids = _certifiedDatasets(1);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(5));
        r.profileId = STANDARD;
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryVerifierMissing.selector, STANDARD)
        );
        vm.prank(publisher);
        registry.attest(r, PROOF);
    }

    function test_attest_revertsWhenVerifierLostItsCode() public {
        uint32[] memory ids = _certifiedDatasets(1);
        vm.etch(address(verifier), "");
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryVerifierNoCode.selector, address(verifier)
            )
        );
        _attest(ids, _u32(5));
    }

    function test_attest_revertsOnNoDatasets() public {
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryDatasetCountOutOfRange.selector, 0)
        );
        _attest(new uint32[](0), new uint32[](0));
    }

    function test_attest_revertsOnTooManyDatasets() public {
        uint256 n = PublicLayout.SLOTS + 1;
        uint32[] memory ids = _certifiedDatasets(n);
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryDatasetCountOutOfRange.selector, n)
        );
        _attest(ids, _counts(n));
    }

    function test_attest_revertsOnCountsLengthMismatch() public {
        uint32[] memory ids = _certifiedDatasets(2);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(1, 2));
        r.counts = _u32(3);
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryCountsLengthMismatch.selector, 2, 1)
        );
        vm.prank(publisher);
        registry.attest(r, PROOF);
    }

    function test_attest_revertsOnAccumulatorLength() public {
        uint32[] memory ids = _certifiedDatasets(1);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(1));
        r.accumulator = new uint256[](PublicLayout.ACCUMULATOR_LEN - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryAccumulatorLength.selector,
                PublicLayout.ACCUMULATOR_LEN - 1
            )
        );
        vm.prank(publisher);
        registry.attest(r, PROOF);
    }

    function test_attest_revertsWhenModelExists() public {
        uint32[] memory ids = _certifiedDatasets(1);
        bytes32 modelId = _attest(ids, _u32(5));
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryModelExists.selector, modelId)
        );
        _attest(ids, _u32(5));
    }

    function test_attest_sameWeightsByAnotherPublisherIsAnotherModel() public {
        uint32[] memory ids = _certifiedDatasets(1);
        bytes32 first = _attest(ids, _u32(5));
        vm.prank(stranger);
        bytes32 second = registry.attest(_request(ids, _u32(5)), PROOF);
        assertTrue(first != second);
        assertEq(registry.attestation(second).publisher, stranger);
    }

    function test_attest_revertsOnUnknownDataset() public {
        vm.expectRevert(abi.encodeWithSelector(ILineageRegistry.RegistryDatasetUnknown.selector, 4));
        _attest(_ids(4), _u32(5));
    }

    function test_attest_revertsOnUncertifiedDataset() public {
        uint32 id = _register(5, _creators(1, 0), _weights(1));
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryDatasetNotCertified.selector, id)
        );
        _attest(_ids(id), _u32(5));
    }

    function test_attest_revertsOnRevokedDataset() public {
        uint32[] memory ids = _certifiedDatasets(1);
        vm.prank(certifier);
        registry.revokeDataset(ids[0], "");
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryDatasetRevoked.selector, ids[0])
        );
        _attest(ids, _u32(5));
    }

    function test_attest_revertsOnDuplicatedDataset() public {
        uint32[] memory ids = _certifiedDatasets(1);
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryDatasetDuplicated.selector, ids[0])
        );
        _attest(_ids(ids[0], ids[0]), _u32(1, 2));
    }

    function test_attest_revertsOnZeroCount() public {
        uint32[] memory ids = _certifiedDatasets(2);
        vm.expectRevert(abi.encodeWithSelector(ILineageRegistry.RegistryCountZero.selector, ids[1]));
        _attest(ids, _u32(4, 0));
    }

    function test_attest_revertsWhenCountsDoNotSumToNRecords() public {
        uint32[] memory ids = _certifiedDatasets(2);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(4, 6));
        r.nRecords = 11;
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryCountSumMismatch.selector, 10, 11)
        );
        vm.prank(publisher);
        registry.attest(r, PROOF);
    }

    function test_attest_revertsOnAStartOtherThanTheZeroWeights() public {
        uint32[] memory ids = _certifiedDatasets(1);
        uint256[3] memory starts =
            [PublicStart.zeroWeightsHash(DEMO) + 1, 0, PublicStart.zeroWeightsHash(2)];
        for (uint256 i = 0; i < starts.length; ++i) {
            ILineageRegistry.AttestRequest memory r = _request(ids, _u32(5));
            r.w0Hash = starts[i];
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILineageRegistry.RegistryStartNotPublic.selector, DEMO, starts[i]
                )
            );
            vm.prank(publisher);
            registry.attest(r, PROOF);
        }
        assertEq(verifier.acceptedCalls(), 0);
        assertTrue(PublicStart.zeroWeightsHash(DEMO) != 0, "the demo profile has a start");
        assertEq(PublicStart.zeroWeightsHash(99), 0, "an unknown profile has none");
    }

    function test_attest_revertsOnWordsOutOfField() public {
        uint32[] memory ids = _certifiedDatasets(1);
        for (uint256 field = 0; field < 5; ++field) {
            ILineageRegistry.AttestRequest memory r = _request(ids, _u32(5));
            uint256 position;
            if (field == 0) {
                (r.trainRoot, position) = (FIELD_MODULUS, PublicLayout.TRAIN_ROOT);
            } else if (field == 1) {
                (r.w0Hash, position) = (FIELD_MODULUS, PublicLayout.W0_HASH);
            } else if (field == 2) {
                (r.wHash, position) = (FIELD_MODULUS, PublicLayout.W_HASH);
            } else if (field == 3) {
                (r.hyperHash, position) = (FIELD_MODULUS, PublicLayout.HYPER_HASH);
            } else {
                r.accumulator[PublicLayout.ACCUMULATOR_LEN - 1] = FIELD_MODULUS;
                position = PublicLayout.ACCUMULATOR + PublicLayout.ACCUMULATOR_LEN - 1;
            }
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILineageRegistry.RegistryWordOutOfField.selector, position, FIELD_MODULUS
                )
            );
            vm.prank(publisher);
            registry.attest(r, PROOF);
        }
        assertEq(verifier.acceptedCalls(), 0);
    }

    function test_attest_acceptsLargestFieldElements() public {
        uint32[] memory ids = _certifiedDatasets(1);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(5));
        r.trainRoot = FIELD_MODULUS - 1;
        r.wHash = FIELD_MODULUS - 1;
        r.accumulator[0] = FIELD_MODULUS - 1;
        vm.prank(publisher);
        registry.attest(r, PROOF);
        assertEq(verifier.acceptedCalls(), 1);
    }

    // ================================================================ attestBySig

    uint256 internal constant SIGNER_KEY = 0xA11CE5EC12E7;

    function _signed(ILineageRegistry.AttestRequest memory r, address who, uint256 key)
        internal
        view
        returns (bytes memory)
    {
        bytes32 digest = registry.attestDigest(r, who, registry.nonces(who), block.timestamp);
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(rr, s, v);
    }

    function test_attestDigest_matchesEip712() public view {
        uint32[] memory ids = new uint32[](2);
        (ids[0], ids[1]) = (3, 4);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(1, 2));
        r.baseModelId = keccak256("a base"); // signed too: a relayer cannot change the start
        address who = vm.addr(SIGNER_KEY);
        bytes32 typeHash = keccak256(
            "Attest(address publisher,uint32 profileId,uint32[] datasetIds,uint32[] counts,uint256 trainRoot,uint64 licenseMask,uint32 nRecords,uint256 w0Hash,bytes32 baseModelId,uint256 wHash,uint256 hyperHash,uint256 nonce,uint256 deadline)"
        );
        assertEq(registry.ATTEST_TYPEHASH(), typeHash);
        bytes32 domain = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256("LineageRegistry"),
                keccak256("1"),
                block.chainid,
                address(registry)
            )
        );
        assertEq(registry.DOMAIN_SEPARATOR(), domain);
        bytes32 structHash = keccak256(
            bytes.concat(
                abi.encode(
                    typeHash,
                    who,
                    uint256(DEMO),
                    keccak256(abi.encode(uint256(3), uint256(4))),
                    keccak256(abi.encode(uint256(1), uint256(2))),
                    r.trainRoot,
                    r.licenseMask
                ),
                abi.encode(
                    r.nRecords,
                    r.w0Hash,
                    r.baseModelId,
                    r.wHash,
                    r.hyperHash,
                    uint256(7),
                    uint256(99)
                )
            )
        );
        assertEq(
            registry.attestDigest(r, who, 7, 99),
            keccak256(abi.encodePacked("\x19\x01", domain, structHash))
        );
    }

    function test_attestBySig_relayerSubmitsForPublisher() public {
        uint32[] memory ids = _certifiedDatasets(1);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(5));
        address who = vm.addr(SIGNER_KEY);
        bytes memory sig = _signed(r, who, SIGNER_KEY);
        bytes32 expectedId = registry.modelIdOf(who, r.wHash);

        vm.expectEmit(address(registry));
        emit ILineageRegistry.ModelAttested(
            expectedId,
            who,
            DEMO,
            r.wHash,
            ids,
            r.counts,
            r.trainRoot,
            r.licenseMask,
            5,
            r.w0Hash,
            r.hyperHash,
            address(verifier),
            stranger
        );
        vm.prank(stranger);
        bytes32 modelId = registry.attestBySig(r, PROOF, who, block.timestamp, sig);
        assertEq(modelId, expectedId);
        assertEq(registry.attestation(modelId).publisher, who);
        assertEq(registry.nonces(who), 1);
    }

    function test_attestBySig_acceptsErc1271Wallet() public {
        uint32[] memory ids = _certifiedDatasets(1);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(5));
        SmartWallet wallet = new SmartWallet(vm.addr(SIGNER_KEY));
        bytes memory sig = _signed(r, address(wallet), SIGNER_KEY);
        bytes32 modelId = registry.attestBySig(r, PROOF, address(wallet), block.timestamp, sig);
        assertEq(registry.attestation(modelId).publisher, address(wallet));
    }

    function test_attestBySig_revertsAfterDeadline() public {
        uint32[] memory ids = _certifiedDatasets(1);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(5));
        address who = vm.addr(SIGNER_KEY);
        bytes memory sig = _signed(r, who, SIGNER_KEY);
        uint256 deadline = block.timestamp;
        vm.warp(deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistrySignatureExpired.selector, deadline)
        );
        registry.attestBySig(r, PROOF, who, deadline, sig);
    }

    function test_attestBySig_revertsOnWrongSigner() public {
        uint32[] memory ids = _certifiedDatasets(1);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(5));
        address who = vm.addr(SIGNER_KEY);
        bytes memory sig = _signed(r, who, SIGNER_KEY + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistrySignatureInvalid.selector, who)
        );
        registry.attestBySig(r, PROOF, who, block.timestamp, sig);
    }

    function test_attestBySig_revertsWhenRequestDiffersFromSigned() public {
        uint32[] memory ids = _certifiedDatasets(2);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(5, 5));
        address who = vm.addr(SIGNER_KEY);
        bytes memory sig = _signed(r, who, SIGNER_KEY);
        r.counts = _u32(6, 4);
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistrySignatureInvalid.selector, who)
        );
        registry.attestBySig(r, PROOF, who, block.timestamp, sig);
    }

    function test_attestBySig_revertsOnReplay() public {
        uint32[] memory ids = _certifiedDatasets(1);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(5));
        address who = vm.addr(SIGNER_KEY);
        bytes memory sig = _signed(r, who, SIGNER_KEY);
        registry.attestBySig(r, PROOF, who, block.timestamp, sig);
        r.wHash = 0x9999; // even for another model: the nonce moved on
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistrySignatureInvalid.selector, who)
        );
        registry.attestBySig(r, PROOF, who, block.timestamp, sig);
    }

    function test_attestBySig_revertsOnZeroPublisher() public {
        uint32[] memory ids = _certifiedDatasets(1);
        vm.expectRevert(ILineageRegistry.RegistryZeroAddress.selector);
        registry.attestBySig(_request(ids, _u32(5)), PROOF, address(0), block.timestamp, "");
    }

    function test_attestBySig_failedVerificationKeepsTheNonce() public {
        uint32[] memory ids = _certifiedDatasets(1);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(5));
        address who = vm.addr(SIGNER_KEY);
        bytes memory sig = _signed(r, who, SIGNER_KEY);
        verifier.setAccept(false);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryProofRejected.selector, DEMO, address(verifier)
            )
        );
        registry.attestBySig(r, PROOF, who, block.timestamp, sig);
        assertEq(registry.nonces(who), 0);
    }

    // ================================================================ revocation and status

    function test_revokeAttestation_revokesAndEmits() public {
        bytes32 modelId = _attest(_certifiedDatasets(1), _u32(5));
        vm.expectEmit(address(registry));
        emit ILineageRegistry.AttestationRevoked(modelId, publisher);
        vm.prank(publisher);
        registry.revokeAttestation(modelId);
        assertTrue(registry.attestation(modelId).revoked);
        assertEq(
            uint256(registry.attestationStatus(modelId)),
            uint256(ILineageRegistry.AttestationStatus.Revoked)
        );
    }

    function test_revokeAttestation_revertsForUnknownModel() public {
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryModelUnknown.selector, keccak256("x"))
        );
        vm.prank(publisher);
        registry.revokeAttestation(keccak256("x"));
    }

    function test_revokeAttestation_revertsForOthers() public {
        bytes32 modelId = _attest(_certifiedDatasets(1), _u32(5));
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryNotPublisher.selector, modelId, stranger
            )
        );
        vm.prank(stranger);
        registry.revokeAttestation(modelId);
    }

    function test_revokeAttestation_revertsWhenAlreadyRevoked() public {
        bytes32 modelId = _attest(_certifiedDatasets(1), _u32(5));
        vm.startPrank(publisher);
        registry.revokeAttestation(modelId);
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryAttestationRevoked.selector, modelId)
        );
        registry.revokeAttestation(modelId);
        vm.stopPrank();
    }

    function test_attestationStatus_taintedWhenADatasetIsRevokedLater() public {
        uint32[] memory ids = _certifiedDatasets(2);
        bytes32 modelId = _attest(ids, _u32(5, 6));
        vm.prank(certifier);
        registry.revokeDataset(ids[1], "");
        assertEq(
            uint256(registry.attestationStatus(modelId)),
            uint256(ILineageRegistry.AttestationStatus.Tainted)
        );
        (
            ILineageRegistry.AttestationStatus status,
            uint32[] memory gotIds,
            uint32[] memory counts,
            bool[] memory revoked,
            uint32 nRecords
        ) = registry.royaltySplit(modelId);
        assertEq(uint256(status), uint256(ILineageRegistry.AttestationStatus.Tainted));
        assertEq(gotIds[1], ids[1]);
        assertEq(counts[1], 6);
        assertFalse(revoked[0]);
        assertTrue(revoked[1]);
        assertEq(nRecords, 11);

        // A publisher's revocation wins over the taint.
        vm.prank(publisher);
        registry.revokeAttestation(modelId);
        assertEq(
            uint256(registry.attestationStatus(modelId)),
            uint256(ILineageRegistry.AttestationStatus.Revoked)
        );
    }

    // ================================================================ fine-tuning

    address internal tuner = address(0x7E11E5);

    /// @dev `who` attests weights `wHash` fine-tuned from `base` (its weights `w0Hash`) on
    ///      dataset `id`.
    function _fineTune(address who, bytes32 base, uint256 w0Hash, uint256 wHash, uint32 id)
        internal
        returns (bytes32)
    {
        ILineageRegistry.AttestRequest memory r = _request(_ids(id), _u32(4));
        (r.baseModelId, r.w0Hash, r.wHash) = (base, w0Hash, wHash);
        vm.prank(who);
        return registry.attest(r, PROOF);
    }

    function _status(bytes32 modelId) internal view returns (ILineageRegistry.AttestationStatus) {
        return registry.attestationStatus(modelId);
    }

    function test_fineTune_anyPublisherFromAValidBaseRecordsAndEmits() public {
        uint32[] memory ids = _certifiedDatasets(2);
        bytes32 base = _attest(_ids(ids[0]), _u32(5)); // publisher's, wHash 0x3333
        ILineageRegistry.AttestRequest memory r = _request(_ids(ids[1]), _u32(4));
        (r.baseModelId, r.w0Hash, r.wHash) = (base, 0x3333, 0x5555);
        bytes32 expectedId = keccak256(abi.encode(tuner, uint256(0x5555)));

        vm.expectEmit(address(registry));
        emit ILineageRegistry.ModelFineTuned(expectedId, base);
        vm.prank(tuner);
        bytes32 tuned = registry.attest(r, PROOF);

        assertEq(tuned, expectedId);
        assertEq(registry.attestation(tuned).baseModelId, base);
        assertEq(registry.attestation(base).baseModelId, bytes32(0));
        assertEq(verifier.lastCalldataHash(), keccak256(_expectedCalldata(r, PROOF)));
        assertEq(uint256(_status(tuned)), uint256(ILineageRegistry.AttestationStatus.Valid));
    }

    function test_fineTune_revertsWhenTheStartIsNotTheBasesWeights() public {
        uint32[] memory ids = _certifiedDatasets(1);
        bytes32 base = _attest(ids, _u32(5));
        uint256[3] memory starts = [uint256(0x3334), PublicStart.zeroWeightsHash(DEMO), 0];
        for (uint256 i = 0; i < starts.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILineageRegistry.RegistryStartNotBase.selector, base, starts[i]
                )
            );
            _fineTune(tuner, base, starts[i], 0x5555, ids[0]);
        }
        // Another publisher's model with the same weights is another id: its weights are not
        // the start of a model that names `base`'s id, however equal they are.
        bytes32 copy = keccak256(abi.encode(tuner, uint256(0x3333)));
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryBaseNotValid.selector,
                copy,
                ILineageRegistry.AttestationStatus.None
            )
        );
        _fineTune(tuner, copy, 0x3333, 0x5555, ids[0]);
        assertEq(verifier.acceptedCalls(), 1);
    }

    function test_fineTune_revertsOnAnUnknownRevokedOrTaintedBase() public {
        uint32[] memory ids = _certifiedDatasets(3);
        bytes32 unknown = keccak256("unknown");
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryBaseNotValid.selector,
                unknown,
                ILineageRegistry.AttestationStatus.None
            )
        );
        _fineTune(tuner, unknown, 0x3333, 0x5555, ids[0]);

        bytes32 base = _attest(_ids(ids[0]), _u32(5));
        vm.prank(publisher);
        registry.revokeAttestation(base);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryBaseNotValid.selector,
                base,
                ILineageRegistry.AttestationStatus.Revoked
            )
        );
        _fineTune(tuner, base, 0x3333, 0x5555, ids[2]);

        // Tainted through its own dataset, then through its base's.
        bytes32 other =
            _fineTune(stranger, bytes32(0), PublicStart.zeroWeightsHash(DEMO), 0x6666, ids[1]);
        bytes32 child = _fineTune(stranger, other, 0x6666, 0x7777, ids[2]);
        vm.prank(certifier);
        registry.revokeDataset(ids[1], "");
        for (uint256 i = 0; i < 2; ++i) {
            bytes32 b = i == 0 ? other : child;
            uint256 w = i == 0 ? 0x6666 : 0x7777;
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILineageRegistry.RegistryBaseNotValid.selector,
                    b,
                    ILineageRegistry.AttestationStatus.Tainted
                )
            );
            _fineTune(tuner, b, w, 0x8888, ids[2]);
        }
    }

    function test_fineTune_revertsOnABaseOfAnotherProfile() public {
        uint32[] memory ids = _certifiedDatasets(1);
        MockVerifier second = new MockVerifier();
        vm.prank(owner);
        registry.setVerifier(STANDARD, address(second));
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(5));
        (r.profileId, r.w0Hash) = (STANDARD, PublicStart.zeroWeightsHash(STANDARD));
        vm.prank(publisher);
        bytes32 base = registry.attest(r, PROOF);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryBaseProfileMismatch.selector, base, STANDARD, DEMO
            )
        );
        _fineTune(tuner, base, 0x3333, 0x5555, ids[0]);
    }

    function test_fineTune_aBaseTaintsEveryModelDerivedFromIt() public {
        uint32[] memory ids = _certifiedDatasets(3);
        bytes32 base = _attest(_ids(ids[0]), _u32(5));
        bytes32 child = _fineTune(tuner, base, 0x3333, 0x5555, ids[1]);
        bytes32 grandchild = _fineTune(stranger, child, 0x5555, 0x6666, ids[2]);
        assertEq(uint256(_status(grandchild)), uint256(ILineageRegistry.AttestationStatus.Valid));

        // The grandchild names only ids[2], which stays certified: the taint comes from the
        // root of its lineage.
        uint256 snap = vm.snapshotState();
        vm.prank(certifier);
        registry.revokeDataset(ids[0], "");
        assertEq(uint256(_status(child)), uint256(ILineageRegistry.AttestationStatus.Tainted));
        assertEq(uint256(_status(grandchild)), uint256(ILineageRegistry.AttestationStatus.Tainted));
        (ILineageRegistry.AttestationStatus status,,, bool[] memory revoked,) =
            registry.royaltySplit(grandchild);
        assertEq(uint256(status), uint256(ILineageRegistry.AttestationStatus.Tainted));
        assertFalse(revoked[0], "its own dataset is not the revoked one");

        // A base revoked by its publisher taints the derived models too; the derived ones are
        // Tainted, not Revoked: only their own publisher revokes them.
        vm.revertToState(snap);
        vm.prank(tuner);
        registry.revokeAttestation(child);
        assertEq(uint256(_status(base)), uint256(ILineageRegistry.AttestationStatus.Valid));
        assertEq(uint256(_status(child)), uint256(ILineageRegistry.AttestationStatus.Revoked));
        assertEq(uint256(_status(grandchild)), uint256(ILineageRegistry.AttestationStatus.Tainted));
    }

    function test_fineTune_lineageDepthIsBounded() public {
        uint32[] memory ids = _certifiedDatasets(1);
        bytes32 model = _attest(ids, _u32(5));
        uint256 w = 0x3333;
        uint256 maxDepth = registry.MAX_BASE_DEPTH();
        for (uint256 depth = 1; depth <= maxDepth; ++depth) {
            model = _fineTune(tuner, model, w, w + 1, ids[0]); // a model with `depth` bases
            ++w;
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryLineageTooDeep.selector, model, maxDepth
            )
        );
        _fineTune(tuner, model, w, w + 1, ids[0]);

        // The deepest allowed model still reads its whole lineage.
        vm.prank(certifier);
        registry.revokeDataset(ids[0], "");
        assertEq(uint256(_status(model)), uint256(ILineageRegistry.AttestationStatus.Tainted));
    }

    function test_royaltySplit_unknownModelIsNone() public view {
        (ILineageRegistry.AttestationStatus status, uint32[] memory ids,,, uint32 n) =
            registry.royaltySplit(keccak256("nope"));
        assertEq(uint256(status), uint256(ILineageRegistry.AttestationStatus.None));
        assertEq(ids.length, 0);
        assertEq(n, 0);
    }

    // ================================================================ outputs

    function test_anchorOutputs_storesBatchesAndEmits() public {
        bytes32 modelId = _attest(_certifiedDatasets(1), _u32(5));
        vm.warp(777);
        vm.expectEmit(address(registry));
        emit ILineageRegistry.OutputsAnchored(modelId, 0, keccak256("root0"), 5, "ipfs://b0");
        vm.prank(publisher);
        assertEq(registry.anchorOutputs(modelId, keccak256("root0"), 5, "ipfs://b0"), 0);
        vm.prank(publisher);
        assertEq(registry.anchorOutputs(modelId, keccak256("root1"), 1, "ipfs://b1"), 1);

        assertEq(registry.outputBatchCount(modelId), 2);
        ILineageRegistry.OutputBatch memory b = registry.outputBatch(modelId, 0);
        assertEq(b.root, keccak256("root0"));
        assertEq(b.count, 5);
        assertEq(b.anchoredAt, 777);
        assertEq(registry.outputBatch(modelId, 1).root, keccak256("root1"));
    }

    function test_anchorOutputs_allowedWhenTainted() public {
        uint32[] memory ids = _certifiedDatasets(1);
        bytes32 modelId = _attest(ids, _u32(5));
        vm.prank(certifier);
        registry.revokeDataset(ids[0], "");
        vm.prank(publisher);
        registry.anchorOutputs(modelId, keccak256("r"), 1, "");
        assertEq(registry.outputBatchCount(modelId), 1);
    }

    function test_anchorOutputs_revertsForOthers() public {
        bytes32 modelId = _attest(_certifiedDatasets(1), _u32(5));
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryNotPublisher.selector, modelId, stranger
            )
        );
        vm.prank(stranger);
        registry.anchorOutputs(modelId, keccak256("r"), 1, "");
    }

    function test_anchorOutputs_revertsForUnknownModel() public {
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryModelUnknown.selector, keccak256("m"))
        );
        vm.prank(publisher);
        registry.anchorOutputs(keccak256("m"), keccak256("r"), 1, "");
    }

    function test_anchorOutputs_revertsForRevokedAttestation() public {
        bytes32 modelId = _attest(_certifiedDatasets(1), _u32(5));
        vm.startPrank(publisher);
        registry.revokeAttestation(modelId);
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryAttestationRevoked.selector, modelId)
        );
        registry.anchorOutputs(modelId, keccak256("r"), 1, "");
        vm.stopPrank();
    }

    function test_anchorOutputs_revertsOnZeroRoot() public {
        bytes32 modelId = _attest(_certifiedDatasets(1), _u32(5));
        vm.expectRevert(ILineageRegistry.RegistryBatchRootZero.selector);
        vm.prank(publisher);
        registry.anchorOutputs(modelId, bytes32(0), 1, "");
    }

    function test_anchorOutputs_revertsOnZeroCount() public {
        bytes32 modelId = _attest(_certifiedDatasets(1), _u32(5));
        vm.expectRevert(ILineageRegistry.RegistryBatchCountZero.selector);
        vm.prank(publisher);
        registry.anchorOutputs(modelId, keccak256("r"), 0, "");
    }

    function test_verifyOutput_acceptsEveryOutputOfABatch() public {
        bytes32 modelId = _attest(_certifiedDatasets(1), _u32(5));
        bytes32[] memory leaves = _leaves(5);
        (bytes32 root,) = _tree(leaves, 0);
        vm.prank(publisher);
        registry.anchorOutputs(modelId, root, 5, "");
        for (uint256 i = 0; i < 5; ++i) {
            (, bytes32[] memory proof) = _tree(leaves, i);
            assertTrue(registry.verifyOutput(modelId, 0, leaves[i], i, proof));
            assertFalse(registry.verifyOutput(modelId, 0, leaves[(i + 1) % 5], i, proof));
        }
    }

    function test_verifyOutput_singleOutputBatch() public {
        bytes32 modelId = _attest(_certifiedDatasets(1), _u32(5));
        bytes32 leaf = keccak256("only");
        vm.prank(publisher);
        registry.anchorOutputs(modelId, leaf, 1, "");
        assertTrue(registry.verifyOutput(modelId, 0, leaf, 0, new bytes32[](0)));
        assertFalse(registry.verifyOutput(modelId, 0, leaf, 1, new bytes32[](0)));
    }

    function test_verifyOutput_rejectsPaddingIndexAndWrongProofLength() public {
        bytes32 modelId = _attest(_certifiedDatasets(1), _u32(5));
        bytes32[] memory leaves = _leaves(3);
        (bytes32 root, bytes32[] memory proof) = _tree(leaves, 2);
        vm.prank(publisher);
        registry.anchorOutputs(modelId, root, 3, "");
        // Position 3 is padding (bytes32(0)); index 3 is not below the count.
        (, bytes32[] memory padProof) = _tree(leaves, 3);
        assertFalse(registry.verifyOutput(modelId, 0, bytes32(0), 3, padProof));
        // An inner node with a short proof does not pass as an output.
        bytes32 inner = keccak256(abi.encodePacked(leaves[0], leaves[1]));
        bytes32[] memory short = new bytes32[](1);
        short[0] = proof[1];
        assertFalse(registry.verifyOutput(modelId, 0, inner, 0, short));
        assertTrue(registry.verifyOutput(modelId, 0, leaves[2], 2, proof));
    }

    function test_verifyOutput_revertsForUnknownBatch() public {
        bytes32 modelId = _attest(_certifiedDatasets(1), _u32(5));
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryBatchUnknown.selector, modelId, 0)
        );
        registry.verifyOutput(modelId, 0, bytes32(0), 0, new bytes32[](0));
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryBatchUnknown.selector, modelId, 0)
        );
        registry.outputBatch(modelId, 0);
    }

    // ================================================================ setRoyaltyVault

    function test_setRoyaltyVault_setsReplacesAndDisables() public {
        assertEq(registry.royaltyVault(), address(vault)); // the fixture wires it
        RoyaltyVault other = new RoyaltyVault(registry, owner);
        vm.expectEmit(address(registry));
        emit ILineageRegistry.RoyaltyVaultUpdated(address(vault), address(other));
        vm.prank(owner);
        registry.setRoyaltyVault(address(other));
        assertEq(registry.royaltyVault(), address(other));

        vm.expectEmit(address(registry));
        emit ILineageRegistry.RoyaltyVaultUpdated(address(other), address(0));
        vm.prank(owner);
        registry.setRoyaltyVault(address(0));
        assertEq(registry.royaltyVault(), address(0));
    }

    function test_setRoyaltyVault_revertsForAVaultOfAnotherRegistry() public {
        RoyaltyVault foreign = new RoyaltyVault(new LineageRegistry(owner), owner);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryVaultMismatch.selector, address(foreign)
            )
        );
        vm.prank(owner);
        registry.setRoyaltyVault(address(foreign));
    }

    function test_setRoyaltyVault_revertsForAnAccountThatIsNoVault() public {
        address[2] memory notVaults = [stranger, address(verifier)];
        for (uint256 i = 0; i < notVaults.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILineageRegistry.RegistryVaultMismatch.selector, notVaults[i]
                )
            );
            vm.prank(owner);
            registry.setRoyaltyVault(notVaults[i]);
        }
    }

    function test_setRoyaltyVault_revertsForNonOwner() public {
        vm.expectRevert(
            abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger)
        );
        vm.prank(stranger);
        registry.setRoyaltyVault(address(0));
    }

    function test_registerDataset_preparesTheVaultsEthSlots() public {
        address[] memory creators = _creators(3, 7);
        uint32 id = _register(4242, creators, _weights(3));
        assertEq(_rawDistributed(id, address(0)), 1, "distributed slot not prepared");
        assertEq(vault.distributed(id, address(0)), 0);
        for (uint256 i = 0; i < creators.length; ++i) {
            assertEq(_rawClaimed(id, address(0), creators[i]), 1, "claimed slot not prepared");
            assertEq(vault.claimed(id, address(0), creators[i]), 0);
            assertEq(vault.claimable(id, address(0), creators[i]), 0);
        }
        // Tokens are not known at registration (see `RoyaltyVault.prepare`).
        assertEq(_rawDistributed(id, address(0x70CE)), 0);
    }

    function test_registerDataset_withoutAVaultPreparesNothing() public {
        vm.prank(owner);
        registry.setRoyaltyVault(address(0));
        address[] memory creators = _creators(2, 7);
        uint32 id = _register(4242, creators, _weights(2));
        assertEq(registry.dataset(id).creatorCount, 2);
        assertEq(_rawDistributed(id, address(0)), 0);
        assertEq(_rawClaimed(id, address(0), creators[0]), 0);
    }

    // ================================================================ verifier gas

    function _useVerifier(address v) internal {
        vm.prank(owner);
        registry.setVerifier(DEMO, v);
    }

    /// @dev The error's arguments: everything after the selector.
    function _args(bytes memory err) internal pure returns (bytes memory out) {
        out = new bytes(err.length - 4);
        for (uint256 i = 0; i < out.length; ++i) {
            out[i] = err[i + 4];
        }
    }

    function test_attest_givesTheVerifierExactlyVerifyGas() public {
        GasProbeVerifier probe = new GasProbeVerifier();
        _useVerifier(address(probe));
        _attest(_certifiedDatasets(1), _u32(5));
        uint256 seen = probe.seen();
        assertLe(seen, registry.VERIFY_GAS());
        assertLt(registry.VERIFY_GAS() - seen, 200, "the verifier got less than VERIFY_GAS");
    }

    function test_attest_aVerifierBurningAllItsGasCostsAtMostVerifyGas() public {
        GasBurningVerifier burner = new GasBurningVerifier();
        _useVerifier(address(burner));
        ILineageRegistry.AttestRequest memory r = _request(_certifiedDatasets(1), _u32(5));
        uint256 cap = registry.VERIFY_GAS();
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryProofRejected.selector, DEMO, address(burner)
            )
        );
        vm.prank(publisher);
        uint256 before = gasleft();
        registry.attest(r, PROOF);
        uint256 used = before - gasleft();
        assertLe(cap, used, "the verifier did not get VERIFY_GAS");
        assertLt(used, cap + 100_000, "more than VERIFY_GAS burnt");
    }

    function test_attest_revertsWithVerifyGasTooLowWhenTheVerifierCannotGetItsGas() public {
        ILineageRegistry.AttestRequest memory r = _request(_certifiedDatasets(1), _u32(5));
        uint256 cap = registry.VERIFY_GAS();
        vm.prank(publisher);
        try registry.attest{gas: cap}(r, PROOF) {
            assertTrue(false, "attested with too little gas");
        } catch (bytes memory err) {
            assertTrue(_hasSelector(err, ILineageRegistry.RegistryVerifyGasTooLow.selector));
            (uint256 left, uint256 needed) = abi.decode(_args(err), (uint256, uint256));
            assertEq(needed, cap + cap / 63 + 5_000);
            assertLt(left, needed);
        }
        assertEq(verifier.acceptedCalls(), 0, "the verifier was called");
        assertEq(registry.attestation(registry.modelIdOf(publisher, r.wHash)).publisher, address(0));
    }

    function test_attest_succeedsWithAGasLimitAboveTheVerifierCap() public {
        ILineageRegistry.AttestRequest memory r = _request(_certifiedDatasets(4), _counts(4));
        vm.prank(publisher);
        registry.attest{gas: 1_150_000}(r, PROOF);
        assertEq(verifier.acceptedCalls(), 1);
    }

    /// @dev Whatever the gas limit, a verifier that accepts the proof when it gets VERIFY_GAS
    ///      (and fails with less, as a starved honest verification does) is never reported as
    ///      rejecting it: the attestation succeeds, reverts with RegistryVerifyGasTooLow, or
    ///      runs out of gas after the verifier (no revert data).
    function testFuzz_attest_neverReportsAStarvedVerifierAsARejection(uint256 gasLimit) public {
        uint256 cap = registry.VERIFY_GAS();
        FullGasVerifier fullGas = new FullGasVerifier(cap - 200);
        _useVerifier(address(fullGas));
        ILineageRegistry.AttestRequest memory r = _request(_certifiedDatasets(1), _u32(5));
        gasLimit = bound(gasLimit, cap, cap + 150_000);
        vm.prank(publisher);
        try registry.attest{gas: gasLimit}(r, PROOF) {}
        catch (bytes memory err) {
            assertTrue(
                err.length == 0
                    || _hasSelector(err, ILineageRegistry.RegistryVerifyGasTooLow.selector),
                "a starved verifier was reported as a rejection"
            );
        }
    }

    // ================================================================ helpers

    function _word(bytes memory data, uint256 position) internal pure returns (uint256 w) {
        bytes32 b;
        for (uint256 i = 0; i < 32; ++i) {
            b |= bytes32(data[32 * position + i]) >> (8 * i);
        }
        w = uint256(b);
    }
}
