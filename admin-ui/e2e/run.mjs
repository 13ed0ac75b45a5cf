// Browser tests of the admin UI: Debian's chromium driven by playwright-core
// against the real mycourier binary on a fresh database. Each step is named
// for what a user does; screenshots of the main pages go to e2e/screenshots/.
import { chromium } from 'playwright-core';
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { api, pinfl, signIn, startServer } from './server.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const shots = join(import.meta.dirname, 'screenshots');
const PASSWORD = 'E2e-Browser-Test-2026';

if (!existsSync(CHROMIUM)) {
    console.log('e2e: installing Debian chromium');
    execSync('apt-get update -qq && apt-get install -y -qq chromium', { stdio: 'inherit' });
}
mkdirSync(shots, { recursive: true });

const server = await startServer({ databaseURL: process.env.E2E_DATABASE_URL });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const results = [];
let failed = false;
let lastPage = null;

async function step(name, fn) {
    const t0 = Date.now();
    try {
        await fn();
        results.push(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
        failed = true;
        await lastPage?.screenshot({ path: join(shots, `failed-${results.length}.png`) }).catch(() => undefined);
        results.push(`FAIL ${name}: ${e.message.split('\n').slice(0, 6).join('\n     ')}`);
    }
    console.log(results.at(-1));
}

function check(cond, msg) {
    if (!cond) throw new Error(msg);
}

/** Waits until the helper text MUI ties to an input (where a field's error is shown) contains text. */
async function waitForHelper(input, text) {
    const id = await input.getAttribute('aria-describedby');
    check(id, 'the input has no helper text');
    await input.page().locator(`[id="${id.split(' ')[0]}"]`).getByText(text).waitFor();
}

async function newPage() {
    const ctx = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    lastPage = page;
    page.setDefaultTimeout(15_000);
    const errors = [];
    page.on('pageerror', e => errors.push(e.message));
    return { page, ctx, errors };
}

async function login(page, user) {
    await page.goto(server.url + '/');
    await page.locator('input[name="username"]').fill(user);
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.evaluate(() => performance.mark('signin'));
    await page.locator('button[type="submit"]').click();
    await page.getByRole('table').first().waitFor();
}

// Fixtures: one user per role, scoped where the role needs a scope.
const ownerAPI = async () => api(server.url, await signIn(server.url, 'e2e-owner', PASSWORD));
server.run(['user', 'create', '--login', 'e2e-owner', '--full-name', 'Азиза Каримова', '--role', 'owner'], PASSWORD + '\n');
/**
 * Signs user in and reports how long the first courier page took from the
 * click (Performance API), the same without the sign-in request's own time
 * (for information), how long its list request (the page with its
 * totalCount) took in the network, and the Resource Timing of the API
 * requests after the click.
 */
async function measureFirstPage(user, screenshot) {
    const { page, ctx } = await newPage();
    const lists = [];
    const ops = [];
    page.on('request', r => {
        const body = r.method() === 'POST' && r.url().endsWith('/graphql') ? r.postDataJSON() : null;
        if (body) ops.push(/(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1] ?? '?');
    });
    page.on('requestfinished', r => {
        const body = r.method() === 'POST' && r.url().endsWith('/graphql') ? r.postDataJSON() : null;
        if (body && /query CourierList\b/.test(body.query)) lists.push(r.timing().responseEnd);
    });
    // For information: when the first row entered the page (waitFor polls at
    // growing intervals, up to 500 ms apart, so it sees the row later).
    await page.addInitScript(() => {
        const seen = new MutationObserver(() => {
            if (document.querySelector('table tbody tr td')) {
                window.__firstRowAt = performance.now();
                seen.disconnect();
            }
        });
        document.addEventListener('DOMContentLoaded', () => seen.observe(document.body, { childList: true, subtree: true }));
    });
    await login(page, user);
    await page.locator('tbody tr').first().waitFor();
    const ms = await page.evaluate(() => performance.measure('first-courier-page', 'signin').duration);
    // The API requests started after the click, in order (the last ones sent).
    const { api, rowAt } = await page.evaluate(() => {
        const s = performance.getEntriesByName('signin')[0].startTime;
        const api = performance
            .getEntriesByType('resource')
            .filter(e => e.name.endsWith('/graphql') && e.startTime >= s)
            .map(e => [Math.round(e.startTime - s), Math.round(e.responseEnd - s)]);
        return { api, rowAt: Math.round(window.__firstRowAt - s) };
    });
    const named = api.map((t, i) => [ops[ops.length - api.length + i], ...t]);
    const signIn = named.find(([op]) => op === 'Login');
    const own = signIn ? ` (${(ms - (signIn[2] - signIn[1])).toFixed(0)} ms without the sign-in request's ${signIn[2] - signIn[1]} ms)` : '';
    const total = await page.getByText(/\d+-\d+ из /).first().innerText({ timeout: 5000 }).catch(() => 'no page range shown');
    results.push(`     ${user}: first courier page after sign-in ${ms.toFixed(0)} ms${own}; CourierList request ${lists.map(t => t.toFixed(0)).join(', ')} ms; ${total}`);
    results.push(`       Resource Timing, ms after the click: ${named.map(([op, a, b]) => `${op} ${a}→${b}`).join(', ')}; first row in the page ${rowAt}`);
    if (screenshot) await page.screenshot({ path: join(shots, screenshot) });
    await ctx.close();
}

await step('sign in as the owner and see the first page of couriers (Performance API)', () => measureFirstPage('e2e-owner', 'couriers-list.png'));

await step('the courier list asks with no where by default and only the status for a status filter (countable from the summaries)', async () => {
    const { page, ctx } = await newPage();
    const lists = [];
    page.on('request', r => {
        const body = r.method() === 'POST' && r.url().endsWith('/graphql') ? r.postDataJSON() : null;
        if (body && /query (CourierList|CourierSkip)\b/.test(body.query)) lists.push({ op: /query (\w+)/.exec(body.query)[1], where: body.variables.where, first: body.variables.first });
    });
    await login(page, 'e2e-owner');
    await page.locator('tbody tr').first().waitFor();
    check(lists[0]?.op === 'CourierList' && lists[0].where === undefined, `default list: ${JSON.stringify(lists[0])}`);
    const firstOnPage1 = await page.locator('tbody tr').first().innerText();
    const before = lists.length;
    await page.getByRole('button', { name: 'Заблокирован', exact: true }).click();
    for (let i = 0; i < 50 && lists.length === before; i++) await page.waitForTimeout(100);
    check(JSON.stringify(lists[before]?.where) === '{"status":"BLOCKED"}', `status filter: ${JSON.stringify(lists[before])}`);
    // A page nobody has reached: the skip reads edge cursors and lands on that page, not on page 1.
    await page.goto(server.url + '/#/couriers?page=3&perPage=25&sort=createdAt&order=DESC&filter=%7B%7D');
    for (let i = 0; i < 50 && !lists.some(l => l.op === 'CourierSkip'); i++) await page.waitForTimeout(100);
    const skip = lists.find(l => l.op === 'CourierSkip');
    check(skip?.first === 50 && skip.where === undefined, `skip to page 3: ${JSON.stringify(lists.slice(-3))}`);
    await page.getByText(/51-75/).first().waitFor();
    // React-Admin shows the previous rows until the new page arrives.
    let firstOnPage3 = '';
    for (let i = 0; i < 50 && (firstOnPage3 = await page.locator('tbody tr').first().innerText()) === firstOnPage1; i++) await page.waitForTimeout(100);
    check(firstOnPage3 !== firstOnPage1, `page 3 shows page 1's rows: ${firstOnPage3}`);
    results.push(`     list requests: ${lists.map(l => `${l.op} where=${JSON.stringify(l.where ?? null)}`).join('; ')}`);
    await ctx.close();
});

if (process.env.E2E_PERF_ONLY) {
    // Against a database filled by `mycourier seed --bench`: only the
    // first-page timings, as the owner and as a manager of the largest
    // partner (E2E_DATABASE_URL=postgres://… E2E_PERF_ONLY=1).
    await step('sign in as a manager of the largest partner and see the first page of couriers', async () => {
        const gql = await ownerAPI();
        const { partners } = await gql(`{ partners(first: 100) { edges { node { id name } } } }`);
        let largest = null;
        for (const { node } of partners.edges) {
            const { couriers } = await gql(`query($p: ID!) { couriers(first: 1, where: {partnerID: $p}) { totalCount } }`, { p: node.id });
            if (!largest || couriers.totalCount > largest.n) largest = { ...node, n: couriers.totalCount };
        }
        results.push(`     largest partner: ${largest.name}, ${largest.n} couriers`);
        server.run(['user', 'create', '--login', 'e2e-perf-manager', '--full-name', 'E2E manager', '--role', 'manager', '--partner', largest.id], PASSWORD + '\n');
        await measureFirstPage('e2e-perf-manager');
        // Warm: a second sign-in.
        await measureFirstPage('e2e-perf-manager');
        await measureFirstPage('e2e-owner');
    });
    await finish();
}
let gql = await ownerAPI();
const ref = await gql(`{
    partners(first: 1, orderBy: {field: NAME, direction: ASC}) { edges { node { id name } } }
    stockBalances(first: 50) { edges { node { warehouseID quantity equipmentType { id tracking } } } }
}`);
const partner = ref.partners.edges[0].node;
const balance = ref.stockBalances.edges.map(e => e.node).find(b => b.quantity > 0 && String(b.equipmentType.tracking).toLowerCase() !== 'serial');
for (const [login, role, scope] of [
    ['e2e-manager', 'manager', ['--partner', partner.id]],
    ['e2e-onboarding', 'onboarding', []],
    ['e2e-warehouse', 'warehouse', ['--warehouse', balance.warehouseID]],
    ['e2e-security', 'security', []],
]) {
    server.run(['user', 'create', '--login', login, '--full-name', `E2E ${role}`, '--role', role, ...scope], PASSWORD + '\n');
}

const tmp = join(tmpdir(), `mycourier-e2e-files-${process.pid}`);
mkdirSync(tmp, { recursive: true });
// A 1×1 PNG: a real image file for document uploads.
const png = join(tmp, 'scan.png');
writeFileSync(png, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));

