// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {ProfileKinds} from "./generated/ProfileKinds.sol";
import {PublicLayout} from "./generated/PublicLayout.sol";
import {PublicStart} from "./generated/PublicStart.sol";
import {ILineageRegistry} from "./interfaces/ILineageRegistry.sol";
import {IRoyaltyVault} from "./interfaces/IRoyaltyVault.sol";
import {OutputMerkle} from "./libraries/OutputMerkle.sol";

/// @title LineageRegistry
/// @notice Datasets and their certification, per-profile verifiers, model attestations that
///         exist only because their aggregated proof verified in the same transaction, and
///         anchored batches of model outputs.
/// @dev The verifier of a profile is a generated contract with no function selector: its
///      calldata is the public values as 32-byte big-endian words (`PublicLayout.LEN` of them
///      for a PROVEN profile, `PublicLayout.DECLARED_LEN` for a DECLARED one), then the
///      proof; it returns if the proof verifies and reverts otherwise. The registry builds
///      those words from storage (the certified roots) and the request, with the positions
///      from `PublicLayout`; slots beyond the named datasets get root 0 and count 0. The
///      accumulator and dataset words sit at the same positions in both kinds' layouts.
///      The verifier gets exactly `VERIFY_GAS`: a rejected proof can burn no more (a failing
///      pairing or EC precompile call consumes all the gas it is given), and an honest
///      attestation sent with too little gas fails with `RegistryVerifyGasTooLow` instead of
///      looking like a rejected proof.
contract LineageRegistry is ILineageRegistry, Ownable2Step, EIP712 {
    // ---------------------------------------------------------------- constants

    /// @notice The BN254 scalar field modulus: every public value must be below it.
    uint256 public constant FIELD_MODULUS =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice The gas given to a profile's verifier, whatever the transaction's gas limit.
    ///         The generated demo verifier needs about 369k for an honest proof.
    uint256 public constant VERIFY_GAS = 1_000_000;

    /// @dev The gas that must be left just before the verifier call for the verifier to get
    ///      all of `VERIFY_GAS`: a call passes on at most 63/64 of what is left (EIP-150),
    ///      plus a margin for the call's own cost and the few operations before it.
    uint256 private constant _VERIFY_GAS_NEEDED = VERIFY_GAS + VERIFY_GAS / 63 + 5_000;

    /// @notice EIP-712 type of a signed attestation (`attestBySig`). Arrays are hashed as
    ///         EIP-712 prescribes: keccak256 of the elements, each as a 32-byte word.
    bytes32 public constant ATTEST_TYPEHASH = keccak256(
        "Attest(address publisher,uint32 profileId,uint32[] datasetIds,uint32[] counts,"
        "uint256 trainRoot,uint64 licenseMask,uint32 nRecords,uint256 w0Hash,bytes32 baseModelId,"
        "uint256 wHash,uint256 hyperHash,uint256 nonce,uint256 deadline)"
    );

    /// @notice EIP-712 type of a signed declared attestation (`attestDeclaredBySig`); arrays
    ///         hashed as in `ATTEST_TYPEHASH`.
    bytes32 public constant ATTEST_DECLARED_TYPEHASH = keccak256(
        "AttestDeclared(address publisher,uint32 profileId,uint32[] datasetIds,uint32[] counts,"
        "uint256 trainRoot,uint64 licenseMask,uint32 nRecords,bytes32 modelHash,uint256 nonce,"
        "uint256 deadline)"
    );

    /// @notice The most bases a model may have (its base, that one's base, and so on): a
    ///         status read walks them all, so they are bounded. See `RegistryLineageTooDeep`.
    uint256 public constant MAX_BASE_DEPTH = 8;

    // ---------------------------------------------------------------- storage

    /// @dev Storage form of an attestation: two slots, the fewest that hold it (its time is
    ///      the block of its `ModelAttested` event; `nRecords` is the sum of the counts).
    ///      Slot `s`'s dataset id and count live in bits `[32s, 32s + 32)` of
    ///      `packedDatasetIds` and `packedCounts`; unused slots hold id 0, which no dataset has.
    ///      `profileId` has 24 bits so that `kind` (`ProfileKinds`) fits the first slot: only a
    ///      profile with a kind is recorded, and the profile table's ids are 1 to 4.
    struct AttestationRecord {
        address publisher;
        uint24 profileId;
        uint8 kind;
        uint64 licenseMask;
        uint128 packedDatasetIds;
        uint128 packedCounts;
    }

    /// @dev A creator's weight and their dataset's total, in one slot for `creatorWeight`.
    struct Share {
        uint64 weight;
        uint64 totalWeight;
    }

    /// @dev Datasets by id; ids start at 1.
    mapping(uint32 datasetId => Dataset) private _datasets;

    /// @dev The root of each certified dataset; 0 when not certified (or revoked), so
    ///      `attest` reads one slot per dataset.
    mapping(uint32 datasetId => uint256) private _certifiedRoots;

    /// @dev Creator shares per dataset.
    mapping(uint32 datasetId => mapping(address creator => Share)) private _shares;

    /// @dev The id of the dataset registered with each root; 0 for none. Written once, at
    ///      registration, and never cleared (not even by revocation): one id per root, forever.
    mapping(uint256 root => uint32 datasetId) private _datasetOfRoot;

    /// @dev Number of datasets registered so far (the last id).
    uint32 private _datasetCount;

    /// @dev The certifier role.
    mapping(address account => bool) private _certifiers;

    /// @dev The verifier per profile.
    mapping(uint32 profileId => address) private _verifiers;

    /// @dev Attestations by model id.
    mapping(bytes32 modelId => AttestationRecord) private _attestations;

    /// @dev Whether the publisher revoked the attestation.
    mapping(bytes32 modelId => bool) private _attestationRevoked;

    /// @dev The model each fine-tuned model started from; 0 (never written) for a model
    ///      trained from zero weights, which so pays nothing for lineage.
    mapping(bytes32 modelId => bytes32 baseModelId) private _baseOf;

    /// @dev Next signed-attestation nonce per publisher.
    mapping(address publisher => uint256) private _nonces;

    /// @dev The royalty vault `registerDataset` prepares (0: none).
    address private _royaltyVault;

    /// @dev Anchored output batches per model, by index.
    mapping(bytes32 modelId => mapping(uint256 batchIndex => OutputBatch)) private _batches;

    /// @dev Number of anchored output batches per model.
    mapping(bytes32 modelId => uint256) private _batchCounts;

    // ---------------------------------------------------------------- modifiers

    modifier onlyCertifier() {
        if (!_certifiers[msg.sender]) revert RegistryNotCertifier(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- constructor

    /// @param initialOwner The owner: manages certifiers and verifiers.
    constructor(address initialOwner) Ownable(initialOwner) EIP712("LineageRegistry", "1") {}

    // ---------------------------------------------------------------- external: datasets

    /// @inheritdoc ILineageRegistry
    function registerDataset(
        uint256 root,
        uint64 leafCount,
        string calldata uri,
        address[] calldata creators,
        uint64[] calldata weights
    ) external returns (uint32 datasetId) {
        if (root == 0 || root >= FIELD_MODULUS) {
            revert RegistryRootInvalid(root);
        }
        uint32 existing = _datasetOfRoot[root];
        if (existing != 0) revert RegistryRootRegistered(root, existing);
        if (leafCount == 0) revert RegistryLeafCountZero();
        if (creators.length == 0) revert RegistryCreatorsEmpty();
        if (creators.length != weights.length) {
            revert RegistryCreatorsLengthMismatch(creators.length, weights.length);
        }

        uint64 totalWeight = _totalWeight(creators, weights);
        datasetId = ++_datasetCount;
        _datasetOfRoot[root] = datasetId;
        for (uint256 i = 0; i < creators.length; ++i) {
            _shares[datasetId][creators[i]] = Share({weight: weights[i], totalWeight: totalWeight});
        }

        Dataset storage d = _datasets[datasetId];
        d.root = root;
        d.curator = msg.sender;
        d.leafCount = leafCount;
        d.status = DatasetStatus.Registered;
        d.creatorCount = uint32(creators.length);
        d.totalWeight = totalWeight;
        d.registeredAt = uint40(block.timestamp);
        d.uri = uri;
        emit DatasetRegistered(
            datasetId, msg.sender, root, leafCount, totalWeight, uri, creators, weights
        );

        // Last (checks-effects-interactions); the vault is the owner's, set after a check.
        address vault = _royaltyVault;
        if (vault != address(0)) IRoyaltyVault(vault).prepare(datasetId, address(0), creators);
    }

    /// @inheritdoc ILineageRegistry
    function certify(uint32 datasetId) external onlyCertifier {
        Dataset storage d = _datasets[datasetId];
        DatasetStatus status = d.status;
        if (status == DatasetStatus.None) revert RegistryDatasetUnknown(datasetId);
        if (status == DatasetStatus.Certified) revert RegistryDatasetAlreadyCertified(datasetId);
        if (status == DatasetStatus.Revoked) revert RegistryDatasetRevoked(datasetId);
        d.status = DatasetStatus.Certified;
        d.certifiedAt = uint40(block.timestamp);
        uint256 root = d.root;
        _certifiedRoots[datasetId] = root;
        emit DatasetCertified(datasetId, msg.sender, root);
    }

    /// @inheritdoc ILineageRegistry
    function revokeDataset(uint32 datasetId, string calldata reason) external onlyCertifier {
        Dataset storage d = _datasets[datasetId];
        DatasetStatus status = d.status;
        if (status == DatasetStatus.None) revert RegistryDatasetUnknown(datasetId);
        if (status == DatasetStatus.Revoked) revert RegistryDatasetRevoked(datasetId);
        d.status = DatasetStatus.Revoked;
        d.revokedAt = uint40(block.timestamp);
        delete _certifiedRoots[datasetId];
        emit DatasetRevoked(datasetId, msg.sender, reason);
    }

    /// @inheritdoc ILineageRegistry
    function setCertifier(address account, bool enabled) external onlyOwner {
        if (account == address(0)) revert RegistryZeroAddress();
        _certifiers[account] = enabled;
        emit CertifierUpdated(account, enabled);
    }

    /// @inheritdoc ILineageRegistry
    function setVerifier(uint32 profileId, address verifier) external onlyOwner {
        if (verifier != address(0) && verifier.code.length == 0) {
            revert RegistryVerifierNoCode(verifier);
        }
        address previous = _verifiers[profileId];
        _verifiers[profileId] = verifier;
        emit VerifierUpdated(profileId, previous, verifier);
    }

    /// @inheritdoc ILineageRegistry
    function setRoyaltyVault(address vault) external onlyOwner {
        if (vault != address(0)) {
            // A low-level call, so that an account without code or without `registry()` gets
            // the same error as a vault of another registry.
            (bool ok, bytes memory ret) =
                vault.staticcall(abi.encodeCall(IRoyaltyVault.registry, ()));
            if (!ok || ret.length != 32 || abi.decode(ret, (address)) != address(this)) {
                revert RegistryVaultMismatch(vault);
            }
        }
        address previous = _royaltyVault;
        _royaltyVault = vault;
        emit RoyaltyVaultUpdated(previous, vault);
    }

    // ---------------------------------------------------------------- external: attestations

    /// @inheritdoc ILineageRegistry
    function attest(AttestRequest calldata request, bytes calldata proof)
        external
        returns (bytes32 modelId)
    {
        return _attest(request, proof, msg.sender);
    }

    /// @inheritdoc ILineageRegistry
    function attestBySig(
        AttestRequest calldata request,
        bytes calldata proof,
        address publisher,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 modelId) {
        uint256 nonce = _useNonce(publisher, deadline);
        _checkSignature(publisher, _attestDigest(request, publisher, nonce, deadline), signature);
        return _attest(request, proof, publisher);
    }

    /// @inheritdoc ILineageRegistry
    function attestDeclared(DeclaredRequest calldata request, bytes calldata proof)
        external
        returns (bytes32 modelId)
    {
        return _attestDeclared(request, proof, msg.sender);
    }

    /// @inheritdoc ILineageRegistry
    function attestDeclaredBySig(
        DeclaredRequest calldata request,
        bytes calldata proof,
        address publisher,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 modelId) {
        uint256 nonce = _useNonce(publisher, deadline);
        _checkSignature(
            publisher, _attestDeclaredDigest(request, publisher, nonce, deadline), signature
        );
        return _attestDeclared(request, proof, publisher);
    }

    /// @inheritdoc ILineageRegistry
    function revokeAttestation(bytes32 modelId) external {
        _publishedBy(modelId, msg.sender);
        _attestationRevoked[modelId] = true;
        emit AttestationRevoked(modelId, msg.sender);
    }

    /// @inheritdoc ILineageRegistry
    function anchorOutputs(bytes32 modelId, bytes32 batchRoot, uint64 count, string calldata uri)
        external
        returns (uint256 batchIndex)
    {
        _publishedBy(modelId, msg.sender);
        if (batchRoot == bytes32(0)) revert RegistryBatchRootZero();
        if (count == 0) revert RegistryBatchCountZero();
        batchIndex = _batchCounts[modelId]++;
        _batches[modelId][batchIndex] =
            OutputBatch({root: batchRoot, count: count, anchoredAt: uint40(block.timestamp)});
        emit OutputsAnchored(modelId, batchIndex, batchRoot, count, uri);
    }

    // ---------------------------------------------------------------- external: views

    /// @inheritdoc ILineageRegistry
    function isCertifier(address account) external view returns (bool) {
        return _certifiers[account];
    }

    /// @inheritdoc ILineageRegistry
    function royaltyVault() external view returns (address) {
        return _royaltyVault;
    }

    /// @inheritdoc ILineageRegistry
    function verifierOf(uint32 profileId) external view returns (address) {
        return _verifiers[profileId];
    }

    /// @inheritdoc ILineageRegistry
    function datasetCount() external view returns (uint32) {
        return _datasetCount;
    }

    /// @inheritdoc ILineageRegistry
    function dataset(uint32 datasetId) external view returns (Dataset memory) {
        return _datasets[datasetId];
    }

    /// @inheritdoc ILineageRegistry
    function datasetOfRoot(uint256 root) external view returns (uint32) {
        return _datasetOfRoot[root];
    }

    /// @inheritdoc ILineageRegistry
    function creatorWeight(uint32 datasetId, address creator)
        external
        view
        returns (uint64 weight, uint64 totalWeight)
    {
        Share storage share = _shares[datasetId][creator];
        return (share.weight, share.totalWeight);
    }

    /// @inheritdoc ILineageRegistry
    function modelIdOf(address publisher, uint256 wHash) external pure returns (bytes32) {
        return _modelId(publisher, wHash);
    }

    /// @inheritdoc ILineageRegistry
    function attestation(bytes32 modelId) external view returns (Attestation memory info) {
        AttestationRecord storage a = _attestations[modelId];
        info.publisher = a.publisher;
        info.profileId = a.profileId;
        info.licenseMask = a.licenseMask;
        info.revoked = _attestationRevoked[modelId];
        info.baseModelId = _baseOf[modelId];
        info.kind = a.kind;
        (info.datasetIds, info.counts, info.nRecords) = _unpack(a);
    }

    /// @inheritdoc ILineageRegistry
    function attestationStatus(bytes32 modelId) external view returns (AttestationStatus status) {
        (status,,,,) = _split(modelId);
    }

    /// @inheritdoc ILineageRegistry
    function royaltySplit(bytes32 modelId)
        external
        view
        returns (
            AttestationStatus status,
            uint32[] memory datasetIds,
            uint32[] memory counts,
            bool[] memory datasetRevoked,
            uint32 nRecords
        )
    {
        return _split(modelId);
    }

    /// @inheritdoc ILineageRegistry
    function nonces(address publisher) external view returns (uint256) {
        return _nonces[publisher];
    }

    /// @inheritdoc ILineageRegistry
    function attestDigest(
        AttestRequest calldata request,
        address publisher,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32) {
        return _attestDigest(request, publisher, nonce, deadline);
    }

    /// @inheritdoc ILineageRegistry
    function attestDeclaredDigest(
        DeclaredRequest calldata request,
        address publisher,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32) {
        return _attestDeclaredDigest(request, publisher, nonce, deadline);
    }

    /// @notice The EIP-712 domain separator (name "LineageRegistry", version "1", this chain,
    ///         this contract).
    /// @return The separator.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc ILineageRegistry
    function outputBatchCount(bytes32 modelId) external view returns (uint256) {
        return _batchCounts[modelId];
    }

    /// @inheritdoc ILineageRegistry
    function outputBatch(bytes32 modelId, uint256 batchIndex)
        external
        view
        returns (OutputBatch memory)
    {
        if (batchIndex >= _batchCounts[modelId]) {
            revert RegistryBatchUnknown(modelId, batchIndex);
        }
        return _batches[modelId][batchIndex];
    }

    /// @inheritdoc ILineageRegistry
    function verifyOutput(
        bytes32 modelId,
        uint256 batchIndex,
        bytes32 outputHash,
        uint256 index,
        bytes32[] calldata proof
    ) external view returns (bool) {
        if (batchIndex >= _batchCounts[modelId]) {
            revert RegistryBatchUnknown(modelId, batchIndex);
        }
        OutputBatch storage batch = _batches[modelId][batchIndex];
        uint64 count = batch.count;
        // Pinning the proof length and the index keeps an inner node or a padding position
        // from passing as an output (see OutputMerkle).
        if (index >= count || proof.length != OutputMerkle.treeDepth(count)) return false;
        return OutputMerkle.verify(batch.root, outputHash, index, proof);
    }

    // ---------------------------------------------------------------- internal

    /// @dev Checks the request against storage, records the attestation, then has the
    ///      profile's verifier check the proof, reverting everything if it rejects it.
    ///      Effects come before the verifier call (checks-effects-interactions): a reentrant
    ///      attest of the same model finds it recorded.
    function _attest(AttestRequest calldata request, bytes calldata proof, address publisher)
        private
        returns (bytes32 modelId)
    {
        uint32 profileId = request.profileId;
        address verifier = _verifierOf(profileId, ProfileKinds.PROVEN);
        modelId = _modelId(publisher, request.wHash);
        AttestationRecord storage a = _unrecorded(modelId);

        uint256[] memory words = _publicWords(
            PublicLayout.LEN,
            request.accumulator,
            request.trainRoot,
            request.licenseMask,
            request.nRecords
        );
        _datasetWords(a, words, request.datasetIds, request.counts, request.nRecords);
        words[PublicLayout.W0_HASH] = request.w0Hash;
        words[PublicLayout.W_HASH] = request.wHash;
        words[PublicLayout.HYPER_HASH] = request.hyperHash;
        _checkField(words);
        {
            bytes32 base = _publicStart(request);
            if (base != bytes32(0)) _baseOf[modelId] = base;
        }

        _record(a, publisher, profileId, ProfileKinds.PROVEN, request.licenseMask);

        _verify(profileId, verifier, abi.encodePacked(words, proof));

        _emitAttested(modelId, request, publisher, verifier);
        if (request.baseModelId != bytes32(0)) emit ModelFineTuned(modelId, request.baseModelId);
    }

    /// @dev `_attest` for a DECLARED profile: the same checks and record, the declared layout
    ///      (the model hash's halves instead of the weights' and hyperparameters' hashes), no
    ///      base model.
    function _attestDeclared(
        DeclaredRequest calldata request,
        bytes calldata proof,
        address publisher
    ) private returns (bytes32 modelId) {
        uint32 profileId = request.profileId;
        address verifier = _verifierOf(profileId, ProfileKinds.DECLARED);
        modelId = _modelId(publisher, uint256(request.modelHash));
        AttestationRecord storage a = _unrecorded(modelId);

        uint256[] memory words = _publicWords(
            PublicLayout.DECLARED_LEN,
            request.accumulator,
            request.trainRoot,
            request.licenseMask,
            request.nRecords
        );
        _datasetWords(a, words, request.datasetIds, request.counts, request.nRecords);
        words[PublicLayout.DECLARED_MODEL_HASH_HI] = uint256(request.modelHash) >> 128;
        words[PublicLayout.DECLARED_MODEL_HASH_LO] = uint256(request.modelHash) & type(uint128).max;
        _checkField(words);

        _record(a, publisher, profileId, ProfileKinds.DECLARED, request.licenseMask);

        _verify(profileId, verifier, abi.encodePacked(words, proof));

        _emitDeclared(modelId, request, publisher, verifier);
    }

    /// @dev The verifier of `profileId`, which must be of kind `kind` and have a verifier
    ///      with code.
    function _verifierOf(uint32 profileId, uint8 kind) private view returns (address verifier) {
        uint8 profileKind = ProfileKinds.kindOf(profileId);
        if (profileKind != kind) revert RegistryProfileKind(profileId, profileKind);
        verifier = _verifiers[profileId];
        if (verifier == address(0)) revert RegistryVerifierMissing(profileId);
        // A call to an account without code would succeed and accept any proof.
        if (verifier.code.length == 0) revert RegistryVerifierNoCode(verifier);
    }

    /// @dev The record of `modelId`, which must not be attested yet.
    function _unrecorded(bytes32 modelId) private view returns (AttestationRecord storage a) {
        a = _attestations[modelId];
        if (a.publisher != address(0)) revert RegistryModelExists(modelId);
    }

    /// @dev The verifier's words, `len` of them: the accumulator (exactly
    ///      `PublicLayout.ACCUMULATOR_LEN` limbs) and the training set's root, license mask and
    ///      size at their positions, which both layouts share; the rest 0.
    function _publicWords(
        uint256 len,
        uint256[] calldata accumulator,
        uint256 trainRoot,
        uint64 licenseMask,
        uint32 nRecords
    ) private pure returns (uint256[] memory words) {
        if (accumulator.length != PublicLayout.ACCUMULATOR_LEN) {
            revert RegistryAccumulatorLength(accumulator.length);
        }
        words = new uint256[](len);
        for (uint256 i = 0; i < PublicLayout.ACCUMULATOR_LEN; ++i) {
            words[PublicLayout.ACCUMULATOR + i] = accumulator[i];
        }
        words[PublicLayout.TRAIN_ROOT] = trainRoot;
        words[PublicLayout.LICENSE_MASK] = licenseMask;
        words[PublicLayout.N_RECORDS] = nRecords;
    }

    /// @dev Checks the named datasets (1 to `SLOTS`, certified, distinct, counts non-zero and
    ///      adding up to `nRecords`), writes their certified roots and counts into `words`, and
    ///      their ids and counts, packed, into the new record `a`.
    function _datasetWords(
        AttestationRecord storage a,
        uint256[] memory words,
        uint32[] calldata datasetIds,
        uint32[] calldata counts,
        uint32 nRecords
    ) private {
        uint256 n = datasetIds.length;
        if (n == 0 || n > PublicLayout.SLOTS) revert RegistryDatasetCountOutOfRange(n);
        if (counts.length != n) revert RegistryCountsLengthMismatch(n, counts.length);
        uint256 packedIds;
        uint256 packedCounts;
        uint256 sum;
        for (uint256 s = 0; s < n; ++s) {
            uint32 datasetId = datasetIds[s];
            uint32 count = counts[s];
            uint256 root = _certifiedRoots[datasetId];
            if (root == 0) _revertNotCertified(datasetId);
            if (count == 0) revert RegistryCountZero(datasetId);
            // Ids and roots are one to one (`registerDataset`), so comparing roots refuses an
            // id named twice; the proof binds each slot's root, not its id.
            for (uint256 t = 0; t < s; ++t) {
                if (words[PublicLayout.CERT_ROOT + t] == root) {
                    revert RegistryDatasetDuplicated(datasetId);
                }
            }
            words[PublicLayout.CERT_ROOT + s] = root;
            words[PublicLayout.COUNT + s] = count;
            packedIds |= uint256(datasetId) << (32 * s);
            packedCounts |= uint256(count) << (32 * s);
            sum += count;
        }
        if (sum != nRecords) revert RegistryCountSumMismatch(sum, nRecords);
        // forge-lint: disable-next-line(unsafe-typecast) SLOTS (4) values of 32 bits
        a.packedDatasetIds = uint128(packedIds);
        // forge-lint: disable-next-line(unsafe-typecast) SLOTS (4) values of 32 bits
        a.packedCounts = uint128(packedCounts);
    }

    /// @dev Reverts unless every word is below the field modulus. Roots are by registration,
    ///      counts, mask, nRecords and the model hash's halves by their types; the rest comes
    ///      from the caller.
    function _checkField(uint256[] memory words) private pure {
        for (uint256 i = 0; i < words.length; ++i) {
            if (words[i] >= FIELD_MODULUS) revert RegistryWordOutOfField(i, words[i]);
        }
    }

    /// @dev Writes the first slot of a new attestation record.
    function _record(
        AttestationRecord storage a,
        address publisher,
        uint32 profileId,
        uint8 kind,
        uint64 licenseMask
    ) private {
        a.publisher = publisher;
        // forge-lint: disable-next-line(unsafe-typecast) a profile with a kind: ids 1 to 4
        a.profileId = uint24(profileId);
        a.kind = kind;
        a.licenseMask = licenseMask;
    }

    /// @dev The request's base model, after checking that training started from a public
    ///   start, never from weights the publisher chose (they could be any model, "trained" by
    ///   a step that changes nothing): the profile's zero weights, or the base's weights.
    function _publicStart(AttestRequest calldata request) private view returns (bytes32 base) {
        base = request.baseModelId;
        if (base != bytes32(0)) {
            _checkBase(base, request.profileId, request.w0Hash);
        } else if (request.w0Hash != PublicStart.zeroWeightsHash(request.profileId)) {
            revert RegistryStartNotPublic(request.profileId, request.w0Hash);
        }
    }

    /// @dev Reverts unless training may start from `base`'s weights: `base` is attested with
    ///      this profile, `Valid` (its own datasets and every base below it clean), has fewer
    ///      than `MAX_BASE_DEPTH` bases, and its `wHash` is `w0Hash`. The last is checked
    ///      through the model id, `keccak256(publisher, wHash)`, so no weights hash is stored.
    function _checkBase(bytes32 base, uint32 profileId, uint256 w0Hash) private view {
        AttestationRecord storage b = _attestations[base];
        address basePublisher = b.publisher;
        if (basePublisher == address(0)) {
            revert RegistryBaseNotValid(base, AttestationStatus.None);
        }
        if (_attestationRevoked[base]) {
            revert RegistryBaseNotValid(base, AttestationStatus.Revoked);
        }
        if (b.profileId != profileId) {
            revert RegistryBaseProfileMismatch(base, b.profileId, profileId);
        }
        if (_modelId(basePublisher, w0Hash) != base) revert RegistryStartNotBase(base, w0Hash);
        // The new model's bases: `base` and its own, each attested (so known) and bounded.
        (bool tainted, uint256 bases) = _walk(base);
        if (tainted) revert RegistryBaseNotValid(base, AttestationStatus.Tainted);
        if (bases > MAX_BASE_DEPTH) revert RegistryLineageTooDeep(base, MAX_BASE_DEPTH);
    }

    /// @dev Calls the verifier with `input` and exactly `VERIFY_GAS`; reverts unless it
    ///      returns. With the full `VERIFY_GAS` a failed call is the verifier's verdict; with
    ///      less it might only have run out of gas, so it refuses to call at all then.
    function _verify(uint32 profileId, address verifier, bytes memory input) private {
        uint256 left = gasleft();
        if (left < _VERIFY_GAS_NEEDED) revert RegistryVerifyGasTooLow(left, _VERIFY_GAS_NEEDED);
        (bool verified,) = verifier.call{gas: VERIFY_GAS}(input);
        if (!verified) revert RegistryProofRejected(profileId, verifier);
    }

    /// @dev Emits `ModelAttested` (a function of its own to keep `_attest`'s stack small).
    function _emitAttested(
        bytes32 modelId,
        AttestRequest calldata request,
        address publisher,
        address verifier
    ) private {
        emit ModelAttested(
            modelId,
            publisher,
            request.profileId,
            request.wHash,
            request.datasetIds,
            request.counts,
            request.trainRoot,
            request.licenseMask,
            request.nRecords,
            request.w0Hash,
            request.hyperHash,
            verifier,
            msg.sender
        );
    }

    /// @dev Emits `ModelAttested` for a declared model (its `modelHash` as `wHash`, no start
    ///      and no hyperparameters), then `ModelDeclared`.
    function _emitDeclared(
        bytes32 modelId,
        DeclaredRequest calldata request,
        address publisher,
        address verifier
    ) private {
        emit ModelAttested(
            modelId,
            publisher,
            request.profileId,
            uint256(request.modelHash),
            request.datasetIds,
            request.counts,
            request.trainRoot,
            request.licenseMask,
            request.nRecords,
            0,
            0,
            verifier,
            msg.sender
        );
        emit ModelDeclared(modelId, request.modelHash);
    }

    /// @dev Checks the creators (non-zero, strictly ascending) and weights (non-zero) and
    ///      returns the weights' sum, which must fit in 64 bits.
    function _totalWeight(address[] calldata creators, uint64[] calldata weights)
        private
        pure
        returns (uint64)
    {
        uint256 total;
        address previous = address(0);
        for (uint256 i = 0; i < creators.length; ++i) {
            address creator = creators[i];
            // Strictly ascending from above 0: no zero address and no duplicates.
            if (creator <= previous) revert RegistryCreatorsNotSorted(i, creator);
            if (weights[i] == 0) revert RegistryWeightZero(creator);
            previous = creator;
            total += weights[i];
        }
        if (total > type(uint64).max) revert RegistryTotalWeightTooLarge(total);
        // forge-lint: disable-next-line(unsafe-typecast) checked against uint64's max above
        return uint64(total);
    }

    /// @dev Reverts with why a dataset has no certified root: unknown, uncertified or revoked.
    function _revertNotCertified(uint32 datasetId) private view {
        DatasetStatus status = _datasets[datasetId].status;
        if (status == DatasetStatus.None) revert RegistryDatasetUnknown(datasetId);
        if (status == DatasetStatus.Revoked) revert RegistryDatasetRevoked(datasetId);
        revert RegistryDatasetNotCertified(datasetId);
    }

    /// @dev The attestation of `modelId`, which `account` must have published and not revoked.
    function _publishedBy(bytes32 modelId, address account)
        private
        view
        returns (AttestationRecord storage a)
    {
        a = _attestations[modelId];
        address publisher = a.publisher;
        if (publisher == address(0)) revert RegistryModelUnknown(modelId);
        if (publisher != account) revert RegistryNotPublisher(modelId, account);
        if (_attestationRevoked[modelId]) revert RegistryAttestationRevoked(modelId);
    }

    /// @dev Status, datasets, counts, per-dataset revocation and nRecords of an attestation.
    function _split(bytes32 modelId)
        private
        view
        returns (
            AttestationStatus status,
            uint32[] memory datasetIds,
            uint32[] memory counts,
            bool[] memory datasetRevoked,
            uint32 nRecords
        )
    {
        AttestationRecord storage a = _attestations[modelId];
        if (a.publisher == address(0)) {
            return (AttestationStatus.None, datasetIds, counts, datasetRevoked, 0);
        }
        (datasetIds, counts, nRecords) = _unpack(a);
        datasetRevoked = new bool[](datasetIds.length);
        bool tainted;
        for (uint256 s = 0; s < datasetIds.length; ++s) {
            if (_datasets[datasetIds[s]].status == DatasetStatus.Revoked) {
                datasetRevoked[s] = true;
                tainted = true;
            }
        }
        if (_attestationRevoked[modelId]) status = AttestationStatus.Revoked;
        else if (tainted || _baseTainted(modelId)) status = AttestationStatus.Tainted;
        else status = AttestationStatus.Valid;
    }

    /// @dev Whether a base `modelId` was fine-tuned from, directly or through other bases, is
    ///      revoked or names a revoked dataset. Walks at most `MAX_BASE_DEPTH` bases (`attest`
    ///      refuses deeper lineages); a model trained from zero weights costs one read.
    function _baseTainted(bytes32 modelId) private view returns (bool tainted) {
        (tainted,) = _walk(_baseOf[modelId]);
    }

    /// @dev Walks model `m` and its bases, nearest first: whether one is revoked or names a
    ///      revoked dataset (stopping there), else how many models the walk took.
    function _walk(bytes32 m) private view returns (bool tainted, uint256 count) {
        for (; m != bytes32(0); m = _baseOf[m]) {
            if (_attestationRevoked[m] || _namesRevoked(_attestations[m])) return (true, count);
            ++count;
        }
    }

    /// @dev Whether an attestation names a dataset whose certification was revoked.
    function _namesRevoked(AttestationRecord storage a) private view returns (bool) {
        uint256 packedIds = a.packedDatasetIds;
        for (uint256 s = 0; s < PublicLayout.SLOTS; ++s) {
            // forge-lint: disable-next-line(unsafe-typecast) unpacking: truncation intended
            uint32 datasetId = uint32(packedIds >> (32 * s));
            if (datasetId == 0) break;
            if (_datasets[datasetId].status == DatasetStatus.Revoked) return true;
        }
        return false;
    }

    /// @dev The dataset ids and counts packed in an attestation record, and their sum.
    function _unpack(AttestationRecord storage a)
        private
        view
        returns (uint32[] memory datasetIds, uint32[] memory counts, uint32 nRecords)
    {
        uint256 packedIds = a.packedDatasetIds;
        uint256 packedCounts = a.packedCounts;
        uint256 n = 0;
        while (n < PublicLayout.SLOTS && (packedIds >> (32 * n)) & type(uint32).max != 0) ++n;
        datasetIds = new uint32[](n);
        counts = new uint32[](n);
        for (uint256 s = 0; s < n; ++s) {
            // forge-lint: disable-next-line(unsafe-typecast) unpacking: truncation intended
            datasetIds[s] = uint32(packedIds >> (32 * s));
            // forge-lint: disable-next-line(unsafe-typecast) unpacking: truncation intended
            counts[s] = uint32(packedCounts >> (32 * s));
            // The counts add up to nRecords, a uint32 (attest checks it).
            nRecords += counts[s];
        }
    }

    /// @dev `keccak256(abi.encode(publisher, wHash))`.
    function _modelId(address publisher, uint256 wHash) private pure returns (bytes32) {
        return keccak256(abi.encode(publisher, wHash));
    }

    /// @dev Checks a signed attestation's publisher and deadline and consumes the
    ///      publisher's nonce (one nonce space for both kinds), returning it.
    function _useNonce(address publisher, uint256 deadline) private returns (uint256) {
        if (publisher == address(0)) revert RegistryZeroAddress();
        // forge-lint: disable-next-line(block-timestamp) a deadline is a timestamp by design
        if (block.timestamp > deadline) revert RegistrySignatureExpired(deadline);
        return _nonces[publisher]++;
    }

    /// @dev Reverts unless `signature` is `publisher`'s (an EOA's or an ERC-1271 wallet's)
    ///      over `digest`.
    function _checkSignature(address publisher, bytes32 digest, bytes calldata signature)
        private
        view
    {
        if (!SignatureChecker.isValidSignatureNowCalldata(publisher, digest, signature)) {
            revert RegistrySignatureInvalid(publisher);
        }
    }

    /// @dev The EIP-712 digest of a signed attestation.
    function _attestDigest(
        AttestRequest calldata request,
        address publisher,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes32) {
        bytes memory head = _signedDatasets(
            ATTEST_TYPEHASH,
            publisher,
            request.profileId,
            request.datasetIds,
            request.counts,
            request.trainRoot,
            request.licenseMask
        );
        bytes memory tail = abi.encode(
            request.nRecords,
            request.w0Hash,
            request.baseModelId,
            request.wHash,
            request.hyperHash,
            nonce,
            deadline
        );
        return _hashTypedDataV4(keccak256(bytes.concat(head, tail)));
    }

    /// @dev The EIP-712 digest of a signed declared attestation.
    function _attestDeclaredDigest(
        DeclaredRequest calldata request,
        address publisher,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes32) {
        bytes memory head = _signedDatasets(
            ATTEST_DECLARED_TYPEHASH,
            publisher,
            request.profileId,
            request.datasetIds,
            request.counts,
            request.trainRoot,
            request.licenseMask
        );
        bytes memory tail = abi.encode(request.nRecords, request.modelHash, nonce, deadline);
        return _hashTypedDataV4(keccak256(bytes.concat(head, tail)));
    }

    /// @dev The encoded first members of both signed types: the type hash, the publisher, the
    ///      profile and the datasets (arrays hashed as EIP-712 prescribes), up to the mask.
    function _signedDatasets(
        bytes32 typeHash,
        address publisher,
        uint32 profileId,
        uint32[] calldata datasetIds,
        uint32[] calldata counts,
        uint256 trainRoot,
        uint64 licenseMask
    ) private pure returns (bytes memory) {
        return abi.encode(
            typeHash,
            publisher,
            profileId,
            keccak256(abi.encodePacked(datasetIds)),
            keccak256(abi.encodePacked(counts)),
            trainRoot,
            licenseMask
        );
    }
}
