// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PublicLayout} from "../../generated/PublicLayout.sol";
import {ILineageRegistry} from "../../interfaces/ILineageRegistry.sol";

/// @title ExpectedCalldata
/// @notice The verifier calldata the registry must send for a request, built here from the
///         request, the datasets' roots (read back through `dataset`) and `PublicLayout`'s
///         positions, independently of the registry's own code: the public values as
///         32-byte words, unused dataset slots 0, then the proof.
library ExpectedCalldata {
    /// @dev For `attest`: `PublicLayout.LEN` words.
    function proven(
        ILineageRegistry registry,
        ILineageRegistry.AttestRequest memory r,
        bytes memory proof
    ) internal view returns (bytes memory) {
        uint256[] memory words = _datasetWords(
            registry,
            PublicLayout.LEN,
            r.accumulator,
            r.datasetIds,
            r.counts,
            r.trainRoot,
            r.licenseMask,
            r.nRecords
        );
        words[PublicLayout.W0_HASH] = r.w0Hash;
        words[PublicLayout.W_HASH] = r.wHash;
        words[PublicLayout.HYPER_HASH] = r.hyperHash;
        return _encode(words, proof);
    }

    /// @dev For `attestDeclared`: `PublicLayout.DECLARED_LEN` words, the model hash's
    ///      128-bit halves last.
    function declared(
        ILineageRegistry registry,
        ILineageRegistry.DeclaredRequest memory r,
        bytes memory proof
    ) internal view returns (bytes memory) {
        uint256[] memory words = _datasetWords(
            registry,
            PublicLayout.DECLARED_LEN,
            r.accumulator,
            r.datasetIds,
            r.counts,
            r.trainRoot,
            r.licenseMask,
            r.nRecords
        );
        words[PublicLayout.DECLARED_MODEL_HASH_HI] = uint256(r.modelHash) >> 128;
        words[PublicLayout.DECLARED_MODEL_HASH_LO] = uint256(r.modelHash) % (1 << 128);
        return _encode(words, proof);
    }

    /// @dev The words, 32 bytes each, then the proof.
    function _encode(uint256[] memory words, bytes memory proof)
        private
        pure
        returns (bytes memory out)
    {
        for (uint256 i = 0; i < words.length; ++i) {
            out = bytes.concat(out, bytes32(words[i]));
        }
        return bytes.concat(out, proof);
    }

    /// @dev `len` words: the accumulator and the dataset words, which both layouts share.
    function _datasetWords(
        ILineageRegistry registry,
        uint256 len,
        uint256[] memory accumulator,
        uint32[] memory ids,
        uint32[] memory counts,
        uint256 trainRoot,
        uint64 licenseMask,
        uint32 nRecords
    ) private view returns (uint256[] memory words) {
        words = new uint256[](len);
        for (uint256 i = 0; i < PublicLayout.ACCUMULATOR_LEN; ++i) {
            words[PublicLayout.ACCUMULATOR + i] = accumulator[i];
        }
        for (uint256 s = 0; s < ids.length && s < PublicLayout.SLOTS; ++s) {
            words[PublicLayout.CERT_ROOT + s] = registry.dataset(ids[s]).root;
            words[PublicLayout.COUNT + s] = counts[s];
        }
        words[PublicLayout.TRAIN_ROOT] = trainRoot;
        words[PublicLayout.LICENSE_MASK] = licenseMask;
        words[PublicLayout.N_RECORDS] = nRecords;
    }
}
