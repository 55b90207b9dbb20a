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

    /// @notice When non-zero, the keccak256 of the only calldata accepted: a proof that
    ///         verifies for exactly one set of public values, as a real one does.
    bytes32 public expectedCalldataHash;

    /// @notice Sets whether calls are accepted.
    function setAccept(bool accept_) external {
        accept = accept_;
    }

    /// @notice Accepts only calldata hashing to `hash` from now on (0: any calldata).
    function expectCalldataHash(bytes32 hash) external {
        expectedCalldataHash = hash;
    }

    /// @notice The verifier entry point.
    fallback(bytes calldata input) external returns (bytes memory) {
        if (!accept) revert("MockVerifier: proof rejected");
        bytes32 expected = expectedCalldataHash;
        if (expected != 0 && keccak256(input) != expected) {
            revert("MockVerifier: other public values");
        }
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

/// @title GasBurningVerifier
/// @notice Rejects every proof by consuming all the gas it is given, as a generated verifier
///         does when a precompile call fails (e.g. on a point off the curve).
contract GasBurningVerifier {
    /// @notice The verifier entry point.
    fallback() external {
        assembly {
            invalid()
        }
    }
}

/// @title GasProbeVerifier
/// @notice Accepts every proof and records the gas it was given (read on entry).
contract GasProbeVerifier {
    /// @notice `gasleft()` on entry of the last call.
    uint256 public seen;

    /// @notice The verifier entry point.
    fallback() external {
        seen = gasleft();
    }
}

/// @title FullGasVerifier
/// @notice Accepts a proof only when given at least `minGas`: a verifier for which a call
///         with less gas than it needs fails, as an honest but starved verification does.
contract FullGasVerifier {
    /// @notice The gas below which it fails.
    uint256 public immutable minGas;

    constructor(uint256 minGas_) {
        minGas = minGas_;
    }

    /// @notice The verifier entry point.
    fallback() external {
        if (gasleft() < minGas) revert("FullGasVerifier: starved");
    }
}
