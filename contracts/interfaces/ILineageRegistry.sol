// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PublicLayout} from "../generated/PublicLayout.sol";

/// @title ILineageRegistry
/// @notice Datasets and their certification, per-profile proof verifiers, model attestations
///         recorded only when their aggregated proof verifies, and anchored output batches.
/// @dev A model id is `keccak256(abi.encode(publisher, wHash))` (see `modelIdOf`): the
///      publisher is part of it, so a proof copied from the mempool can only attest the
///      copier's own model id, never take over the honest publisher's.
///      Training starts from a public start: the profile's zero weights, or the weights of a
///      model attested before (fine-tuning a base model, any publisher's, `Valid` when the
///      new one is attested). The base is recorded (`attestation(id).baseModelId`), and a
///      base that is revoked or tainted later taints every model fine-tuned from it.
///      A dataset id names one root forever: `registerDataset` refuses a root that was ever
///      registered (`RegistryRootRegistered`), whatever that dataset's status is now, revoked
///      included, so a root has at most one id (`datasetOfRoot`), one creator list and one
///      certification history, and a revoked root can never be certified again.
///      A profile has a kind (`ProfileKinds.kindOf`, generated from the profile table), never
///      chosen by the caller: a PROVEN profile's proof re-executes the training (`attest`), a
///      DECLARED profile's proves only the training set of a model file named by its SHA-256
///      (`attestDeclared`: training declared, training set proven). Both kinds share the
///      model id derivation, the dataset checks, and everything downstream of the record
///      (status, taint, royalties, outputs).
interface ILineageRegistry {
    // ---------------------------------------------------------------- types

    /// @notice Life cycle of a dataset: registered by its curator, certified by a certifier,
    ///         and possibly revoked by a certifier afterwards. Revocation is final, for the
    ///         root as well: its root can never be registered again under another id.
    enum DatasetStatus {
        None,
        Registered,
        Certified,
        Revoked
    }

    /// @notice Derived status of an attestation. `Revoked`: withdrawn by its publisher.
    ///         `Tainted`: not revoked, but a dataset it names has had its certification
    ///         revoked since, or a base model it was fine-tuned from (directly or through
    ///         other bases) is revoked or names such a dataset. `None`: no attestation has
    ///         this id.
    enum AttestationStatus {
        None,
        Valid,
        Revoked,
        Tainted
    }

    /// @notice A registered dataset (the creators and weights are in `creatorWeight` and in
    ///         the `DatasetRegistered` event).
    /// @param root Poseidon Merkle root of the dataset's records (a BN254 field element).
    /// @param curator The account that registered it.
    /// @param leafCount Number of records.
    /// @param status Where it is in its life cycle.
    /// @param creatorCount Number of creators.
    /// @param totalWeight Sum of the creators' weights.
    /// @param registeredAt Block timestamp of registration.
    /// @param certifiedAt Block timestamp of certification, 0 if never certified.
    /// @param revokedAt Block timestamp of revocation, 0 if not revoked.
    /// @param uri Where the dataset's manifest can be found.
    struct Dataset {
        uint256 root;
        address curator;
        uint64 leafCount;
        DatasetStatus status;
        uint32 creatorCount;
        uint64 totalWeight;
        uint40 registeredAt;
        uint40 certifiedAt;
        uint40 revokedAt;
        string uri;
    }

