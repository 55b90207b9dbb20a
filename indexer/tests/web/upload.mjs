// Drives a running headless Chromium over the DevTools protocol: opens the indexer's
// verify page, sets the file input to an image, submits, and prints the verdict shown.
// With SHOTS_DIR, it saves a screenshot of the verdict (verdict.png), of MODEL_URL's page
// once its lineage is drawn (model.png) and of CREATOR_URL's once its chart is (creator.png).
// node --experimental-websocket upload.mjs BROWSER_WS_URL PAGE_URL IMAGE_PATH [SHOTS_DIR MODEL_URL CREATOR_URL]
import fs from "node:fs";
import path from "node:path";

const [browserUrl, pageUrl, image, shots, modelUrl, creatorUrl] = process.argv.slice(2);
const ws = new WebSocket(browserUrl);
let next = 0;
const pending = new Map();
ws.onmessage = (m) => {
  const msg = JSON.parse(m.data);
  if (msg.id && pending.has(msg.id)) {
    const { resolve, reject } = pending.get(msg.id);
    pending.delete(msg.id);
    msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result);
  }
};
const send = (method, params = {}, sessionId) =>
  new Promise((resolve, reject) => {
    const id = ++next;
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, method, params, sessionId }));
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  await new Promise((r) => (ws.onopen = r));
  const { targetId } = await send("Target.createTarget", { url: pageUrl });
  const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
  const viewport = { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false };
  await send("Emulation.setDeviceMetricsOverride", viewport, sessionId);
  const screenshot = async (name) => {
    const { data } = await send("Page.captureScreenshot",
      { format: "png", captureBeyondViewport: true }, sessionId);
    fs.writeFileSync(path.join(shots, name), Buffer.from(data, "base64"));
  };
  // Before the page's first script context exists, evaluation fails: read that as "not yet".
  const evaluate = async (expression) => {
    try {
      const r = await send("Runtime.evaluate", { expression, returnByValue: true }, sessionId);
      return r.result.value;
    } catch {
      return undefined;
    }
  };
  for (let i = 0; i < 100 && !(await evaluate("!!document.getElementById('verify-file')")); i++) {
    await sleep(100);
  }
  // The page may still re-render its form while it loads: a node id can go stale between
  // the query and the upload ("Could not find node with given id"), or a fresh input
  // replace the one given the file. Query again until the input holds the file.
  const setFile = async () => {
    const { root } = await send("DOM.getDocument", {}, sessionId);
    const query = { nodeId: root.nodeId, selector: "#verify-file" };
    const { nodeId } = await send("DOM.querySelector", query, sessionId);
    await send("DOM.setFileInputFiles", { files: [image], nodeId }, sessionId);
  };
  let set = false;
  for (let i = 0; i < 50 && !set; i++) {
    if (i > 0) await sleep(100);
    try {
      await setFile();
    } catch {
      continue;
    }
    set = await evaluate("document.getElementById('verify-file').files.length === 1");
  }
  if (!set) throw new Error("the file input never held the image");
  await evaluate("document.getElementById('verify-button').click()");
  let outcome = "";
  for (let i = 0; i < 150 && !outcome; i++) {
    await sleep(100);
    outcome = await evaluate("document.getElementById('verdict').dataset.outcome || ''");
  }
  const text = await evaluate("document.getElementById('view').innerText");
  const datasets = await evaluate("document.querySelectorAll('#verdict .dataset').length");
  const where = await evaluate("document.getElementById('verdict').dataset.where");
  const drawn = await evaluate("document.querySelectorAll('#verdict #lineage-diagram .node').length");
  const preview = await evaluate(
    "(() => { const i = document.querySelector('#verdict img.preview'); return !!i && i.complete && i.naturalWidth > 0 })()");
  if (shots) {
    fs.mkdirSync(shots, { recursive: true });
    await screenshot("verdict.png");
    await send("Page.navigate", { url: modelUrl }, sessionId);
    const drawnModel = "document.querySelector('#view h2')?.textContent === 'Model lineage' && " +
      "!!document.getElementById('lineage-diagram')";
    for (let i = 0; i < 100 && !(await evaluate(drawnModel)); i++) {
      await sleep(100);
    }
    await screenshot("model.png");
    await send("Page.navigate", { url: creatorUrl }, sessionId);
    for (let i = 0; i < 100 && !(await evaluate("!!document.getElementById('royalty-chart')")); i++) {
      await sleep(100);
    }
    await screenshot("creator.png");
  }
  console.log(JSON.stringify({ outcome, text, datasets, where, drawn, preview }));
  await send("Target.closeTarget", { targetId });
  ws.close();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
