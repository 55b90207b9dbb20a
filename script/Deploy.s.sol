// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {LineageRegistry} from "../contracts/LineageRegistry.sol";
import {RoyaltyVault} from "../contracts/RoyaltyVault.sol";
import {VM_ADDRESS, Vm} from "../contracts/test/utils/Vm.sol";

/// @title Deploy
/// @notice Deploys Lineage: the profiles' verifiers (when there are any), the registry and the
///         royalty vault; wires each profile to its verifier and the registry to the vault
///         (registration prepares the vault's ETH slots); writes the addresses to
///         `deployments/<chainid>.json` for the Rust side.
/// @dev Run from the repository root:
///      `forge script script/Deploy.s.sol --rpc-url $RPC --broadcast`
///
///      Environment (all optional on anvil, chain 31337):
///      - `LINEAGE_DEPLOYER_KEY`: the deployer's private key. Unset, anvil's first well-known
///        dev account is used, and only on chain 31337 (the script refuses elsewhere).
///      - `LINEAGE_OWNER`: owner of the registry and vault (default: the deployer). When it
///        is not the deployer, the registry's ownership is offered to it (two-step: it must
///        call `acceptOwnership`), after the deployer has wired the profiles and certifier.
///      - `LINEAGE_CERTIFIER`: an account made certifier (default: the deployer).
///      - `LINEAGE_VERIFIER_<PROFILE>`: an already deployed verifier for a profile, by its
///        name in upper snake case: profile 1 `demo` (`LINEAGE_VERIFIER_DEMO`), 2 `standard`,
///        3 `demo-declared` (`LINEAGE_VERIFIER_DEMO_DECLARED`), 4 `standard-declared`, and
///        their proof-tree twins 5 `demo-tree`, 6 `standard-tree`, 7 `demo-declared-tree`
///        (`LINEAGE_VERIFIER_DEMO_DECLARED_TREE`), 8 `standard-declared-tree`. Unset, the
///        script deploys `contracts/verifiers/LineageVerifier<Profile>.sol` (e.g.
///        `LineageVerifierDemoDeclaredTree.sol`) if the generated file exists, and otherwise
///        leaves the profile without a verifier (attestations on it revert with
///        `RegistryVerifierMissing` until the owner sets one).
///
///      The JSON (addresses checksummed; a profile without a verifier has the zero address):
///      `{"chainId": 31337, "startBlock": 0, "deployer": "0x…", "owner": "0x…",
///        "certifier": "0x…", "registry": "0x…", "vault": "0x…",
///        "verifiers": {"demo": "0x…", "standard": "0x…", "demoDeclared": "0x…",
///        "standardDeclared": "0x…", "demoTree": "0x…", "standardTree": "0x…",
///        "demoDeclaredTree": "0x…", "standardDeclaredTree": "0x…"}}`
///      `startBlock` is the block the deployment started from: an indexer follows the chain
///      from there.
contract Deploy {
    Vm internal constant vm = Vm(VM_ADDRESS);

    /// @dev DEV ONLY: the private key of anvil's first well-known account (mnemonic "test test
    ///      ... junk"). Public knowledge; used only when LINEAGE_DEPLOYER_KEY is unset on 31337.
    uint256 internal constant ANVIL_DEV_KEY_0 =
        0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80;
    uint256 internal constant ANVIL_CHAIN_ID = 31337;

    /// @notice No deployer key was given and the chain is not anvil's.
    error DeployDevKeyOffAnvil(uint256 chainId);

    /// @notice The profiles, by id − 1: the names of their environment variable, generated
    ///         verifier contract and deployments JSON key.
    uint256 internal constant PROFILES = 8;

    function _profile(uint256 i)
        internal
        pure
        returns (string memory env, string memory contractName, string memory key)
    {
        string[PROFILES] memory envs = [
            "DEMO",
            "STANDARD",
            "DEMO_DECLARED",
            "STANDARD_DECLARED",
            "DEMO_TREE",
            "STANDARD_TREE",
            "DEMO_DECLARED_TREE",
            "STANDARD_DECLARED_TREE"
        ];
        string[PROFILES] memory keys = [
            "demo",
            "standard",
            "demoDeclared",
            "standardDeclared",
            "demoTree",
            "standardTree",
            "demoDeclaredTree",
            "standardDeclaredTree"
        ];
        string[PROFILES] memory contracts = [
            "Demo",
            "Standard",
            "DemoDeclared",
            "StandardDeclared",
            "DemoTree",
            "StandardTree",
            "DemoDeclaredTree",
            "StandardDeclaredTree"
        ];
        return (
            string.concat("LINEAGE_VERIFIER_", envs[i]),
            string.concat("LineageVerifier", contracts[i]),
            keys[i]
        );
    }

    /// @notice What was deployed.
    struct Deployment {
        address deployer;
        address owner;
        address certifier;
        LineageRegistry registry;
        RoyaltyVault vault;
        /// @dev The verifier of profile `i + 1` (zero: none). A fixed-size array keeps the
        ///      returned struct static: tools read its words at fixed offsets.
        address[PROFILES] verifiers;
    }

    /// @notice Deploys, wires and writes `deployments/<chainid>.json`.
    /// @return d The addresses.
    function run() external returns (Deployment memory d) {
        uint256 key = vm.envOr("LINEAGE_DEPLOYER_KEY", uint256(0));
        if (key == 0) {
            // Set LINEAGE_DEPLOYER_KEY: the anvil dev key is for chain 31337 only.
            if (block.chainid != ANVIL_CHAIN_ID) revert DeployDevKeyOffAnvil(block.chainid);
            key = ANVIL_DEV_KEY_0;
        }
        d.deployer = vm.addr(key);
        d.owner = vm.envOr("LINEAGE_OWNER", d.deployer);
        d.certifier = vm.envOr("LINEAGE_CERTIFIER", d.deployer);
        uint256 startBlock = block.number;

        vm.startBroadcast(key);
        for (uint256 i = 0; i < PROFILES; i++) {
            (string memory env, string memory name,) = _profile(i);
            d.verifiers[i] = _verifier(env, name);
        }
        d.registry = new LineageRegistry(d.deployer);
        d.vault = new RoyaltyVault(d.registry, d.owner);
        for (uint256 i = 0; i < PROFILES; i++) {
            // Profile ids are 1-based and never exceed PROFILES.
            // forge-lint: disable-next-line(unsafe-typecast)
            _wire(d.registry, uint32(i + 1), d.verifiers[i]);
        }
        d.registry.setRoyaltyVault(address(d.vault));
        d.registry.setCertifier(d.certifier, true);
        if (d.owner != d.deployer) d.registry.transferOwnership(d.owner);
        vm.stopBroadcast();

        _write(d, startBlock);
    }

    /// @dev The verifier given in `envName`, else the generated `name` deployed, else 0.
    function _verifier(string memory envName, string memory name) internal returns (address) {
        address given = vm.envOr(envName, address(0));
        if (given != address(0)) return given;
        if (!vm.exists(string.concat("contracts/verifiers/", name, ".sol"))) return address(0);
        return vm.deployCode(string.concat(name, ".sol:", name));
    }

    /// @dev Maps `profileId` to `verifier` unless there is none.
    function _wire(LineageRegistry registry, uint32 profileId, address verifier) internal {
        if (verifier != address(0)) registry.setVerifier(profileId, verifier);
    }

    function _write(Deployment memory d, uint256 startBlock) internal {
        string memory verifiers;
        for (uint256 i = 0; i < PROFILES; i++) {
            (,, string memory jsonKey) = _profile(i);
            verifiers = vm.serializeAddress("verifiers", jsonKey, d.verifiers[i]);
        }

        string memory o = "deployment";
        vm.serializeUint(o, "chainId", block.chainid);
        vm.serializeUint(o, "startBlock", startBlock);
        vm.serializeAddress(o, "deployer", d.deployer);
        vm.serializeAddress(o, "owner", d.owner);
        vm.serializeAddress(o, "certifier", d.certifier);
        vm.serializeAddress(o, "registry", address(d.registry));
        vm.serializeAddress(o, "vault", address(d.vault));
        string memory json = vm.serializeString(o, "verifiers", verifiers);

        vm.createDir("deployments", true);
        vm.writeJson(json, string.concat("deployments/", vm.toString(block.chainid), ".json"));
    }
}