const good = pinfl(14, 3, 1994, 4242);
const bad = good.slice(0, 13) + String((Number(good[13]) + 1) % 10);
let courierURL = '';

await step('each role sees its menus and buttons, and the API refuses the rest', async () => {
    const expect = {
        'e2e-owner': { menu: ['Курьеры', 'Лог-партнёры', 'Регионы', 'Филиалы'], onboard: true, masked: false },
        'e2e-manager': { menu: ['Курьеры'], onboard: true, masked: false },
        'e2e-onboarding': { menu: ['Курьеры'], onboard: true, masked: false },
        'e2e-warehouse': { menu: ['Курьеры'], onboard: false, masked: true },
        'e2e-security': { menu: ['Курьеры'], onboard: false, masked: false },
    };
    for (const [user, want] of Object.entries(expect)) {
        const { page, ctx } = await newPage();
        await login(page, user);
        for (const m of want.menu) await page.getByRole('menuitem', { name: m }).first().waitFor();
        const onboard = await page.getByRole('link', { name: 'Оформить' }).count();
        check((onboard > 0) === want.onboard, `${user}: onboard button shown=${onboard > 0}, want ${want.onboard}`);
        const firstPinfl = await page.locator('tbody tr td.column-pinfl').first().innerText();
        check(/[*•]/.test(firstPinfl) === want.masked, `${user}: PINFL "${firstPinfl}" masked=${/[*•]/.test(firstPinfl)}, want ${want.masked}`);
        if (user === 'e2e-warehouse') {
            // Not offered, and refused when forced: the API stays the authority.
            const token = await signIn(server.url, user, PASSWORD);
            const r = await fetch(server.url + '/graphql', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
                body: JSON.stringify({ query: 'mutation { activateCourier(id: "1") { id } }' }),
            }).then(r => r.json());
            check(r.errors?.[0]?.extensions?.code === 'FORBIDDEN', `warehouse activateCourier: ${JSON.stringify(r.errors)}`);
            await page.goto(server.url + '/#/partners/create');
            await page.getByText(/Доступ запрещ/).first().waitFor();
        }
        await page.screenshot({ path: join(shots, `role-${user.slice(4)}.png`) });
        await ctx.close();
    }
});

