// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "../utils/Test.sol";

/// @title ProveCalldataTest
/// @notice A generated verifier accepts the calldata `lineage prove` just wrote, and not
///         that calldata with one byte changed. `script/e2e.sh` runs it with
///         `LINEAGE_E2E_CALLDATA` naming the file (`0x` hex) and `LINEAGE_E2E_VERIFIER` the
///         profile's verifier contract (default `LineageVerifierDemo`; e.g.
///         `LineageVerifierDemoDeclaredTree` for a proof tree's root); without the calldata
///         the test is skipped.
contract ProveCalldataTest is Test {
    function test_generatedVerifierAcceptsTheCalldataOfLineageProve() public {
        string memory path = vm.envOr("LINEAGE_E2E_CALLDATA", string(""));
        vm.skip(bytes(path).length == 0);
        string memory name = vm.envOr("LINEAGE_E2E_VERIFIER", string("LineageVerifierDemo"));
        bytes memory input = vm.parseBytes(vm.readFile(path));
        address verifier = vm.deployCode(string.concat(name, ".sol:", name));

        (bool ok,) = verifier.call(input);
        assertTrue(ok, "the verifier must accept lineage prove's calldata");

        input[input.length - 1] ^= 0x01;
        (ok,) = verifier.call(input);
        assertFalse(ok, "a changed proof byte must be rejected");
    }
}
