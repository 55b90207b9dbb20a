//! The OpenAPI 3.1 document served at `/openapi.json`, written by hand next to the router.
//!
//! It states every constraint the handlers enforce on a request: the patterns of hashes,
//! addresses and cursors and the integer ranges (the constants come from `params`, whose
//! tests check each pattern against its parser), the required items, unknown fields and
//! content types. So a request the document allows is refused only with 404 for an id the
//! index does not hold, or with 422 for what no schema can state: a posted manifest whose
//! outputs do not reproduce the anchored batch's Merkle root, an image that does not decode
//! as a PNG or carries another deployment's receipt. Tests check that every documented path
//! is routed and every route documented, and pin these constraints; `script/schemathesis.sh`
//! fuzzes a live indexer with the document.

mod schemas;

use schemas::{answer, list, schema};
use serde_json::{json, Value};

use super::{
    params::{ADDRESS_PATTERN, HASH_PATTERN, MAX_DATASET_ID},
    verify::{IMAGE_MEDIA_TYPES, MAX_IMAGE_BYTES},
    DEFAULT_LIMIT, MAX_LIMIT,
};
use crate::store::PageKey;

/// The examples the document gives: records of the tests' scenario
/// (`indexer/tests/it/common/scenario.rs`, deterministic on anvil), so that a fuzzer run
/// against it reaches real ones; `indexer/tests/it/schemathesis.rs` checks that they exist.
mod example {
    /// The first dataset.
    pub(super) const DATASET_ID: u32 = 1;
    /// The valid model: published by anvil's account 1 with the committed demo proof
    /// (`cast keccak $(cast abi-encode "f(address,uint256)" <account 1> <its w_hash>)`;
    /// re-blessing the proof changes it).
    pub(super) const MODEL_ID: &str =
        "0xd7545e15c166388c9c177cae707a7f1d7561ee59a2f41ab100a796a7e5611496";
    /// A creator of datasets 1 and 3 (anvil's account 7).
    pub(super) const CREATOR: &str = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
    /// The five outputs anchored as the valid model's batch 0, in leaf order:
    /// `keccak256("m0 output {i}")`.
    pub(super) const OUTPUTS: [&str; 5] = [
        "0x5dac62f2d51ef70744c907d4e2db97fef15a3896631b7aaf5072d88204d99ed8",
        "0x33e763e548bf994505876c9c1654fe6cee2590d94b126fcc0a9bbdc952ad553c",
        "0x88d7d9f90989b415e56541c0d541952ace4af63a1c76b9ceb144af6314b53651",
        "0x3ebd19e9c1f9f9644bfdde01200b8c6798f0c4ba12e201027cc24b5358316077",
        "0xf50661cce40fe377f254826cd5b9a0dceae517f1b6f84ce681edcfb896965528",
    ];
}

/// A string matching `pattern`.
fn pattern(pattern: &str) -> Value {
    json!({"type": "string", "pattern": pattern})
}

/// An integer from `minimum` to `maximum`, written in decimal without sign or leading zero.
fn integer(minimum: u64, maximum: u64) -> Value {
    json!({"type": "integer", "minimum": minimum, "maximum": maximum})
}

fn parameter(name: &str, place: &str, description: &str, schema: Value, example: Value) -> Value {
    json!({"name": name, "in": place, "required": place == "path", "description": description,
           "schema": schema, "example": example})
}

fn hash_param(name: &str, what: &str, example: &str) -> Value {
    let description = format!("{what}: 32 bytes in hex, with or without 0x");
    parameter(name, "path", &description, pattern(HASH_PATTERN), json!(example))
}

fn model_id_param() -> Value {
    let what = "model id, keccak256(publisher, w_hash) (proven training) or \
        keccak256(publisher, model_hash) (declared training)";
    hash_param("id", what, example::MODEL_ID)
}

fn dataset_id_param() -> Value {
    let schema = integer(1, u64::from(MAX_DATASET_ID));
    parameter("id", "path", "dataset id", schema, json!(example::DATASET_ID))
}

