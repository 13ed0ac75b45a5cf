// The breaking-change check fails on a breaking change the changelog does
// not name, and passes additions and named changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unlistedBreakingChanges, unreleasedCoordinates } from './check.mjs';

const released = `
enum CourierStatus { NEW ACTIVE }
type Courier { id: ID! birthDate: String status: CourierStatus! }
type Query { couriers(first: Int): [Courier!]! }
`;
const changelog = (entries) => `# Changelog\n\n## Unreleased\n\n${entries}\n\n## 0.1.0\n\n- \`Query\` once listed here does not count.\n`;

test('a removed field is breaking unless named', async () => {
  const current = released.replace('birthDate: String', '');
  const bad = await unlistedBreakingChanges(released, current, changelog('- nothing'));
  assert.deepEqual(bad.map((c) => c.path), ['Courier.birthDate']);
  assert.equal((await unlistedBreakingChanges(released, current, changelog('- removed `Courier.birthDate`'))).length, 0);
  assert.equal((await unlistedBreakingChanges(released, current, changelog('- reshaped `Courier`'))).length, 0);
});

test('a changed type and a removed enum value are breaking', async () => {
  const current = released.replace('birthDate: String', 'birthDate: Int').replace('NEW ACTIVE', 'NEW');
  const bad = await unlistedBreakingChanges(released, current, changelog(''));
  assert.deepEqual(bad.map((c) => c.path).sort(), ['Courier.birthDate', 'CourierStatus.ACTIVE']);
});

test('additions are not breaking', async () => {
  const current = released.replace('status: CourierStatus!', 'status: CourierStatus! phone: String').replace('NEW ACTIVE', 'NEW ACTIVE FIRED');
  assert.equal((await unlistedBreakingChanges(released, current, changelog(''))).length, 0);
});

test('only the Unreleased section counts', () => {
  assert.deepEqual([...unreleasedCoordinates(changelog('- `A.b` and `C`'))], ['A.b', 'C']);
  assert.equal(unreleasedCoordinates('# Changelog\n\n## 0.1.0\n\n- `A`\n').size, 0);
});

test('the command exits non-zero on an unlisted breaking change', () => {
  const dir = mkdtempSync(join(tmpdir(), 'schema-check-'));
  const files = ['released.graphql', 'current.graphql', 'CHANGELOG.md'].map((f) => join(dir, f));
  writeFileSync(files[0], released);
  writeFileSync(files[1], released.replace('birthDate: String', ''));
  writeFileSync(files[2], changelog(''));
  const script = new URL('./check.mjs', import.meta.url).pathname;
  assert.throws(() => execFileSync(process.execPath, [script, ...files], { stdio: 'pipe' }), (err) => {
    assert.equal(err.status, 1);
    assert.match(err.stderr.toString(), /Courier\.birthDate/);
    return true;
  });
  writeFileSync(files[2], changelog('- `Courier.birthDate` removed'));
  execFileSync(process.execPath, [script, ...files], { stdio: 'pipe' });
});
