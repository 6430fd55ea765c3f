#!/usr/bin/env node
// The initial-JavaScript budget (issue 5): the entry chunk plus every chunk it imports
// statically, gzipped, must stay at or under the limit. Lazy route chunks do not count.
// Reads dist/.vite/manifest.json, so run `npm run build` first.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

// `--limit-kb=N` exists to show the check can fail; the budget itself is 250 KB.
const limitArg = process.argv.find((arg) => arg.startsWith("--limit-kb="));
const LIMIT_BYTES = (limitArg ? Number(limitArg.split("=")[1]) : 250) * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const manifestPath = join(dist, ".vite", "manifest.json");

if (!existsSync(manifestPath)) {
  console.error(`check:size: ${manifestPath} is missing; run \`npm run build\` first.`);
  process.exit(1);
}

/** @type {Record<string, {file: string, isEntry?: boolean, imports?: string[], css?: string[]}>} */
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const entries = Object.keys(manifest).filter((key) => manifest[key]?.isEntry);
if (entries.length === 0) {
  console.error("check:size: the manifest lists no entry chunk.");
  process.exit(1);
}

// Walk static imports only: `dynamicImports` are the lazily loaded routes.
const initial = new Set();
const pending = [...entries];
while (pending.length > 0) {
  const key = pending.pop();
  if (initial.has(key)) continue;
  const chunk = manifest[key];
  if (chunk === undefined) {
    console.error(`check:size: the manifest refers to ${key}, which it does not list.`);
    process.exit(1);
  }
  initial.add(key);
  pending.push(...(chunk.imports ?? []));
}

// Level 9 would flatter the figure; 6 is zlib's default and close to what servers send.
const gzipped = (file) => gzipSync(readFileSync(join(dist, file)), { level: 6 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

let total = 0;
const files = [...initial].map((key) => manifest[key].file).filter((file) => file.endsWith(".js"));
for (const file of files.sort()) {
  const size = gzipped(file);
  total += size;
  console.log(`  ${file}  ${kb(size)} gzipped`);
}
console.log(`Initial JavaScript: ${kb(total)} gzipped (budget ${kb(LIMIT_BYTES)}).`);

if (total > LIMIT_BYTES) {
  console.error(
    `check:size: the initial JavaScript is ${kb(total - LIMIT_BYTES)} over budget; ` +
      "load more of it lazily (React.lazy per route, dynamic import for heavy libraries).",
  );
  process.exit(1);
}
