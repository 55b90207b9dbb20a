//! The OpenAPI 3.1 document served at `/openapi.json`, written by hand next to the
//! router; a test checks that every documented path is routed and every route documented.

use serde_json::{json, Value};

fn op(summary: &str, params: Value, ok: &str, errors: &[u16]) -> Value {
    let mut responses = json!({"200": {"description": ok, "content": {"application/json": {}}}});
    for code in errors {
        responses[code.to_string()] = json!({"$ref": "#/components/responses/Error"});
    }
    json!({"summary": summary, "parameters": params, "responses": responses})
}

fn path_param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description,
           "schema": {"type": "string"}})
}

fn page_params() -> Value {
    paged(Vec::new())
}

/// `params` followed by the page parameters.
fn paged(mut params: Vec<Value>) -> Value {
    params.extend([
        json!({"name": "cursor", "in": "query", "description": "next_cursor of the previous page",
         "schema": {"type": "string"}}),
        json!({"name": "limit", "in": "query", "description": "items per page (default 25)",
         "schema": {"type": "integer", "minimum": 1, "maximum": 100}}),
    ]);
    Value::Array(params)
}

/// The document.
pub fn document() -> Value {
    let hash = |what: &str| path_param("id", &format!("{what}: 32 bytes, 0x-hex"));
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Lineage indexer",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Provenance lookups over the LineageRegistry and RoyaltyVault \
                events. Every /v1 answer is {data, chain}; each fact in data carries the \
                provenance of its event (block_number, block_hash, confirmations, final, \
                tx_hash, log_index). Errors: {error: {status, code, message}}."
        },
        "paths": {
            "/v1/datasets": {"get": op("Datasets, by id", page_params(), "A page of datasets", &[400])},
            "/v1/datasets/{id}": {"get": op("A dataset with creators, certification history and \
                the first page of the models using it (models_next_cursor when there are more)",
                json!([path_param("id", "dataset id (decimal)")]), "The dataset", &[400, 404])},
            "/v1/datasets/{id}/models": {"get": op("The models using a dataset, in chain order",
                paged(vec![path_param("id", "dataset id (decimal)")]), "A page of uses", &[400])},
            "/v1/models": {"get": op("Attested models, in chain order", page_params(), "A page of models", &[400])},
            "/v1/models/{id}": {"get": op("A model: datasets, counts, status (valid, revoked, tainted)",
                json!([hash("model id")]), "The model", &[400, 404])},
            "/v1/attestations/{id}": {"get": op("Alias of /v1/models/{id}",
                json!([hash("model id")]), "The model", &[400, 404])},
            "/v1/models/{id}/proof": {"get": op("The attestation's proof and public values, for off-chain re-verification",
                json!([hash("model id")]), "Proof, named public values, instances and verifier calldata", &[400, 404])},
            "/v1/outputs/batches": {"post": {
                "summary": "Post a batch manifest; accepted only if it reproduces the anchored batch root",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["model_id", "batch_index", "outputs"],
                    "properties": {
                        "model_id": {"type": "string"},
                        "batch_index": {"type": "integer", "minimum": 0},
                        "outputs": {"type": "array", "items": {"type": "string"},
                                    "description": "content hashes in leaf order"}
                    }}}}},
                "responses": {
                    "201": {"description": "Accepted", "content": {"application/json": {}}},
                    "400": {"$ref": "#/components/responses/Error"},
                    "404": {"$ref": "#/components/responses/Error"},
                    "413": {"$ref": "#/components/responses/Error"},
                    "415": {"$ref": "#/components/responses/Error"},
                    "422": {"$ref": "#/components/responses/Error"}
                }}},
            "/v1/outputs/{hash}": {"get": op("An output by content hash, with its model's lineage and Merkle proof",
                json!([path_param("hash", "content hash: 32 bytes, 0x-hex")]), "The output's anchors", &[400, 404])},
            "/v1/creators/{address}": {"get": op("A creator: datasets, the first page of usage by \
                models (usage_next_cursor when there are more), paid, claimed and claimable royalties",
                json!([path_param("address", "20 bytes, 0x-hex")]), "The creator", &[400, 404])},
            "/v1/creators/{address}/usage": {"get": op("Uses of a creator's datasets by models, in chain order",
                paged(vec![path_param("address", "20 bytes, 0x-hex")]), "A page of uses", &[400])},
            "/v1/verify-image": {"post": {
                "summary": "Verify a PNG as `lineage verify-image` does: pixel hash, receipt \
                    (embedded, or found by content hash among posted manifests), anchor, model \
                    and datasets",
                "requestBody": {"required": true, "content": {"image/png": {}}},
                "responses": {
                    "200": {"description": "The verdict (outcome, stable codes, checks) and the \
                        model's lineage", "content": {"application/json": {}}},
                    "413": {"$ref": "#/components/responses/Error"},
                    "415": {"$ref": "#/components/responses/Error"},
                    "422": {"$ref": "#/components/responses/Error"}
                }}},
            "/": {"get": {"summary": "The web page: browse, lineage, verify an image",
                "responses": {"200": {"description": "HTML", "content": {"text/html": {}}}}}},
            "/v1/status": {"get": op("The follower's state", json!([]), "Status", &[])},
            "/health": {"get": op("Liveness", json!([]), "Up", &[])},
            "/ready": {"get": op("Readiness: 503 while catching up", json!([]), "Caught up", &[503])},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {
                "description": "Text exposition", "content": {"text/plain": {}}}}}},
            "/openapi.json": {"get": op("This document", json!([]), "OpenAPI 3.1", &[])}
        },
        "components": {
            "responses": {"Error": {"description": "An error", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {"Error": {"type": "object", "required": ["error"], "properties": {
                "error": {"type": "object", "required": ["status", "code", "message"],
                    "properties": {
                        "status": {"type": "integer"},
                        "code": {"type": "string"},
                        "message": {"type": "string"}
                    }}}}}
        }
    })
}
