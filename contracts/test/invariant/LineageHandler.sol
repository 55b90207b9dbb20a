// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProfileKinds} from "../../generated/ProfileKinds.sol";
import {PublicLayout} from "../../generated/PublicLayout.sol";
import {PublicStart} from "../../generated/PublicStart.sol";
import {ILineageRegistry} from "../../interfaces/ILineageRegistry.sol";
import {LineageRegistry} from "../../LineageRegistry.sol";
import {RoyaltyVault} from "../../RoyaltyVault.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {MockVerifier} from "../mocks/MockVerifier.sol";
import {ExpectedCalldata} from "../utils/ExpectedCalldata.sol";
import {Test} from "../utils/Test.sol";

/// @title LineageHandler
/// @notice Drives the registry and the vault with bounded random actions for the invariant
///         tests, and keeps ghost books to check them against: what was paid, claimed and
///         released per token, what each dataset had been credited when it was revoked,
///         which model ids passed through a verifier call that succeeded (proven and
///         declared), and the id each root was registered under.
contract LineageHandler is Test {
    uint256 internal constant DATASETS = 6;
    uint256 internal constant POOL = 5; // creators; dataset d has creators d..d+2 mod POOL
    uint256 internal constant PUBLISHERS = 3;
    uint256 internal constant MAX_REVOKED = 3;
    uint256 internal constant ROOT_BASE = 0x7000; // dataset d has root ROOT_BASE + d
    uint256 internal constant FRESH_ROOTS = 4; // roots `registerRoot` may register first
    uint32 internal constant PROVEN_PROFILE = 1; // demo
    uint32 internal constant DECLARED_PROFILE = 3; // demo-declared
    bytes internal constant PROOF = hex"0123";

    LineageRegistry public immutable registry;
    RoyaltyVault public immutable vault;
    MockVerifier public immutable verifier;
    MockERC20 public immutable token;
    address internal immutable owner;
    address internal immutable certifier;

    uint32[] internal _datasetIds;
    address[] internal _pool;
    bytes32[] internal _tried;
    mapping(bytes32 modelId => bool) internal _seen;
    bytes32[] internal _models;
    uint256 internal _revokedCount;
    /// @dev Whether the model id of the attempt under way was recorded before it.
    bool internal _existed;

    mapping(address token => uint256) public ghostPaid;
    mapping(address token => uint256) public ghostClaimed;
    mapping(address token => uint256) public ghostReleased;
    mapping(uint32 datasetId => bool) public ghostRevoked;
    mapping(uint32 datasetId => mapping(address token => uint256)) public ghostCreditedAtRevocation;
    mapping(bytes32 modelId => bool) public ghostVerified;
    uint256 public ghostAttested;
    /// @dev Set if the verifier saw other calldata than the layout prescribes, or an
    ///      attest call's outcome disagreed with the verifier's.
    bool public ghostMismatch;
    /// @dev An attestation from a start other than the zero weights or a base that was
    ///      `Valid` (by the ghost books), with fewer than `MAX_BASE_DEPTH` bases, whose
    ///      weights it started from, was recorded.
    bool public ghostPrivateStartAttested;
    /// @dev Each recorded model's weights, base (0: none), number of bases and datasets, and
    ///      whether its publisher revoked it: the lineage the status must follow.
    mapping(bytes32 modelId => uint256) public ghostWHash;
    mapping(bytes32 modelId => bytes32) public ghostBase;
    mapping(bytes32 modelId => uint256) public ghostDepth;
    mapping(bytes32 modelId => uint32[]) internal _ghostDatasets;
    mapping(bytes32 modelId => bool) public ghostModelRevoked;
    /// @dev Each recorded model's kind (`ProfileKinds`): the function that recorded it.
    mapping(bytes32 modelId => uint8) public ghostKind;
    /// @dev The id each root was first registered under (0: never).
    mapping(uint256 root => uint32 datasetId) public ghostIdOfRoot;
    /// @dev Set if a registered root was registered again, or a registration was refused
    ///      otherwise than with `RegistryRootRegistered(root, first id)`.
    bool public ghostRootReused;

    constructor(
        LineageRegistry registry_,
        RoyaltyVault vault_,
        MockVerifier verifier_,
        address owner_,
        address certifier_
    ) {
        registry = registry_;
        vault = vault_;
        verifier = verifier_;
        owner = owner_;
        certifier = certifier_;
        token = new MockERC20();
        for (uint256 i = 0; i < POOL; ++i) {
            // forge-lint: disable-next-line(unsafe-typecast) small values
            _pool.push(address(uint160(0xC12EA7012 + i)));
        }
        for (uint256 d = 0; d < DATASETS; ++d) {
            address[] memory creators = new address[](3);
            uint64[] memory weights = new uint64[](3);
            for (uint256 i = 0; i < 3; ++i) {
                creators[i] = _pool[(d + i) % POOL];
                // forge-lint: disable-next-line(unsafe-typecast) small values
                weights[i] = uint64(1 + (d * 7 + i * 13) % 10);
            }
            _sort(creators);
            uint32 id = registry.registerDataset(ROOT_BASE + d, 100, "", creators, weights);
            vm.prank(certifier);
            registry.certify(id);
            _datasetIds.push(id);
            ghostIdOfRoot[ROOT_BASE + d] = id;
        }
    }

    // ---------------------------------------------------------------- actions

    /// @dev Attests a proven model on 1..SLOTS datasets (revoked ones make it fail) with the
    ///      verifier accepting or not.
    function attest(uint256 seed, bool accept, uint256 publisherIndex) external {
        ILineageRegistry.AttestRequest memory r;
        r.profileId = PROVEN_PROFILE;
        (r.datasetIds, r.counts, r.nRecords) = _datasets(seed);
        r.trainRoot = seed % 1000;
        r.licenseMask = 1;
        r.wHash = seed % 50; // repeats make some attempts hit RegistryModelExists
        // One attempt in eight starts from other weights than the zero ones: always refused.
        bool publicStart = (seed >> 100) % 8 != 0;
        r.w0Hash = PublicStart.zeroWeightsHash(1) + (publicStart ? 0 : 1 + (seed >> 104) % 7);
        // One in three fine-tunes a recorded model: from its weights, or (one in four of
        // those) from others. A declared model is no base: always refused.
        if (_models.length > 0 && (seed >> 110) % 3 == 0) {
            r.baseModelId = _models[(seed >> 112) % _models.length];
            bool itsWeights = (seed >> 120) % 4 != 0;
            r.w0Hash = ghostWHash[r.baseModelId] + (itsWeights ? 0 : 1 + (seed >> 124) % 7);
            publicStart = itsWeights && ghostKind[r.baseModelId] == ProfileKinds.PROVEN
                && ghostStatus(r.baseModelId) == ILineageRegistry.AttestationStatus.Valid
                && ghostDepth[r.baseModelId] < registry.MAX_BASE_DEPTH();
        }
        r.accumulator = new uint256[](PublicLayout.ACCUMULATOR_LEN);
        address publisher = _publisher(publisherIndex);
        bytes32 modelId = registry.modelIdOf(publisher, r.wHash);
        uint256 callsBefore = _arm(modelId, accept);
        vm.prank(publisher);
        try registry.attest(r, PROOF) returns (bytes32 id) {
            if (!publicStart) ghostPrivateStartAttested = true;
            ghostBase[modelId] = r.baseModelId;
            ghostDepth[modelId] = r.baseModelId == 0 ? 0 : ghostDepth[r.baseModelId] + 1;
            _recorded(
                id,
                modelId,
                callsBefore,
                ExpectedCalldata.proven(registry, r, PROOF),
                r.wHash,
                r.datasetIds,
                ProfileKinds.PROVEN
            );
        } catch {
            _refused(callsBefore);
        }
    }

    /// @dev Attests a declared model on 1..SLOTS datasets, as `attest` does. Its model hash
    ///      repeats, and is sometimes a proven model's `wHash` (the same id for the same
    ///      publisher), so some attempts hit RegistryModelExists; half of them are above the
    ///      field modulus as numbers.
    function attestDeclared(uint256 seed, bool accept, uint256 publisherIndex) external {
        ILineageRegistry.DeclaredRequest memory r;
        r.profileId = DECLARED_PROFILE;
        (r.datasetIds, r.counts, r.nRecords) = _datasets(seed);
        r.trainRoot = seed % 1000;
        r.licenseMask = 1;
        uint256 h = seed % 50;
        r.modelHash = (seed >> 100) % 2 == 0 ? bytes32(h) : keccak256(abi.encode(h));
        r.accumulator = new uint256[](PublicLayout.ACCUMULATOR_LEN);
        address publisher = _publisher(publisherIndex);
        bytes32 modelId = registry.modelIdOf(publisher, uint256(r.modelHash));
        uint256 callsBefore = _arm(modelId, accept);
        vm.prank(publisher);
        try registry.attestDeclared(r, PROOF) returns (bytes32 id) {
            _recorded(
                id,
                modelId,
                callsBefore,
                ExpectedCalldata.declared(registry, r, PROOF),
                uint256(r.modelHash),
                r.datasetIds,
                ProfileKinds.DECLARED
            );
        } catch {
            _refused(callsBefore);
        }
    }

    /// @dev Pays ETH or the token to a recorded model.
    function pay(uint256 modelIndex, uint256 amount, bool useToken) external {
        if (_models.length == 0) return;
        bytes32 modelId = _models[modelIndex % _models.length];
        if (registry.attestationStatus(modelId) == ILineageRegistry.AttestationStatus.Revoked) {
            return;
        }
        amount = bound(amount, 1, 1e24);
        address payer = address(0xFA7E12);
        if (useToken) {
            token.mint(payer, amount);
            vm.startPrank(payer);
            token.approve(address(vault), amount);
            vault.payRoyaltyToken(modelId, token, amount);
            vm.stopPrank();
            ghostPaid[address(token)] += amount;
        } else {
            vm.deal(payer, amount);
            vm.prank(payer);
            vault.payRoyalty{value: amount}(modelId);
            ghostPaid[address(0)] += amount;
        }
    }

    /// @dev A creator claims one dataset.
    function claim(uint256 datasetIndex, uint256 creatorIndex, bool useToken) external {
        uint256 d = datasetIndex % DATASETS;
        address creator = _pool[(d + creatorIndex % 3) % POOL];
        address t = useToken ? address(token) : address(0);
        uint32 id = _datasetIds[d];
        uint256 amount = vault.claimable(id, t, creator);
        if (amount == 0) return;
        vm.prank(creator);
        ghostClaimed[t] += vault.claim(id, t);
    }

    /// @dev A creator claims every dataset they are in.
    function claimMany(uint256 creatorIndex, bool useToken) external {
        address creator = _pool[creatorIndex % POOL];
        address t = useToken ? address(token) : address(0);
        uint32[] memory mine = new uint32[](DATASETS);
        uint256 n;
        uint256 total;
        for (uint256 d = 0; d < DATASETS; ++d) {
            (uint64 w,) = registry.creatorWeight(_datasetIds[d], creator);
            if (w == 0) continue;
            mine[n++] = _datasetIds[d];
            total += vault.claimable(_datasetIds[d], t, creator);
        }
        if (total == 0) return;
        uint32[] memory list = new uint32[](n);
        for (uint256 i = 0; i < n; ++i) {
            list[i] = mine[i];
        }
        vm.prank(creator);
        ghostClaimed[t] += vault.claimMany(list, t);
    }

    /// @dev A certifier revokes a dataset (at most MAX_REVOKED, so activity goes on).
    function revokeDataset(uint256 datasetIndex) external {
        uint32 id = _datasetIds[datasetIndex % DATASETS];
        if (ghostRevoked[id] || _revokedCount >= MAX_REVOKED) return;
        vm.prank(certifier);
        registry.revokeDataset(id, "");
        ghostRevoked[id] = true;
        ++_revokedCount;
        ghostCreditedAtRevocation[id][address(0)] = vault.distributed(id, address(0));
        ghostCreditedAtRevocation[id][address(token)] = vault.distributed(id, address(token));
    }

    /// @dev Some curator registers a root: one of the datasets' (certified or revoked by now)
    ///      or one of `FRESH_ROOTS` others, each new only the first time. Only a root never
    ///      registered may succeed. The new datasets take no part in attestations or payments.
    function registerRoot(uint256 rootSeed, uint256 curatorIndex, uint256 creatorIndex) external {
        uint256 root = ROOT_BASE + rootSeed % (DATASETS + FRESH_ROOTS);
        uint32 first = ghostIdOfRoot[root];
        address[] memory creators = new address[](1);
        creators[0] = _pool[creatorIndex % POOL];
        uint64[] memory weights = new uint64[](1);
        weights[0] = 1;
        // forge-lint: disable-next-line(unsafe-typecast) small values
        vm.prank(address(uint160(0xC0C0 + curatorIndex % 3)));
        try registry.registerDataset(root, 1, "again", creators, weights) returns (uint32 id) {
            if (first != 0) ghostRootReused = true;
            else ghostIdOfRoot[root] = id;
        } catch (bytes memory err) {
            bytes memory expected = abi.encodeWithSelector(
                ILineageRegistry.RegistryRootRegistered.selector, root, first
            );
            if (first == 0 || keccak256(err) != keccak256(expected)) ghostRootReused = true;
        }
    }

    /// @dev A publisher revokes their attestation.
    function revokeAttestation(uint256 modelIndex) external {
        if (_models.length == 0) return;
        bytes32 modelId = _models[modelIndex % _models.length];
        ILineageRegistry.Attestation memory a = registry.attestation(modelId);
        if (a.revoked) return;
        vm.prank(a.publisher);
        registry.revokeAttestation(modelId);
        ghostModelRevoked[modelId] = true;
    }

    /// @dev Anyone prepares a dataset's slots for ETH or the token, for some of its creators
    ///      and maybe an account that is none: no amount may change (the invariants check).
    function prepare(uint256 datasetIndex, uint8 mask, bool useToken) external {
        uint256 d = datasetIndex % DATASETS;
        address[] memory list = new address[](4);
        uint256 n;
        for (uint256 i = 0; i < 3; ++i) {
            if ((mask >> i) & 1 == 1) list[n++] = _pool[(d + i) % POOL];
        }
        if ((mask >> 3) & 1 == 1) list[n++] = address(0x5757);
        address[] memory creators = new address[](n);
        for (uint256 i = 0; i < n; ++i) {
            creators[i] = list[i];
        }
        vm.prank(address(0x5757));
        vault.prepare(_datasetIds[d], useToken ? address(token) : address(0), creators);
    }

    /// @dev The owner releases part of what a dataset holds.
    function releaseHeld(uint256 datasetIndex, uint256 amount, bool useToken) external {
        uint32 id = _datasetIds[datasetIndex % DATASETS];
        address t = useToken ? address(token) : address(0);
        uint256 available = vault.held(id, t);
        if (available == 0) return;
        amount = bound(amount, 1, available);
        vm.prank(owner);
        vault.releaseHeld(id, t, address(0xDEAD), amount);
        ghostReleased[t] += amount;
    }

    // ---------------------------------------------------------------- views for invariants

    function datasetIds() external view returns (uint32[] memory) {
        return _datasetIds;
    }

    function models() external view returns (bytes32[] memory) {
        return _models;
    }

    /// @notice A recorded model's status by the ghost books alone: revoked by its publisher,
    ///         else tainted by a revoked dataset of its own or of any base down its lineage,
    ///         or by a revoked base.
    function ghostStatus(bytes32 modelId) public view returns (ILineageRegistry.AttestationStatus) {
        if (ghostModelRevoked[modelId]) return ILineageRegistry.AttestationStatus.Revoked;
        for (bytes32 m = modelId; m != 0; m = ghostBase[m]) {
            if (m != modelId && ghostModelRevoked[m]) {
                return ILineageRegistry.AttestationStatus.Tainted;
            }
            uint32[] storage ids = _ghostDatasets[m];
            for (uint256 s = 0; s < ids.length; ++s) {
                if (ghostRevoked[ids[s]]) return ILineageRegistry.AttestationStatus.Tainted;
            }
        }
        return ILineageRegistry.AttestationStatus.Valid;
    }

    function tried() external view returns (bytes32[] memory) {
        return _tried;
    }

    function creatorsOf(uint256 d) external view returns (address[] memory creators) {
        creators = new address[](3);
        for (uint256 i = 0; i < 3; ++i) {
            creators[i] = _pool[(d + i) % POOL];
        }
    }

    // ---------------------------------------------------------------- internal

    /// @dev 1..SLOTS consecutive datasets (mod DATASETS) from the seed, with counts below
    ///      2^20, and their sum.
    function _datasets(uint256 seed)
        internal
        view
        returns (uint32[] memory ids, uint32[] memory counts, uint32 nRecords)
    {
        uint256 n = 1 + seed % PublicLayout.SLOTS;
        uint256 start = (seed >> 8) % DATASETS;
        ids = new uint32[](n);
        counts = new uint32[](n);
        for (uint256 s = 0; s < n; ++s) {
            ids[s] = _datasetIds[(start + s) % DATASETS];
            // forge-lint: disable-next-line(unsafe-typecast) below 2^20
            counts[s] = uint32(1 + (seed >> (16 + 20 * s)) % (1 << 20));
            nRecords += counts[s];
        }
    }

    function _publisher(uint256 index) internal pure returns (address) {
        // forge-lint: disable-next-line(unsafe-typecast) small values
        return address(uint160(0xB0B000 + index % PUBLISHERS));
    }

    /// @dev Before an attempt on `modelId`: sets the verifier's verdict, notes the id as
    ///      tried and whether it was recorded already, and returns the verifier's count.
    function _arm(bytes32 modelId, bool accept) internal returns (uint256 callsBefore) {
        _existed = registry.attestation(modelId).publisher != address(0);
        if (!_seen[modelId]) {
            _seen[modelId] = true;
            _tried.push(modelId);
        }
        verifier.setAccept(accept);
        return verifier.acceptedCalls();
    }

    /// @dev After an attempt was recorded as `id`: the verifier must have accepted exactly
    ///      `expected`, once, for a model not recorded before.
    function _recorded(
        bytes32 id,
        bytes32 modelId,
        uint256 callsBefore,
        bytes memory expected,
        uint256 wHash,
        uint32[] memory ids,
        uint8 kind
    ) internal {
        if (
            id != modelId || _existed || verifier.acceptedCalls() != callsBefore + 1
                || verifier.lastCalldataHash() != keccak256(expected)
        ) ghostMismatch = true;
        ghostWHash[modelId] = wHash;
        _ghostDatasets[modelId] = ids;
        ghostKind[modelId] = kind;
        ghostVerified[modelId] = true;
        ++ghostAttested;
        _models.push(modelId);
    }

    /// @dev After a refused attempt: the verifier accepted nothing.
    function _refused(uint256 callsBefore) internal {
        if (verifier.acceptedCalls() != callsBefore) ghostMismatch = true;
    }

    function _sort(address[] memory xs) internal pure {
        for (uint256 i = 1; i < xs.length; ++i) {
            for (uint256 j = i; j > 0 && xs[j - 1] > xs[j]; --j) {
                (xs[j - 1], xs[j]) = (xs[j], xs[j - 1]);
            }
        }
    }
}
