// Reads the TRX and Cobertura files of one test run and prints what CI reads: the failed tests
// with the first lines of their messages (CI shows only the end of a run's output, where the
// console logger's failure report has long scrolled away), line coverage of Core and Web, then
// a last plain line "N passed, N failed[, N skipped]".
// Exit code: 1 when a test failed, none ran, or coverage is under the floor.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [resultsDir, floorArg] = process.argv.slice(2);
const floor = Number(floorArg ?? '0');

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const files = walk(resultsDir);
let passed = 0, failed = 0, skipped = 0;
const failures = [];
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&apos;/g, "'").replace(/&#xD;/g, '').replace(/&#xA;/g, '\n').replace(/&amp;/g, '&');
for (const trx of files.filter((f) => f.endsWith('.trx'))) {
  const text = readFileSync(trx, 'utf8');
  // A passed result is self-closing; a failed one has a body with its message and stack trace.
  for (const result of text.matchAll(/<UnitTestResult\b([^>]*?)(?:\/>|>([\s\S]*?)<\/UnitTestResult>)/g)) {
    if (!/\boutcome="Failed"/.test(result[1])) continue;
    result[2] ??= '';
    const name = unescape(/\btestName="([^"]*)"/.exec(result[1])?.[1] ?? '?');
    const message = unescape(/<Message>([\s\S]*?)<\/Message>/.exec(result[2])?.[1] ?? '');
    // The project's own frames say where: the helper that threw and the test that called it.
    const frames = unescape(/<StackTrace>([\s\S]*?)<\/StackTrace>/.exec(result[2])?.[1] ?? '')
      .split('\n').filter((line) => line.includes('AirsenalOps.')).slice(0, 4).map((line) => line.trim());
    failures.push({ name, message, frames });
  }
  const counters = /<Counters\b([^>]*)\/>/.exec(text);
  if (!counters) continue;
  const attr = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(counters[1])?.[1] ?? 0);
  passed += attr('passed');
  failed += attr('failed') + attr('error') + attr('timeout') + attr('aborted');
  skipped += attr('notExecuted');
}

// Cobertura: each class lists its lines after its methods; a line counts once per file,
// covered if any report says so (several classes, e.g. async state machines, share a file).
const perPackage = new Map();
for (const report of files.filter((f) => f.endsWith('coverage.cobertura.xml'))) {
  const text = readFileSync(report, 'utf8');
  for (const pkg of text.matchAll(/<package\b[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/package>/g)) {
    const lines = perPackage.get(pkg[1]) ?? new Map();
    for (const cls of pkg[2].matchAll(/<class\b[^>]*\bfilename="([^"]+)"[^>]*>([\s\S]*?)<\/class>/g)) {
      const body = cls[2].includes('</methods>') ? cls[2].slice(cls[2].lastIndexOf('</methods>')) : cls[2];
      for (const line of body.matchAll(/<line\b[^>]*\bnumber="(\d+)"[^>]*\bhits="(\d+)"/g)) {
        const key = `${cls[1]}:${line[1]}`;
        lines.set(key, (lines.get(key) ?? false) || Number(line[2]) > 0);
      }
    }
    perPackage.set(pkg[1], lines);
  }
}

const shown = 20;
for (const { name, message, frames } of failures.slice(0, shown)) {
  console.log(`FAILED ${name}`);
  for (const line of [...message.split('\n').slice(0, 12), ...frames]) console.log(`  ${line.slice(0, 300)}`);
}
if (failures.length > shown) console.log(`... and ${failures.length - shown} more failed tests`);

let ok = true;
let totalCovered = 0, totalValid = 0;
for (const [name, lines] of [...perPackage].sort()) {
  const valid = lines.size;
  const covered = [...lines.values()].filter(Boolean).length;
  const pct = valid ? (100 * covered) / valid : 0;
  totalCovered += covered; totalValid += valid;
  console.log(`coverage ${name}: ${pct.toFixed(1)}% of ${valid} lines`);
}
if (totalValid) {
  const pct = (100 * totalCovered) / totalValid;
  console.log(`coverage total (Core + Web): ${pct.toFixed(1)}% (floor ${floor}%)`);
  if (pct < floor) { console.log(`coverage is under the floor of ${floor}%`); ok = false; }
} else {
  console.log('coverage: no report found');
  if (floor > 0) ok = false;
}

if (passed + failed === 0) ok = false;
if (failed > 0) ok = false;
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(ok ? 0 : 1);
