// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILineageRegistry} from "./interfaces/ILineageRegistry.sol";
import {IRoyaltyVault} from "./interfaces/IRoyaltyVault.sol";

/// @title RoyaltyVault
/// @notice Royalties to attested models, split by proven counts and creator weights, pulled
///         by creators. See `IRoyaltyVault` for the accounting.
/// @dev Every function that moves value is `nonReentrant` (transient-storage guard) and
///      updates its books before the transfer out.
contract RoyaltyVault is IRoyaltyVault, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    // ---------------------------------------------------------------- constants

    /// @notice The `token` that stands for ETH in the views and events.
    address public constant ETH = address(0);

    // ---------------------------------------------------------------- storage

    /// @dev The registry read for attestations, dataset status and creator weights.
    ILineageRegistry private immutable _registry;

    /// @dev Everything credited to a dataset's creators, per token (the accumulator), stored
    ///      plus one once written or prepared; 0 means nothing was credited (see `_amount`).
    mapping(uint32 datasetId => mapping(address token => uint256)) private _distributed;

    /// @dev What each creator claimed so far, per dataset and token, stored like
    ///      `_distributed`: plus one once written or prepared, 0 for nothing.
    mapping(uint32 datasetId => mapping(address token => mapping(address creator => uint256)))
        private _claimed;

    /// @dev Held royalties of revoked datasets, per token.
    mapping(uint32 datasetId => mapping(address token => uint256)) private _held;

    /// @dev Held royalties released by the owner so far, per token.
    mapping(uint32 datasetId => mapping(address token => uint256)) private _released;

    // ---------------------------------------------------------------- constructor

    /// @param registry_ The Lineage registry.
    /// @param initialOwner The owner: may release held royalties.
    constructor(ILineageRegistry registry_, address initialOwner) Ownable(initialOwner) {
        if (address(registry_) == address(0)) revert RoyaltyZeroAddress();
        _registry = registry_;
    }

    // ---------------------------------------------------------------- external

    /// @inheritdoc IRoyaltyVault
    function payRoyalty(bytes32 modelId) external payable nonReentrant {
        if (msg.value == 0) revert RoyaltyAmountZero();
        _credit(modelId, ETH, msg.value);
    }

    /// @inheritdoc IRoyaltyVault
    /// @dev The tokens are pulled before the books are written, to credit only what arrived;
    ///      the reentrancy guard covers the token's callbacks.
    function payRoyaltyToken(bytes32 modelId, IERC20 token, uint256 amount) external nonReentrant {
        if (address(token) == ETH || address(token).code.length == 0) {
            revert RoyaltyTokenInvalid(address(token));
        }
        if (amount == 0) revert RoyaltyAmountZero();
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert RoyaltyTokenAmountMismatch(amount, received);
        _credit(modelId, address(token), amount);
    }

    /// @inheritdoc IRoyaltyVault
    function claim(uint32 datasetId, address token) external nonReentrant returns (uint256 amount) {
        amount = _settle(datasetId, token, msg.sender);
        if (amount == 0) revert RoyaltyNothingToClaim(msg.sender);
        _send(token, msg.sender, amount);
    }

    /// @inheritdoc IRoyaltyVault
    function claimMany(uint32[] calldata datasetIds, address token)
        external
        nonReentrant
        returns (uint256 amount)
    {
        for (uint256 i = 0; i < datasetIds.length; ++i) {
            amount += _settle(datasetIds[i], token, msg.sender);
        }
        if (amount == 0) revert RoyaltyNothingToClaim(msg.sender);
        _send(token, msg.sender, amount);
    }

    /// @inheritdoc IRoyaltyVault
    /// @dev Writes only zero slots, with 1 (which reads as 0): no amount changes, so it needs
    ///      neither the reentrancy guard nor an event.
    function prepare(uint32 datasetId, address token, address[] calldata creators) external {
        mapping(address => uint256) storage credited = _distributed[datasetId];
        if (credited[token] == 0) credited[token] = 1;
        mapping(address => uint256) storage claims = _claimed[datasetId][token];
        for (uint256 i = 0; i < creators.length; ++i) {
            if (claims[creators[i]] == 0) claims[creators[i]] = 1;
        }
    }

    /// @inheritdoc IRoyaltyVault
    function releaseHeld(uint32 datasetId, address token, address to, uint256 amount)
        external
        onlyOwner
        nonReentrant
    {
        if (to == address(0)) revert RoyaltyZeroAddress();
        if (amount == 0) revert RoyaltyAmountZero();
        uint256 available = _held[datasetId][token];
        if (amount > available) {
            revert RoyaltyHeldInsufficient(datasetId, token, available, amount);
        }
        _held[datasetId][token] = available - amount;
        _released[datasetId][token] += amount;
        emit HeldRoyaltyReleased(datasetId, token, to, amount);
        _send(token, to, amount);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IRoyaltyVault
    function registry() external view returns (ILineageRegistry) {
        return _registry;
    }

    /// @inheritdoc IRoyaltyVault
    function claimable(uint32 datasetId, address token, address creator)
        external
        view
        returns (uint256)
    {
        (uint64 weight, uint64 totalWeight) = _registry.creatorWeight(datasetId, creator);
        if (weight == 0) return 0;
        return _entitled(datasetId, token, weight, totalWeight)
            - _amount(_claimed[datasetId][token][creator]);
    }

    /// @inheritdoc IRoyaltyVault
    function distributed(uint32 datasetId, address token) external view returns (uint256) {
        return _amount(_distributed[datasetId][token]);
    }

    /// @inheritdoc IRoyaltyVault
    function claimed(uint32 datasetId, address token, address creator)
        external
        view
        returns (uint256)
    {
        return _amount(_claimed[datasetId][token][creator]);
    }

    /// @inheritdoc IRoyaltyVault
    function held(uint32 datasetId, address token) external view returns (uint256) {
        return _held[datasetId][token];
    }

    /// @inheritdoc IRoyaltyVault
    function released(uint32 datasetId, address token) external view returns (uint256) {
        return _released[datasetId][token];
    }

    // ---------------------------------------------------------------- internal

    /// @dev Splits `amount` of `token` paid to `modelId` across its datasets: credited to the
    ///      creators of certified ones, held for revoked ones.
    function _credit(bytes32 modelId, address token, uint256 amount) private {
        (
            ILineageRegistry.AttestationStatus status,
            uint32[] memory datasetIds,
            uint32[] memory counts,
            bool[] memory datasetRevoked,
            uint32 nRecords
        ) = _registry.royaltySplit(modelId);
        if (status == ILineageRegistry.AttestationStatus.None) revert RoyaltyModelUnknown(modelId);
        if (status == ILineageRegistry.AttestationStatus.Revoked) {
            revert RoyaltyModelRevoked(modelId);
        }

        uint256 rest = amount;
        uint256 last = datasetIds.length - 1;
        for (uint256 s = 0; s <= last; ++s) {
            // The counts add up to nRecords (the registry checks it), so the shares of all
            // but the last dataset add up to at most `amount` and the last takes the rest.
            uint256 share = s == last ? rest : Math.mulDiv(amount, counts[s], nRecords);
            if (share == 0) continue;
            rest -= share;
            uint32 datasetId = datasetIds[s];
            if (datasetRevoked[s]) {
                _held[datasetId][token] += share;
                emit RoyaltyHeld(modelId, datasetId, token, share);
            } else {
                _addDistributed(_distributed[datasetId], token, share);
                emit RoyaltyDistributed(modelId, datasetId, token, share);
            }
        }
        emit RoyaltyPaid(modelId, token, msg.sender, amount);
    }

    /// @dev Adds `share` to a dataset's `_distributed` slot of `token`, stored plus one: a
    ///      never written slot (0) becomes `share + 1`.
    function _addDistributed(
        mapping(address => uint256) storage credited,
        address token,
        uint256 share
    ) private {
        uint256 stored = credited[token];
        credited[token] = (stored == 0 ? 1 : stored) + share;
    }

    /// @dev Books `creator`'s claim on a dataset as claimed and returns its amount (0 if
    ///      there is nothing new); reverts if `creator` is not a creator of the dataset.
    function _settle(uint32 datasetId, address token, address creator)
        private
        returns (uint256 amount)
    {
        (uint64 weight, uint64 totalWeight) = _registry.creatorWeight(datasetId, creator);
        if (weight == 0) revert RoyaltyNotCreator(datasetId, creator);
        uint256 entitled = _entitled(datasetId, token, weight, totalWeight);
        uint256 already = _amount(_claimed[datasetId][token][creator]);
        if (entitled == already) return 0;
        amount = entitled - already;
        // Stored plus one; entitled <= distributed, whose stored form fits, so this does too.
        _claimed[datasetId][token][creator] = entitled + 1;
        emit RoyaltyClaimed(datasetId, token, creator, amount);
    }

    /// @dev A creator's share of everything credited to the dataset: rounded down, and never
    ///      overflowing (512-bit intermediate product).
    function _entitled(uint32 datasetId, address token, uint64 weight, uint64 totalWeight)
        private
        view
        returns (uint256)
    {
        return Math.mulDiv(_amount(_distributed[datasetId][token]), weight, totalWeight);
    }

    /// @dev The amount a `_distributed` or `_claimed` slot stands for: 0 if never written or
    ///      only prepared, else the stored value minus one.
    function _amount(uint256 stored) private pure returns (uint256) {
        return stored == 0 ? 0 : stored - 1;
    }

    /// @dev Sends `amount` of `token` (0: ETH) to `to`.
    function _send(address token, address to, uint256 amount) private {
        if (token == ETH) {
            (bool sent,) = to.call{value: amount}("");
            if (!sent) revert RoyaltyTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