await step('onboard a courier: a bad PINFL is shown at its field, fixed, saved', async () => {
    const { page, ctx } = await newPage();
    await login(page, 'e2e-onboarding');
    await page.getByRole('link', { name: 'Оформить' }).click();
    await page.getByLabel('Фамилия').fill('Хасанов');
    await page.getByLabel(/^Имя/).fill('Бобур');
    await page.getByLabel('Телефон').fill('90 555 42 42');
    await page.getByLabel('ПИНФЛ').fill(bad);
    await page.getByRole('combobox', { name: 'Лог-партнёр' }).fill(partner.name.slice(0, 4));
    await page.getByRole('option', { name: partner.name }).click();
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByText('Неверная контрольная цифра').waitFor();
    await page.screenshot({ path: join(shots, 'onboard-pinfl-error.png') });
    check((await page.getByLabel('Фамилия').inputValue()) === 'Хасанов', 'the form lost what was typed');
    await page.getByLabel('ПИНФЛ').fill(good);
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByRole('tab', { name: 'Документы' }).waitFor();
    courierURL = page.url();
    await page.screenshot({ path: join(shots, 'courier-show.png') });
    await ctx.close();
});

await step('upload the required documents, verify them, submit for activation', async () => {
    const { page, ctx } = await newPage();
    await login(page, 'e2e-onboarding');
    await page.goto(courierURL);
    await page.getByRole('tab', { name: 'Документы' }).click();
    for (const kind of ['Паспорт', 'Медицинская справка', 'Договор', 'Фото']) {
        await page.getByRole('combobox', { name: 'Документ' }).click();
        await page.getByRole('option', { name: kind, exact: true }).click();
        await page.getByLabel('Номер').fill(`N-${kind.length}`);
        // The date in the app's language (the browser's own date input would follow the browser's).
        check((await page.getByLabel('Действует до').getAttribute('placeholder')) === 'ДД.ММ.ГГГГ', 'the date input does not ask for ДД.ММ.ГГГГ');
        await page.getByLabel('Действует до').fill('31.12.2031');
        await page.locator('input[type="file"]').setInputFiles(png);
        await page.getByRole('button', { name: 'Добавить документ' }).click();
        await page.getByText('Документ добавлен').waitFor();
        await page.getByRole('row', { name: new RegExp(kind) }).getByText('31.12.2031').waitFor();
        await page.getByRole('row', { name: new RegExp(kind) }).getByRole('button', { name: 'Подтвердить' }).click();
        await page.getByText('Документ подтверждён').waitFor();
    }
    await page.getByRole('row', { name: /Паспорт/ }).getByRole('button', { name: 'Просмотр' }).click();
    await page.getByRole('dialog').locator('img').waitFor();
    await page.screenshot({ path: join(shots, 'courier-documents.png') });
    await page.keyboard.press('Escape');
    check((await page.getByRole('button', { name: 'Активировать' }).count()) === 0, 'onboarding staff are offered activation');
    await page.getByRole('button', { name: 'Отправить на активацию' }).click();
    await page.getByText('Отправлен на активацию').waitFor();
    await ctx.close();
});

