#!/usr/bin/env node
// A `solc` executable for forge, backed by solcjs (the npm `solc` package, wasm).
//
// There is no native solc on these machines, so foundry.toml points `solc` here.
// forge needs only two things from a compiler binary:
//   solc --version         last line must read `Version: <semver>`
//   solc [path options] --standard-json   standard JSON in on stdin, out on stdout
// The path options forge adds (--allow-paths, --base-path, --include-path) are
// accepted and ignored: forge inlines every source's content in the input.
'use strict';

const path = require('node:path');

// Resolve solcjs from this repository's node_modules, whatever the cwd.
const REPO_ROOT = path.resolve(__dirname, '..');
const PATH_OPTIONS = new Set(['--allow-paths', '--base-path', '--include-path']);

function loadSolc() {
  try {
    return require(require.resolve('solc', { paths: [REPO_ROOT] }));
  } catch (err) {
    fail(`cannot load solcjs from ${REPO_ROOT}/node_modules (run script/bootstrap.sh): `
      + err.message);
  }
}

function fail(message) {
  process.stderr.write(`solc-shim: ${message}\n`);
  process.exit(1);
}

// Write everything, then exit: exiting right after write() truncates a piped stdout
// at the pipe buffer (forge then fails to parse the JSON at byte 131072).
function writeAndExit(text, code) {
  process.stdout.write(text, () => process.exit(code));
}

function readStdin(onDone) {
  const chunks = [];
  process.stdin.on('data', (chunk) => chunks.push(chunk));
  process.stdin.on('end', () => onDone(Buffer.concat(chunks).toString('utf8')));
  process.stdin.on('error', (err) => fail(`reading stdin: ${err.message}`));
}

function main(args) {
  if (args.length === 1 && args[0] === '--version') {
    const version = loadSolc().version();
    writeAndExit(`solc, the solidity compiler commandline interface\nVersion: ${version}\n`, 0);
    return;
  }

  let standardJson = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--standard-json') {
      standardJson = true;
    } else if (PATH_OPTIONS.has(args[i]) && i + 1 < args.length) {
      i++; // skip the option's value
    } else {
      fail(`unsupported arguments: ${args.join(' ')} (only --version and --standard-json)`);
    }
  }
  if (!standardJson) {
    fail('usage: solc-shim.js --version | [--allow-paths P] [--base-path P] '
      + '[--include-path P] --standard-json < input.json');
  }

  const solc = loadSolc();
  readStdin((input) => writeAndExit(solc.compile(input), 0));
}

main(process.argv.slice(2));