    /// @notice What a publisher claims and the prover proved; the arguments of `attest`
    ///         other than the proof bytes.
    /// @param profileId The circuit profile (1 = demo, 2 = standard), which picks the verifier;
    ///        `ProfileKinds.kindOf(profileId)` must be PROVEN.
    /// @param datasetIds The certified datasets the training records came from: 1 to
    ///        `PublicLayout.SLOTS` distinct ids, slot `s` holding `datasetIds[s]`.
    /// @param counts Proven number of training records from each dataset, same order.
    /// @param trainRoot Poseidon Merkle root of the training records.
    /// @param licenseMask Allowed licenses: bit `c` set allows license code `c`.
    /// @param nRecords Number of training records: the sum of `counts`.
    /// @param w0Hash Commitment to the initial weights: with `baseModelId` 0, the profile's
    ///        zero weights (`PublicStart.zeroWeightsHash`), else `RegistryStartNotPublic`;
    ///        otherwise the base model's `wHash`, else `RegistryStartNotBase`.
    /// @param baseModelId The model fine-tuned (0: trained from zero weights). Any
    ///        publisher's, of the same profile, `Valid` now, with fewer than
    ///        `MAX_BASE_DEPTH` bases of its own.
    /// @param wHash Commitment to the trained weights: the model.
    /// @param hyperHash Commitment to the training hyperparameters.
    /// @param accumulator The aggregated proof's KZG accumulator limbs, exactly
    ///        `PublicLayout.ACCUMULATOR_LEN` of them.
    struct AttestRequest {
        uint32 profileId;
        uint32[] datasetIds;
        uint32[] counts;
        uint256 trainRoot;
        uint64 licenseMask;
        uint32 nRecords;
        uint256 w0Hash;
        bytes32 baseModelId;
        uint256 wHash;
        uint256 hyperHash;
        uint256[] accumulator;
    }

    /// @notice What a publisher declares and the prover proved for a model whose training is
    ///         declared (a DECLARED profile); the arguments of `attestDeclared` other than
    ///         the proof bytes. The dataset fields are `AttestRequest`'s, checked the same way.
    /// @param profileId The circuit profile (3 = demo-declared, 4 = standard-declared), which
    ///        picks the verifier; `ProfileKinds.kindOf(profileId)` must be DECLARED.
    /// @param datasetIds The certified datasets the training records came from: 1 to
    ///        `PublicLayout.SLOTS` distinct ids, slot `s` holding `datasetIds[s]`.
    /// @param counts Proven number of training records from each dataset, same order.
    /// @param trainRoot Poseidon Merkle root of the training records.
    /// @param licenseMask Allowed licenses: bit `c` set allows license code `c`.
    /// @param nRecords Number of training records: the sum of `counts`.
    /// @param modelHash The model file's SHA-256 (`model-sha256-v1`: a folder's is the hash of
    ///        its sorted file list). The verifier gets it as two 128-bit big-endian halves,
    ///        at `PublicLayout.DECLARED_MODEL_HASH_HI` and `DECLARED_MODEL_HASH_LO`.
    /// @param accumulator The aggregated proof's KZG accumulator limbs, exactly
    ///        `PublicLayout.ACCUMULATOR_LEN` of them.
    struct DeclaredRequest {
        uint32 profileId;
        uint32[] datasetIds;
        uint32[] counts;
        uint256 trainRoot;
        uint64 licenseMask;
        uint32 nRecords;
        bytes32 modelHash;
        uint256[] accumulator;
    }

    /// @notice A recorded attestation.
    /// @param publisher Who attested (and may revoke and anchor outputs).
    /// @param profileId The circuit profile whose verifier accepted the proof.
    /// @param nRecords Number of training records.
    /// @param licenseMask Allowed licenses.
    /// @param revoked Whether the publisher revoked it.
    /// @param datasetIds The datasets named, in slot order.
    /// @param counts The proven counts, same order.
    /// @param baseModelId The model this one was fine-tuned from; 0 when trained from the
    ///        profile's zero weights, and always 0 for a declared model.
    /// @param kind The profile's kind (`ProfileKinds`): 1 PROVEN (`attest`), 2 DECLARED
    ///        (`attestDeclared`); 0 when no attestation has this id.
    struct Attestation {
        address publisher;
        uint32 profileId;
        uint32 nRecords;
        uint64 licenseMask;
        bool revoked;
        uint32[] datasetIds;
        uint32[] counts;
        bytes32 baseModelId;
        uint8 kind;
    }

    /// @notice An anchored batch of outputs of a model.
    /// @param root Keccak Merkle root of the outputs' content hashes (see `OutputMerkle`).
    /// @param count Number of outputs in the batch.
    /// @param anchoredAt Block timestamp of anchoring.
    struct OutputBatch {
        bytes32 root;
        uint64 count;
        uint40 anchoredAt;
    }

