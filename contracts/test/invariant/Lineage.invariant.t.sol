// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILineageRegistry} from "../../interfaces/ILineageRegistry.sol";
import {LineageRegistry} from "../../LineageRegistry.sol";
import {RoyaltyVault} from "../../RoyaltyVault.sol";
import {MockVerifier} from "../mocks/MockVerifier.sol";
import {Test} from "../utils/Test.sol";
import {LineageHandler} from "./LineageHandler.sol";

/// @dev forge's shape for `targetSelectors()` (forge-std's StdInvariant.FuzzSelector).
struct FuzzSelector {
    address addr;
    bytes4[] selectors;
}

/// @title LineageInvariantTest
/// @notice Random sequences of attestations of both kinds, proven and declared (accepted or
///         rejected by the verifier, which serves both profiles), payments
///         in ETH and a token, claims, dataset and attestation revocations, releases of held
///         royalties, `prepare` calls and registrations of new and already registered roots,
///         through `LineageHandler`. The vault is wired to the registry, so the datasets' ETH
///         slots start prepared and the token's do not.
contract LineageInvariantTest is Test {
    LineageRegistry internal registry;
    RoyaltyVault internal vault;
    MockVerifier internal verifier;
    LineageHandler internal handler;

    function setUp() public {
        address owner = address(0x0A11CE);
        address certifier = address(0xCE27);
        registry = new LineageRegistry(owner);
        vault = new RoyaltyVault(registry, owner);
        verifier = new MockVerifier();
        vm.startPrank(owner);
        registry.setCertifier(certifier, true);
        registry.setVerifier(1, address(verifier));
        registry.setVerifier(3, address(verifier)); // demo-declared
        registry.setRoyaltyVault(address(vault));
        vm.stopPrank();
        handler = new LineageHandler(registry, vault, verifier, owner, certifier);
    }

    /// @dev Read by forge: only the handler is called.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev Read by forge: only the handler's actions are called.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](10);
        selectors[0] = LineageHandler.attest.selector;
        selectors[1] = LineageHandler.pay.selector;
        selectors[2] = LineageHandler.claim.selector;
        selectors[3] = LineageHandler.claimMany.selector;
        selectors[4] = LineageHandler.revokeDataset.selector;
        selectors[5] = LineageHandler.revokeAttestation.selector;
        selectors[6] = LineageHandler.releaseHeld.selector;
        selectors[7] = LineageHandler.prepare.selector;
        selectors[8] = LineageHandler.registerRoot.selector;
        selectors[9] = LineageHandler.attestDeclared.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: selectors});
    }

    /// @notice Every wei (and token unit) paid is in the vault or was claimed or released;
    ///         per dataset, creators' claimed + claimable never exceeds what was credited, and
    ///         the rounding dust stays below one unit per creator.
    function invariant_fundsAreConserved() public view {
        address[2] memory tokens = [address(0), address(handler.token())];
        uint32[] memory ids = handler.datasetIds();
        for (uint256 t = 0; t < 2; ++t) {
            address token = tokens[t];
            uint256 balance = token == address(0)
                ? address(vault).balance
                : handler.token().balanceOf(address(vault));
            assertEq(
                balance + handler.ghostClaimed(token) + handler.ghostReleased(token),
                handler.ghostPaid(token),
                "vault balance + claimed + released != paid"
            );
            uint256 credited;
            for (uint256 d = 0; d < ids.length; ++d) {
                uint256 distributed = vault.distributed(ids[d], token);
                credited += distributed + vault.held(ids[d], token) + vault.released(ids[d], token);
                address[] memory creators = handler.creatorsOf(d);
                uint256 owed;
                for (uint256 i = 0; i < creators.length; ++i) {
                    owed += vault.claimable(ids[d], token, creators[i])
                    + vault.claimed(ids[d], token, creators[i]);
                }
                assertLe(owed, distributed, "creators owed more than credited");
                assertLt(distributed - owed, creators.length, "dust >= 1 per creator");
            }
            assertEq(credited, handler.ghostPaid(token), "credited + held + released != paid");
        }
    }

    /// @notice An attestation, of either kind, is recorded only together with a verifier call
    ///         that succeeded, with the calldata its kind's layout prescribes, and records the
    ///         kind of the function that made it.
    function invariant_attestationOnlyWithASuccessfulVerifierCall() public view {
        assertFalse(handler.ghostMismatch(), "verifier call and attest outcome disagree");
        assertFalse(handler.ghostPrivateStartAttested(), "attested from a non-public start");
        bytes32[] memory ids = handler.tried();
        uint256 recorded;
        for (uint256 i = 0; i < ids.length; ++i) {
            ILineageRegistry.Attestation memory a = registry.attestation(ids[i]);
            if (a.publisher != address(0)) {
                assertTrue(handler.ghostVerified(ids[i]), "recorded without verification");
                assertEq(a.kind, handler.ghostKind(ids[i]), "recorded with another kind");
                ++recorded;
            }
        }
        assertEq(recorded, handler.ghostAttested());
        assertEq(verifier.acceptedCalls(), recorded, "accepted verifier calls != attestations");
    }

    /// @notice Every model's status follows its lineage exactly as the ghost books do (its
    ///         own revocation, its datasets', and every base's revocation and datasets), and
    ///         the registry records the base it was fine-tuned from.
    function invariant_statusFollowsTheLineage() public view {
        bytes32[] memory models = handler.models();
        for (uint256 i = 0; i < models.length; ++i) {
            assertEq(
                uint256(registry.attestationStatus(models[i])),
                uint256(handler.ghostStatus(models[i])),
                "status differs from the lineage's"
            );
            assertEq(registry.attestation(models[i]).baseModelId, handler.ghostBase(models[i]));
            assertLe(handler.ghostDepth(models[i]), registry.MAX_BASE_DEPTH());
        }
    }

    /// @notice Nothing paid after a dataset's revocation reaches its creators: its credit is
    ///         frozen at the revocation and its creators' claims stay within it.
    function invariant_revokedDatasetCreditIsFrozen() public view {
        address[2] memory tokens = [address(0), address(handler.token())];
        uint32[] memory ids = handler.datasetIds();
        for (uint256 d = 0; d < ids.length; ++d) {
            if (!handler.ghostRevoked(ids[d])) continue;
            address[] memory creators = handler.creatorsOf(d);
            for (uint256 t = 0; t < 2; ++t) {
                uint256 frozen = handler.ghostCreditedAtRevocation(ids[d], tokens[t]);
                assertEq(vault.distributed(ids[d], tokens[t]), frozen, "credited after revocation");
                uint256 owed;
                for (uint256 i = 0; i < creators.length; ++i) {
                    owed += vault.claimable(ids[d], tokens[t], creators[i])
                    + vault.claimed(ids[d], tokens[t], creators[i]);
                }
                assertLe(owed, frozen, "claims beyond the credit at revocation");
            }
        }
    }

    /// @notice One dataset id per root, forever: no two ids share a root, `datasetOfRoot`
    ///         gives each id's root back that id, and a root registered once (revoked or not)
    ///         was never registered again.
    function invariant_oneDatasetIdPerRoot() public view {
        assertFalse(handler.ghostRootReused(), "a registered root was registered again");
        uint32 count = registry.datasetCount();
        uint256[] memory roots = new uint256[](count + 1);
        for (uint32 id = 1; id <= count; ++id) {
            uint256 root = registry.dataset(id).root;
            assertEq(registry.datasetOfRoot(root), id, "datasetOfRoot(root) != id");
            assertEq(handler.ghostIdOfRoot(root), id, "the root's first id changed");
            for (uint32 other = 1; other < id; ++other) {
                assertTrue(roots[other] != root, "two dataset ids share a root");
            }
            roots[id] = root;
        }
    }
}
