// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {LineageVerifierDemo} from "../../verifiers/LineageVerifierDemo.sol";
import {Test} from "../utils/Test.sol";

/// @title ProveCalldataTest
/// @notice The generated verifier accepts the calldata `lineage prove` just wrote, and not
///         that calldata with one byte changed. `script/e2e.sh` runs it with
///         `LINEAGE_E2E_CALLDATA` naming the file (`0x` hex); without it the test is skipped.
contract ProveCalldataTest is Test {
    function test_generatedVerifierAcceptsTheCalldataOfLineageProve() public {
        string memory path = vm.envOr("LINEAGE_E2E_CALLDATA", string(""));
        vm.skip(bytes(path).length == 0);
        bytes memory input = vm.parseBytes(vm.readFile(path));
        address verifier = address(new LineageVerifierDemo());

        (bool ok,) = verifier.call(input);
        assertTrue(ok, "the verifier must accept lineage prove's calldata");

        input[input.length - 1] ^= 0x01;
        (ok,) = verifier.call(input);
        assertFalse(ok, "a changed proof byte must be rejected");
    }
}