    // ---------------------------------------------------------------- errors

    /// @notice `account` is not a certifier.
    error RegistryNotCertifier(address account);

    /// @notice The zero address was given where an account is needed.
    error RegistryZeroAddress();

    /// @notice A dataset root must be a non-zero BN254 field element (0 marks an unused slot).
    error RegistryRootInvalid(uint256 root);

    /// @notice The root was already registered, as dataset `datasetId` (whatever its status
    ///         now, revoked included): a root has one dataset id, forever.
    error RegistryRootRegistered(uint256 root, uint32 datasetId);

    /// @notice Trained from no base model, training must start from the profile's zero
    ///         weights (`PublicStart.zeroWeightsHash`); `w0Hash` is another start.
    error RegistryStartNotPublic(uint32 profileId, uint256 w0Hash);

    /// @notice Fine-tuned from `baseModelId`, training must start from that model's weights;
    ///         `w0Hash` is not its `wHash` (`modelIdOf(base publisher, w0Hash)` is another id).
    error RegistryStartNotBase(bytes32 baseModelId, uint256 w0Hash);

    /// @notice A base model must be attested and `Valid` when a model is fine-tuned from it;
    ///         this one is `status` (`None`: no attestation has this id).
    error RegistryBaseNotValid(bytes32 baseModelId, AttestationStatus status);

    /// @notice A base model must be of the same profile (the same weights' shape and
    ///         commitment); this one is of `baseProfileId`.
    error RegistryBaseProfileMismatch(bytes32 baseModelId, uint32 baseProfileId, uint32 profileId);

    /// @notice The base model already has `MAX_BASE_DEPTH` bases of its own: a model has at
    ///         most that many, which bounds what a status read walks.
    error RegistryLineageTooDeep(bytes32 baseModelId, uint256 maxDepth);

    /// @notice A dataset must have at least one record.
    error RegistryLeafCountZero();

    /// @notice A dataset must have at least one creator.
    error RegistryCreatorsEmpty();

    /// @notice `creators` and `weights` differ in length.
    error RegistryCreatorsLengthMismatch(uint256 creators, uint256 weights);

    /// @notice Creators must be non-zero addresses in strictly ascending order (no duplicates);
    ///         the one at `index` is not.
    error RegistryCreatorsNotSorted(uint256 index, address creator);

    /// @notice Every creator needs a non-zero weight.
    error RegistryWeightZero(address creator);

    /// @notice The creators' weights add up to more than `type(uint64).max`.
    error RegistryTotalWeightTooLarge(uint256 totalWeight);

    /// @notice No dataset has this id.
    error RegistryDatasetUnknown(uint32 datasetId);

    /// @notice The dataset is registered but not certified.
    error RegistryDatasetNotCertified(uint32 datasetId);

    /// @notice The dataset is already certified.
    error RegistryDatasetAlreadyCertified(uint32 datasetId);

    /// @notice The dataset's certification was revoked.
    error RegistryDatasetRevoked(uint32 datasetId);

    /// @notice The dataset is named twice (ids and roots are one to one, see `datasetOfRoot`).
    error RegistryDatasetDuplicated(uint32 datasetId);

    /// @notice An attestation names 1 to `PublicLayout.SLOTS` datasets; it named `count`.
    error RegistryDatasetCountOutOfRange(uint256 count);

    /// @notice `datasetIds` and `counts` differ in length.
    error RegistryCountsLengthMismatch(uint256 datasets, uint256 counts);

    /// @notice A named dataset must contribute at least one record.
    error RegistryCountZero(uint32 datasetId);

    /// @notice The counts add up to `sum`, not to `nRecords`.
    error RegistryCountSumMismatch(uint256 sum, uint256 nRecords);

    /// @notice The public value at `position` (see `PublicLayout`) is not below the BN254
    ///         scalar field modulus.
    error RegistryWordOutOfField(uint256 position, uint256 value);

    /// @notice The accumulator has `length` limbs instead of `PublicLayout.ACCUMULATOR_LEN`.
    error RegistryAccumulatorLength(uint256 length);

