// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProfileKinds} from "../generated/ProfileKinds.sol";
import {PublicLayout} from "../generated/PublicLayout.sol";
import {ILineageRegistry} from "../interfaces/ILineageRegistry.sol";
import {IRoyaltyVault} from "../interfaces/IRoyaltyVault.sol";
import {MockVerifier} from "./mocks/MockVerifier.sol";
import {LineageFixture} from "./utils/LineageFixture.sol";

/// @title LineageRegistryDeclaredTest
/// @notice Declared training (issue 15): `attestDeclared` and `attestDeclaredBySig` on the
///         demo-declared profile, the kind taken from the profile and never from the caller,
///         and a declared model downstream (royalties, revocation, taint, outputs) as a
///         proven one.
contract LineageRegistryDeclaredTest is LineageFixture {
    bytes internal constant PROOF = hex"c0ffee";
    uint256 internal constant SIGNER_KEY = 0xA11CE5EC12E7;

    /// @dev `MODEL_HASH`'s halves, written out.
    uint256 internal constant MODEL_HASH_HI = 0xf1e2d3c4b5a69788796a5b4c3d2e1f00;
    uint256 internal constant MODEL_HASH_LO = 0x0f1e2d3c4b5a69788796a5b4c3d2e1ff;

    function _attestDeclaredBy(address who, ILineageRegistry.DeclaredRequest memory r)
        internal
        returns (bytes32)
    {
        vm.prank(who);
        return registry.attestDeclared(r, PROOF);
    }

    // ================================================================ attestDeclared

    function test_attestDeclared_recordsTheKindEmitsAndReturnsThePublishersModelId() public {
        uint32[] memory ids = _certifiedDatasets(2);
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(ids, _u32(7, 5));
        bytes32 expectedId = keccak256(abi.encode(publisher, MODEL_HASH));

        vm.expectEmit(address(registry));
        emit ILineageRegistry.ModelAttested(
            expectedId,
            publisher,
            DEMO_DECLARED,
            uint256(MODEL_HASH),
            ids,
            r.counts,
            r.trainRoot,
            r.licenseMask,
            12,
            0,
            0,
            address(declaredVerifier),
            publisher
        );
        vm.expectEmit(address(registry));
        emit ILineageRegistry.ModelDeclared(expectedId, MODEL_HASH);
        bytes32 modelId = _attestDeclaredBy(publisher, r);

        assertEq(modelId, expectedId);
        assertEq(registry.modelIdOf(publisher, uint256(MODEL_HASH)), expectedId);
        assertEq(declaredVerifier.acceptedCalls(), 1);
        assertEq(verifier.acceptedCalls(), 0, "the proven profile's verifier was called");

        ILineageRegistry.Attestation memory a = registry.attestation(modelId);
        assertEq(a.publisher, publisher);
        assertEq(a.profileId, DEMO_DECLARED);
        assertEq(a.kind, ProfileKinds.DECLARED);
        assertEq(a.nRecords, 12);
        assertEq(a.licenseMask, 3);
        assertFalse(a.revoked);
        assertEq(a.baseModelId, bytes32(0));
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

    function test_attest_recordsTheProvenKind() public {
        bytes32 modelId = _attest(_certifiedDatasets(1), _u32(5));
        assertEq(registry.attestation(modelId).kind, ProfileKinds.PROVEN);
        assertEq(registry.attestation(keccak256("none")).kind, ProfileKinds.UNKNOWN);
    }

    /// @dev The 25 words, at positions written out here rather than read from
    ///      `PublicLayout`: accumulator 0-11, roots 12-15, counts 16-19, train root 20,
    ///      license mask 21, nRecords 22, model hash high half 23, low half 24. The mock
    ///      accepts only this calldata.
    function test_attestDeclared_sendsTheVerifierExactlyTheDeclaredWords() public {
        uint32[] memory ids = _certifiedDatasets(2);
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(ids, _u32(7, 5));
        r.trainRoot = 0xAAAA01;
        r.licenseMask = 0xAAAA02;
        uint256[25] memory words;
        for (uint256 i = 0; i < 12; ++i) {
            words[i] = 0xacc0 + i;
        }
        (words[12], words[13]) = (1000, 1001); // the datasets' roots; slots 2 and 3 unused
        (words[16], words[17]) = (7, 5);
        (words[20], words[21], words[22]) = (0xAAAA01, 0xAAAA02, 12);
        (words[23], words[24]) = (MODEL_HASH_HI, MODEL_HASH_LO);
        bytes memory data = bytes.concat(abi.encodePacked(words), PROOF);
        assertEq(data.length, 25 * 32 + PROOF.length);
        assertEq(keccak256(data), keccak256(_expectedCalldata(r, PROOF)), "fixture's builder");

        declaredVerifier.expectCalldataHash(keccak256(data));
        _attestDeclaredBy(publisher, r);
        assertEq(declaredVerifier.lastCalldataHash(), keccak256(data));
    }

    function test_attestDeclared_calldataForEveryDatasetCount() public {
        uint32[] memory all = _certifiedDatasets(PublicLayout.SLOTS);
        for (uint256 n = 1; n <= PublicLayout.SLOTS; ++n) {
            uint32[] memory ids = new uint32[](n);
            for (uint256 i = 0; i < n; ++i) {
                ids[i] = all[i];
            }
            ILineageRegistry.DeclaredRequest memory r = _declaredRequest(ids, _counts(n));
            r.modelHash = bytes32(n); // a new model each time
            _attestDeclaredBy(publisher, r);
            assertEq(declaredVerifier.lastCalldataHash(), keccak256(_expectedCalldata(r, PROOF)));
        }
    }

    /// @dev A proof (the mock accepting one calldata) for `MODEL_HASH` verifies for no
    ///      other hash: one bit changed in either half, or the halves swapped.
    function test_attestDeclared_aProofForOneModelHashIsRejectedForAnother() public {
        uint32[] memory ids = _certifiedDatasets(1);
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(ids, _u32(5));
        declaredVerifier.expectCalldataHash(keccak256(_expectedCalldata(r, PROOF)));
        bytes32[3] memory others = [
            MODEL_HASH ^ bytes32(uint256(1) << 200),
            MODEL_HASH ^ bytes32(uint256(1)),
            bytes32((MODEL_HASH_LO << 128) | MODEL_HASH_HI)
        ];
        for (uint256 i = 0; i < others.length; ++i) {
            r.modelHash = others[i];
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILineageRegistry.RegistryProofRejected.selector,
                    DEMO_DECLARED,
                    address(declaredVerifier)
                )
            );
            _attestDeclaredBy(publisher, r);
            bytes32 modelId = registry.modelIdOf(publisher, uint256(others[i]));
            assertEq(registry.attestation(modelId).publisher, address(0));
        }
        r.modelHash = MODEL_HASH;
        _attestDeclaredBy(publisher, r);
        assertEq(declaredVerifier.acceptedCalls(), 1);
    }

    function test_attestDeclared_rejectedProofRecordsNothing() public {
        uint32[] memory ids = _certifiedDatasets(1);
        declaredVerifier.setAccept(false);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryProofRejected.selector,
                DEMO_DECLARED,
                address(declaredVerifier)
            )
        );
        _attestDeclared(ids, _u32(5));
        bytes32 modelId = registry.modelIdOf(publisher, uint256(MODEL_HASH));
        assertEq(
            uint256(registry.attestationStatus(modelId)),
            uint256(ILineageRegistry.AttestationStatus.None)
        );
    }

    function test_attestDeclared_revertsWhenModelExists() public {
        uint32[] memory ids = _certifiedDatasets(1);
        bytes32 modelId = _attestDeclared(ids, _u32(5));
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryModelExists.selector, modelId)
        );
        _attestDeclared(ids, _u32(5));

        // Another publisher's model with the same file is another model.
        bytes32 other = _attestDeclaredBy(stranger, _declaredRequest(ids, _u32(5)));
        assertTrue(other != modelId);
        assertEq(registry.attestation(other).publisher, stranger);
    }

    /// @dev Both kinds derive ids alike: a publisher's proven model with weights `w` and
    ///      declared model with file hash `w` are one id, attested once.
    function test_attestDeclared_sharesTheModelIdSpaceWithProvenModels() public {
        uint32[] memory ids = _certifiedDatasets(1);
        bytes32 proven = _attest(ids, _u32(5)); // wHash 0x3333
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(ids, _u32(5));
        r.modelHash = bytes32(uint256(0x3333));
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistryModelExists.selector, proven)
        );
        _attestDeclaredBy(publisher, r);
    }

    /// @dev The dataset and accumulator checks are `attest`'s, each with its error.
    function test_attestDeclared_checksTheDatasetWordsAsAttestDoes() public {
        uint32[] memory ids = _certifiedDatasets(2);
        uint32 uncertified = _register(77, _creators(1, 9), _weights(1));
        uint32 revoked = _registerCertified(78, _creators(1, 8), _weights(1));
        vm.prank(certifier);
        registry.revokeDataset(revoked, "");
        ILineageRegistry.DeclaredRequest[11] memory rs;
        bytes[11] memory errs;
        for (uint256 i = 0; i < rs.length; ++i) {
            rs[i] = _declaredRequest(ids, _u32(4, 6));
        }
        rs[0].datasetIds = new uint32[](0);
        rs[0].counts = new uint32[](0);
        errs[0] =
            abi.encodeWithSelector(ILineageRegistry.RegistryDatasetCountOutOfRange.selector, 0);
        rs[1].counts = _u32(10);
        errs[1] =
            abi.encodeWithSelector(ILineageRegistry.RegistryCountsLengthMismatch.selector, 2, 1);
        rs[2].accumulator = new uint256[](PublicLayout.ACCUMULATOR_LEN + 1);
        errs[2] = abi.encodeWithSelector(
            ILineageRegistry.RegistryAccumulatorLength.selector, PublicLayout.ACCUMULATOR_LEN + 1
        );
        rs[3].datasetIds = _ids(ids[0], 99);
        errs[3] = abi.encodeWithSelector(ILineageRegistry.RegistryDatasetUnknown.selector, 99);
        rs[4].datasetIds = _ids(ids[0], uncertified);
        errs[4] = abi.encodeWithSelector(
            ILineageRegistry.RegistryDatasetNotCertified.selector, uncertified
        );
        rs[5].datasetIds = _ids(revoked, ids[1]);
        errs[5] = abi.encodeWithSelector(ILineageRegistry.RegistryDatasetRevoked.selector, revoked);
        rs[6].datasetIds = _ids(ids[1], ids[1]);
        errs[6] =
            abi.encodeWithSelector(ILineageRegistry.RegistryDatasetDuplicated.selector, ids[1]);
        (rs[7].counts, rs[7].nRecords) = (_u32(10, 0), 10);
        errs[7] = abi.encodeWithSelector(ILineageRegistry.RegistryCountZero.selector, ids[1]);
        rs[8].nRecords = 11;
        errs[8] = abi.encodeWithSelector(ILineageRegistry.RegistryCountSumMismatch.selector, 10, 11);
        rs[9].trainRoot = FIELD_MODULUS;
        errs[9] = abi.encodeWithSelector(
            ILineageRegistry.RegistryWordOutOfField.selector, PublicLayout.TRAIN_ROOT, FIELD_MODULUS
        );
        rs[10].accumulator[3] = FIELD_MODULUS;
        errs[10] = abi.encodeWithSelector(
            ILineageRegistry.RegistryWordOutOfField.selector,
            PublicLayout.ACCUMULATOR + 3,
            FIELD_MODULUS
        );
        for (uint256 i = 0; i < rs.length; ++i) {
            vm.expectRevert(errs[i]);
            _attestDeclaredBy(publisher, rs[i]);
        }
        assertEq(declaredVerifier.acceptedCalls(), 0);
    }

    function test_attestDeclared_revertsWithoutVerifier() public {
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(_certifiedDatasets(1), _u32(5));
        r.profileId = STANDARD_DECLARED;
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryVerifierMissing.selector, STANDARD_DECLARED
            )
        );
        _attestDeclaredBy(publisher, r);
    }

    // ================================================================ the kind

    /// @dev Every profile id gets a verifier, so that only the kind can refuse.
    function _verifierForEveryProfile() internal returns (MockVerifier any) {
        any = new MockVerifier();
        uint32[7] memory profiles =
            [DEMO, STANDARD, DEMO_DECLARED, STANDARD_DECLARED, DEMO_TREE, DEMO_DECLARED_TREE, 99];
        vm.startPrank(owner);
        for (uint256 i = 0; i < profiles.length; ++i) {
            registry.setVerifier(profiles[i], address(any));
        }
        vm.stopPrank();
    }

    function test_attest_refusesAProfileThatIsNotProven() public {
        MockVerifier any = _verifierForEveryProfile();
        uint32[] memory ids = _certifiedDatasets(1);
        uint32[4] memory profiles = [DEMO_DECLARED, STANDARD_DECLARED, DEMO_DECLARED_TREE, 99];
        uint8[4] memory kinds = [
            ProfileKinds.DECLARED,
            ProfileKinds.DECLARED,
            ProfileKinds.DECLARED,
            ProfileKinds.UNKNOWN
        ];
        for (uint256 i = 0; i < profiles.length; ++i) {
            ILineageRegistry.AttestRequest memory r = _request(ids, _u32(5));
            r.profileId = profiles[i];
            bytes memory err = abi.encodeWithSelector(
                ILineageRegistry.RegistryProfileKind.selector, profiles[i], kinds[i]
            );
            vm.expectRevert(err);
            vm.prank(publisher);
            registry.attest(r, PROOF);

            address who = vm.addr(SIGNER_KEY);
            bytes32 digest = registry.attestDigest(r, who, 0, block.timestamp);
            bytes memory sig = _sign(digest);
            vm.expectRevert(err);
            registry.attestBySig(r, PROOF, who, block.timestamp, sig);
        }
        assertEq(any.acceptedCalls(), 0);
    }

    function test_attestDeclared_refusesAProfileThatIsNotDeclared() public {
        MockVerifier any = _verifierForEveryProfile();
        uint32[] memory ids = _certifiedDatasets(1);
        uint32[4] memory profiles = [DEMO, STANDARD, DEMO_TREE, 99];
        uint8[4] memory kinds =
            [ProfileKinds.PROVEN, ProfileKinds.PROVEN, ProfileKinds.PROVEN, ProfileKinds.UNKNOWN];
        for (uint256 i = 0; i < profiles.length; ++i) {
            ILineageRegistry.DeclaredRequest memory r = _declaredRequest(ids, _u32(5));
            r.profileId = profiles[i];
            bytes memory err = abi.encodeWithSelector(
                ILineageRegistry.RegistryProfileKind.selector, profiles[i], kinds[i]
            );
            vm.expectRevert(err);
            _attestDeclaredBy(publisher, r);

            address who = vm.addr(SIGNER_KEY);
            bytes memory sig = _sign(registry.attestDeclaredDigest(r, who, 0, block.timestamp));
            vm.expectRevert(err);
            registry.attestDeclaredBySig(r, PROOF, who, block.timestamp, sig);
        }
        assertEq(any.acceptedCalls(), 0);
    }

    /// @dev Both declared profiles attest through `attestDeclared`, both proven ones through
    ///      `attest`, each recording its kind.
    function test_eachProfileAttestsThroughItsKindsFunction() public {
        MockVerifier any = _verifierForEveryProfile();
        uint32[] memory ids = _certifiedDatasets(1);
        uint32[2] memory declaredProfiles = [DEMO_DECLARED, STANDARD_DECLARED];
        for (uint256 i = 0; i < 2; ++i) {
            ILineageRegistry.DeclaredRequest memory r = _declaredRequest(ids, _u32(5));
            (r.profileId, r.modelHash) = (declaredProfiles[i], bytes32(i + 1));
            bytes32 modelId = _attestDeclaredBy(publisher, r);
            assertEq(registry.attestation(modelId).kind, ProfileKinds.DECLARED);
            assertEq(registry.attestation(modelId).profileId, declaredProfiles[i]);
        }
        ILineageRegistry.AttestRequest memory p = _request(ids, _u32(5));
        (p.profileId, p.w0Hash) =
        (STANDARD, 0x056fb976d1d9210fd63a3f5a5e6b5d688026180fd3926c802696b4f7be629130);
        vm.prank(publisher);
        bytes32 proven = registry.attest(p, PROOF);
        assertEq(registry.attestation(proven).kind, ProfileKinds.PROVEN);
        assertEq(registry.attestation(proven).profileId, STANDARD);
        assertEq(any.acceptedCalls(), 3);
    }

    /// @dev A declared model is no base: fine-tuning is a property of proven training (and a
    ///      declared model is of another profile).
    function test_attest_refusesADeclaredModelAsBase() public {
        uint32[] memory ids = _certifiedDatasets(1);
        ILineageRegistry.DeclaredRequest memory d = _declaredRequest(ids, _u32(5));
        d.modelHash = bytes32(uint256(0x3333)); // below the field, so it could be a w0Hash
        bytes32 base = _attestDeclaredBy(publisher, d);
        ILineageRegistry.AttestRequest memory r = _request(ids, _u32(5));
        (r.baseModelId, r.w0Hash, r.wHash) = (base, 0x3333, 0x5555);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryBaseProfileMismatch.selector, base, DEMO_DECLARED, DEMO
            )
        );
        vm.prank(stranger);
        registry.attest(r, PROOF);
    }

    // ================================================================ attestDeclaredBySig

    function _sign(bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(SIGNER_KEY, digest);
        return abi.encodePacked(rr, s, v);
    }

    function _signed(ILineageRegistry.DeclaredRequest memory r, address who, uint256 key)
        internal
        view
        returns (bytes memory)
    {
        bytes32 digest =
            registry.attestDeclaredDigest(r, who, registry.nonces(who), block.timestamp);
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(rr, s, v);
    }

    function test_attestDeclaredDigest_matchesEip712() public view {
        uint32[] memory ids = new uint32[](2);
        (ids[0], ids[1]) = (3, 4);
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(ids, _u32(1, 2));
        address who = vm.addr(SIGNER_KEY);
        bytes32 typeHash = keccak256(
            "AttestDeclared(address publisher,uint32 profileId,uint32[] datasetIds,uint32[] counts,uint256 trainRoot,uint64 licenseMask,uint32 nRecords,bytes32 modelHash,uint256 nonce,uint256 deadline)"
        );
        assertEq(registry.ATTEST_DECLARED_TYPEHASH(), typeHash);
        bytes32 structHash = keccak256(
            abi.encode(
                typeHash,
                who,
                uint256(DEMO_DECLARED),
                keccak256(abi.encode(uint256(3), uint256(4))),
                keccak256(abi.encode(uint256(1), uint256(2))),
                r.trainRoot,
                r.licenseMask,
                r.nRecords,
                MODEL_HASH,
                uint256(7),
                uint256(99)
            )
        );
        assertEq(
            registry.attestDeclaredDigest(r, who, 7, 99),
            keccak256(abi.encodePacked("\x19\x01", registry.DOMAIN_SEPARATOR(), structHash))
        );
    }

    function test_attestDeclaredBySig_relayerSubmitsForPublisher() public {
        uint32[] memory ids = _certifiedDatasets(1);
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(ids, _u32(5));
        address who = vm.addr(SIGNER_KEY);
        bytes memory sig = _signed(r, who, SIGNER_KEY);
        bytes32 expectedId = registry.modelIdOf(who, uint256(MODEL_HASH));

        vm.expectEmit(address(registry));
        emit ILineageRegistry.ModelAttested(
            expectedId,
            who,
            DEMO_DECLARED,
            uint256(MODEL_HASH),
            ids,
            r.counts,
            r.trainRoot,
            r.licenseMask,
            5,
            0,
            0,
            address(declaredVerifier),
            stranger
        );
        vm.expectEmit(address(registry));
        emit ILineageRegistry.ModelDeclared(expectedId, MODEL_HASH);
        vm.prank(stranger);
        bytes32 modelId = registry.attestDeclaredBySig(r, PROOF, who, block.timestamp, sig);
        assertEq(modelId, expectedId);
        assertEq(registry.attestation(modelId).publisher, who);
        assertEq(registry.attestation(modelId).kind, ProfileKinds.DECLARED);
        assertEq(registry.nonces(who), 1);
    }

    function test_attestDeclaredBySig_revertsAfterDeadline() public {
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(_certifiedDatasets(1), _u32(5));
        address who = vm.addr(SIGNER_KEY);
        bytes memory sig = _signed(r, who, SIGNER_KEY);
        uint256 deadline = block.timestamp;
        vm.warp(deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistrySignatureExpired.selector, deadline)
        );
        registry.attestDeclaredBySig(r, PROOF, who, deadline, sig);
    }

    function test_attestDeclaredBySig_revertsOnWrongSigner() public {
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(_certifiedDatasets(1), _u32(5));
        address who = vm.addr(SIGNER_KEY);
        bytes memory sig = _signed(r, who, SIGNER_KEY + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistrySignatureInvalid.selector, who)
        );
        registry.attestDeclaredBySig(r, PROOF, who, block.timestamp, sig);
    }

    function test_attestDeclaredBySig_revertsOnZeroPublisher() public {
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(_certifiedDatasets(1), _u32(5));
        vm.expectRevert(ILineageRegistry.RegistryZeroAddress.selector);
        registry.attestDeclaredBySig(r, PROOF, address(0), block.timestamp, "");
    }

    /// @dev The model hash is signed: a relayer cannot attest another file.
    function test_attestDeclaredBySig_revertsWhenTheModelHashDiffersFromSigned() public {
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(_certifiedDatasets(1), _u32(5));
        address who = vm.addr(SIGNER_KEY);
        bytes memory sig = _signed(r, who, SIGNER_KEY);
        r.modelHash = bytes32(uint256(MODEL_HASH) + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistrySignatureInvalid.selector, who)
        );
        registry.attestDeclaredBySig(r, PROOF, who, block.timestamp, sig);
    }

    /// @dev A signature for `attestBySig` is not one for `attestDeclaredBySig`, even with the
    ///      same members where they overlap: the types differ.
    function test_attestDeclaredBySig_refusesAProvenAttestationsSignature() public {
        uint32[] memory ids = _certifiedDatasets(1);
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(ids, _u32(5));
        address who = vm.addr(SIGNER_KEY);
        ILineageRegistry.AttestRequest memory p = _request(ids, _u32(5));
        bytes memory sig = _sign(registry.attestDigest(p, who, 0, block.timestamp));
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistrySignatureInvalid.selector, who)
        );
        registry.attestDeclaredBySig(r, PROOF, who, block.timestamp, sig);
    }

    function test_attestDeclaredBySig_revertsOnReplay() public {
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(_certifiedDatasets(1), _u32(5));
        address who = vm.addr(SIGNER_KEY);
        bytes memory sig = _signed(r, who, SIGNER_KEY);
        registry.attestDeclaredBySig(r, PROOF, who, block.timestamp, sig);
        // The same request and signature: refused for the spent nonce, before the model's
        // existence is even looked at.
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistrySignatureInvalid.selector, who)
        );
        registry.attestDeclaredBySig(r, PROOF, who, block.timestamp, sig);
    }

    /// @dev One nonce space for both kinds: a proven attestation signed at nonce 0 and
    ///      submitted first leaves a declared one signed at nonce 0 stale.
    function test_attestDeclaredBySig_sharesTheNoncesOfAttestBySig() public {
        uint32[] memory ids = _certifiedDatasets(1);
        address who = vm.addr(SIGNER_KEY);
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(ids, _u32(5));
        bytes memory declaredSig = _signed(r, who, SIGNER_KEY);
        ILineageRegistry.AttestRequest memory p = _request(ids, _u32(5));
        bytes memory provenSig = _sign(registry.attestDigest(p, who, 0, block.timestamp));
        registry.attestBySig(p, PROOF, who, block.timestamp, provenSig);
        assertEq(registry.nonces(who), 1);
        vm.expectRevert(
            abi.encodeWithSelector(ILineageRegistry.RegistrySignatureInvalid.selector, who)
        );
        registry.attestDeclaredBySig(r, PROOF, who, block.timestamp, declaredSig);

        // Signed at nonce 1, it goes through and moves the shared nonce on.
        registry.attestDeclaredBySig(r, PROOF, who, block.timestamp, _signed(r, who, SIGNER_KEY));
        assertEq(registry.nonces(who), 2);
    }

    function test_attestDeclaredBySig_failedVerificationKeepsTheNonce() public {
        ILineageRegistry.DeclaredRequest memory r = _declaredRequest(_certifiedDatasets(1), _u32(5));
        address who = vm.addr(SIGNER_KEY);
        bytes memory sig = _signed(r, who, SIGNER_KEY);
        declaredVerifier.setAccept(false);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryProofRejected.selector,
                DEMO_DECLARED,
                address(declaredVerifier)
            )
        );
        registry.attestDeclaredBySig(r, PROOF, who, block.timestamp, sig);
        assertEq(registry.nonces(who), 0);
    }

    // ================================================================ downstream

    /// @dev RoyaltyVaultTest's split, for a declared model: four datasets (creators weighted
    ///      1, 2, 3) with counts 10, 20, 30, 40; a creator claims their share.
    function test_royalties_aDeclaredModelsPaymentSplitsByItsCountsAndIsClaimed() public {
        uint32[] memory ids = _certifiedDatasets(4);
        bytes32 modelId = _attestDeclared(ids, _counts(4));
        address payer = address(0xFA7E12);
        vm.deal(payer, 1000);
        for (uint256 s = 0; s < 4; ++s) {
            vm.expectEmit(address(vault));
            emit IRoyaltyVault.RoyaltyDistributed(modelId, ids[s], address(0), 100 * (s + 1));
        }
        vm.prank(payer);
        vault.payRoyalty{value: 1000}(modelId);

        for (uint256 s = 0; s < 4; ++s) {
            assertEq(vault.distributed(ids[s], address(0)), 100 * (s + 1));
        }
        // Dataset 2 got 300; its third creator (weight 3 of 6) is owed 150.
        address creator = _creators(3, 2)[2];
        assertEq(vault.claimable(ids[2], address(0), creator), 150);
        vm.prank(creator);
        vault.claim(ids[2], address(0));
        assertEq(creator.balance, 150);
        assertEq(vault.claimable(ids[2], address(0), creator), 0);
    }

    function test_status_aRevokedNamedDatasetTaintsADeclaredModel() public {
        uint32[] memory ids = _certifiedDatasets(2);
        bytes32 modelId = _attestDeclared(ids, _u32(5, 6));
        vm.prank(certifier);
        registry.revokeDataset(ids[1], "disputed");
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

        // The revoked dataset's share is held; the other's is paid.
        address payer = address(0xFA7E12);
        vm.deal(payer, 1100);
        vm.prank(payer);
        vault.payRoyalty{value: 1100}(modelId);
        assertEq(vault.distributed(ids[0], address(0)), 500);
        assertEq(vault.held(ids[1], address(0)), 600);
    }

    function test_revokeAttestation_revokesADeclaredModel() public {
        bytes32 modelId = _attestDeclared(_certifiedDatasets(1), _u32(5));
        vm.expectEmit(address(registry));
        emit ILineageRegistry.AttestationRevoked(modelId, publisher);
        vm.prank(publisher);
        registry.revokeAttestation(modelId);
        assertTrue(registry.attestation(modelId).revoked);
        assertEq(
            uint256(registry.attestationStatus(modelId)),
            uint256(ILineageRegistry.AttestationStatus.Revoked)
        );
        address payer = address(0xFA7E12);
        vm.deal(payer, 1);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyVault.RoyaltyModelRevoked.selector, modelId));
        vm.prank(payer);
        vault.payRoyalty{value: 1}(modelId);
    }

    function test_outputs_aDeclaredModelAnchorsAndVerifiesOutputs() public {
        bytes32 modelId = _attestDeclared(_certifiedDatasets(1), _u32(5));
        bytes32[] memory leaves = _leaves(3);
        (bytes32 root,) = _tree(leaves, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILineageRegistry.RegistryNotPublisher.selector, modelId, stranger
            )
        );
        vm.prank(stranger);
        registry.anchorOutputs(modelId, root, 3, "ipfs://outputs");
        vm.prank(publisher);
        uint256 batch = registry.anchorOutputs(modelId, root, 3, "ipfs://outputs");
        for (uint256 i = 0; i < leaves.length; ++i) {
            (, bytes32[] memory proof) = _tree(leaves, i);
            assertTrue(registry.verifyOutput(modelId, batch, leaves[i], i, proof));
            assertFalse(registry.verifyOutput(modelId, batch, keccak256("other"), i, proof));
        }
    }
}
