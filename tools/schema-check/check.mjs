// Compares schema.graphql with the schema of the last release
// (release/schema.graphql) using graphql-inspector and fails on a breaking
// change that CHANGELOG.md's "## Unreleased" section does not name: a change
// is named when the section holds its path, or a parent of it, in
// backquotes (`Courier.birthDate`, or `Courier` for every change of Courier).
//
//   node check.mjs [released.graphql] [schema.graphql] [CHANGELOG.md]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema } from 'graphql';
import { diff, CriticalityLevel } from '@graphql-inspector/core';

// unreleasedCoordinates returns the backquoted names in the changelog's
// "## Unreleased" section.
export function unreleasedCoordinates(changelog) {
  const m = changelog.match(/^## Unreleased[^\n]*\n([\s\S]*?)(?=^## |(?![\s\S]))/m);
  if (!m) return new Set();
  return new Set([...m[1].matchAll(/`([^`]+)`/g)].map((x) => x[1].trim()));
}

function listed(path, names) {
  if (!path) return false;
  const parts = path.split('.');
  for (let i = parts.length; i > 0; i--) {
    if (names.has(parts.slice(0, i).join('.'))) return true;
  }
  return false;
}

// unlistedBreakingChanges returns the breaking changes from released to
// current that the changelog does not name.
export async function unlistedBreakingChanges(releasedSDL, currentSDL, changelog) {
  const changes = await diff(buildSchema(releasedSDL), buildSchema(currentSDL));
  const names = unreleasedCoordinates(changelog);
  return changes.filter(
    (c) => c.criticality.level === CriticalityLevel.Breaking && !listed(c.path, names),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = new URL('../../', import.meta.url);
  const [released, current, changelog] = [
    process.argv[2] ?? new URL('release/schema.graphql', root),
    process.argv[3] ?? new URL('schema.graphql', root),
    process.argv[4] ?? new URL('CHANGELOG.md', root),
  ].map((p) => readFileSync(p, 'utf8'));
  const bad = await unlistedBreakingChanges(released, current, changelog);
  if (bad.length > 0) {
    console.error('schema.graphql breaks the last release (release/schema.graphql) without a CHANGELOG.md entry:');
    for (const c of bad) console.error(`  ${c.path ?? '(schema)'}: ${c.message}`);
    console.error('Name each in CHANGELOG.md under "## Unreleased" (in backquotes), or keep the old shape.');
    process.exit(1);
  }
  console.log('schema.graphql: no unlisted breaking change against the last release');
}
