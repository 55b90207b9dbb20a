#!/usr/bin/env node
// Copies the ABIs that crates/chain binds (alloy `sol!`) out of the forge artifacts into
// crates/chain/abi/, so the Rust crates build without running forge first.
//   script/abi.js          rewrite crates/chain/abi/*.json from out/ (run `forge build` first)
//   script/abi.js --check  exit 1 if a committed ABI differs from the forge artifact
// The files are generated: never edit them by hand.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const contracts = ["LineageRegistry", "RoyaltyVault", "IERC20"];
const check = process.argv.includes("--check");
let stale = [];
for (const name of contracts) {
    // A contract built under several compiler profiles (foundry.toml's "verifier" profile
    // for the generated verifiers) gets one artifact per profile, `<name>.<profile>.json`;
    // its ABI is the same in each.
    const dir = path.join(root, "out", `${name}.sol`);
    const candidates = [`${name}.json`, `${name}.default.json`]
        .concat(fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [])
        .map((f) => path.join(dir, f))
        .filter((f) => path.basename(f).startsWith(`${name}.`) && fs.existsSync(f));
    const artifact = candidates[0];
    if (!artifact) {
        console.error(`abi: no artifact of ${name} under ${dir}: run forge build first`);
        process.exit(2);
    }
    const abi = JSON.parse(fs.readFileSync(artifact, "utf8")).abi;
    const text = JSON.stringify(abi, null, 2) + "\n";
    const target = path.join(root, "crates", "chain", "abi", `${name}.json`);
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
    if (current === text) continue;
    if (check) stale.push(path.relative(root, target));
    else fs.writeFileSync(target, text);
}
if (stale.length) {
    console.error(`abi: out of date with the contracts: ${stale.join(", ")}`);
    console.error("abi: regenerate with: forge build && script/abi.js");
    process.exit(1);
}
