// The indexer's page: browses /v1 (datasets, models with their lineage and the models
// they were fine-tuned from or into, creators) and verifies an uploaded image with
// POST /v1/verify-image. Everything from the chain is inserted as text, never as HTML.
"use strict";

const view = document.getElementById("view");

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children.flat()) {
    node.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  }
  return node;
}
const link = (href, text) => el("a", { href }, text);
const hash = (h) => el("span", { class: "hash" }, h);
const status = (s) => el("span", { class: "status-" + s }, s);
// A model's kind of training, said plainly: a declared model's weights are not proven,
// only its training set is.
const KIND_TEXT = {
  proven: "training proven",
  declared: "training declared, training set proven",
};
const kind = (k) => el("span", { class: "kind kind-" + k, "data-kind": k }, KIND_TEXT[k] || k);
const prov = (p) => el("span", { class: "hash", title: "tx " + p.tx_hash + " log " + p.log_index },
  "block " + p.block_number + ", " + p.confirmations + " conf." + (p.final ? ", final" : ""));

async function api(path, init) {
  const r = await fetch(path, init);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ? body.error.code + ": " + body.error.message : r.status);
  if (body.chain) {
    document.getElementById("chain").textContent =
      "chain " + body.chain.chain_id + " · head " + body.chain.head_block +
      " · indexed " + body.chain.indexed_block;
  }
  return body;
}

const tr = (cells) => el("tr", {}, cells.map((c) => el("td", {}, c)));

function table(head, rows) {
  return el("table", {}, el("tr", {}, head.map((h) => el("th", {}, h))), rows.map(tr));
}

// A table whose first page came inside a detail answer, with a "more" button that
// appends the next pages from the list at `path` while `next` (a cursor) says there are.
function pagedTable(head, items, next, path, row) {
  const t = table(head, items.map(row));
  if (!next) return t;
  let cursor = next;
  const more = el("button", { type: "button", class: "more" }, "more");
  more.addEventListener("click", async () => {
    const page = await api(path + "?limit=100&cursor=" + encodeURIComponent(cursor));
    t.append(...page.data.map((i) => tr(row(i))));
    cursor = page.next_cursor;
    if (!cursor) more.remove();
  });
  return el("div", {}, t, more);
}

async function datasets(cursor) {
  const page = await api("/v1/datasets?limit=50" + (cursor ? "&cursor=" + cursor : ""));
  const rows = page.data.map((d) => [link("#/datasets/" + d.dataset_id, "#" + d.dataset_id),
    status(d.status), d.uri, hash(d.curator), prov(d.provenance)]);
  view.replaceChildren(el("h2", {}, "Datasets"),
    table(["id", "status", "uri", "curator", "registered"], rows),
    page.next_cursor ? el("p", {}, link("#/datasets-after/" + page.next_cursor, "more")) : "");
}

async function models(cursor) {
  const page = await api("/v1/models?limit=50" + (cursor ? "&cursor=" + cursor : ""));
  const rows = page.data.map((m) => [link("#/models/" + m.model_id, hash(m.model_id)),
    status(m.status), kind(m.kind),
    m.datasets.map((d) => "#" + d.dataset_id + " ×" + d.count).join(", "),
    m.base_model_id ? link("#/models/" + m.base_model_id, hash(m.base_model_id)) : "",
    hash(m.publisher), prov(m.provenance)]);
  view.replaceChildren(el("h2", {}, "Models"),
    table(["model", "status", "training", "datasets × records", "fine-tuned from", "publisher",
      "attested"], rows),
    page.next_cursor ? el("p", {}, link("#/models-after/" + page.next_cursor, "more")) : "");
}

// The models a model was fine-tuned from, nearest first (the detail's `bases`): the
// first is its base, the others that base's own bases.
function bases(model) {
  if (!model.base_model_id) return "";
  const list = model.bases || [];
  const near = list[0];
  return el("div", { class: "card base", "data-base": model.base_model_id },
    "fine-tuned from model ", link("#/models/" + model.base_model_id, hash(model.base_model_id)),
    near ? [" · ", status(near.status)] : "",
    list.length > 1 ? table(["bases, nearest first", "publisher", "status"], list.map((b) =>
      [link("#/models/" + b.model_id, hash(b.model_id)), hash(b.publisher), status(b.status)]))
      : "");
}

// What a model's proof covers: for proven training, the weights' commitment; for declared
// training, the model file's SHA-256 (the weights are the publisher's declaration).
function training(model) {
  if (model.kind === "declared") {
    return el("div", { class: "training", "data-kind": model.kind }, kind(model.kind),
      " · model file SHA-256 ", hash(model.model_hash),
      el("div", {}, "The proof covers the training set (its datasets, records and licenses) " +
        "of this model file; that the model was trained on it is the publisher's " +
        "declaration, not proven."));
  }
  return el("div", { class: "training", "data-kind": model.kind }, kind(model.kind),
    " · weights ", hash(model.w_hash));
}

// A model's lineage: the model, its kind of training, the models it was fine-tuned from,
// its datasets, and each dataset's creators.
async function lineage(model) {
  const parts = [];
  for (const d of model.datasets) {
    const full = (await api("/v1/datasets/" + d.dataset_id)).data;
    parts.push(el("div", { class: "card dataset", "data-dataset": d.dataset_id },
      el("div", {}, link("#/datasets/" + d.dataset_id, "dataset #" + d.dataset_id), " · ",
        status(d.status), " · ", d.count + " records used · ", full.uri),
      table(["creator", "weight"], full.creators.map((c) =>
        [link("#/creators/" + c.address, hash(c.address)), c.weight + " / " + full.total_weight]))));
  }
  return el("div", { id: "lineage", "data-status": model.status, "data-kind": model.kind },
    el("div", { class: "card" }, "model ", hash(model.model_id), " · ", status(model.status),
      training(model),
      el("div", {}, "publisher ", hash(model.publisher), " · profile " + model.profile_id +
        " · " + model.n_records + " records · ", prov(model.provenance)),
      model.proof_available ? el("div", {}, link("/v1/models/" + model.model_id + "/proof",
        "proof and public values (JSON)")) : ""),
    bases(model), parts);
}

