// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev The address forge serves cheatcodes at.
address constant VM_ADDRESS = address(uint160(uint256(keccak256("hevm cheat code"))));

/// @title Vm
/// @notice The few forge cheatcodes Lineage's tests use. forge-std is not installable from
///         the package registries here, so this declares them directly; the signatures are
///         forge's own (see forge-std's `Vm.sol`). Add one only when a test needs it.
interface Vm {
    // ---------------------------------------------------------------- environment

    /// @notice Sets `block.timestamp`.
    function warp(uint256 newTimestamp) external;

    /// @notice Sets `block.number`.
    function roll(uint256 newHeight) external;

    /// @notice Sets the ETH balance of `account`.
    function deal(address account, uint256 newBalance) external;

    /// @notice Makes the next call's `msg.sender` be `msgSender`.
    function prank(address msgSender) external;

    /// @notice Makes every following call's `msg.sender` be `msgSender` until `stopPrank`.
    function startPrank(address msgSender) external;

    /// @notice Ends a `startPrank`.
    function stopPrank() external;

    // ---------------------------------------------------------------- expectations

    /// @notice Expects the next call to revert, with any data.
    function expectRevert() external;

    /// @notice Expects the next call to revert with data starting with `revertData`.
    function expectRevert(bytes4 revertData) external;

    /// @notice Expects the next call to revert with exactly `revertData`.
    function expectRevert(bytes calldata revertData) external;

    /// @notice Expects the next emitted event to match the one emitted right after this call
    ///         (all topics and data).
    function expectEmit() external;

    /// @notice As `expectEmit()`, checking only the selected topics and data, and requiring
    ///         `emitter` to be the emitting contract.
    function expectEmit(
        bool checkTopic1,
        bool checkTopic2,
        bool checkTopic3,
        bool checkData,
        address emitter
    ) external;

    // ---------------------------------------------------------------- fuzzing

    /// @notice Discards the current fuzz input when `condition` is false.
    function assume(bool condition) external pure;

    // ---------------------------------------------------------------- keys and labels

    /// @notice The address of the secp256k1 `privateKey`.
    function addr(uint256 privateKey) external pure returns (address keyAddr);

    /// @notice Signs `digest` with `privateKey`.
    function sign(uint256 privateKey, bytes32 digest)
        external
        pure
        returns (uint8 v, bytes32 r, bytes32 s);

    /// @notice Names `account` in traces.
    function label(address account, string calldata newLabel) external;

    // ---------------------------------------------------------------- formatting

    /// @notice Decimal string of `value`.
    function toString(uint256 value) external pure returns (string memory);

    /// @notice 0x-prefixed hex string of `value`.
    function toString(bytes32 value) external pure returns (string memory);

    /// @notice Checksummed 0x-prefixed hex string of `value`.
    function toString(address value) external pure returns (string memory);

    /// @notice "true" or "false".
    function toString(bool value) external pure returns (string memory);
}