    /// @notice The profile is of kind `kind` (`ProfileKinds`: 0 no profile, 1 PROVEN,
    ///         2 DECLARED), not the one the function attests: `attest` takes only PROVEN
    ///         profiles, `attestDeclared` only DECLARED ones.
    error RegistryProfileKind(uint32 profileId, uint8 kind);

    /// @notice No verifier is set for this profile.
    error RegistryVerifierMissing(uint32 profileId);

    /// @notice The verifier address holds no code.
    error RegistryVerifierNoCode(address verifier);

    /// @notice The profile's verifier rejected the proof: its call failed although it was
    ///         given the full `VERIFY_GAS` (so a failure is the verifier's verdict, or a
    ///         verifier that needs more than the cap, never a shortage of the caller's gas).
    error RegistryProofRejected(uint32 profileId, address verifier);

    /// @notice Not enough gas was left to give the verifier its full `VERIFY_GAS`: only
    ///         `gasLeft` remained where `gasNeeded` is required before the call. Resend the
    ///         transaction with a higher gas limit; the proof was not judged.
    error RegistryVerifyGasTooLow(uint256 gasLeft, uint256 gasNeeded);

    /// @notice The royalty vault must be a contract whose `registry()` is this registry.
    error RegistryVaultMismatch(address vault);

    /// @notice This publisher already attested a model with these weights.
    error RegistryModelExists(bytes32 modelId);

    /// @notice No attestation has this model id.
    error RegistryModelUnknown(bytes32 modelId);

    /// @notice Only the model's publisher may do this.
    error RegistryNotPublisher(bytes32 modelId, address account);

    /// @notice The attestation was revoked by its publisher.
    error RegistryAttestationRevoked(bytes32 modelId);

    /// @notice The signed attestation's deadline has passed.
    error RegistrySignatureExpired(uint256 deadline);

    /// @notice The signature is not the publisher's over this attestation and nonce.
    error RegistrySignatureInvalid(address publisher);

    /// @notice An output batch needs a non-zero root.
    error RegistryBatchRootZero();

    /// @notice An output batch needs at least one output.
    error RegistryBatchCountZero();

    /// @notice The model has no output batch with this index.
    error RegistryBatchUnknown(bytes32 modelId, uint256 batchIndex);

    // ---------------------------------------------------------------- events

    /// @notice A dataset was registered (creators strictly ascending, weights in the same
    ///         order).
    event DatasetRegistered(
        uint32 indexed datasetId,
        address indexed curator,
        uint256 indexed root,
        uint64 leafCount,
        uint64 totalWeight,
        string uri,
        address[] creators,
        uint64[] weights
    );

    /// @notice `account` was made a certifier (`enabled`) or stopped being one.
    event CertifierUpdated(address indexed account, bool enabled);

    /// @notice A certifier certified a dataset.
    event DatasetCertified(
        uint32 indexed datasetId, address indexed certifier, uint256 indexed root
    );

    /// @notice A certifier revoked a dataset; attestations naming it are tainted from now on and
    ///         royalties reaching it are held.
    event DatasetRevoked(uint32 indexed datasetId, address indexed certifier, string reason);

    /// @notice The verifier of a profile changed (`verifier` 0: the profile is disabled).
    event VerifierUpdated(
        uint32 indexed profileId, address indexed previousVerifier, address indexed verifier
    );

    /// @notice The royalty vault that registration prepares changed (`vault` 0: none).
    event RoyaltyVaultUpdated(address indexed previousVault, address indexed vault);

    /// @notice A model was attested: its proof verified against the certified roots of
    ///         `datasetIds`. `submitter` is `publisher`, or the relayer of a signed attestation.
    ///         Emitted for both kinds: for a declared model (`ModelDeclared` follows), `wHash`
    ///         is its `modelHash` as a number (so `modelId` is `modelIdOf(publisher, wHash)`
    ///         either way) and `w0Hash` and `hyperHash` are 0.
    event ModelAttested(
        bytes32 indexed modelId,
        address indexed publisher,
        uint32 indexed profileId,
        uint256 wHash,
        uint32[] datasetIds,
        uint32[] counts,
        uint256 trainRoot,
        uint64 licenseMask,
        uint32 nRecords,
        uint256 w0Hash,
        uint256 hyperHash,
        address verifier,
        address submitter
    );

