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
    const artifact = path.join(root, "out", `${name}.sol`, `${name}.json`);
    if (!fs.existsSync(artifact)) {
        console.error(`abi: ${artifact} is missing: run forge build first`);
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
