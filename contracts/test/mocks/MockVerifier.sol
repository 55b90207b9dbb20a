// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title MockVerifier
/// @notice Test double of a generated verifier: no function selector, raw calldata (public
///         values then proof); returns empty data to accept, reverts to reject.
/// @dev Records each accepted call (count and calldata hash) so tests can check that an
///      attestation exists only with a verifier call that succeeded, and what it was sent.
///      The registry never depends on it: it only sees "call succeeded or not".
contract MockVerifier {
    /// @notice Whether the next calls are accepted.
    bool public accept = true;

    /// @notice Number of accepted calls.
    uint256 public acceptedCalls;

    /// @notice keccak256 of the calldata of the last accepted call.
    bytes32 public lastCalldataHash;

    /// @notice Sets whether calls are accepted.
    function setAccept(bool accept_) external {
        accept = accept_;
    }

    /// @notice The verifier entry point.
    fallback(bytes calldata input) external returns (bytes memory) {
        if (!accept) revert("MockVerifier: proof rejected");
        ++acceptedCalls;
        lastCalldataHash = keccak256(input);
        return "";
    }
}

/// @title AcceptingVerifier
/// @notice Accepts every proof and does nothing else: the registry's own cost of `attest`,
///         verification excluded, for the gas table.
contract AcceptingVerifier {
    /// @notice The verifier entry point.
    fallback() external {}
}
