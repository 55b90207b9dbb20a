// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Deploy} from "../../../script/Deploy.s.sol";
import {Test} from "../utils/Test.sol";

/// @notice Runs the deployment script in-process (chain 31337, anvil's dev key) and checks the
///         wiring and the deployments JSON the Rust side reads.
contract DeployTest is Test {
    function test_run_deploysWiresAndWritesTheDeploymentsJson() public {
        Deploy.Deployment memory d = new Deploy().run();
        assertEq(d.deployer, 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266);
        assertEq(d.registry.owner(), d.deployer);
        assertEq(d.vault.owner(), d.deployer);
        assertEq(address(d.vault.registry()), address(d.registry));
        assertEq(d.registry.royaltyVault(), address(d.vault));
        assertTrue(d.registry.isCertifier(d.deployer));
        assertEq(d.verifiers.length, 8);
        for (uint32 id = 1; id <= 8; id++) {
            assertEq(d.registry.verifierOf(id), d.verifiers[id - 1]);
        }
        assertTrue(d.verifiers[0] != address(0), "the demo verifier is deployed");
        assertTrue(d.verifiers[2] != address(0), "the demo-declared verifier is deployed");
        assertTrue(d.verifiers[6] != address(0), "the demo-declared-tree verifier is deployed");

        string memory json = vm.readFile("deployments/31337.json");
        assertEq(vm.parseJsonUint(json, ".chainId"), 31337);
        assertEq(vm.parseJsonAddress(json, ".registry"), address(d.registry));
        assertEq(vm.parseJsonAddress(json, ".vault"), address(d.vault));
        assertEq(vm.parseJsonAddress(json, ".deployer"), d.deployer);
        assertEq(vm.parseJsonAddress(json, ".owner"), d.owner);
        assertEq(vm.parseJsonAddress(json, ".certifier"), d.certifier);
        string[8] memory keys = [
            "demo",
            "standard",
            "demoDeclared",
            "standardDeclared",
            "demoTree",
            "standardTree",
            "demoDeclaredTree",
            "standardDeclaredTree"
        ];
        for (uint256 i = 0; i < 8; i++) {
            assertEq(
                vm.parseJsonAddress(json, string.concat(".verifiers.", keys[i])), d.verifiers[i]
            );
        }
        assertEq(vm.parseJsonUint(json, ".startBlock"), block.number);
    }
}
