//! The schemas of the answers (`components/schemas`), one per type of `crate::model` and
//! of the handlers' own answers, field for field: objects list every field they serialize
//! and no other, so that a schemathesis run checks each answer's whole shape.

use serde_json::{json, Map, Value};

use crate::{model::MAX_BASES, store::PageKey};

/// A `$ref` to the schema `name`.
pub(super) fn schema(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// `value` or `null` (an `Option` serialized as `null` when `None`).
fn nullable(value: Value) -> Value {
    json!({"anyOf": [value, {"type": "null"}]})
}

fn array(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

fn uint() -> Value {
    json!({"type": "integer", "minimum": 0})
}

fn uint32() -> Value {
    json!({"type": "integer", "minimum": 0, "maximum": u32::MAX})
}

fn dataset_id() -> Value {
    json!({"type": "integer", "minimum": 1, "maximum": u32::MAX})
}

fn one_of(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

/// An object with exactly the `required` fields and, when set, the `optional` ones.
fn object(required: &[(&str, Value)], optional: &[(&str, Value)]) -> Value {
    let properties: Map<String, Value> =
        required.iter().chain(optional).map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    let names: Vec<&str> = required.iter().map(|(k, _)| *k).collect();
    json!({"type": "object", "additionalProperties": false, "required": names,
           "properties": properties})
}

/// `{data, chain}` around `data`.
pub(super) fn answer(data: Value) -> Value {
    object(&[("data", data), ("chain", schema("Tip"))], &[])
}

/// `{data, next_cursor, chain}`: a page of `item`s, and the next page's cursor.
pub(super) fn list(item: &str, cursor: &str) -> Value {
    object(
        &[
            ("data", array(schema(item))),
            ("next_cursor", nullable(json!({"type": "string", "pattern": cursor}))),
            ("chain", schema("Tip")),
        ],
        &[],
    )
}

/// Every schema the answers refer to.
pub(super) fn components() -> Value {
    let hash = || schema("Hash");
    let address = || schema("Address");
    let decimal = || schema("Decimal");
    let provenance = || schema("Provenance");
    let model_status = || one_of(&["valid", "revoked", "tainted"]);
    let dataset_status = || one_of(&["registered", "certified", "revoked"]);
    let use_cursor = json!({"type": "string", "pattern": PageKey::USE_CURSOR});
    // Nearest first; the registry allows at most MAX_BASE_DEPTH.
    let bases = json!({"type": "array", "items": schema("ModelBase"), "maxItems": MAX_BASES});
    json!({
        "Hash": {"type": "string", "pattern": "^0x[0-9a-f]{64}$",
            "description": "32 bytes, 0x and lowercase hex"},
        "Address": {"type": "string", "pattern": "^0x[0-9a-fA-F]{40}$",
            "description": "20 bytes, 0x and checksummed hex"},
        "Bytes": {"type": "string", "pattern": "^0x([0-9a-f]{2})*$"},
        "Decimal": {"type": "string", "pattern": "^(0|[1-9][0-9]*)$",
            "description": "an unsigned integer of up to 256 bits, in decimal"},
        "Tip": object(&[
            ("chain_id", uint()),
            ("head_block", uint()),
            ("finalized_block", uint()),
            ("indexed_block", uint()),
            ("indexed_block_hash", nullable(hash())),
        ], &[]),
        "Provenance": object(&[
            ("block_number", uint()),
            ("block_hash", hash()),
            ("confirmations", uint()),
            ("final", json!({"type": "boolean"})),
            ("tx_hash", hash()),
            ("log_index", uint()),
        ], &[]),
        "CreatorWeight": object(&[("address", address()), ("weight", decimal())], &[]),
        "CertificationEvent": object(
            &[
                ("event", one_of(&["certified", "revoked"])),
                ("certifier", address()),
                ("provenance", provenance()),
            ],
            &[("root", hash()), ("reason", json!({"type": "string"}))],
        ),
        "Dataset": object(
            &[
                ("dataset_id", dataset_id()),
                ("status", dataset_status()),
                ("curator", address()),
                ("root", hash()),
                ("leaf_count", decimal()),
                ("total_weight", decimal()),
                ("uri", json!({"type": "string"})),
                ("provenance", provenance()),
            ],
            // The detail's: a list's items have none of them.
            &[
                ("creators", array(schema("CreatorWeight"))),
                ("certifications", array(schema("CertificationEvent"))),
                ("models", array(schema("ModelUse"))),
                ("models_next_cursor", use_cursor.clone()),
            ],
        ),
        "ModelUse": object(&[
            ("model_id", hash()),
            ("dataset_id", dataset_id()),
            ("count", uint32()),
            ("status", model_status()),
            ("provenance", provenance()),
        ], &[]),
        "AttestedDataset": object(&[
            ("dataset_id", dataset_id()),
            ("count", uint32()),
            ("root", hash()),
            ("status", dataset_status()),
            ("provenance", provenance()),
        ], &[]),
        "Model": object(&[
            ("model_id", hash()),
            ("status", model_status()),
            ("base_model_id", nullable(hash())),
            ("publisher", address()),
            ("submitter", address()),
            ("profile_id", uint32()),
            ("verifier", address()),
            ("w_hash", hash()),
            ("w0_hash", hash()),
            ("hyper_hash", hash()),
            ("train_root", hash()),
            ("license_mask", decimal()),
            ("n_records", uint32()),
            ("datasets", array(schema("AttestedDataset"))),
            ("output_batches", uint()),
            ("proof_available", json!({"type": "boolean"})),
            ("provenance", provenance()),
            ("revocation", nullable(provenance())),
        ],
            // The detail's: a list's items have none.
            &[("bases", bases)],
        ),
        "ModelBase": object(&[
            ("model_id", hash()),
            ("publisher", address()),
            ("status", model_status()),
            ("provenance", provenance()),
        ], &[]),
        "PublicValues": object(&[
            ("accumulator", array(hash())),
            ("cert_root", array(hash())),
            ("count", array(uint32())),
            ("train_root", hash()),
            ("license_mask", decimal()),
            ("n_records", uint32()),
            ("w0_hash", hash()),
            ("w_hash", hash()),
            ("hyper_hash", hash()),
        ], &[]),
        "ModelProof": object(&[
            ("model_id", hash()),
            ("profile_id", uint32()),
            ("verifier", address()),
            ("proof", schema("Bytes")),
            ("public_values", schema("PublicValues")),
            ("instances", array(hash())),
            ("calldata", schema("Bytes")),
            ("provenance", provenance()),
        ], &[]),
        "OutputBatch": object(&[
            ("model_id", hash()),
            ("batch_index", uint()),
            ("batch_root", hash()),
            ("count", decimal()),
            ("uri", json!({"type": "string"})),
            ("manifest_posted", json!({"type": "boolean"})),
            ("provenance", provenance()),
        ], &[]),
        "DatasetCreators": object(&[
            ("dataset_id", dataset_id()),
            ("creators", array(schema("CreatorWeight"))),
        ], &[]),
        "OutputAnchor": object(&[
            ("batch", schema("OutputBatch")),
            ("leaf_index", uint()),
            ("merkle_proof", array(hash())),
            ("model", schema("Model")),
            ("creators", array(schema("DatasetCreators"))),
        ], &[]),
        "Output": object(&[
            ("content_hash", hash()),
            ("anchors", array(schema("OutputAnchor"))),
        ], &[]),
        "CreatorDataset": object(&[
            ("dataset_id", dataset_id()),
            ("status", dataset_status()),
            ("weight", decimal()),
            ("total_weight", decimal()),
            ("provenance", provenance()),
        ], &[]),
        "CreatorRoyalty": object(&[
            ("dataset_id", dataset_id()),
            ("token", address()),
            ("paid", decimal()),
            ("claimed", decimal()),
            ("claimable", decimal()),
            ("provenance", provenance()),
        ], &[]),
        "TokenTotals": object(&[
            ("token", address()),
            ("paid", decimal()),
            ("claimed", decimal()),
            ("claimable", decimal()),
        ], &[]),
        "Creator": object(
            &[
                ("address", address()),
                ("datasets", array(schema("CreatorDataset"))),
                ("usage", array(schema("ModelUse"))),
                ("royalties", array(schema("CreatorRoyalty"))),
                ("totals", array(schema("TokenTotals"))),
            ],
            &[("usage_next_cursor", use_cursor)],
        ),
        "ManifestAccepted": object(&[
            ("model_id", hash()),
            ("batch_index", uint()),
            ("batch_root", hash()),
            ("count", uint()),
            ("provenance", provenance()),
        ], &[]),
        // `lineage verify-image --json`'s verdict, owned by lineage_core: its stable part.
        "Verdict": {"type": "object",
            "required": ["outcome", "exitCode", "codes", "checks", "contentHash", "hashKind"],
            "properties": {
                "outcome": one_of(&["valid", "cannotTell", "invalid"]),
                "exitCode": json!({"type": "integer", "enum": [0, 1, 2]}),
                "codes": array(json!({"type": "string"})),
                "checks": array(json!({"type": "object", "required": ["code", "outcome", "detail"]})),
                "contentHash": hash(),
                "hashKind": one_of(&["png-pixels-v1", "bytes-v1"])
            }},
        "ImageCheck": object(&[
            ("receipt", one_of(&["embedded", "index", "none"])),
            ("verdict", schema("Verdict")),
            ("model", nullable(schema("Model"))),
        ], &[]),
        "Status": object(&[
            ("ready", json!({"type": "boolean"})),
            ("backend", one_of(&["sqlite", "postgres"])),
            ("blocks_behind", uint()),
            ("events_processed", uint()),
        ], &[]),
        "Ready": object(&[("ready", json!({"type": "boolean"})), ("chain", schema("Tip"))], &[]),
        "Health": object(&[("status", one_of(&["ok"]))], &[]),
        "Error": object(&[("error", object(&[
            ("status", json!({"type": "integer", "minimum": 400, "maximum": 599})),
            ("code", json!({"type": "string", "pattern": "^[a-z_]+$"})),
            ("message", json!({"type": "string"})),
        ], &[]))], &[])
    })
}
