// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ILineageRegistry} from "../interfaces/ILineageRegistry.sol";
import {IRoyaltyVault} from "../interfaces/IRoyaltyVault.sol";
import {RoyaltyVault} from "../RoyaltyVault.sol";
import {FeeOnTransferERC20, MockERC20} from "./mocks/MockERC20.sol";
import {RejectingReceiver, ReentrantClaimer} from "./mocks/Receivers.sol";
import {LineageFixture} from "./utils/LineageFixture.sol";

contract RoyaltyVaultTest is LineageFixture {
    address internal payer = address(0xFA7E12);
    address internal constant ETH = address(0);

    uint32[] internal ids;
    bytes32 internal modelId;
    MockERC20 internal token;

    /// @dev Four certified datasets (creators weighted 1, 2, 3) and a model proven on counts
    ///      10, 20, 30, 40 (nRecords 100).
    function setUp() public override {
        super.setUp();
        ids = _certifiedDatasets(4);
        modelId = _attest(ids, _counts(4));
        token = new MockERC20();
        token.mint(payer, 1e30);
        vm.prank(payer);
        token.approve(address(vault), type(uint256).max);
        vm.deal(payer, 1e30);
    }

    function _pay(uint256 amount) internal {
        vm.prank(payer);
        vault.payRoyalty{value: amount}(modelId);
    }

    function _creator(uint256 dataset, uint256 i) internal pure returns (address) {
        return _creators(3, dataset)[i];
    }

    // ================================================================ constructor / views

    function test_constructor_setsRegistryAndOwner() public view {
        assertEq(address(vault.registry()), address(registry));
        assertEq(vault.owner(), owner);
    }

    function test_ownership_transfersInTwoSteps() public {
        vm.prank(owner);
        vault.transferOwnership(stranger);
        assertEq(vault.pendingOwner(), stranger);
        vm.prank(stranger);
        vault.acceptOwnership();
        assertEq(vault.owner(), stranger);
    }

    function test_constructor_revertsOnZeroRegistry() public {
        vm.expectRevert(IRoyaltyVault.RoyaltyZeroAddress.selector);
        new RoyaltyVault(ILineageRegistry(address(0)), owner);
    }

    // ================================================================ payRoyalty

    function test_payRoyalty_splitsByCountsAndEmits() public {
        for (uint256 s = 0; s < 4; ++s) {
            vm.expectEmit(address(vault));
            emit IRoyaltyVault.RoyaltyDistributed(modelId, ids[s], ETH, 100 * (s + 1));
        }
        vm.expectEmit(address(vault));
        emit IRoyaltyVault.RoyaltyPaid(modelId, ETH, payer, 1000);
        _pay(1000);

        for (uint256 s = 0; s < 4; ++s) {
            assertEq(vault.distributed(ids[s], ETH), 100 * (s + 1));
            // Inside the dataset, by weights 1, 2, 3 of 6.
            uint256 share = 100 * (s + 1);
            for (uint256 i = 0; i < 3; ++i) {
                assertEq(vault.claimable(ids[s], ETH, _creator(s, i)), share * (i + 1) / 6);
            }
        }
        assertEq(address(vault).balance, 1000);
    }

    function test_payRoyalty_lastDatasetTakesTheRoundingRemainder() public {
        _pay(7); // 0.7, 1.4, 2.1 round down to 0, 1, 2; the last gets 7 - 3 = 4
        assertEq(vault.distributed(ids[0], ETH), 0);
        assertEq(vault.distributed(ids[1], ETH), 1);
        assertEq(vault.distributed(ids[2], ETH), 2);
        assertEq(vault.distributed(ids[3], ETH), 4);
    }

    function test_payRoyalty_revertsOnZeroValue() public {
        vm.expectRevert(IRoyaltyVault.RoyaltyAmountZero.selector);
        _pay(0);
    }

    function test_payRoyalty_revertsForUnknownModel() public {
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyVault.RoyaltyModelUnknown.selector, keccak256("x"))
        );
        vm.prank(payer);
        vault.payRoyalty{value: 1}(keccak256("x"));
    }

    function test_payRoyalty_revertsForRevokedModel() public {
        vm.prank(publisher);
        registry.revokeAttestation(modelId);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyVault.RoyaltyModelRevoked.selector, modelId));
        _pay(100);
    }

    function test_payRoyalty_holdsTheShareOfARevokedDataset() public {
        vm.prank(certifier);
        registry.revokeDataset(ids[1], "disputed");
        vm.expectEmit(address(vault));
        emit IRoyaltyVault.RoyaltyDistributed(modelId, ids[0], ETH, 100);
        vm.expectEmit(address(vault));
        emit IRoyaltyVault.RoyaltyHeld(modelId, ids[1], ETH, 200);
        _pay(1000);
        assertEq(vault.held(ids[1], ETH), 200);
        assertEq(vault.distributed(ids[1], ETH), 0);
        assertEq(vault.claimable(ids[1], ETH, _creator(1, 2)), 0);
        assertEq(vault.distributed(ids[3], ETH), 400);
    }

    // ================================================================ payRoyaltyToken

    function test_payRoyaltyToken_pullsAndSplits() public {
        vm.expectEmit(address(vault));
        emit IRoyaltyVault.RoyaltyDistributed(modelId, ids[0], address(token), 1e18);
        vm.prank(payer);
        vault.payRoyaltyToken(modelId, token, 10e18);
        assertEq(token.balanceOf(address(vault)), 10e18);
        assertEq(vault.distributed(ids[3], address(token)), 4e18);
        assertEq(vault.distributed(ids[3], ETH), 0);
    }

    function test_payRoyaltyToken_revertsOnEthAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyVault.RoyaltyTokenInvalid.selector, ETH));
        vm.prank(payer);
        vault.payRoyaltyToken(modelId, IERC20(ETH), 1);
    }

    function test_payRoyaltyToken_revertsOnAddressWithoutCode() public {
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyVault.RoyaltyTokenInvalid.selector, stranger)
        );
        vm.prank(payer);
        vault.payRoyaltyToken(modelId, IERC20(stranger), 1);
    }

    function test_payRoyaltyToken_revertsOnZeroAmount() public {
        vm.expectRevert(IRoyaltyVault.RoyaltyAmountZero.selector);
        vm.prank(payer);
        vault.payRoyaltyToken(modelId, token, 0);
    }

    function test_payRoyaltyToken_revertsOnFeeOnTransferToken() public {
        FeeOnTransferERC20 fee = new FeeOnTransferERC20();
        fee.mint(payer, 1000);
        vm.startPrank(payer);
        fee.approve(address(vault), 1000);
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyVault.RoyaltyTokenAmountMismatch.selector, 1000, 990)
        );
        vault.payRoyaltyToken(modelId, fee, 1000);
        vm.stopPrank();
    }

    function test_payRoyaltyToken_revertsWithoutAllowance() public {
        vm.expectRevert();
        vm.prank(stranger);
        vault.payRoyaltyToken(modelId, token, 1);
    }

    function test_payRoyaltyToken_revertsForRevokedModelAndKeepsTheTokens() public {
        vm.prank(publisher);
        registry.revokeAttestation(modelId);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyVault.RoyaltyModelRevoked.selector, modelId));
        vm.prank(payer);
        vault.payRoyaltyToken(modelId, token, 100);
        assertEq(token.balanceOf(address(vault)), 0);
    }

    function test_payRoyaltyToken_revertsForUnknownModel() public {
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyVault.RoyaltyModelUnknown.selector, keccak256("x"))
        );
        vm.prank(payer);
        vault.payRoyaltyToken(keccak256("x"), token, 1);
    }

    // ================================================================ claim

    function test_claim_sendsTheShareOnceAndEmits() public {
        _pay(6000); // dataset 3 gets 2400; creator 2 (weight 3 of 6) gets 1200
        address creator = _creator(3, 2);
        vm.expectEmit(address(vault));
        emit IRoyaltyVault.RoyaltyClaimed(ids[3], ETH, creator, 1200);
        vm.prank(creator);
        assertEq(vault.claim(ids[3], ETH), 1200);
        assertEq(creator.balance, 1200);
        assertEq(vault.claimed(ids[3], ETH, creator), 1200);
        assertEq(vault.claimable(ids[3], ETH, creator), 0);

        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyVault.RoyaltyNothingToClaim.selector, creator)
        );
        vm.prank(creator);
        vault.claim(ids[3], ETH);

        _pay(600); // dataset 3 gets 240 more, creator 2 half of it
        vm.prank(creator);
        assertEq(vault.claim(ids[3], ETH), 120);
    }

    function test_claim_token() public {
        vm.prank(payer);
        vault.payRoyaltyToken(modelId, token, 600);
        address creator = _creator(0, 1); // dataset 0 gets 60; weight 2 of 6
        vm.prank(creator);
        assertEq(vault.claim(ids[0], address(token)), 20);
        assertEq(token.balanceOf(creator), 20);
        assertEq(vault.claimable(ids[0], ETH, creator), 0);
    }

    function test_claim_revertsForNonCreator() public {
        _pay(1000);
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyVault.RoyaltyNotCreator.selector, ids[0], stranger)
        );
        vm.prank(stranger);
        vault.claim(ids[0], ETH);
        assertEq(vault.claimable(ids[0], ETH, stranger), 0);
    }

    function test_claim_revertsWhenNothingWasPaid() public {
        address creator = _creator(0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyVault.RoyaltyNothingToClaim.selector, creator)
        );
        vm.prank(creator);
        vault.claim(ids[0], ETH);
    }

    function test_claim_revertsWhenTheCreatorRefusesEth() public {
        RejectingReceiver receiver = new RejectingReceiver();
        address[] memory creators = new address[](1);
        creators[0] = address(receiver);
        uint32 id = _registerCertified(5555, creators, _weights(1));
        vm.prank(stranger);
        bytes32 model = registry.attest(_request(_ids(id), _u32(1)), hex"00");
        vm.prank(payer);
        vault.payRoyalty{value: 50}(model);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRoyaltyVault.RoyaltyTransferFailed.selector, address(receiver), 50
            )
        );
        receiver.claim(vault, id);
        assertEq(vault.claimable(id, ETH, address(receiver)), 50);
    }

    function test_claim_reentrancyIsBlocked() public {
        ReentrantClaimer attacker = new ReentrantClaimer();
        address[] memory creators = new address[](1);
        creators[0] = address(attacker);
        uint32 id = _registerCertified(6666, creators, _weights(1));
        vm.prank(stranger);
        bytes32 model = registry.attest(_request(_ids(id), _u32(1)), hex"00");
        vm.prank(payer);
        vault.payRoyalty{value: 50}(model);
        // The nested claim reverts on the guard, so the ETH transfer fails as a whole.
        vm.expectRevert(
            abi.encodeWithSelector(
                IRoyaltyVault.RoyaltyTransferFailed.selector, address(attacker), 50
            )
        );
        attacker.claim(vault, id);
        assertEq(address(vault).balance, 50);
    }

    function test_claim_revokedDatasetKeepsWhatArrivedBeforeButNotAfter() public {
        _pay(6000); // dataset 1 gets 1200
        vm.prank(certifier);
        registry.revokeDataset(ids[1], "");
        _pay(6000); // dataset 1's 1200 is held
        address creator = _creator(1, 2); // weight 3 of 6
        assertEq(vault.claimable(ids[1], ETH, creator), 600);
        vm.prank(creator);
        assertEq(vault.claim(ids[1], ETH), 600);
        assertEq(vault.held(ids[1], ETH), 1200);
        assertEq(vault.distributed(ids[1], ETH), 1200);
    }

    // ================================================================ claimMany

    function test_claimMany_claimsSeveralDatasetsInOneTransfer() public {
        // The same creator in datasets 0 and 2.
        address[] memory creators = _creators(1, 99);
        uint32 a = _registerCertified(7001, creators, _weights(1));
        uint32 b = _registerCertified(7002, creators, _weights(1));
        vm.prank(stranger);
        bytes32 model = registry.attest(_request(_ids(a, b), _u32(1, 3)), hex"00");
        vm.prank(payer);
        vault.payRoyalty{value: 400}(model);

        uint32[] memory list = new uint32[](3);
        (list[0], list[1], list[2]) = (a, b, a); // a repeat adds nothing
        vm.expectEmit(address(vault));
        emit IRoyaltyVault.RoyaltyClaimed(a, ETH, creators[0], 100);
        vm.expectEmit(address(vault));
        emit IRoyaltyVault.RoyaltyClaimed(b, ETH, creators[0], 300);
        vm.prank(creators[0]);
        assertEq(vault.claimMany(list, ETH), 400);
        assertEq(creators[0].balance, 400);
    }

    function test_claimMany_revertsWhenNothingToClaim() public {
        address creator = _creator(0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyVault.RoyaltyNothingToClaim.selector, creator)
        );
        vm.prank(creator);
        vault.claimMany(_ids(ids[0]), ETH);
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyVault.RoyaltyNothingToClaim.selector, creator)
        );
        vm.prank(creator);
        vault.claimMany(new uint32[](0), ETH);
    }

    function test_claimMany_revertsWhenNotACreatorOfOne() public {
        _pay(1000);
        address creator = _creator(0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyVault.RoyaltyNotCreator.selector, ids[1], creator)
        );
        vm.prank(creator);
        vault.claimMany(_ids(ids[0], ids[1]), ETH);
    }

    // ================================================================ releaseHeld

    function _holdSome() internal {
        vm.prank(certifier);
        registry.revokeDataset(ids[2], "");
        _pay(1000); // 300 held
        vm.prank(payer);
        vault.payRoyaltyToken(modelId, token, 1000);
    }

    function test_releaseHeld_sendsAndEmits() public {
        _holdSome();
        vm.expectEmit(address(vault));
        emit IRoyaltyVault.HeldRoyaltyReleased(ids[2], ETH, stranger, 100);
        vm.prank(owner);
        vault.releaseHeld(ids[2], ETH, stranger, 100);
        assertEq(stranger.balance, 100);
        assertEq(vault.held(ids[2], ETH), 200);
        assertEq(vault.released(ids[2], ETH), 100);

        vm.prank(owner);
        vault.releaseHeld(ids[2], address(token), stranger, 300);
        assertEq(token.balanceOf(stranger), 300);
        assertEq(vault.held(ids[2], address(token)), 0);
    }

    function test_releaseHeld_revertsForNonOwner() public {
        _holdSome();
        vm.expectRevert(
            abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger)
        );
        vm.prank(stranger);
        vault.releaseHeld(ids[2], ETH, stranger, 1);
    }

    function test_releaseHeld_revertsOnZeroRecipient() public {
        _holdSome();
        vm.expectRevert(IRoyaltyVault.RoyaltyZeroAddress.selector);
        vm.prank(owner);
        vault.releaseHeld(ids[2], ETH, address(0), 1);
    }

    function test_releaseHeld_revertsOnZeroAmount() public {
        _holdSome();
        vm.expectRevert(IRoyaltyVault.RoyaltyAmountZero.selector);
        vm.prank(owner);
        vault.releaseHeld(ids[2], ETH, stranger, 0);
    }

    function test_releaseHeld_revertsBeyondWhatIsHeld() public {
        _holdSome();
        vm.expectRevert(
            abi.encodeWithSelector(
                IRoyaltyVault.RoyaltyHeldInsufficient.selector, ids[2], ETH, 300, 301
            )
        );
        vm.prank(owner);
        vault.releaseHeld(ids[2], ETH, stranger, 301);
        // Nothing is held for a dataset that was never revoked.
        vm.expectRevert(
            abi.encodeWithSelector(
                IRoyaltyVault.RoyaltyHeldInsufficient.selector, ids[0], ETH, 0, 1
            )
        );
        vm.prank(owner);
        vault.releaseHeld(ids[0], ETH, stranger, 1);
    }

    // ================================================================ prepare

    function test_prepare_byAnyoneCreatesSlotsThatReadAsZero() public {
        address[] memory creators = _creators(3, 0);
        vm.prank(stranger);
        vault.prepare(ids[0], address(token), creators);
        assertEq(_rawDistributed(ids[0], address(token)), 1);
        assertEq(vault.distributed(ids[0], address(token)), 0);
        for (uint256 i = 0; i < creators.length; ++i) {
            assertEq(_rawClaimed(ids[0], address(token), creators[i]), 1);
            assertEq(vault.claimed(ids[0], address(token), creators[i]), 0);
            assertEq(vault.claimable(ids[0], address(token), creators[i]), 0);
        }
    }

    function test_prepare_keepsWrittenSlots() public {
        _pay(6000); // dataset 3 gets 2400: creators 400, 800, 1200
        address creator = _creator(3, 2);
        vm.prank(creator);
        vault.claim(ids[3], ETH);
        vm.prank(stranger);
        vault.prepare(ids[3], ETH, _creators(3, 3));
        assertEq(vault.distributed(ids[3], ETH), 2400);
        assertEq(_rawDistributed(ids[3], ETH), 2401);
        assertEq(vault.claimed(ids[3], ETH, creator), 1200);
        assertEq(vault.claimable(ids[3], ETH, creator), 0);
        assertEq(vault.claimable(ids[3], ETH, _creator(3, 0)), 400);
        vm.prank(creator);
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyVault.RoyaltyNothingToClaim.selector, creator)
        );
        vault.claim(ids[3], ETH);
    }

    /// @dev Preparing any of the datasets for the token, before payments and claims, changes
    ///      no amount: the same payments and claims give the same books and transfers.
    function testFuzz_prepare_changesNoAmount(
        uint128 first,
        uint128 second,
        uint16 claimMask,
        uint8 prepareMask
    ) public {
        uint256 a1 = bound(first, 1, 1e29);
        uint256 a2 = bound(second, 1, 1e29);
        uint256 snapshot = vm.snapshotState();
        uint256[] memory prepared = _tokenScenario(a1, a2, claimMask, prepareMask);
        vm.revertToState(snapshot);
        uint256[] memory plain = _tokenScenario(a1, a2, claimMask, 0);
        assertEq(prepared.length, plain.length);
        for (uint256 i = 0; i < plain.length; ++i) {
            assertEq(prepared[i], plain[i], "prepare changed an amount");
        }
    }

    /// @dev Prepares the datasets in `prepareMask`, pays `a1` of the token, lets the creators
    ///      in `claimMask` claim, pays `a2`; returns every amount the views and balances show.
    function _tokenScenario(uint256 a1, uint256 a2, uint16 claimMask, uint8 prepareMask)
        internal
        returns (uint256[] memory out)
    {
        for (uint256 s = 0; s < 4; ++s) {
            if ((prepareMask >> s) & 1 == 1) {
                vault.prepare(ids[s], address(token), _creators(3, s));
            }
        }
        vm.prank(payer);
        vault.payRoyaltyToken(modelId, token, a1);
        for (uint256 s = 0; s < 4; ++s) {
            for (uint256 i = 0; i < 3; ++i) {
                address creator = _creator(s, i);
                if ((claimMask >> (3 * s + i)) & 1 == 1) {
                    if (vault.claimable(ids[s], address(token), creator) > 0) {
                        vm.prank(creator);
                        vault.claim(ids[s], address(token));
                    }
                }
            }
        }
        vm.prank(payer);
        vault.payRoyaltyToken(modelId, token, a2);
        out = new uint256[](4 + 4 * 3 * 3 + 1);
        uint256 k;
        for (uint256 s = 0; s < 4; ++s) {
            out[k++] = vault.distributed(ids[s], address(token));
            for (uint256 i = 0; i < 3; ++i) {
                address creator = _creator(s, i);
                out[k++] = vault.claimed(ids[s], address(token), creator);
                out[k++] = vault.claimable(ids[s], address(token), creator);
                out[k++] = token.balanceOf(creator);
            }
        }
        out[k] = token.balanceOf(address(vault));
    }

    // ================================================================ fuzz

    /// @dev For arbitrary counts, weights and payments: every wei is distributed or held,
    ///      each creator's claimable + claimed is their exact share rounded down (short by less
    ///      than one wei), and the dust of a dataset is below one wei per creator.
    function testFuzz_split_conservesAndRoundsDownByLessThanOneWeiPerCreator(
        uint32[4] memory rawCounts,
        uint64[3][4] memory rawWeights,
        uint128[3] memory payments,
        uint8 revokedMask,
        uint8 claimMask
    ) public {
        uint32[] memory fuzzIds = new uint32[](4);
        uint32[] memory counts = new uint32[](4);
        uint64[][] memory weights = new uint64[][](4);
        for (uint256 s = 0; s < 4; ++s) {
            counts[s] = uint32(bound(rawCounts[s], 1, type(uint32).max / 4));
            weights[s] = new uint64[](3);
            for (uint256 i = 0; i < 3; ++i) {
                weights[s][i] = uint64(bound(rawWeights[s][i], 1, type(uint64).max / 3));
            }
            fuzzIds[s] = _registerCertified(9000 + s, _creators(3, 50 + s), weights[s]);
        }
        vm.prank(stranger);
        bytes32 model = registry.attest(_request(fuzzIds, counts), hex"00");

        uint256 paid;
        for (uint256 p = 0; p < 3; ++p) {
            uint256 amount = bound(payments[p], 1, type(uint128).max);
            vm.deal(payer, amount);
            vm.prank(payer);
            vault.payRoyalty{value: amount}(model);
            paid += amount;
            if (p == 0) _revokeAndClaim(fuzzIds, revokedMask, claimMask);
        }

        uint256 credited;
        for (uint256 s = 0; s < 4; ++s) {
            uint256 distributed = vault.distributed(fuzzIds[s], ETH);
            credited += distributed + vault.held(fuzzIds[s], ETH);
            uint256 total = uint256(weights[s][0]) + weights[s][1] + weights[s][2];
            uint256 got;
            for (uint256 i = 0; i < 3; ++i) {
                address creator = _creators(3, 50 + s)[i];
                uint256 mine = vault.claimable(fuzzIds[s], ETH, creator)
                    + vault.claimed(fuzzIds[s], ETH, creator);
                // mine == floor(distributed * w / total): short of the exact share by < 1 wei.
                assertLe(mine * total, distributed * weights[s][i], "over the exact share");
                assertLt(distributed * weights[s][i] - mine * total, total, "short by >= 1 wei");
                got += mine;
            }
            assertLe(got, distributed, "creators get more than the dataset");
            assertLt(distributed - got, 3, "dust of one wei or more per creator");
        }
        assertEq(credited, paid, "a wei was lost in the split");
        assertEq(address(vault).balance + _claimedTotal(fuzzIds), paid, "vault balance");
    }

    function _revokeAndClaim(uint32[] memory fuzzIds, uint8 revokedMask, uint8 claimMask) internal {
        for (uint256 s = 0; s < 4; ++s) {
            if ((claimMask >> s) & 1 == 1) {
                address creator = _creators(3, 50 + s)[s % 3];
                if (vault.claimable(fuzzIds[s], ETH, creator) > 0) {
                    vm.prank(creator);
                    vault.claim(fuzzIds[s], ETH);
                }
            }
            if ((revokedMask >> s) & 1 == 1) {
                vm.prank(certifier);
                registry.revokeDataset(fuzzIds[s], "");
            }
        }
    }

    function _claimedTotal(uint32[] memory fuzzIds) internal view returns (uint256 sum) {
        for (uint256 s = 0; s < 4; ++s) {
            for (uint256 i = 0; i < 3; ++i) {
                sum += vault.claimed(fuzzIds[s], ETH, _creators(3, 50 + s)[i]);
            }
        }
    }

    /// @dev Whatever the amount, the split across datasets follows the counts to within the
    ///      rounding of one wei, except the last dataset, which takes the remainder.
    function testFuzz_split_followsTheProvenCounts(uint256 amount) public {
        amount = bound(amount, 1, 1e40);
        vm.deal(payer, amount);
        _pay(amount);
        uint256 sum;
        for (uint256 s = 0; s < 4; ++s) {
            uint256 got = vault.distributed(ids[s], ETH);
            uint256 exactTimes100 = amount * 10 * (s + 1);
            if (s < 3) {
                assertLe(got * 100, exactTimes100);
                assertLt(exactTimes100 - got * 100, 100);
            }
            sum += got;
        }
        assertEq(sum, amount);
    }
}
