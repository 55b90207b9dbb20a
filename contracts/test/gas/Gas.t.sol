// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PublicLayout} from "../../generated/PublicLayout.sol";
import {ILineageRegistry} from "../../interfaces/ILineageRegistry.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {AcceptingVerifier} from "../mocks/MockVerifier.sol";
import {LineageFixture} from "../utils/LineageFixture.sol";

/// @title LineageGasTest
/// @notice The scenarios behind BENCHMARKS.md's gas table, with M = PublicLayout.SLOTS (4)
///         datasets of 4 creators each. Verification is excluded: the profile's verifier is
///         `AcceptingVerifier`, which returns at once. The vault is wired to the registry, so
///         registration prepares each dataset's ETH slots (`RoyaltyVault.prepare`).
///         `forge test --match-contract LineageGasTest --gas-report`
contract LineageGasTest is LineageFixture {
    uint256 internal constant M = PublicLayout.SLOTS;

    uint32[] internal ids;
    bytes32 internal modelId;
    address internal payer = address(0xFA7E12);

    function setUp() public override {
        super.setUp();
        address accepting = address(new AcceptingVerifier());
        vm.startPrank(owner);
        registry.setVerifier(DEMO, accepting);
        registry.setVerifier(DEMO_DECLARED, accepting);
        vm.stopPrank();
        ids = new uint32[](M);
        for (uint256 i = 0; i < M; ++i) {
            ids[i] = _registerCertified(1000 + i, _creators(4, i), _weights(4));
        }
        vm.deal(payer, 100 ether);
    }

    function _attestM() internal {
        modelId = _attest(ids, _counts(M));
    }

    function test_gas_registerDataset_fourCreators() public {
        _register(4242, _creators(4, 99), _weights(4));
    }

    function test_gas_certify() public {
        uint32 id = _register(4242, _creators(4, 99), _weights(4));
        vm.prank(certifier);
        registry.certify(id);
    }

    function test_gas_attest() public {
        _attestM();
    }

    /// @dev `attest`'s twin for a declared model on the same M datasets: 25 words instead of
    ///      26, no start check, and `ModelDeclared` on top of `ModelAttested`.
    function test_gas_attestDeclared() public {
        modelId = _attestDeclared(ids, _counts(M));
    }

    /// @dev A model fine-tuned from the M-dataset model by another publisher, on the same M
    ///      datasets: the base checks (its record, revocation, datasets) on top of `attest`.
    function test_gas_attest_fineTuned() public {
        _attestM();
        _fineTune(modelId, 0x3333, 0x5555);
    }

    /// @dev Pays a model with `MAX_BASE_DEPTH` bases, each on M datasets: the most a status
    ///      read walks (`royaltySplit` inside `payRoyalty`).
    function test_gas_payRoyalty_deepestLineage() public {
        _attestM();
        uint256 w = 0x3333;
        for (uint256 depth = 0; depth < registry.MAX_BASE_DEPTH(); ++depth) {
            _fineTune(modelId, w, w + 1);
            ++w;
        }
        vm.prank(payer);
        vault.payRoyalty{value: 1 ether}(modelId);
    }

    function _fineTune(bytes32 base, uint256 w0Hash, uint256 wHash) internal {
        ILineageRegistry.AttestRequest memory r = _request(ids, _counts(M));
        (r.baseModelId, r.w0Hash, r.wHash) = (base, w0Hash, wHash);
        vm.prank(stranger);
        modelId = registry.attest(r, hex"c0ffee");
    }

    function test_gas_anchorOutputs() public {
        _attestM();
        vm.prank(publisher);
        registry.anchorOutputs(modelId, keccak256("batch"), 1000, "ipfs://outputs/0");
    }

    /// @dev Two payments: the first writes fresh slots (max), the second is the steady state
    ///      (min).
    function test_gas_payRoyalty() public {
        _attestM();
        vm.startPrank(payer);
        vault.payRoyalty{value: 1 ether}(modelId);
        vault.payRoyalty{value: 1 ether}(modelId);
        vm.stopPrank();
    }

    /// @dev A creator's first claim of a dataset (fresh slot, max) and a later one (min).
    function test_gas_claim() public {
        _attestM();
        vm.prank(payer);
        vault.payRoyalty{value: 1 ether}(modelId);
        address creator = _creators(4, 0)[3];
        vm.prank(creator);
        vault.claim(ids[0], address(0));
        vm.prank(payer);
        vault.payRoyalty{value: 1 ether}(modelId);
        vm.prank(creator);
        vault.claim(ids[0], address(0));
    }

    /// @dev The vault already holds the token (its balance slot exists, as for any token paid
    ///      before) and the payer has approved it: what remains is the vault's own cost.
    function _tokenReady() internal returns (MockERC20 token) {
        token = new MockERC20();
        token.mint(address(vault), 1);
        token.mint(payer, 100 ether);
        vm.prank(payer);
        token.approve(address(vault), 100 ether);
    }

    /// @dev The first payment of a token the datasets were not prepared for (max), then a
    ///      later one (min).
    function test_gas_payRoyaltyToken() public {
        MockERC20 token = _tokenReady();
        _attestM();
        vm.startPrank(payer);
        vault.payRoyaltyToken(modelId, token, 1 ether);
        vault.payRoyaltyToken(modelId, token, 1 ether);
        vm.stopPrank();
    }

    /// @dev The first payment of a token after `prepare` for it on all M datasets.
    function test_gas_payRoyaltyToken_prepared() public {
        MockERC20 token = _tokenReady();
        for (uint256 i = 0; i < M; ++i) {
            vault.prepare(ids[i], address(token), _creators(4, i));
        }
        _attestM();
        vm.prank(payer);
        vault.payRoyaltyToken(modelId, token, 1 ether);
    }

    /// @dev Preparing one dataset and its 4 creators for a token.
    function test_gas_prepare() public {
        vault.prepare(ids[0], address(0x70CE), _creators(4, 0));
    }

    /// @dev One creator in all M datasets claims them at once.
    function test_gas_claimMany() public {
        address[] memory creators = _creators(1, 77);
        uint32[] memory mine = new uint32[](M);
        for (uint256 i = 0; i < M; ++i) {
            mine[i] = _registerCertified(2000 + i, creators, _weights(1));
        }
        modelId = _attest(mine, _counts(M));
        vm.prank(payer);
        vault.payRoyalty{value: 1 ether}(modelId);
        vm.prank(creators[0]);
        vault.claimMany(mine, address(0));
    }
}
