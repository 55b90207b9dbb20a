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

    /// @notice Snapshots the whole state; `revertToState` goes back to it.
    function snapshotState() external returns (uint256 snapshotId);

    /// @notice Restores the state of snapshot `snapshotId`.
    function revertToState(uint256 snapshotId) external returns (bool success);

    /// @notice The word in storage slot `slot` of `target`.
    function load(address target, bytes32 slot) external view returns (bytes32 data);

    /// @notice Sets the ETH balance of `account`.
    function deal(address account, uint256 newBalance) external;

    /// @notice Sets the runtime code of `target`.
    function etch(address target, bytes calldata newRuntimeBytecode) external;

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

    /// @notice As `expectEmit()`, requiring `emitter` to be the emitting contract.
    function expectEmit(address emitter) external;

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

    // ---------------------------------------------------------------- scripts

    /// @notice Broadcasts the following calls and creations as transactions signed by
    ///         `privateKey`, until `stopBroadcast`.
    function startBroadcast(uint256 privateKey) external;

    /// @notice Ends a `startBroadcast`.
    function stopBroadcast() external;

    /// @notice Deploys the contract of the artifact `artifactPath` (e.g. `Foo.sol:Foo`).
    function deployCode(string calldata artifactPath) external returns (address deployedAddress);

    /// @notice The environment variable `name` as a uint256, or `defaultValue` if unset.
    function envOr(string calldata name, uint256 defaultValue) external view returns (uint256 value);

    /// @notice The environment variable `name` as an address, or `defaultValue` if unset.
    function envOr(string calldata name, address defaultValue) external view returns (address value);

    /// @notice The environment variable `name` as a string, or `defaultValue` if unset.
    function envOr(string calldata name, string calldata defaultValue)
        external
        view
        returns (string memory value);

    /// @notice `text` (`0x` hex) as bytes.
    function parseBytes(string calldata text) external pure returns (bytes memory parsed);

    /// @notice Skips the current test when `skipTest` is true.
    function skip(bool skipTest) external;

    /// @notice Whether the environment variable `name` is set.
    function envExists(string calldata name) external view returns (bool result);

    /// @notice Whether `path` exists (relative to the project root).
    function exists(string calldata path) external view returns (bool result);

    /// @notice Creates the directory `path`.
    function createDir(string calldata path, bool recursive) external;

    /// @notice Adds `valueKey: value` to the JSON object `objectKey` and returns it so far.
    function serializeAddress(string calldata objectKey, string calldata valueKey, address value)
        external
        returns (string memory json);

    /// @notice Adds `valueKey: value` to the JSON object `objectKey` and returns it so far.
    function serializeUint(string calldata objectKey, string calldata valueKey, uint256 value)
        external
        returns (string memory json);

    /// @notice Adds `valueKey: value` (raw JSON when `value` is an object) to the JSON object
    ///         `objectKey` and returns it so far.
    function serializeString(
        string calldata objectKey,
        string calldata valueKey,
        string calldata value
    ) external returns (string memory json);

    /// @notice The contents of the file `path`.
    function readFile(string calldata path) external view returns (string memory data);

    /// @notice The address at `key` (e.g. `.registry`) in `json`.
    function parseJsonAddress(string calldata json, string calldata key)
        external
        pure
        returns (address);

    /// @notice The unsigned integer at `key` in `json`.
    function parseJsonUint(string calldata json, string calldata key)
        external
        pure
        returns (uint256);

    /// @notice Writes `json` to the file `path`.
    function writeJson(string calldata json, string calldata path) external;

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
