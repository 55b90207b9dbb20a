// The indexer's page: browses /v1 (datasets, models with their lineage drawn and the
// models they were fine-tuned from or into, creators with their royalties in their units)
// and verifies an image in this browser (/verify.js, loaded when first needed), reading the
// chain over the RPC the indexer names (/page.json), or else on the indexer's facts: the
// image is never uploaded (POST /v1/verify-image stays for other clients).
// Everything from the chain is inserted as text, never as HTML.
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

// What the page needs to verify in the browser (GET /page.json), fetched once.
let configPromise;
const pageConfig = () => (configPromise ??= fetch("/page.json").then((r) => r.json()));
let verifierPromise;
const verifier = () => (verifierPromise ??= import("/verify.js"));

// Amounts: ETH (the zero token) in ether, an ERC-20 in its own units and symbol when the
// page can read them (symbol() and decimals() over the page's RPC, once per token), else
// in base units. The token's address stays beside its symbol: a symbol proves nothing.
const ZERO_ADDRESS = "0x" + "0".repeat(40);
function inUnits(amount, decimals) {
  const digits = BigInt(amount).toString();
  if (decimals === 0) return digits;
  const padded = digits.padStart(decimals + 1, "0");
  const whole = padded.slice(0, padded.length - decimals);
  const frac = padded.slice(padded.length - decimals).replace(/0+$/, "");
  return frac ? whole + "." + frac : whole;
}
const tokenInfos = new Map();
async function tokenInfo(token) {
  if (token.toLowerCase() === ZERO_ADDRESS) return { symbol: "ETH", decimals: 18, native: true };
  if (!tokenInfos.has(token)) {
    tokenInfos.set(token, (async () => {
      const cfg = await pageConfig();
      return cfg.rpc_url ? (await verifier()).tokenInfo(cfg.rpc_url, token) : null;
    })());
  }
  return tokenInfos.get(token);
}
function money(amount, token, info) {
  if (!info) return el("span", { class: "amount" }, amount + " base units of token ", hash(token));
  const text = inUnits(amount, info.decimals) + " " + info.symbol;
  return el("span", { class: "amount", title: amount + " base units" }, text,
    info.native ? "" : [" (token ", hash(token), ")"]);
}

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

const SVG_NS = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children.flat()) node.append(c instanceof Node ? c : String(c));
  return node;
}
const short = (h) => h.slice(0, 6) + "…" + h.slice(-4);
const percent = (x) => (x * 100).toFixed(x < 0.001 ? 3 : 1) + "%";

// Each creator's share of the model's royalties: the vault splits a payment over the
// datasets by their proven record counts, then over each dataset's creators by weight.
function creatorShares(datasets) {
  const n = datasets.reduce((a, d) => a + d.count, 0) || 1;
  const shares = new Map();
  for (const d of datasets) {
    const total = Number(d.total_weight) || 1;
    for (const c of d.creators) {
      const s = shares.get(c.address) || { address: c.address, share: 0 };
      s.share += (d.count / n) * (Number(c.weight) / total);
      shares.set(c.address, s);
    }
  }
  return [...shares.values()];
}