fn address_param() -> Value {
    let description = "20 bytes in hex, with or without 0x (any case; no checksum check)";
    parameter("address", "path", description, pattern(ADDRESS_PATTERN), json!(example::CREATOR))
}

/// `params` followed by the page parameters of a list whose cursors match `cursor`.
fn paged(mut params: Vec<Value>, cursor: &str, cursor_example: &str) -> Value {
    params.extend([
        parameter(
            "cursor",
            "query",
            "next_cursor of the previous page (opaque; each list has its own kind)",
            pattern(cursor),
            json!(cursor_example),
        ),
        parameter(
            "limit",
            "query",
            &format!("items per page (default {DEFAULT_LIMIT})"),
            integer(1, u64::from(MAX_LIMIT)),
            json!(2),
        ),
    ]);
    Value::Array(params)
}

/// A response of `description` whose `media_type` body is `body`.
fn response(description: &str, media_type: &str, body: Value) -> Value {
    json!({"description": description, "content": {media_type: {"schema": body}}})
}

/// A JSON response of `description` whose body is `body`.
fn json_response(description: &str, body: Value) -> Value {
    response(description, "application/json", body)
}

/// The responses of an operation: `ok` for `success` (200 or 201), and the error shape
/// for each of `errors` and for 503, the request timeout every route has.
fn responses(success: u16, ok: Value, errors: &[u16]) -> Value {
    let mut responses = json!({success.to_string(): ok});
    for code in errors.iter().chain(&[503]) {
        responses[code.to_string()] = json!({"$ref": "#/components/responses/Error"});
    }
    responses
}

/// A `GET` answering `ok`, or the error shape with one of `errors`.
fn get(summary: &str, params: Value, ok: Value, errors: &[u16]) -> Value {
    let params = if params.is_null() { json!([]) } else { params };
    json!({"get": {"summary": summary, "parameters": params,
        "responses": responses(200, ok, errors)}})
}

/// A `GET` of `{data, chain}`.
fn get_answer(summary: &str, params: Value, ok: &str, data: &str, errors: &[u16]) -> Value {
    get(summary, params, json_response(ok, answer(schema(data))), errors)
}

/// A `GET` of a page of `item`s (400 for a bad parameter; never 404: an unknown dataset or
/// creator has an empty page).
fn get_list(summary: &str, params: Value, ok: &str, item: &str, cursor: &str) -> Value {
    get(summary, params, json_response(ok, list(item, cursor)), &[400])
}

/// `POST /v1/outputs/batches`.
fn post_manifest() -> Value {
    let body = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["model_id", "batch_index", "outputs"],
        "properties": {
            "model_id": pattern(HASH_PATTERN),
            "batch_index": integer(0, u64::MAX),
            "outputs": {"type": "array", "minItems": 1, "items": {"anyOf": [
                    pattern(HASH_PATTERN),
                    {"type": "object", "additionalProperties": false,
                     "required": ["content_hash"],
                     "properties": {"content_hash": pattern(HASH_PATTERN),
                        "perceptual_hash": {"anyOf": [pattern(HASH_PATTERN), {"type": "null"}]}}}
                ]},
                "description": "the outputs in leaf order: each a content hash (32 bytes in \
                    hex, with or without 0x: a version-1 leaf), or {content_hash, \
                    perceptual_hash}: a version-2 leaf, keccak256(\"lineage.output.leaf.v2\\0\" \
                    || content_hash || perceptual_hash), over the output's PDQ fingerprint, \
                    which is then indexed for GET /v1/outputs/similar; the registry anchors \
                    no empty batch"}
        }
    });
    let example = json!({"model_id": example::MODEL_ID, "batch_index": 0,
        "outputs": example::OUTPUTS});
    json!({"post": {
        "summary": "Post a batch manifest; accepted only if it reproduces the anchored batch's \
            count and root (422 otherwise: count_mismatch, root_mismatch)",
        "requestBody": {"required": true, "content": {"application/json": {
            "schema": body, "example": example}}},
        "responses": responses(201, json_response("Accepted", answer(schema("ManifestAccepted"))),
            &[400, 404, 413, 415, 422])
    }})
}

