// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRoyaltyVault} from "../../interfaces/IRoyaltyVault.sol";

/// @title RejectingReceiver
/// @notice A creator contract that refuses ETH.
contract RejectingReceiver {
    /// @notice Claims from `vault` (the ETH transfer will fail).
    function claim(IRoyaltyVault vault, uint32 datasetId) external returns (uint256) {
        return vault.claim(datasetId, address(0));
    }

    receive() external payable {
        revert("RejectingReceiver: no ETH");
    }
}

/// @title ReentrantClaimer
/// @notice A creator contract that tries to claim again while receiving ETH.
contract ReentrantClaimer {
    /// @notice The vault under attack.
    IRoyaltyVault public vault;

    /// @notice The dataset claimed from.
    uint32 public datasetId;

    /// @notice Claims from `vault_`; `receive` tries to claim again.
    function claim(IRoyaltyVault vault_, uint32 datasetId_) external returns (uint256) {
        vault = vault_;
        datasetId = datasetId_;
        return vault_.claim(datasetId_, address(0));
    }

    receive() external payable {
        vault.claim(datasetId, address(0));
    }
}
