// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PublicLayout} from "../../generated/PublicLayout.sol";
import {LineageRegistry} from "../../LineageRegistry.sol";
import {Test} from "../utils/Test.sol";

/// @title RealVerifierBase
/// @notice What the real-verifier suites share: a registry with one generated verifier for
///         one profile, and the fixture proof's two certified roots registered.
abstract contract RealVerifierBase is Test {
    LineageRegistry internal registry;
    address internal verifier;
    uint32 internal first;
    uint32 internal second;
    address internal publisher = address(0xB0B);

    /// @dev Wires `verifier_` to `profileId` and certifies the two datasets whose roots the
    ///      fixture's public words `w` hold.
    function _setUp(uint32 profileId, address verifier_, uint256[] memory w) internal {
        registry = new LineageRegistry(address(this));
        verifier = verifier_;
        registry.setVerifier(profileId, verifier);
        registry.setCertifier(address(this), true);
        first = _registerAndCertify(w[PublicLayout.CERT_ROOT]);
        second = _registerAndCertify(w[PublicLayout.CERT_ROOT + 1]);
    }

    function _registerAndCertify(uint256 root) internal returns (uint32 id) {
        address[] memory creators = new address[](1);
        creators[0] = address(0xC4EA702);
        uint64[] memory weights = new uint64[](1);
        weights[0] = 1;
        id = registry.registerDataset(root, 24, "ipfs://fixture", creators, weights);
        registry.certify(id);
    }

    /// @dev Calls the verifier as the registry does, with the registry's gas cap (a rejected
    ///      proof can burn all the gas it is given).
    function _verifies(uint256[] memory w, bytes memory proof) internal returns (bool ok) {
        (ok,) = verifier.call{gas: registry.VERIFY_GAS()}(abi.encodePacked(w, proof));
    }
}