/// `POST /v1/verify-image`.
fn post_image() -> Value {
    let binary = json!({"schema": {"type": "string", "format": "binary"}});
    let content: serde_json::Map<String, Value> =
        IMAGE_MEDIA_TYPES.iter().map(|(t, _)| ((*t).to_owned(), binary.clone())).collect();
    json!({"post": {
        "summary": "Verify a PNG, JPEG or WebP as `lineage verify-image` does: content hash, \
            receipt (embedded, or found by content hash among posted manifests), anchor, the \
            fingerprint a version-2 receipt anchors, model, its kind of training \
            (model.training_proven or model.training_declared), its datasets and the bases \
            it was fine-tuned from; without either, the anchored outputs whose fingerprints \
            are within 31 bits (output.similar: a lead, cannot tell)",
        "requestBody": {"required": true,
            "description": format!("The image file, at most {MAX_IMAGE_BYTES} bytes (413 \
                over that). A body that is not the format its content type names is refused \
                415, an image that does not parse 422."),
            "content": content},
        "responses": responses(200, json_response("The verdict (outcome, stable codes, checks) \
            and the model's lineage", answer(schema("ImageCheck"))), &[400, 413, 415, 422])
    }})
}

/// `GET /ready`: 200 once caught up, 503 while catching up, both with the same body (or
/// the error shape for a timeout).
fn ready() -> Value {
    let mut op = get(
        "Readiness: 503 while catching up",
        Value::Null,
        json_response("Caught up", schema("Ready")),
        &[],
    );
    op["get"]["responses"]["503"] = json_response(
        "Catching up (or the request timed out)",
        json!({"anyOf": [schema("Ready"), schema("Error")]}),
    );
    op
}

