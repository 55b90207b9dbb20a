// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ILineageRegistry} from "./ILineageRegistry.sol";

/// @title IRoyaltyVault
/// @notice Royalties paid to an attested model, split across the datasets it was proven to
///         use in proportion to the proven counts, and inside a dataset by its creators'
///         registered weights; creators pull their share.
/// @dev Accounting, per dataset and token (`token` 0 is ETH):
///      - `distributed`: everything credited to the dataset's creators, ever. A creator is
///        entitled to `floor(distributed * weight / totalWeight)` and can claim that minus
///        what they already claimed. The weights never change, so this cumulative amount is
///        the per-dataset accumulator and no loop over creators is needed.
///      - `held`: what reached the dataset after its certification was revoked. It is
///        never credited to the creators; it stays in the vault until the owner releases it
///        (e.g. to the payers or a successor dataset, as a dispute settles).
///      What was distributed before the revocation stays claimable: it was earned while the
///      dataset was certified.
///      So every wei paid is, per token: claimable + claimed + held + released + dust, where
///      the dust is the rounding of `floor` above, less than one wei per creator.
///      Storage: `distributed` and `claimed` are stored plus one once written (0 stays 0), so
///      `prepare` can create their slots ahead of the first payment and claim; the views
///      return the amounts themselves.
///      A payment's split across datasets is `amount * count / nRecords` rounded down, and
///      the last dataset takes the remainder, so the split itself loses nothing.
interface IRoyaltyVault {
    // ---------------------------------------------------------------- errors

    /// @notice A payment must be of at least one wei / token unit.
    error RoyaltyAmountZero();

    /// @notice The token must be a contract address (ETH is paid with `payRoyalty`).
    error RoyaltyTokenInvalid(address token);

    /// @notice The vault received `received` of the token instead of `amount` (fee-on-transfer
    ///         and rebasing tokens are not supported).
    error RoyaltyTokenAmountMismatch(uint256 amount, uint256 received);

    /// @notice No attestation has this model id.
    error RoyaltyModelUnknown(bytes32 modelId);

    /// @notice The model's attestation was revoked by its publisher.
    error RoyaltyModelRevoked(bytes32 modelId);

    /// @notice `account` is not a creator of the dataset.
    error RoyaltyNotCreator(uint32 datasetId, address account);

    /// @notice There is nothing to claim.
    error RoyaltyNothingToClaim(address creator);

    /// @notice Sending `amount` of ETH to `to` failed.
    error RoyaltyTransferFailed(address to, uint256 amount);

    /// @notice Only `held` is held for this dataset and token; `amount` was asked for.
    error RoyaltyHeldInsufficient(uint32 datasetId, address token, uint256 held, uint256 amount);

    /// @notice The zero address was given where an account is needed.
    error RoyaltyZeroAddress();

    // ---------------------------------------------------------------- events

    /// @notice `payer` paid `amount` of `token` (0: ETH) to a model; the per-dataset
    ///         `RoyaltyDistributed` and `RoyaltyHeld` events of the same payment come first
    ///         and add up to `amount`.
    event RoyaltyPaid(
        bytes32 indexed modelId, address indexed token, address indexed payer, uint256 amount
    );

    /// @notice `amount` of a payment to a model was credited to a dataset's creators.
    event RoyaltyDistributed(
        bytes32 indexed modelId, uint32 indexed datasetId, address indexed token, uint256 amount
    );

    /// @notice `amount` of a payment to a model reached a revoked dataset and is held.
    event RoyaltyHeld(
        bytes32 indexed modelId, uint32 indexed datasetId, address indexed token, uint256 amount
    );

    /// @notice A creator claimed `amount` of `token` from a dataset.
    event RoyaltyClaimed(
        uint32 indexed datasetId, address indexed token, address indexed creator, uint256 amount
    );

    /// @notice The owner released `amount` of the held `token` of a revoked dataset to `to`.
    event HeldRoyaltyReleased(
        uint32 indexed datasetId, address indexed token, address indexed to, uint256 amount
    );

    // ---------------------------------------------------------------- external

    /// @notice Pays `msg.value` wei of royalties to a model (valid or tainted; not revoked).
    /// @param modelId The model.
    function payRoyalty(bytes32 modelId) external payable;

    /// @notice Pays `amount` of an ERC-20 to a model; the vault pulls it with `transferFrom`
    ///         (approve it first).
    /// @param modelId The model.
    /// @param token The ERC-20.
    /// @param amount The amount, in the token's units.
    function payRoyaltyToken(bytes32 modelId, IERC20 token, uint256 amount) external;

    /// @notice Sends the caller what they can claim from a dataset in `token` (0: ETH).
    /// @param datasetId The dataset.
    /// @param token The token, 0 for ETH.
    /// @return amount What was sent.
    function claim(uint32 datasetId, address token) external returns (uint256 amount);

    /// @notice Sends the caller what they can claim from several datasets in `token`, in one
    ///         transfer. Datasets with nothing to claim are skipped.
    /// @param datasetIds The datasets.
    /// @param token The token, 0 for ETH.
    /// @return amount What was sent in total.
    function claimMany(uint32[] calldata datasetIds, address token)
        external
        returns (uint256 amount);

    /// @notice Creates the storage that a dataset's first royalty in `token` and each listed
    ///         creator's first claim of it would otherwise create, so that those calls only
    ///         update existing slots (about 17k gas less each). Anyone may call it, the
    ///         registry does for ETH at registration; it changes no amount any view returns,
    ///         skips slots already written and emits nothing. Accounts that are not creators
    ///         of the dataset only waste the caller's gas.
    /// @param datasetId The dataset.
    /// @param token The token, 0 for ETH.
    /// @param creators The creators whose claim slots to create.
    function prepare(uint32 datasetId, address token, address[] calldata creators) external;

    /// @notice Sends held royalties of a revoked dataset to `to`. Only the owner.
    /// @param datasetId The dataset.
    /// @param token The token, 0 for ETH.
    /// @param to The recipient.
    /// @param amount How much, at most `held(datasetId, token)`.
    function releaseHeld(uint32 datasetId, address token, address to, uint256 amount) external;

    // ---------------------------------------------------------------- views

    /// @notice The registry the vault reads attestations and datasets from.
    /// @return The registry.
    function registry() external view returns (ILineageRegistry);

    /// @notice What `creator` can claim from a dataset in `token` now.
    /// @param datasetId The dataset.
    /// @param token The token, 0 for ETH.
    /// @param creator The creator.
    /// @return The amount.
    function claimable(uint32 datasetId, address token, address creator)
        external
        view
        returns (uint256);

    /// @notice Everything ever credited to a dataset's creators in `token`.
    /// @param datasetId The dataset.
    /// @param token The token, 0 for ETH.
    /// @return The amount.
    function distributed(uint32 datasetId, address token) external view returns (uint256);

    /// @notice What `creator` has claimed from a dataset in `token` so far.
    /// @param datasetId The dataset.
    /// @param token The token, 0 for ETH.
    /// @param creator The creator.
    /// @return The amount.
    function claimed(uint32 datasetId, address token, address creator)
        external
        view
        returns (uint256);

    /// @notice What is held for a revoked dataset in `token` now.
    /// @param datasetId The dataset.
    /// @param token The token, 0 for ETH.
    /// @return The amount.
    function held(uint32 datasetId, address token) external view returns (uint256);

    /// @notice Everything released from a dataset's held `token` so far.
    /// @param datasetId The dataset.
    /// @param token The token, 0 for ETH.
    /// @return The amount.
    function released(uint32 datasetId, address token) external view returns (uint256);
}
