'use strict';
// `npm pack` / `npm publish` hooks: the package carries the gateway's protos
// (seedance/v1, google/rpc and google/api, which it loads at run time), copied from the
// repository's proto/ for the pack and removed after it, so the repository
// keeps one copy.
//
//   node scripts/protos.js copy     # prepack
//   node scripts/protos.js remove   # postpack

const fs = require('fs');
const path = require('path');

const packageDir = path.resolve(__dirname, '..');
const target = path.join(packageDir, 'proto');
const source = path.resolve(packageDir, '..', '..', 'proto');
const DIRS = ['seedance/v1', 'google/rpc', 'google/api'];

function copy() {
  fs.rmSync(target, { recursive: true, force: true });
  for (const dir of DIRS) {
    fs.mkdirSync(path.join(target, dir), { recursive: true });
    for (const file of fs.readdirSync(path.join(source, dir))) {
      if (file.endsWith('.proto')) {
        fs.copyFileSync(path.join(source, dir, file), path.join(target, dir, file));
      }
    }
  }
}

const command = process.argv[2];
if (command === 'copy') copy();
else if (command === 'remove') fs.rmSync(target, { recursive: true, force: true });
else {
  console.error('usage: node scripts/protos.js copy|remove');
  process.exitCode = 2;
}