// The lineage drawn: [the image →] the model → its datasets (records used) → their creators
// (weight within the dataset; share of the model's royalties). `datasets` are the model's
// slots with their full dataset answers' creators and total weight.
function diagram(model, datasets, image) {
  const W = 168, H = 48, GAP = 14, COL = 214;
  const creators = creatorShares(datasets);
  const rows = Math.max(datasets.length, creators.length, 1);
  const height = rows * (H + GAP) + GAP;
  const x = (col) => 10 + (col - (image ? 0 : 1)) * COL;
  const y = (i, n) => GAP + i * (H + GAP) + ((rows - n) * (H + GAP)) / 2;
  const edges = svg("g", { class: "edges" });
  const nodes = svg("g", { class: "nodes" });
  const box = (kind, id, col, i, n, lines, state) => {
    const g = svg("g", { class: "node node-" + kind, "data-id": id,
      transform: "translate(" + x(col) + "," + y(i, n) + ")" },
      svg("rect", { width: W, height: H, rx: 6, class: "state-" + (state || "none") }),
      lines.map((t, j) => svg("text", { x: 10, y: 19 + j * 17, class: j ? "sub" : "main" }, t)));
    nodes.append(g);
    return { x: x(col), y: y(i, n) };
  };
  const edge = (from, to, label, weight) => {
    const [x1, y1, x2, y2] = [from.x + W, from.y + H / 2, to.x, to.y + H / 2];
    const mid = (x1 + x2) / 2;
    edges.append(svg("path", { d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`,
      "stroke-width": (1 + 5 * weight).toFixed(2) }));
    if (label) edges.append(svg("text", { x: mid, y: (y1 + y2) / 2 - 4, "text-anchor": "middle" }, label));
  };
  const m = box("model", model.model_id, 1, 0, 1,
    ["model " + short(model.model_id), model.status + " · " + model.n_records + " records"], model.status);
  if (image) edge(box("image", "image", 0, 0, 1, ["this image", image]), m, "", 0.2);
  const n = datasets.reduce((a, d) => a + d.count, 0) || 1;
  const at = new Map();
  creators.forEach((c, i) => at.set(c.address, box("creator", c.address, 3, i, creators.length,
    [short(c.address), percent(c.share) + " of royalties"], "valid")));
  datasets.forEach((d, i) => {
    const p = box("dataset", String(d.dataset_id), 2, i, datasets.length,
      ["dataset #" + d.dataset_id, d.status + " · " + d.count + " records"], d.status);
    edge(m, p, "×" + d.count, d.count / n);
    const total = Number(d.total_weight) || 1;
    for (const c of d.creators) {
      const w = Number(c.weight) / total;
      edge(p, at.get(c.address), percent(w), w);
    }
  });
  return el("figure", { id: "lineage-diagram", class: "card" },
    svg("svg", { viewBox: `0 0 ${x(3) + W + 10} ${height}`, width: x(3) + W + 10, height,
      role: "img", "aria-label": "lineage of model " + model.model_id }, edges, nodes),
    el("figcaption", {}, "Record counts are proven; a creator's share is the vault's split: " +
      "by records over the datasets, then by weight within each."));
}

// A model's lineage: the model, its kind of training, the models it was fine-tuned from,
// its datasets, and each dataset's creators, drawn and in detail. `image` (a label) puts
// the image being verified in front of the drawing.
async function lineage(model, image) {
  const parts = [];
  const drawn = [];
  for (const d of model.datasets) {
    const full = (await api("/v1/datasets/" + d.dataset_id)).data;
    drawn.push({ dataset_id: d.dataset_id, count: d.count, status: d.status,
      creators: full.creators, total_weight: full.total_weight });
    parts.push(el("div", { class: "card dataset", "data-dataset": d.dataset_id },
      el("div", {}, link("#/datasets/" + d.dataset_id, "dataset #" + d.dataset_id), " · ",
        status(d.status), " · ", d.count + " records used · ", full.uri),
      table(["creator", "weight"], full.creators.map((c) =>
        [link("#/creators/" + c.address, hash(c.address)), c.weight + " / " + full.total_weight]))));
  }
  return el("div", { id: "lineage", "data-status": model.status, "data-kind": model.kind },
    diagram(model, drawn, image),
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

// A creator's royalty events in chain order (/v1/creators/{address}/royalties), at most
// 2,000: the chart says when it shows only the first.
const MAX_EVENTS = 2000;
async function royaltyEvents(address) {
  const events = [];
  let cursor = null;
  do {
    const page = await api("/v1/creators/" + address + "/royalties?limit=100" +
      (cursor ? "&cursor=" + cursor : ""));
    events.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor && events.length < MAX_EVENTS);
  return { events, more: !!cursor };
}

// Paid and claimed over blocks, one chart per token: each event moves its dataset's running
// total of its kind, and a line is the sum over the creator's datasets (steps: a total holds
// until the next event).
function royaltyChart({ events, more }, infos) {
  const byToken = new Map();
  for (const e of events) {
    const t = byToken.get(e.token) || { paid: new Map(), claimed: new Map(), points: [] };
    (e.event === "credited" ? t.paid : t.claimed).set(e.dataset_id, BigInt(e.cumulative));
    const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0n);
    t.points.push({ block: e.provenance.block_number, paid: sum(t.paid), claimed: sum(t.claimed) });
    byToken.set(e.token, t);
  }
  const W = 560, H = 150, L = 24, R = 12, T = 10, B = 24;
  const charts = [...byToken].map(([token, t]) => {
    const info = infos.get(token);
    const first = t.points[0].block, last = Math.max(t.points[t.points.length - 1].block, first + 1);
    const top = t.points.reduce((a, p) => (p.paid > a ? p.paid : a), 1n);
    const x = (b) => L + ((b - first) / (last - first)) * (W - L - R);
    const y = (v) => T + (1 - Number((v * 10000n) / top) / 10000) * (H - T - B);
    const line = (key) => {
      let d = "";
      t.points.forEach((p, i) => {
        d += (i ? "H" + x(p.block).toFixed(1) + "V" : "M" + x(p.block).toFixed(1) + ",") + y(p[key]).toFixed(1);
      });
      return d + "H" + (W - R);
    };
    // An axis label: at most six decimals (the table above has the exact amounts).
    const label = (v) => (info ? inUnits(v.toString(), info.decimals).replace(/(\.\d{6})\d+$/, "$1") +
      " " + info.symbol : v.toString());
    return el("figure", { class: "royalty-chart", "data-token": token },
      svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img",
        "aria-label": "royalties paid and claimed over blocks" },
        svg("path", { d: `M${L},${T}V${H - B}H${W - R}`, class: "axis" }),
        svg("text", { x: L + 6, y: T + 10 }, label(top)),
        svg("text", { x: L - 4, y: H - B, "text-anchor": "end" }, "0"),
        svg("text", { x: L, y: H - 6 }, "block " + first),
        svg("text", { x: W - R, y: H - 6, "text-anchor": "end" }, "block " + last),
        svg("path", { d: line("paid"), class: "series-paid" }),
        svg("path", { d: line("claimed"), class: "series-claimed" })),
      el("figcaption", {}, el("span", { class: "key-paid" }, "paid"), " and ",
        el("span", { class: "key-claimed" }, "claimed"), " over blocks, ",
        info ? info.symbol : "base units", info && !info.native ? [" (token ", hash(token), ")"] : "",
        more ? " · the first " + events.length + " events" : ""));
  });
  return el("div", { id: "royalty-chart" }, charts);
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
  const infos = new Map();
  for (const r of c.royalties) infos.set(r.token, await tokenInfo(r.token));
  const amounts = (r) => [r.paid, r.claimed, r.claimable].map((a) => money(a, r.token, infos.get(r.token)));
  const events = await royaltyEvents(c.address);
  view.append(el("div", { class: "card" }, hash(c.address)),
    el("h3", {}, "Royalties"),
    table(["paid", "claimed", "claimable"], (c.totals || []).map(amounts)),
    royaltyChart(events, infos),
    el("h3", {}, "Royalties per dataset"),
    table(["dataset", "paid", "claimed", "claimable"], c.royalties.map((r) =>
      ["#" + r.dataset_id, ...amounts(r)])),
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

// The receipt of an image that carries none, from the indexer's posted manifests: only
// the content hash is sent. Its deployment is the one this indexer follows.
async function receiptFromIndex(contentHash, kind, cfg) {
  const r = await fetch("/v1/outputs/" + contentHash);
  if (r.status === 404) return null;
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ? body.error.code + ": " + body.error.message : r.status);
  const a = body.data.anchors[0];
  if (!a) return null;
  const b = a.batch;
  return { version: 1, chainId: cfg.chain_id, registry: cfg.registry.toLowerCase(),
    modelId: b.model_id, batchIndex: b.batch_index, batchRoot: b.batch_root,
    batchCount: Number(b.count), leafIndex: a.leaf_index, contentHash, hashKind: kind,
    proof: a.merkle_proof, anchorTx: b.provenance.tx_hash,
    anchorBlock: b.provenance.block_number };
}

const MARK = { valid: "✓", cannotTell: "?", invalid: "✗" };
const OUTCOME_TEXT = { valid: "valid", cannotTell: "cannot tell", invalid: "invalid" };

// A verdict as people read it: the outcome, where it was reached, and each check with its
// stable code (@lineage/verify's verdict).
function verdictCard(v, where, source) {
  return el("div", { class: "card verdict-card" },
    el("div", { class: "outcome outcome-" + v.outcome }, MARK[v.outcome] + " " +
      (OUTCOME_TEXT[v.outcome] || v.outcome)),
    el("div", { class: "where" }, where, " · receipt: " + source),
    el("div", { class: "hash" }, "content hash " + v.contentHash + " (" + v.hashKind + ")"),
    el("ul", { class: "checks" }, v.checks.map((c) =>
      el("li", { class: "check check-" + c.outcome, "data-code": c.code },
        el("span", { class: "mark" }, MARK[c.outcome] || "·"), " ",
        el("code", {}, c.code), " ", c.detail))));
}

// The chain's facts about a receipt's batch and model as this indexer serves them
// (ChainFacts of @lineage/verify), for a page with no RPC: the receipt's model and batch
// are sent, never the image. A receipt of another deployment is refused, as the server's
// route refuses it.
async function factsFromIndex(receipt, cfg) {
  if (receipt.chainId !== cfg.chain_id || receipt.registry.toLowerCase() !== cfg.registry.toLowerCase()) {
    throw new Error("the receipt is for registry " + receipt.registry + " on chain " +
      receipt.chainId + "; this indexer follows " + cfg.registry + " on chain " + cfg.chain_id);
  }
  const data = async (path) => {
    const r = await fetch(path);
    if (r.status === 404) return null;
    const body = await r.json();
    if (!r.ok) throw new Error(body.error ? body.error.code + ": " + body.error.message : r.status);
    return body.data;
  };
  const [batch, model] = await Promise.all([
    data("/v1/models/" + receipt.modelId + "/batches/" + receipt.batchIndex),
    data("/v1/models/" + receipt.modelId),
  ]);
  return {
    batch: batch ? { root: batch.batch_root, count: Number(batch.count) } : null,
    attestation: model ? model.status : "none",
    training: model ? model.kind : undefined,
    datasets: model ? model.datasets.map((d) => ({ id: d.dataset_id, status: d.status })) : [],
    bases: (model && model.bases || []).map((b) => ({ modelId: b.model_id, status: b.status })),
    confirmations: batch ? batch.provenance.confirmations : null,
  };
}

async function verify() {
  const cfg = await pageConfig();
  const rpc = cfg.rpc_url;
  const result = el("div", { id: "verdict" });
  const form = el("form", { id: "verify-form" },
    el("input", { id: "verify-file", type: "file", accept: "image/*" }),
    el("button", { id: "verify-button", type: "submit" }, "Verify"));
  const where = rpc
    ? "verified in this browser, reading the chain at " + rpc + " (the image was not uploaded)"
    : "verified in this browser on this indexer's facts about the chain (the image was not " +
      "uploaded)";
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const file = document.getElementById("verify-file").files[0];
    if (!file) return;
    const preview = el("img", { class: "preview", alt: "the image verified",
      src: URL.createObjectURL(file) });
    result.replaceChildren("checking…");
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const lookup = (h, kind) => receiptFromIndex(h, kind, cfg);
      const v = await verifier();
      const r = rpc ? await v.verifyHere(bytes, rpc, lookup)
        : await v.verifyWithFacts(bytes, lookup, (receipt) => factsFromIndex(receipt, cfg));
      if (r.error) throw new Error("cannot tell: " + r.error.code + ": " + r.error.message);
      const verdict = r.verdict;
      let model = null;
      if (verdict.modelId) {
        const m = await fetch("/v1/models/" + verdict.modelId);
        if (m.ok) model = (await m.json()).data;
      }
      result.replaceChildren(
        el("div", { class: "verdict-row" }, el("figure", { class: "card" }, preview,
          el("figcaption", {}, file.name)), verdictCard(verdict, where, r.source)),
        model ? await lineage(model, file.name) : "");
      result.dataset.where = rpc ? "rpc" : "facts";
      result.dataset.outcome = verdict.outcome;
    } catch (err) {
      result.replaceChildren(el("p", { class: "error" }, String(err.message || err)));
      result.dataset.outcome = "error";
    }
  });
  view.replaceChildren(el("h2", {}, "Verify an image"),
    el("p", {}, "Choose an image: this page hashes it, reads its receipt (or asks the indexer " +
      "for one by content hash) and checks the anchor, the model and its datasets, " +
      (rpc ? "reading the chain at " + rpc : "on the facts this indexer serves") +
      ". The image does not leave your browser."),
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
    else if (kind === "verify") await verify();
    else await datasets();
  } catch (err) {
    view.replaceChildren(el("p", { class: "error", id: "error" }, String(err.message || err)));
  }
}
window.addEventListener("hashchange", route);
route();
