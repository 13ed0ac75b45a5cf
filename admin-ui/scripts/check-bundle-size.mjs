// The initial JavaScript of the admin UI (the entry chunk and what
// index.html preloads) must stay within BUDGET_KB gzipped: a first visit on a
// slow office connection should not wait for code it does not need.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const BUDGET_KB = 450;
const dist = '../internal/webui/dist/app';
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map(m => m[1]);
if (scripts.length === 0) {
    console.error('check-bundle-size: index.html references no scripts');
    process.exit(1);
}
let total = 0;
for (const s of scripts) {
    const kb = gzipSync(readFileSync(join(dist, s))).length / 1024;
    total += kb;
    console.log(`${s}: ${kb.toFixed(1)} KB gzipped`);
}
console.log(`initial JS: ${total.toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`);
if (total > BUDGET_KB) {
    console.error(`check-bundle-size: initial JS ${total.toFixed(1)} KB is over the ${BUDGET_KB} KB budget`);
    process.exit(1);
}
