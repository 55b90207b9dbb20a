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

/// The kinds of training an attestation can have.
const KINDS: [&str; 2] = ["proven", "declared"];

/// One of the two kinds of `what` (`Model`, `ModelProof`, ...): `{"anyOf": [Proven<what>,
/// Declared<what>]}`, each of them stating its `kind`, so that no answer can pass a
/// declared training for a proven one.
fn by_kind(what: &str, description: &str) -> Value {
    json!({"anyOf": [schema(&format!("Proven{what}")), schema(&format!("Declared{what}"))],
           "description": description})
}

/// A model of `kind`: proven training's weight commitments and bases, or declared
/// training's model hash, each `null` (or absent) in the other kind.
fn model(kind: &str) -> Value {
    let hash = || schema("Hash");
    let proven = kind == "proven";
    // What one kind has and the other shows as null.
    let own = |yes: bool| if yes { hash() } else { json!({"type": "null"}) };
    let base = if proven { nullable(hash()) } else { json!({"type": "null"}) };
    object(
        &[
            ("model_id", hash()),
            ("kind", one_of(&[kind])),
            ("status", one_of(&["valid", "revoked", "tainted"])),
            ("base_model_id", base),
            ("publisher", schema("Address")),
            ("submitter", schema("Address")),
            ("profile_id", uint32()),
            ("verifier", schema("Address")),
            ("model_hash", own(!proven)),
            ("w_hash", own(proven)),
            ("w0_hash", own(proven)),
            ("hyper_hash", own(proven)),
            ("train_root", hash()),
            ("license_mask", schema("Decimal")),
            ("n_records", uint32()),
            ("datasets", array(schema("AttestedDataset"))),
            ("output_batches", uint()),
            ("proof_available", json!({"type": "boolean"})),
            ("provenance", schema("Provenance")),
            ("revocation", nullable(schema("Provenance"))),
        ],
        // The detail's (a list's items have none), and a proven model's only: a declared
        // one has no training start. Nearest first; the registry allows at most
        // MAX_BASE_DEPTH.
        &(if proven {
            vec![(
                "bases",
                json!({"type": "array", "items": schema("ModelBase"),
                "maxItems": MAX_BASES}),
            )]
        } else {
            vec![]
        }),
    )
}

/// The public values of `kind`'s layout: the shared accumulator and dataset words, then
/// the weight commitments (proven) or the model hash's halves (declared).
fn public_values(kind: &str) -> Value {
    let hash = || schema("Hash");
    let mut fields = vec![
        ("accumulator", array(hash())),
        ("cert_root", array(hash())),
        ("count", array(uint32())),
        ("train_root", hash()),
        ("license_mask", schema("Decimal")),
        ("n_records", uint32()),
    ];
    if kind == "proven" {
        fields.extend([("w0_hash", hash()), ("w_hash", hash()), ("hyper_hash", hash())]);
    } else {
        fields.extend([("model_hash_hi", hash()), ("model_hash_lo", hash())]);
    }
    object(&fields, &[])
}

/// The proof of an attestation of `kind`, with `words` public words.
fn model_proof(kind: &str, words: usize) -> Value {
    let name = if kind == "proven" { "ProvenPublicValues" } else { "DeclaredPublicValues" };
    object(
        &[
            ("model_id", schema("Hash")),
            ("kind", one_of(&[kind])),
            ("profile_id", uint32()),
            ("verifier", schema("Address")),
            ("proof", schema("Bytes")),
            ("public_values", schema(name)),
            (
                "instances",
                json!({"type": "array", "items": schema("Hash"),
                "minItems": words, "maxItems": words}),
            ),
            ("calldata", schema("Bytes")),
            ("provenance", schema("Provenance")),
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
    let mut schemas = json!({
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
            ("kind", one_of(&KINDS)),
            ("provenance", provenance()),
        ], &[]),
        "AttestedDataset": object(&[
            ("dataset_id", dataset_id()),
            ("count", uint32()),
            ("root", hash()),
            ("status", dataset_status()),
            ("provenance", provenance()),
        ], &[]),
        "ModelBase": object(&[
            ("model_id", hash()),
            ("publisher", address()),
            ("status", model_status()),
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
            ("perceptual_hash", nullable(hash())),
            ("merkle_proof", array(hash())),
            ("model", schema("Model")),
            ("creators", array(schema("DatasetCreators"))),
        ], &[]),
        "SimilarOutput": object(&[
            ("distance", json!({"type": "integer", "minimum": 0, "maximum": 31})),
            ("content_hash", hash()),
            ("anchor", schema("OutputAnchor")),
        ], &[]),
        "Similar": object(&[
            ("fingerprint", hash()),
            ("max_distance", json!({"type": "integer", "minimum": 0, "maximum": 31})),
            ("candidates", array(schema("SimilarOutput"))),
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
        "RoyaltyEvent": object(&[
            ("event", one_of(&["credited", "claimed"])),
            ("dataset_id", dataset_id()),
            ("token", address()),
            ("amount", decimal()),
            ("cumulative", decimal()),
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
                "hashKind": one_of(&["png-pixels-v1", "jpeg-v1", "webp-v1", "bytes-v1"])
            }},
        "ImageCheck": object(&[
            ("receipt", one_of(&["embedded", "index", "none"])),
            ("verdict", schema("Verdict")),
            ("model", nullable(schema("Model"))),
            ("similar", array(schema("SimilarOutput"))),
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
    });
    // Each kind of training's shape of the answers that depend on it (a json! of their own:
    // one macro for all of them would pass its recursion limit).
    let kinds = json!({
        "Model": by_kind("Model", "An attested model. kind proven: the proof re-executes \
            the training from w0_hash (the profile's zero weights, or the base model's \
            weights) to w_hash under hyper_hash. kind declared: the proof covers the training \
            set of the model file whose SHA-256 is model_hash, and the training itself is the \
            publisher's declaration; w_hash, w0_hash, hyper_hash and base_model_id are null \
            and bases absent (no weight commitments, no base), model_hash is null for a \
            proven model."),
        "ProvenModel": model("proven"),
        "DeclaredModel": model("declared"),
        "ModelProof": by_kind("ModelProof", "The proof and its public values in the \
            layout of its kind: 26 words for proven training (accumulator[12], dataset[11], \
            w0_hash, w_hash, hyper_hash), 25 for declared training (accumulator[12], \
            dataset[11], model_hash_hi, model_hash_lo: the model file's SHA-256 as two \
            128-bit big-endian halves)"),
        "ProvenModelProof": model_proof("proven", 26),
        "DeclaredModelProof": model_proof("declared", 25),
        "ProvenPublicValues": public_values("proven"),
        "DeclaredPublicValues": public_values("declared"),
    });
    if let (Some(all), Value::Object(more)) = (schemas.as_object_mut(), kinds) {
        all.extend(more);
    }
    schemas
}
