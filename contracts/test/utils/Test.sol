// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Vm, VM_ADDRESS} from "./Vm.sol";

/// @title Test
/// @notice Minimal base for Lineage's forge tests (forge-std is not available here).
/// @dev forge fails a test when it reverts, so every assertion reverts with
///      `Error(string)` naming the assertion and both values, e.g.
///      `assertEq(uint256): 1 != 2: <message>`.
abstract contract Test {
    /// @dev The cheatcodes.
    Vm internal constant vm = Vm(VM_ADDRESS);

    // ---------------------------------------------------------------- fuzz helpers

    /// @dev Maps `x` into `[min, max]`; values already inside are kept, so the fuzzer's edge
    ///      cases (0, 1, max) still reach the test.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + x % (size + 1);
    }

    // ---------------------------------------------------------------- revert data

    /// @dev Whether `data` (revert data) starts with `selector`.
    function _hasSelector(bytes memory data, bytes4 selector) internal pure returns (bool) {
        if (data.length < 4) return false;
        for (uint256 i = 0; i < 4; ++i) {
            if (data[i] != selector[i]) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- assertions

    function assertTrue(bool condition) internal pure {
        assertTrue(condition, "");
    }

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) _fail("assertTrue: false", message);
    }

    function assertFalse(bool condition) internal pure {
        assertFalse(condition, "");
    }

    function assertFalse(bool condition, string memory message) internal pure {
        if (condition) _fail("assertFalse: true", message);
    }

    function assertEq(uint256 left, uint256 right) internal pure {
        assertEq(left, right, "");
    }

    function assertEq(uint256 left, uint256 right, string memory message) internal pure {
        if (left != right) {
            _fail(
                string.concat("assertEq(uint256): ", vm.toString(left), " != ", vm.toString(right)),
                message
            );
        }
    }

    function assertEq(bytes32 left, bytes32 right) internal pure {
        assertEq(left, right, "");
    }

    function assertEq(bytes32 left, bytes32 right, string memory message) internal pure {
        if (left != right) {
            _fail(
                string.concat("assertEq(bytes32): ", vm.toString(left), " != ", vm.toString(right)),
                message
            );
        }
    }

    function assertEq(address left, address right) internal pure {
        assertEq(left, right, "");
    }

    function assertEq(address left, address right, string memory message) internal pure {
        if (left != right) {
            _fail(
                string.concat("assertEq(address): ", vm.toString(left), " != ", vm.toString(right)),
                message
            );
        }
    }

    function assertEq(bool left, bool right) internal pure {
        assertEq(left, right, "");
    }

    function assertEq(bool left, bool right, string memory message) internal pure {
        if (left != right) {
            _fail(
                string.concat("assertEq(bool): ", vm.toString(left), " != ", vm.toString(right)),
                message
            );
        }
    }

    function assertEq(string memory left, string memory right) internal pure {
        assertEq(left, right, "");
    }

    function assertEq(string memory left, string memory right, string memory message)
        internal
        pure
    {
        if (keccak256(bytes(left)) != keccak256(bytes(right))) {
            _fail(string.concat("assertEq(string): ", left, " != ", right), message);
        }
    }

    function assertLe(uint256 left, uint256 right) internal pure {
        assertLe(left, right, "");
    }

    function assertLe(uint256 left, uint256 right, string memory message) internal pure {
        if (left > right) {
            _fail(
                string.concat("assertLe(uint256): ", vm.toString(left), " > ", vm.toString(right)),
                message
            );
        }
    }

    function assertLt(uint256 left, uint256 right) internal pure {
        assertLt(left, right, "");
    }

    function assertLt(uint256 left, uint256 right, string memory message) internal pure {
        if (left >= right) {
            _fail(
                string.concat("assertLt(uint256): ", vm.toString(left), " >= ", vm.toString(right)),
                message
            );
        }
    }

    function _fail(string memory what, string memory message) private pure {
        revert(bytes(message).length == 0 ? what : string.concat(what, ": ", message));
    }
}