    /// @notice The model attested in the same transaction (`ModelAttested`, just before) was
    ///         fine-tuned from `baseModelId`: its training started from that model's weights.
    event ModelFineTuned(bytes32 indexed modelId, bytes32 indexed baseModelId);

    /// @notice The model attested in the same transaction (`ModelAttested`, just before) is a
    ///         declared one: its training is declared, its training set proven, and
    ///         `modelHash` is its file's SHA-256.
    event ModelDeclared(bytes32 indexed modelId, bytes32 modelHash);

    /// @notice The publisher revoked the attestation.
    event AttestationRevoked(bytes32 indexed modelId, address indexed publisher);

    /// @notice The publisher anchored a batch of outputs of the model.
    event OutputsAnchored(
        bytes32 indexed modelId,
        uint256 indexed batchIndex,
        bytes32 indexed batchRoot,
        uint64 count,
        string uri
    );

    // ---------------------------------------------------------------- datasets

    /// @notice Registers a dataset with the caller as curator. It can be attested against
    ///         once a certifier certifies it. The new id names `root` for good: the root
    ///         cannot be registered again, by anyone, even after the dataset is revoked.
    /// @param root Poseidon Merkle root of the records: non-zero, below the field modulus, and
    ///        never registered before (else `RegistryRootRegistered` with the existing id).
    /// @param leafCount Number of records, at least 1.
    /// @param uri Where the manifest can be found.
    ///         When a royalty vault is set (`setRoyaltyVault`), it also calls the vault's
    ///         `prepare(datasetId, ETH, creators)`, so the registration pays for the storage
    ///         that the dataset's first ETH royalty and each creator's first ETH claim would
    ///         otherwise create (a fixed cost per dataset plus one per creator).
    /// @param creators The creators, non-zero and strictly ascending.
    /// @param weights Each creator's share weight (e.g. their number of records), non-zero;
    ///        they must add up to at most `type(uint64).max`.
    /// @return datasetId The new dataset's id (ids start at 1).
    function registerDataset(
        uint256 root,
        uint64 leafCount,
        string calldata uri,
        address[] calldata creators,
        uint64[] calldata weights
    ) external returns (uint32 datasetId);

    /// @notice Certifies a registered dataset. Only a certifier.
    /// @param datasetId The dataset.
    function certify(uint32 datasetId) external;

    /// @notice Revokes a dataset, certified or not. Only a certifier. Final.
    /// @param datasetId The dataset.
    /// @param reason Free text for people and the indexer.
    function revokeDataset(uint32 datasetId, string calldata reason) external;

    /// @notice Grants or removes the certifier role. Only the owner.
    /// @param account The account.
    /// @param enabled Whether it is a certifier afterwards.
    function setCertifier(address account, bool enabled) external;

    /// @notice Sets the verifier of a profile; the zero address disables the profile.
    ///         Only the owner.
    /// @param profileId The circuit profile.
    /// @param verifier The generated verifier contract (it must hold code), or 0.
    function setVerifier(uint32 profileId, address verifier) external;

    /// @notice Sets the royalty vault that `registerDataset` prepares; 0 stops it. Only the
    ///         owner. Preparing only saves gas later: a vault works the same without it.
    /// @param vault A contract whose `registry()` is this registry, or 0.
    function setRoyaltyVault(address vault) external;

    // ---------------------------------------------------------------- attestations

    /// @notice Attests the caller's model: builds the verifier's public values from the
    ///         named datasets' certified roots and `request`, calls the profile's verifier with
    ///         them and `proof`, and records the attestation if it verifies. The profile must
    ///         be PROVEN (`RegistryProfileKind`).
    /// @param request The claimed public values.
    /// @param proof The aggregated proof bytes (after the public values in the calldata).
    /// @return modelId `modelIdOf(msg.sender, request.wHash)`.
    function attest(AttestRequest calldata request, bytes calldata proof)
        external
        returns (bytes32 modelId);