/// The document.
pub fn document() -> Value {
    let dataset_cursor = PageKey::Dataset(example::DATASET_ID).cursor();
    let first_model = PageKey::Model(0, 0).cursor();
    let first_use = PageKey::Use(0, 0, 0).cursor();
    let first_royalty = PageKey::Royalty(0, 0).cursor();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Lineage indexer",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Provenance lookups over the LineageRegistry and RoyaltyVault \
                events. Every /v1 answer is {data, chain}; each fact in data carries the \
                provenance of its event (block_number, block_hash, confirmations, final, \
                tx_hash, log_index). Errors: {error: {status, code, message}}. Requests are \
                refused 400 when a parameter breaks its schema, and list endpoints also \
                refuse query parameters they do not define."
        },
        "paths": {
            "/v1/datasets": get_list("Datasets, by id",
                paged(vec![], PageKey::DATASET_CURSOR, &dataset_cursor), "A page of datasets",
                "Dataset", PageKey::DATASET_CURSOR),
            "/v1/datasets/{id}": get_answer("A dataset with creators, certification history \
                and the first page of the models using it (models_next_cursor when there are \
                more)", json!([dataset_id_param()]), "The dataset", "Dataset", &[400, 404]),
            "/v1/datasets/{id}/models": get_list("The models using a dataset, in chain order",
                paged(vec![dataset_id_param()], PageKey::USE_CURSOR, &first_use),
                "A page of uses", "ModelUse", PageKey::USE_CURSOR),
            "/v1/models": get_list("Attested models, in chain order",
                paged(vec![], PageKey::MODEL_CURSOR, &first_model), "A page of models", "Model",
                PageKey::MODEL_CURSOR),
            "/v1/models/{id}": get_answer("A model: its kind of training (proven, or \
                declared with its model_hash), datasets, counts, status (valid, revoked, \
                tainted), and for proven training the base it was fine-tuned from and that \
                base's own bases",
                json!([model_id_param()]), "The model", "Model", &[400, 404]),
            "/v1/models/{id}/derived": get_list("The models fine-tuned directly from a model, \
                in chain order", paged(vec![model_id_param()], PageKey::MODEL_CURSOR,
                &first_model), "A page of models", "Model", PageKey::MODEL_CURSOR),
            "/v1/models/{id}/batches/{index}": get_answer("An output batch the model \
                anchored, as the chain has it (root, count, event), whether or not its \
                manifest was posted", json!([model_id_param(), parameter("index", "path",
                "batch index", integer(0, u64::MAX), json!(0))]), "The batch", "OutputBatch",
                &[400, 404]),
            "/v1/attestations/{id}": get_answer("Alias of /v1/models/{id}",
                json!([model_id_param()]), "The model", "Model", &[400, 404]),
            "/v1/models/{id}/proof": get_answer("The attestation's proof and public values in \
                its kind's layout (26 words proven, 25 declared), for off-chain \
                re-verification (404 proof_unavailable when the attestation was not a direct \
                registry call)", json!([model_id_param()]),
                "Proof, named public values, instances and verifier calldata", "ModelProof",
                &[400, 404]),
            "/v1/outputs/batches": post_manifest(),
            "/v1/outputs/similar": get_answer("The anchored outputs whose PDQ fingerprints \
                (posted in manifests as version-2 leaves) are within max_distance bits of a \
                fingerprint, nearest first, each with its lineage and Merkle proof: a lead to \
                an output's provenance, never a proof (a publisher's fingerprint is its \
                claim; perceptual hashes can be forged). Found by multi-index hashing, not a \
                scan", json!([
                    {"name": "fingerprint", "in": "query", "required": true,
                     "description": "the PDQ fingerprint: 32 bytes in hex, with or without 0x",
                     "schema": pattern(HASH_PATTERN), "example": example::OUTPUTS[0]},
                    parameter("max_distance", "query", "the largest Hamming distance listed, \
                        0 to 31 (default 31, Meta's ThreatExchange match threshold)",
                        integer(0, 31), json!(31)),
                    parameter("limit", "query", "the most outputs listed, 1 to 100 (default \
                        25)", integer(1, 100), json!(5)),
                ]), "The outputs near it", "Similar", &[400]),
            "/v1/outputs/{hash}": get_answer("An output by content hash, with its model's \
                lineage and Merkle proof",
                json!([hash_param("hash", "content hash", example::OUTPUTS[0])]),
                "The output's anchors", "Output", &[400, 404]),
            "/v1/creators/{address}": get_answer("A creator: datasets, the first page of usage \
                by models (usage_next_cursor when there are more), paid, claimed and claimable \
                royalties", json!([address_param()]), "The creator", "Creator", &[400, 404]),
            "/v1/creators/{address}/usage": get_list("Uses of a creator's datasets by models, \
                in chain order", paged(vec![address_param()], PageKey::USE_CURSOR, &first_use),
                "A page of uses", "ModelUse", PageKey::USE_CURSOR),
            "/v1/creators/{address}/royalties": get_list("A creator's royalty events in chain \
                order: their share of each distribution to a dataset naming them (credited), \
                and their claims (claimed), each with the running total of its kind",
                paged(vec![address_param()], PageKey::ROYALTY_CURSOR, &first_royalty),
                "A page of royalty events", "RoyaltyEvent", PageKey::ROYALTY_CURSOR),
            "/v1/verify-image": post_image(),
            "/v1/status": get_answer("The follower's state", Value::Null, "Status", "Status", &[]),
            "/": get("The web page: browse, lineage, verify an image", Value::Null,
                response("HTML", "text/html", json!({"type": "string"})), &[]),
            "/health": get("Liveness", Value::Null, json_response("Up", schema("Health")), &[]),
            "/ready": ready(),
            "/metrics": get("Prometheus metrics", Value::Null,
                response("Text exposition", "text/plain", json!({"type": "string"})), &[]),
            "/openapi.json": get("This document", Value::Null, json_response("OpenAPI 3.1",
                json!({"type": "object", "required": ["openapi", "info", "paths"]})), &[])
        },
        "components": {
            "responses": {"Error": json_response("An error", schema("Error"))},
            "schemas": schemas::components()
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::document;

    const HASH: &str = "^(0x)?[0-9a-fA-F]{64}$";
    const ADDRESS: &str = "^(0x)?[0-9a-fA-F]{40}$";

    fn string(pattern: &str) -> Value {
        json!({"type": "string", "pattern": pattern})
    }

    /// The cursor pattern of the list at `path`.
    fn cursor(path: &str) -> Value {
        match path {
            "/v1/datasets" => string("^d[0-9a-f]{8}$"),
            "/v1/models" | "/v1/models/{id}/derived" => string("^m[0-9a-f]{32}$"),
            "/v1/datasets/{id}/models" | "/v1/creators/{address}/usage" => {
                string("^u[0-9a-f]{40}$")
            }
            "/v1/creators/{address}/royalties" => string("^r[0-9a-f]{32}$"),
            other => panic!("{other} is not a list"),
        }
    }

    /// Every parameter is constrained exactly as its handler parses it, and every path
    /// parameter is declared and required: a loosened document fails here.
    #[test]
    fn parameters_state_what_the_handlers_accept() {
        let doc = document();
        let mut checked = 0;
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for (method, op) in ops.as_object().unwrap() {
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                for p in &params {
                    let name = p["name"].as_str().unwrap();
                    let expected = match (p["in"].as_str().unwrap(), name) {
                        ("path", "id") if path.starts_with("/v1/datasets/") => {
                            json!({"type": "integer", "minimum": 1, "maximum": 4_294_967_295u32})
                        }
                        ("path", "id" | "hash") => string(HASH),
                        ("path", "index") => {
                            json!({"type": "integer", "minimum": 0, "maximum": u64::MAX})
                        }
                        ("path", "address") => string(ADDRESS),
                        ("query", "cursor") => cursor(path),
                        ("query", "limit") => {
                            json!({"type": "integer", "minimum": 1, "maximum": 100})
                        }
                        ("query", "fingerprint") => string(HASH),
                        ("query", "max_distance") => {
                            json!({"type": "integer", "minimum": 0, "maximum": 31})
                        }
                        other => panic!("{method} {path}: unexpected parameter {other:?}"),
                    };
                    assert_eq!(p["schema"], expected, "{method} {path}: {name}");
                    let required = p["in"] == "path" || name == "fingerprint";
                    assert_eq!(p["required"], required, "{method} {path}: {name}");
                    checked += 1;
                }
                for segment in path.split('/').filter(|s| s.starts_with('{')) {
                    let name = segment.trim_matches(['{', '}']);
                    assert!(
                        params.iter().any(|p| p["in"] == "path" && p["name"] == name),
                        "{method} {path}: {name} undeclared"
                    );
                }
                assert!(op["responses"]["503"].is_object(), "{method} {path}: the timeout");
            }
        }
        assert_eq!(checked, 27, "parameters checked");
    }

    /// The request bodies: their content types and the manifest's shape.
    #[test]
    fn bodies_state_their_content_type_and_shape() {
        let doc = document();
        let image = &doc["paths"]["/v1/verify-image"]["post"]["requestBody"];
        assert_eq!(image["required"], true);
        let types: Vec<&String> = image["content"].as_object().unwrap().keys().collect();
        assert_eq!(types, ["image/jpeg", "image/png", "image/webp"]);

        let manifest = &doc["paths"]["/v1/outputs/batches"]["post"]["requestBody"];
        assert_eq!(manifest["required"], true);
        let types: Vec<&String> = manifest["content"].as_object().unwrap().keys().collect();
        assert_eq!(types, ["application/json"]);
        let schema = &manifest["content"]["application/json"]["schema"];
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(schema["required"], json!(["model_id", "batch_index", "outputs"]));
        let properties = &schema["properties"];
        assert_eq!(properties["model_id"], string(HASH));
        assert_eq!(
            properties["batch_index"],
            json!({"type": "integer", "minimum": 0, "maximum": u64::MAX})
        );
        assert_eq!(properties["outputs"]["minItems"], 1);
        assert_eq!(properties["outputs"]["items"]["anyOf"][0], string(HASH));
        let entry = &properties["outputs"]["items"]["anyOf"][1];
        assert_eq!(entry["additionalProperties"], false);
        assert_eq!(entry["properties"]["content_hash"], string(HASH));
    }
}