async function model(id) {
  const m = (await api("/v1/models/" + id)).data;
  const path = "/v1/models/" + m.model_id + "/derived";
  const derived = await api(path + "?limit=25");
  view.replaceChildren(el("h2", {}, "Model lineage"), await lineage(m),
    ...(derived.data.length ? [el("h3", {}, "Fine-tuned into"),
      el("div", { id: "derived" }, pagedTable(["model", "status", "publisher"], derived.data,
        derived.next_cursor, path, (d) =>
          [link("#/models/" + d.model_id, hash(d.model_id)), status(d.status),
            hash(d.publisher)]))] : []));
}

async function dataset(id) {
  const d = (await api("/v1/datasets/" + id)).data;
  view.replaceChildren(el("h2", {}, "Dataset #" + d.dataset_id), el("div", { class: "card" },
    status(d.status), " · ", d.uri, el("div", {}, "root ", hash(d.root)),
    el("div", {}, "curator ", hash(d.curator), " · registered ", prov(d.provenance))),
    el("h3", {}, "Certification history"),
    table(["event", "certifier", "reason", "where"], d.certifications.map((c) =>
      [c.event, hash(c.certifier), c.reason || "", prov(c.provenance)])),
    el("h3", {}, "Creators"),
    table(["creator", "weight"], d.creators.map((c) =>
      [link("#/creators/" + c.address, hash(c.address)), c.weight])),
    el("h3", {}, "Models trained on it"),
    pagedTable(["model", "records", "status", "training"], d.models, d.models_next_cursor,
      "/v1/datasets/" + d.dataset_id + "/models", (m) =>
        [link("#/models/" + m.model_id, hash(m.model_id)), m.count, status(m.status),
          kind(m.kind)]));
}

async function creator(address) {
  const form = el("form", { id: "creator-form" },
    el("input", { id: "creator-address", size: 46, placeholder: "0x… creator address" }),
    el("button", { type: "submit" }, "Look up"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = "#/creators/" + document.getElementById("creator-address").value.trim();
  });
  view.replaceChildren(el("h2", {}, "Creators"), form);
  if (!address) return;
  const c = (await api("/v1/creators/" + address)).data;
  view.append(el("div", { class: "card" }, hash(c.address)),
    el("h3", {}, "Royalties"),
    table(["dataset", "token", "paid", "claimed", "claimable"], c.royalties.map((r) =>
      ["#" + r.dataset_id, hash(r.token), r.paid, r.claimed, r.claimable])),
    el("h3", {}, "Datasets"),
    table(["dataset", "status", "weight"], c.datasets.map((d) =>
      [link("#/datasets/" + d.dataset_id, "#" + d.dataset_id), status(d.status),
        d.weight + " / " + d.total_weight])),
    el("h3", {}, "Used by"),
    pagedTable(["model", "dataset", "records", "status", "training"], c.usage,
      c.usage_next_cursor, "/v1/creators/" + c.address + "/usage", (u) =>
        [link("#/models/" + u.model_id, hash(u.model_id)), "#" + u.dataset_id, u.count,
          status(u.status), kind(u.kind)]));
}

function verify() {
  const result = el("div", { id: "verdict" });
  const form = el("form", { id: "verify-form" },
    el("input", { id: "verify-file", type: "file", accept: "image/png" }),
    el("button", { id: "verify-button", type: "submit" }, "Verify"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const file = document.getElementById("verify-file").files[0];
    if (!file) return;
    result.replaceChildren("checking…");
    try {
      const body = (await api("/v1/verify-image", {
        method: "POST", headers: { "content-type": "image/png" }, body: file })).data;
      const v = body.verdict;
      result.replaceChildren(
        el("div", { class: "card" }, "verdict: ",
          el("span", { class: "outcome-" + v.outcome }, v.outcome),
          " (receipt: " + body.receipt + ")",
          el("div", { class: "hash" }, "content hash " + v.content_hash),
          el("ul", {}, v.checks.map((c) => el("li", {}, el("code", {}, c.code), " ", c.detail)))),
        body.model ? await lineage(body.model) : "");
      result.dataset.outcome = v.outcome;
    } catch (err) {
      result.replaceChildren(el("p", { class: "error" }, String(err.message || err)));
      result.dataset.outcome = "error";
    }
  });
  view.replaceChildren(el("h2", {}, "Verify an image"),
    el("p", {}, "Upload a PNG: the indexer hashes its pixels, reads its receipt (or finds " +
      "it by content hash) and checks the anchor, the model and its datasets."),
    form, result);
}

async function route() {
  const [, kind, arg] = location.hash.split("/");
  try {
    if (kind === "models" && arg) await model(arg);
    else if (kind === "models") await models();
    else if (kind === "models-after") await models(arg);
    else if (kind === "datasets" && arg) await dataset(arg);
    else if (kind === "datasets-after") await datasets(arg);
    else if (kind === "creators") await creator(arg);
    else if (kind === "verify") verify();
    else await datasets();
  } catch (err) {
    view.replaceChildren(el("p", { class: "error", id: "error" }, String(err.message || err)));
  }
}
window.addEventListener("hashchange", route);
route();