    /// @notice As `attest`, for `publisher`, submitted by anyone holding the publisher's
    ///         EIP-712 signature (an EOA's, or an ERC-1271 contract's) over the request's
    ///         public values other than the accumulator, `nonces(publisher)` and `deadline`.
    /// @param request The claimed public values.
    /// @param proof The aggregated proof bytes.
    /// @param publisher The publisher the model is attested for.
    /// @param deadline Last block timestamp at which the signature is accepted.
    /// @param signature The publisher's signature over `attestDigest(...)`.
    /// @return modelId `modelIdOf(publisher, request.wHash)`.
    function attestBySig(
        AttestRequest calldata request,
        bytes calldata proof,
        address publisher,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 modelId);

    /// @notice Attests the caller's model with declared training: as `attest`, with the
    ///         declared public values (`PublicLayout.DECLARED_LEN` words: the accumulator, the
    ///         dataset words checked as `attest` checks them, then the two halves of
    ///         `request.modelHash`). The profile must be DECLARED. No base model: a declared
    ///         model's `baseModelId` is 0.
    /// @param request The declared and claimed public values.
    /// @param proof The aggregated proof bytes (after the public values in the calldata).
    /// @return modelId `modelIdOf(msg.sender, uint256(request.modelHash))`.
    function attestDeclared(DeclaredRequest calldata request, bytes calldata proof)
        external
        returns (bytes32 modelId);

    /// @notice As `attestDeclared`, for `publisher`, submitted by anyone holding the
    ///         publisher's EIP-712 signature over the request's values other than the
    ///         accumulator, `nonces(publisher)` (the nonces `attestBySig` uses) and `deadline`.
    /// @param request The declared and claimed public values.
    /// @param proof The aggregated proof bytes.
    /// @param publisher The publisher the model is attested for.
    /// @param deadline Last block timestamp at which the signature is accepted.
    /// @param signature The publisher's signature over `attestDeclaredDigest(...)`.
    /// @return modelId `modelIdOf(publisher, uint256(request.modelHash))`.
    function attestDeclaredBySig(
        DeclaredRequest calldata request,
        bytes calldata proof,
        address publisher,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 modelId);

    /// @notice Revokes the caller's attestation. Final; royalties can no longer be paid to it.
    /// @param modelId The model.
    function revokeAttestation(bytes32 modelId) external;

    /// @notice Anchors a batch of outputs of the caller's model.
    /// @param modelId The model (its attestation must not be revoked).
    /// @param batchRoot Keccak Merkle root of the outputs' content hashes (`OutputMerkle`).
    /// @param count Number of outputs in the batch, at least 1.
    /// @param uri Where the batch's outputs or their list can be found.
    /// @return batchIndex The batch's index among the model's batches (from 0).
    function anchorOutputs(bytes32 modelId, bytes32 batchRoot, uint64 count, string calldata uri)
        external
        returns (uint256 batchIndex);

    // ---------------------------------------------------------------- views

    /// @notice The owner-appointed certifier role.
    /// @param account The account.
    /// @return Whether `account` is a certifier.
    function isCertifier(address account) external view returns (bool);

    /// @notice The royalty vault that `registerDataset` prepares.
    /// @return The vault, or 0 if none is set.
    function royaltyVault() external view returns (address);

    /// @notice The verifier of a profile.
    /// @param profileId The circuit profile.
    /// @return The verifier, or 0 if none is set.
    function verifierOf(uint32 profileId) external view returns (address);

    /// @notice Number of datasets registered; ids run from 1 to this.
    /// @return The number.
    function datasetCount() external view returns (uint32);

    /// @notice A dataset.
    /// @param datasetId The dataset.
    /// @return The dataset (all zero if unknown).
    function dataset(uint32 datasetId) external view returns (Dataset memory);

    /// @notice The dataset registered with a root: the only one there can be, whatever its
    ///         status (revoked included).
    /// @param root The dataset root.
    /// @return The dataset's id, or 0 if no dataset was ever registered with `root`.
    function datasetOfRoot(uint256 root) external view returns (uint32);