await step('activate as a manager, block with a reason, unblock', async () => {
    const { page, ctx } = await newPage();
    await login(page, 'e2e-manager');
    await page.goto(courierURL);
    await page.getByRole('button', { name: 'Активировать' }).click();
    await page.getByText('Курьер активирован').waitFor();
    await page.getByRole('button', { name: 'Заблокировать' }).click();
    const dlg = page.getByRole('dialog');
    await dlg.getByRole('combobox', { name: 'Причина' }).click();
    await page.getByRole('option', { name: 'Невыход на смену' }).click();
    // This reason needs a comment: the API says so, at the comment field.
    await dlg.getByRole('button', { name: 'Заблокировать' }).click();
    await waitForHelper(dlg.getByLabel('Комментарий'), 'Обязательное поле');
    await page.screenshot({ path: join(shots, 'block-dialog-comment-required.png') });
    await dlg.getByLabel('Комментарий').fill('Жалоба клиента');
    await page.screenshot({ path: join(shots, 'block-dialog.png') });
    await dlg.getByRole('button', { name: 'Заблокировать' }).click();
    await page.getByText('Курьер заблокирован').waitFor();
    await page.getByRole('button', { name: 'Разблокировать' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Разблокировать' }).click();
    await page.getByText('Курьер разблокирован').waitFor();
    await page.getByRole('tab', { name: 'История статусов' }).click();
    await page.getByRole('cell', { name: 'Жалоба клиента' }).waitFor();
    // Reasons by their titles, not the API's codes.
    await page.getByRole('cell', { name: 'Невыход на смену', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'Оформлен', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'Отправлен на активацию', exact: true }).waitFor();
    const codes = await page.getByRole('cell', { name: /^(no_show|onboarded|submitted_for_activation)$/ }).count();
    check(codes === 0, `${codes} history rows show a reason code`);
    await page.screenshot({ path: join(shots, 'courier-history.png') });
    await ctx.close();
});

await step('dismissing a courier who holds equipment is refused with the reason shown', async () => {
    const id = decodeURIComponent(courierURL.split('/couriers/')[1].split('/')[0]);
    gql = await ownerAPI();
    await gql(`mutation($in: IssueEquipmentInput!) { issueEquipment(input: $in) { replayed } }`, {
        in: { idempotencyKey: `e2e-${Date.now()}`, warehouseID: balance.warehouseID, courierID: id, lines: [{ equipmentTypeID: balance.equipmentType.id, quantity: 1 }] },
    });
    const { page, ctx } = await newPage();
    await login(page, 'e2e-manager');
    await page.goto(courierURL);
    await page.getByRole('button', { name: 'Уволить' }).click();
    const dlg = page.getByRole('dialog');
    await dlg.getByRole('combobox', { name: 'Причина' }).click();
    await page.getByRole('option').first().click();
    await dlg.getByRole('button', { name: 'Уволить' }).click();
    await dlg.getByRole('alert').getByText('невозвращённая экипировка').waitFor();
    await page.screenshot({ path: join(shots, 'fire-refused.png') });
    await ctx.close();
    const st = await gql(`query($id: ID!) { node(id: $id) { ... on Courier { status } } }`, { id });
    check(String(st.node.status).toLowerCase() === 'active', `status after refused firing: ${st.node.status}`);
});

await step('reject a document in a dialog: the reason is required, cancel keeps nothing, the reason is shown', async () => {
    const { page, ctx } = await newPage();
    await login(page, 'e2e-onboarding');
    await page.goto(courierURL);
    await page.getByRole('tab', { name: 'Документы' }).click();
    await page.getByRole('combobox', { name: 'Документ' }).click();
    await page.getByRole('option', { name: 'ID-карта', exact: true }).click();
    await page.getByLabel('Номер').fill('AA1234567');
    await page.locator('input[type="file"]').setInputFiles(png);
    await page.getByRole('button', { name: 'Добавить документ' }).click();
    await page.getByText('Документ добавлен').waitFor();
    const row = page.getByRole('row', { name: /ID-карта/ });
    await row.getByRole('button', { name: 'Отклонить' }).click();
    let dlg = page.getByRole('dialog', { name: 'Отклонить документ' });
    const reason = () => dlg.getByRole('textbox', { name: /Почему документ отклонён/ });
    // Blanks pass the form's own check; the API refuses them at the field.
    await reason().fill('   ');
    await dlg.getByRole('button', { name: 'Отклонить' }).click();
    await waitForHelper(reason(), 'Обязательное поле');
    await page.screenshot({ path: join(shots, 'reject-dialog-error.png') });
    await dlg.getByRole('button', { name: 'Отмена' }).click();
    await dlg.waitFor({ state: 'detached' });
    await row.getByRole('button', { name: 'Отклонить' }).click();
    dlg = page.getByRole('dialog', { name: 'Отклонить документ' });
    check((await reason().inputValue()) === '', 'the dialog kept what was typed before Cancel');
    await reason().fill('Скан нечитаем');
    await dlg.getByRole('button', { name: 'Отклонить' }).click();
    await page.getByText('Документ отклонён').first().waitFor();
    await row.getByText('Скан нечитаем').waitFor();
    await ctx.close();
});

await step('the audit trail shows each change as "field: old → new", translated', async () => {
    const { page, ctx } = await newPage();
    await login(page, 'e2e-owner');
    await page.goto(courierURL);
    await page.getByRole('tab', { name: 'Журнал изменений' }).click();
    const changes = page.getByTestId('audit-change');
    await changes.filter({ hasText: 'Статус: Активен → Заблокирован' }).first().waitFor();
    await changes.filter({ hasText: 'Статус: Заблокирован → Активен' }).first().waitFor();
    await changes.filter({ hasText: `Лог-партнёр: ${partner.name}` }).first().waitFor();
    const raw = await changes.filter({ hasText: /\b(status|transport_type|partner_id)\b/ }).count();
    check(raw === 0, `${raw} changes still show the API's field names`);
    // Operations in words, not the API's names (Mutation.blockCourier).
    await page.getByRole('cell', { name: 'Блокировка', exact: true }).first().waitFor();
    await page.getByRole('cell', { name: 'Оформление курьера', exact: true }).first().waitFor();
    const rawOps = await page.getByRole('cell', { name: /^(Mutation|Query)\.\w+$|^[A-Z]\w+\.(create|update|delete)$/ }).count();
    check(rawOps === 0, `${rawOps} audit rows show the API's operation names`);
    await page.screenshot({ path: join(shots, 'courier-audit.png') });
    await ctx.close();
});

await step('import a file with errors, see them, fix it, import', async () => {
    const header = 'last_name,first_name,middle_name,phone,pinfl,birth_date,transport_type,vehicle_plate,partner,branch';
    const rows = [`Юсупова,Дилноза,,+998 90 700 11 22,${pinfl(2, 2, 1990, 7001, false)},,foot,,,`, `Каримов,Жасур,,90 700 11 23,${pinfl(3, 3, 1991, 7002).slice(0, 13)}0,,car,,,`];
    const broken = join(tmp, 'couriers.csv');
    writeFileSync(broken, [header, ...rows].join('\n'));
    const { page, ctx } = await newPage();
    await login(page, 'e2e-onboarding');
    await page.goto(server.url + '/#/couriers/import');
    await page.locator('input[type="file"]').setInputFiles(broken);
    await page.getByRole('button', { name: 'Проверить файл' }).click();
    await page.getByTestId('import-error').first().waitFor();
    check((await page.getByRole('button', { name: 'Импортировать' }).isDisabled()), 'import offered with errors');
    await page.screenshot({ path: join(shots, 'import-errors.png') });
    const fixed = join(tmp, 'couriers-fixed.csv');
    writeFileSync(fixed, [header, rows[0], `Каримов,Жасур,,90 700 11 23,${pinfl(3, 3, 1991, 7002)},,car,01A123BC,,`].join('\n'));
    await page.locator('input[type="file"]').setInputFiles(fixed);
    await page.getByRole('button', { name: 'Проверить файл' }).click();
    await page.getByTestId('import-summary').getByText('с ошибками: 0').waitFor();
    await page.getByRole('button', { name: 'Импортировать' }).click();
    await page.getByText(/Импортировано: новых 2/).waitFor();
    await page.getByPlaceholder('ФИО, телефон или ПИНФЛ').first().fill('Yusupova');
    await page.getByRole('cell', { name: /Юсупова Дилноза/ }).waitFor();
    await ctx.close();
});

await step('switch to Uzbek and see the page in Uzbek, remembered after a reload', async () => {
    const { page, ctx } = await newPage();
    await login(page, 'e2e-owner');
    await page.getByRole('button', { name: /Русский/i }).click();
    await page.getByRole('menuitem', { name: "O'zbekcha" }).click();
    await page.getByRole('menuitem', { name: 'Kuryerlar' }).waitFor();
    await page.reload();
    await page.getByRole('menuitem', { name: 'Kuryerlar' }).waitFor();
    await page.goto(courierURL);
    await page.getByRole('tab', { name: 'Hujjatlar' }).click();
    // Date inputs in Uzbek order (day first), whatever the browser's language.
    await page.locator('input[placeholder="KK.OO.YYYY"]').first().waitFor({ state: 'attached' });
    await page.getByRole('row', { name: /Pasport/ }).getByText('31.12.2031').waitFor();
    check((await page.evaluate(() => document.documentElement.lang)) === 'uz', 'the page does not say it is in Uzbek (html lang)');
    await page.screenshot({ path: join(shots, 'courier-show-uz.png') });
    await ctx.close();
});

await step('open the playground from the UI: bundled GraphiQL runs a query with the user token', async () => {
    const { page, ctx } = await newPage();
    await login(page, 'e2e-owner');
    await page.getByRole('button', { name: /Профиль|Profile/ }).click();
    const [pg] = await Promise.all([ctx.waitForEvent('page'), page.getByRole('menuitem', { name: 'Песочница API' }).click()]);
    lastPage = pg;
    const cdn = [];
    const introspections = [];
    pg.on('request', r => {
        if (!r.url().startsWith(server.url)) cdn.push(r.url());
        if (r.method() === 'POST' && (r.postData() ?? '').includes('__schema')) introspections.push(r.url());
    });
    await pg.locator('.graphiql-execute-button').click();
    await pg.locator('.result-window').getByText('e2e-owner').waitFor();
    check(cdn.length === 0, `playground fetched from outside: ${cdn.join(', ')}`);
    // The schema comes from /schema.graphql: the API refuses GraphiQL's introspection as too deep.
    check(introspections.length === 0, `playground introspected: ${introspections.length} requests`);
    await pg.screenshot({ path: join(shots, 'playground.png') });
    await ctx.close();
});

await step('reference data: create a region, archive it, find it in the archive', async () => {
    const { page, ctx } = await newPage();
    await login(page, 'e2e-owner');
    await page.goto(server.url + '/#/regions/create');
    await page.getByLabel('Название').fill('Каракалпакстан E2E');
    await page.getByLabel('Код').fill('E2E');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByRole('row', { name: /Каракалпакстан E2E/ }).getByRole('button', { name: 'В архив' }).click();
    await page.getByText('Перемещено в архив').waitFor();
    await page.screenshot({ path: join(shots, 'regions.png') });
    await ctx.close();
});

await finish();

async function finish() {
    await browser.close();
    await server.stop();
    console.log('\n' + results.join('\n'));
    if (failed) {
        console.error('e2e: some steps failed; screenshots in e2e/screenshots/');
        process.exit(1);
    }
    process.exit(0);
}