    /// @notice A creator's weight in a dataset, and the dataset's total weight.
    /// @param datasetId The dataset.
    /// @param creator The creator.
    /// @return weight The creator's weight (0 if not a creator of it).
    /// @return totalWeight The sum of all its creators' weights (0 if the dataset is unknown).
    function creatorWeight(uint32 datasetId, address creator)
        external
        view
        returns (uint64 weight, uint64 totalWeight);

    /// @notice The model id a publisher gets for weights committed to by `wHash` (a proven
    ///         model), or for a model file whose SHA-256 is `wHash` (a declared model).
    /// @param publisher The publisher.
    /// @param wHash The commitment to the trained weights, or `uint256(modelHash)`.
    /// @return `keccak256(abi.encode(publisher, wHash))`.
    function modelIdOf(address publisher, uint256 wHash) external pure returns (bytes32);

    /// @notice A recorded attestation.
    /// @param modelId The model.
    /// @return The attestation (publisher 0 if unknown).
    function attestation(bytes32 modelId) external view returns (Attestation memory);

    /// @notice The attestation's derived status.
    /// @param modelId The model.
    /// @return None, Valid, Revoked (by the publisher) or Tainted (a named dataset was
    ///         revoked since, or a base model, or one of its bases, is revoked or names a
    ///         revoked dataset); Revoked wins over Tainted.
    function attestationStatus(bytes32 modelId) external view returns (AttestationStatus);

    /// @notice What the royalty vault needs to split a payment, in one call.
    /// @param modelId The model.
    /// @return status The attestation's derived status.
    /// @return datasetIds The named datasets.
    /// @return counts Their proven counts.
    /// @return datasetRevoked Whether each dataset is revoked now.
    /// @return nRecords The sum of the counts.
    function royaltySplit(bytes32 modelId)
        external
        view
        returns (
            AttestationStatus status,
            uint32[] memory datasetIds,
            uint32[] memory counts,
            bool[] memory datasetRevoked,
            uint32 nRecords
        );

    /// @notice The next nonce a signed attestation by `publisher` must carry.
    /// @param publisher The publisher.
    /// @return The nonce.
    function nonces(address publisher) external view returns (uint256);

    /// @notice The EIP-712 digest a publisher signs for `attestBySig`.
    /// @param request The claimed public values (the accumulator is not signed).
    /// @param publisher The publisher.
    /// @param nonce The publisher's nonce.
    /// @param deadline Last accepted block timestamp.
    /// @return The digest.
    function attestDigest(
        AttestRequest calldata request,
        address publisher,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32);

    /// @notice The EIP-712 digest a publisher signs for `attestDeclaredBySig`.
    /// @param request The declared and claimed public values (the accumulator is not signed).
    /// @param publisher The publisher.
    /// @param nonce The publisher's nonce.
    /// @param deadline Last accepted block timestamp.
    /// @return The digest.
    function attestDeclaredDigest(
        DeclaredRequest calldata request,
        address publisher,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32);

    /// @notice Number of output batches the model has anchored.
    /// @param modelId The model.
    /// @return The number.
    function outputBatchCount(bytes32 modelId) external view returns (uint256);

    /// @notice An anchored output batch.
    /// @param modelId The model.
    /// @param batchIndex The batch's index.
    /// @return The batch.
    function outputBatch(bytes32 modelId, uint256 batchIndex)
        external
        view
        returns (OutputBatch memory);

    /// @notice Whether `outputHash` is output number `index` of an anchored batch.
    /// @param modelId The model.
    /// @param batchIndex The batch.
    /// @param outputHash The output's content hash (the Merkle leaf).
    /// @param index Its position in the batch.
    /// @param proof The Merkle siblings, leaf level first; exactly
    ///        `OutputMerkle.treeDepth(count)` of them.
    /// @return True when the proof leads to the batch root; false for a wrong proof, an index
    ///         not below the batch's count, or a proof of the wrong length.
    function verifyOutput(
        bytes32 modelId,
        uint256 batchIndex,
        bytes32 outputHash,
        uint256 index,
        bytes32[] calldata proof
    ) external view returns (bool);
}
