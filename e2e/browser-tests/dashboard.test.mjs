// The admin dashboard in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core),
// against the dev server with every domain's demo data. Run by DashboardBrowserTest (JUnit), which
// starts the server, seeds it and passes the addresses; each top-level test here becomes one JUnit test.
//
// A view or action whose domain is not part of this build (its functions are not in the catalog) is
// skipped with that reason, never passed.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const required = (name) => {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run this through DashboardBrowserTest (bin/test)`);
  return value;
};
const base = required("AVALO_DEV_URL").replace(/\/$/, "");
const admin = { email: required("AVALO_ADMIN_EMAIL"), password: required("AVALO_ADMIN_PASSWORD") };
const user = { email: required("AVALO_USER_EMAIL"), password: required("AVALO_USER_PASSWORD") };
const screenshots = required("AVALO_SCREENSHOT_DIR");
const cdnAssetId = process.env.AVALO_CDN_ASSET_ID || "";
const takedownAssetId = process.env.AVALO_CDN_TAKEDOWN_ASSET_ID || "";
const walletUserId = process.env.AVALO_WALLET_USER_ID || "";
// The alert DashboardBrowserTest delivered through the local receivers (delivered, retrying, dead).
const alertId = process.env.AVALO_ALERT_ID || "";
const alertKey = process.env.AVALO_ALERT_KEY || "";
mkdirSync(screenshots, { recursive: true });

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];
const LAPTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
const TIMEOUT = 30_000;

// Which domain each view needs, by one of its functions in the catalog.
const VIEWS = [
  { id: "overview", needs: "getDashboardData" },
  { id: "regions", needs: "forceFailover" },
  { id: "scaling", needs: "getScalingStatus" },
  { id: "cdn", needs: "getCdnStats" },
  { id: "costs", needs: "getBudgetStatus" },
  { id: "monitoring", needs: "getSystemHealth" },
  { id: "alerting", needs: "createSilence" },
  { id: "backups", needs: "recoverWallet" },
];

// The functions this build has (a domain not merged yet has none of its functions here).
const catalogResponse = await fetch(`${base}/_local/functions`);
if (catalogResponse.status !== 200)
  throw new Error(`${base}/_local/functions answered ${catalogResponse.status}`);
const catalog = new Set(Object.keys(await catalogResponse.json()));
const servedPage = await fetch(`${base}/admin/`);
if (!/script-src 'self'/.test(servedPage.headers.get("content-security-policy") ?? "")) {
  throw new Error(`${base}/admin/ is served without firebase.json's Content-Security-Policy`);
}
const sessions = [];

/** A fresh Chromium profile (own --user-data-dir, so its own Firebase Auth state) at a viewport. */
async function openBrowser(viewport) {
  const profile = mkdtempSync(join(tmpdir(), "avalo-dashboard-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  context.setDefaultTimeout(TIMEOUT);
  // Loopback only: nothing leaves the machine (the Firebase SDK's emulator mode needs nothing else).
  await context.route(
    (url) => !["127.0.0.1", "localhost"].includes(url.hostname),
    (route) => route.abort(),
  );
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  // The dev server sends firebase.json's Content-Security-Policy: a violation is a defect.
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) pageErrors.push(`CSP: ${m.text()}`);
  });
  const session = { context, page, profile, pageErrors };
  sessions.push(session);
  return session;
}

async function closeBrowser(session) {
  await session.context.close();
  rmSync(session.profile, { recursive: true, force: true });
}

async function signIn(page, account) {
  await page.goto(`${base}/admin/`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Opens a view and waits for a refresh that started after the navigation to finish. */
async function openView(page, id) {
  await page.goto(`${base}/admin/#/${id}`);
  await page.locator(`main.content[data-view="${id}"]`).waitFor();
  await waitForRefresh(page);
}

async function waitForRefresh(page) {
  const before = await page
    .locator("[data-testid=last-updated] time")
    .getAttribute("datetime")
    .catch(() => null);
  await page.waitForFunction(
    (previous) => {
      const time = document.querySelector("[data-testid=last-updated] time");
      return (
        time &&
        time.getAttribute("datetime") !== previous &&
        !document.querySelector(".topbar .spinner")
      );
    },
    before,
    { timeout: TIMEOUT },
  );
}

async function shoot(page, name) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** false when the build has the function, else the reason to skip (node:test shows it; JUnit reports it as skipped). */
const skipUnless = (fn) =>
  catalog.has(fn) ? false : `${fn} is not in this build's catalog (its domain is not merged yet)`;

/** What "populated from seeded data" means for each view. */
const POPULATED = {
  async overview(page) {
    assert.ok(
      (await page.locator("[data-testid=health-table] tbody tr").count()) >= 6,
      "a health row per monitored service",
    );
    await page.locator("[data-testid=overview-alerts] li").first().waitFor();
    assert.equal(
      await page.locator("[data-tile=regions] li").count(),
      3,
      "three regions on the overview",
    );
    assert.match(await page.locator("[data-tile=scaling]").innerText(), /Bursts active/);
  },
  async regions(page) {
    assert.equal(await page.locator("[data-region]").count(), 3);
    for (const id of ["EU", "US", "ASIA"]) {
      assert.match(
        await page.locator(`[data-region=${id}] h2 .pill`).innerText(),
        /healthy|degraded|unhealthy|draining/,
      );
    }
  },
  async scaling(page) {
    assert.ok(
      (await page.locator("[data-testid=scaling-services] [data-service]").count()) >= 6,
      "a card per logical service",
    );
    assert.ok(
      (await page.locator("[data-testid=scaling-history] tbody tr").count()) >= 1,
      "recorded decisions",
    );
    assert.match(
      await page.locator("[data-service=functions] [data-testid=desired]").innerText(),
      /^\d+$/,
    );
  },
  async cdn(page) {
    const stats = page.locator("[data-testid=cdn-stats]");
    await stats.waitFor();
    const assets = Number(
      (await stats.locator(".stat-value").first().innerText()).replace(/\D/g, ""),
    );
    assert.ok(assets > 0, "seeded assets are counted");
    assert.ok((await page.locator("[data-testid=cdn-by-type] tbody tr").count()) >= 1);
  },
  async costs(page) {
    const budgets = page.locator("[data-testid=budgets] .budget");
    assert.ok((await budgets.count()) >= 7, "a bar per budgeted service");
    // The 70/80/90 % marks on every budgeted bar.
    const marks = await page
      .locator("[data-testid=budgets] .bar")
      .first()
      .locator(".bar-mark span")
      .allInnerTexts();
    for (const m of ["70", "80", "90"]) assert.ok(marks.includes(m), `mark ${m} in ${marks}`);
    assert.ok(
      (await page
        .locator("[data-testid=budgets] .budget[data-state]:not([data-state=ok])")
        .count()) >= 1,
      "the seed puts some budget over a threshold",
    );
    // Each budgeted bar says its month-end forecast and how sure it is.
    const forecasts = page.locator("[data-testid=budgets] [data-testid=forecast]");
    assert.ok((await forecasts.count()) >= 7, "a forecast per budgeted service");
    for (const c of await forecasts.evaluateAll((els) => els.map((e) => e.dataset.confidence)))
      assert.ok(["none", "low", "medium", "high"].includes(c), `forecast confidence ${c}`);
    assert.match(await forecasts.first().innerText(), /confidence|no forecast yet/);
    await page.locator("[data-testid=cost-trend] canvas").waitFor();
  },
  async monitoring(page) {
    await page.waitForFunction(
      () => document.querySelectorAll("[data-testid=metric-charts] canvas").length >= 6,
    );
    assert.ok(
      (await page.locator("[data-testid=alerts-table] tbody tr").count()) >= 1,
      "the seeded chat breach is an open alert",
    );
  },
  async alerting(page) {
    assert.ok(
      (await page.locator("[data-testid=notification-log] tbody tr").count()) >= 1,
      "the seeded alerts' notifications are in the log",
    );
    assert.equal(
      await page.locator("[data-testid=receivers], [data-testid=no-receivers]").count(),
      1,
      "the receivers, or that there are none",
    );
    await page.locator("[data-testid=silences-table], [data-testid=no-silences]").first().waitFor();
  },
  async backups(page) {
    assert.equal(await page.locator("[data-testid=backup-tiers] [data-tier]").count(), 3);
    assert.match(
      await page.locator("[data-tier=hourly]").innerText(),
      /Latest verified/,
      "the seed made an hourly backup",
    );
  },
};

after(async () => {
  for (const s of sessions.splice(0)) await closeBrowser(s).catch(() => {});
});

const signedIn = new Map(); // viewport label -> admin session, signed in once per width

async function sessionFor(label, viewport) {
  if (!signedIn.has(label)) {
    const session = await openBrowser(viewport);
    await signIn(session.page, admin);
    await session.page.locator("[data-testid=last-updated] time").waitFor();
    assert.equal(await session.page.locator("[data-testid=access-denied]").count(), 0);
    signedIn.set(label, session);
  }
  return signedIn.get(label);
}

for (const [label, viewport] of [
  ["laptop", LAPTOP],
  ["phone", PHONE],
]) {
  for (const view of VIEWS) {
    test(
      `${label} ${viewport.width}x${viewport.height}: admin sees the ${view.id} view populated from seeded data`,
      { skip: skipUnless(view.needs) },
      async () => {
        const session = await sessionFor(label, viewport);
        const { page } = session;
        await openView(page, view.id);
        await POPULATED[view.id](page);
        const loadErrors = page.locator("[data-testid=load-errors]");
        if (await loadErrors.count())
          assert.fail(`the view shows load errors: ${await loadErrors.innerText()}`);
        if (viewport === PHONE) {
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          assert.ok(overflow <= 1, `the page fits the phone width (overflows by ${overflow}px)`);
        }
        await shoot(page, `${label}-${view.id}`);
        assert.deepEqual(session.pageErrors, [], "no script errors");
      },
    );
  }
}

/** An admin session on the laptop width for one action test. */
async function adminPage() {
  const session = await openBrowser(LAPTOP);
  await signIn(session.page, admin);
  await session.page.locator("[data-testid=last-updated] time").waitFor();
  return session;
}

async function confirm(page) {
  const dialog = page.getByRole("alertdialog");
  await dialog.waitFor();
  await dialog.getByTestId("confirm").click();
  await dialog.waitFor({ state: "detached" });
}

const notice = (page, text) => page.locator("[data-testid=notice-ok]", { hasText: text }).waitFor();

const noAlert = !alertId && "DashboardBrowserTest delivered no alert";

test(
  "action: acknowledging an alert shows who did, and the acknowledgement is in the notification log",
  { skip: skipUnless("acknowledgeAlert") || noAlert },
  async () => {
    const session = await adminPage();
    const { page } = session;
    const acks = [];
    page.on("request", (r) => r.url().endsWith("/acknowledgeAlert") && acks.push(r.postData()));
    await openView(page, "monitoring");
    const row = page.locator(`[data-alert-id="${alertId}"]`);
    assert.equal(await row.getAttribute("data-alert-key"), alertKey);
    await row.getByRole("button", { name: "Acknowledge" }).click();
    await notice(page, `Acknowledged ${alertKey}`);
    assert.deepEqual(
      acks.map((a) => JSON.parse(a).data),
      [{ alertId }],
      "one acknowledgeAlert call with the alert's id",
    );
    // Shown from the alerting section on the next refresh; the button is gone.
    await row.getByTestId("acknowledged").waitFor();
    assert.match(await row.getByTestId("acknowledged").innerText(), /acknowledged\s+by\s+\S+/);
    assert.equal(await row.getByRole("button", { name: "Acknowledge" }).count(), 0);
    await shoot(page, "action-acknowledge-alert");
    await openView(page, "alerting");
    const logged = page.locator(`[data-testid=notification-log] tr[data-alert-id="${alertId}"]`);
    await logged.filter({ hasText: "acknowledged ·" }).first().waitFor();
    assert.ok((await logged.count()) >= 2, "the alert's opened and acknowledged notifications");
    await closeBrowser(session);
  },
);

test(
  "action: a silence made from an alert's row shows in the Alerting view and can be expired",
  { skip: skipUnless("createSilence") || noAlert },
  async () => {
    const session = await adminPage();
    const { page } = session;
    const created = [];
    page.on("request", (r) => r.url().endsWith("/createSilence") && created.push(r.postData()));
    await openView(page, "monitoring");
    const row = page.locator(`[data-alert-id="${alertId}"]`);
    await row.getByText("Silence…").click();
    const form = row.getByTestId("silence-form");
    // Prefilled from the alert.
    assert.equal(await form.getByLabel("Source").inputValue(), "browser-test");
    assert.equal(await form.getByLabel("Key").inputValue(), "receivers:demo");
    await form.getByLabel("Duration (minutes)").fill("30");
    await form.getByLabel("Comment").fill("browser test: maintenance window");
    await form.getByRole("button", { name: "Create silence" }).click();
    await notice(page, "Silenced browser-test / receivers:demo");
    assert.deepEqual(JSON.parse(created[0]).data, {
      matchers: [
        { name: "source", value: "browser-test" },
        { name: "key", value: "receivers:demo" },
      ],
      durationMinutes: 30,
      comment: "browser test: maintenance window",
    });
    await openView(page, "alerting");
    const silence = page
      .locator("[data-testid=silences-table] tbody tr")
      .filter({ hasText: "browser test: maintenance window" });
    await silence.waitFor();
    assert.match(await silence.innerText(), /source="browser-test", key="receivers:demo"/);
    await shoot(page, "action-silence-created");
    await silence.getByRole("button", { name: "Expire" }).click();
    await confirm(page);
    await notice(page, "Silence expired");
    await silence.waitFor({ state: "detached" });
    await closeBrowser(session);
  },
);

test(
  "the notification log shows each receiver's delivery: delivered, retrying with its error, dead-lettered",
  { skip: skipUnless("createSilence") || noAlert },
  async () => {
    const session = await adminPage();
    const { page } = session;
    await openView(page, "alerting");
    const opened = () =>
      page
        .locator(`[data-testid=notification-log] tr[data-alert-id="${alertId}"]`)
        .filter({ hasText: "opened ·" });
    const receiver = (name) => opened().locator(`li[data-receiver=${name}]`);
    await opened().waitFor();
    assert.equal(await receiver("slack").getAttribute("data-receiver-status"), "delivered");
    assert.equal(await receiver("webhook").getAttribute("data-receiver-status"), "retrying");
    assert.match(await receiver("webhook").getByTestId("last-error").innerText(), /503/);
    assert.match(await receiver("webhook").innerText(), /1 attempt · next/);
    assert.equal(await receiver("pagerduty").getAttribute("data-receiver-status"), "dead");
    assert.match(await receiver("pagerduty").getByTestId("last-error").innerText(), /routing_key/);
    // The filters: only the notifications with a receiver in that state.
    for (const [filter, name, status] of [
      ["dead", "pagerduty", "dead"],
      ["retrying", "webhook", "retrying"],
      ["delivered", "slack", "delivered"],
    ]) {
      await page.locator(`[data-filter=${filter}]`).click();
      await receiver(name).waitFor();
      const rows = page.locator("[data-testid=notification-log] tbody tr");
      const n = await rows.count();
      for (let i = 0; i < n; i++)
        assert.ok(
          (await rows.nth(i).locator(`li[data-receiver-status=${status}]`).count()) >= 1,
          `every row under "${filter}" has a ${status} receiver`,
        );
    }
    // The dead letter raised the PagerDuty receiver's own alert, delivered through the others.
    await page.locator("[data-filter=all]").click();
    await page
      .locator("[data-testid=notification-log] tr", { hasText: "receiver:pagerduty:failing" })
      .first()
      .waitFor();
    await shoot(page, "notification-log");
    await closeBrowser(session);
  },
);

test(
  "action: resolving an alert removes it from the open alerts",
  { skip: skipUnless("resolveAlert") },
  async () => {
    const session = await adminPage();
    const { page } = session;
    await openView(page, "monitoring");
    const row = page.locator("[data-testid=alerts-table] tbody tr").first();
    const id = await row.getAttribute("data-alert-id");
    const key = await row.getAttribute("data-alert-key");
    await row.getByLabel("Resolution note").fill("browser test: acknowledged and fixed");
    await row.getByRole("button", { name: "Resolve" }).click();
    await confirm(page);
    await notice(page, `Resolved ${key}`);
    await page.locator(`[data-alert-id="${id}"]`).waitFor({ state: "detached" });
    await shoot(page, "action-resolve-alert");
    await closeBrowser(session);
  },
);

test(
  "action: a manual scale override shows as the service's desired instances",
  { skip: skipUnless("manualScale") },
  async () => {
    const session = await adminPage();
    const { page } = session;
    await openView(page, "scaling");
    const card = page.locator("[data-service=support]");
    const before = Number(await card.getByTestId("desired").innerText());
    const target = before + 3;
    const form = page.getByTestId("manual-scale-form");
    await form.getByLabel("Service").selectOption("support");
    await form.getByLabel("Instances", { exact: true }).fill(String(target));
    await form.getByLabel("For (minutes)").fill("30");
    await form.getByRole("button", { name: "Apply override" }).click();
    await confirm(page);
    await notice(page, "support: override exactly");
    await page.waitForFunction(
      (t) =>
        document
          .querySelector("[data-service=support] [data-testid=desired]")
          ?.textContent.trim() === String(t),
      target,
    );
    assert.match(await card.innerText(), /manual override/);
    await shoot(page, "action-manual-scale");
    await closeBrowser(session);
  },
);

test(
  "action: purging an asset reports the invalidated URLs",
  { skip: skipUnless("purgeCache") || (!cdnAssetId && "no seeded CDN asset") },
  async () => {
    const session = await adminPage();
    const { page } = session;
    await openView(page, "cdn");
    const form = page.getByTestId("purge-form");
    await form.getByLabel("Asset id").fill(cdnAssetId);
    await form.getByRole("button", { name: "Purge" }).click();
    await confirm(page);
    await notice(page, `Purged ${cdnAssetId}`);
    const result = page.getByTestId("last-purge");
    assert.match(await result.innerText(), new RegExp(cdnAssetId));
    const urls = Number((await result.locator("dd").first().innerText()).replace(/\D/g, ""));
    assert.ok(urls > 0, "the asset's variant URLs were invalidated");
    await shoot(page, "action-purge");
    await closeBrowser(session);
  },
);

test(
  "action: taking an asset down is confirmed first, deletes its objects and cannot be repeated",
  { skip: skipUnless("takedownAsset") || (!takedownAssetId && "no second seeded CDN asset") },
  async () => {
    const session = await adminPage();
    const { page } = session;
    await openView(page, "cdn");
    const form = page.getByTestId("takedown-form");
    await form.getByLabel("Asset id").fill(takedownAssetId);
    await form.getByLabel("Reason").fill("browser test: abuse report");
    await form.getByRole("button", { name: "Take down" }).click();
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /deleted/);
    await confirm(page);
    await notice(page, `Taken down ${takedownAssetId}`);
    const result = page.getByTestId("last-takedown");
    const deleted = Number((await result.locator("dd").first().innerText()).replace(/\D/g, ""));
    assert.ok(deleted > 0, "the asset's objects were deleted");
    await shoot(page, "action-takedown");
    // Again: nothing left to delete, and the answer says so.
    await form.getByRole("button", { name: "Take down" }).click();
    await confirm(page);
    await notice(page, `${takedownAssetId} was already taken down`);
    await closeBrowser(session);
  },
);

test(
  "action: a dry-run recovery previews the changes and writes nothing",
  { skip: skipUnless("recoverWallet") || (!walletUserId && "no seeded wallet") },
  async () => {
    const session = await adminPage();
    const { page } = session;
    await openView(page, "backups");
    const recoveriesBefore = await page.locator("[data-testid=recent-recoveries] tbody tr").count();
    const form = page.getByTestId("recovery-form");
    await form.getByLabel("What").selectOption("wallet");
    await form.getByLabel("Id", { exact: true }).fill(walletUserId);
    await form.getByRole("button", { name: "Preview (dry run)" }).click();
    await notice(page, "nothing written");
    const preview = page.getByTestId("recovery-preview");
    await preview.waitFor();
    const text = await preview.innerText();
    assert.match(text, /Dry run/);
    // DashboardBrowserTest changed the wallet's balance after the backup: the preview shows that change.
    assert.match(text, /0 to add, 1 to change, 0 to remove, \d+ unchanged/);
    assert.ok(
      (await preview
        .locator("tr", { hasText: "balance" })
        .filter({ hasText: walletUserId })
        .count()) === 1,
      "the wallet's balance is the change",
    );
    await waitForRefresh(page);
    assert.equal(
      await page.locator("[data-testid=recent-recoveries] tbody tr").count(),
      recoveriesBefore,
      "a dry run archives nothing",
    );
    await shoot(page, "action-dry-run-recovery");
    await closeBrowser(session);
  },
);

test(
  "action: draining a region is confirmed first, shows the drain, and can be ended",
  { skip: skipUnless("forceFailover") },
  async () => {
    const session = await adminPage();
    const { page } = session;
    const failoverCalls = [];
    page.on(
      "request",
      (r) => r.url().endsWith("/forceFailover") && failoverCalls.push(r.postData()),
    );
    await openView(page, "regions");
    const card = page.locator("[data-region=ASIA]");
    await card.getByText("Drain / fail over…").click();
    const form = card.getByTestId("drain-form");
    await form.getByLabel("Reason").fill("browser test drill");
    await form.getByLabel("Duration (minutes)").fill("30");
    await form.getByRole("button", { name: "Drain ASIA" }).click();
    // Cancelling the confirmation sends nothing.
    await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
    assert.equal(failoverCalls.length, 0, "no call before confirmation");
    await form.getByRole("button", { name: "Drain ASIA" }).click();
    await confirm(page);
    await notice(page, "ASIA is draining");
    await card.getByTestId("drain").waitFor();
    assert.equal(await card.locator("h2 .pill").innerText(), "draining");
    // The admin detail of the regions section shows who drained it and the event.
    assert.match(await card.getByTestId("drain").innerText(), /browser test drill/);
    await page
      .locator("[data-testid=region-events] tr", { hasText: "draining-started" })
      .first()
      .waitFor();
    await shoot(page, "action-drain-region");
    await card.getByRole("button", { name: "End drain" }).click();
    await confirm(page);
    await notice(page, "drain ended");
    await card.getByTestId("drain").waitFor({ state: "detached" });
    assert.equal(failoverCalls.length, 2);
    await closeBrowser(session);
  },
);

test("a signed-in non-admin sees access denied and no data", async () => {
  const session = await openBrowser(LAPTOP);
  const { page } = session;
  const functionCalls = [];
  page.on("request", (r) => {
    const name = new URL(r.url()).pathname.split("/").pop();
    if (catalog.has(name)) functionCalls.push(name);
  });
  await signIn(page, user);
  const denied = page.getByTestId("access-denied");
  await denied.waitFor();
  assert.match(await denied.innerText(), /Access denied/);
  assert.match(await denied.innerText(), new RegExp(user.email.replace(".", "\\.")));
  await page.waitForTimeout(1500); // a refresh would have started by now
  assert.deepEqual(functionCalls, [], "no function is called for a non-admin");
  assert.equal(
    await page.locator("table, nav.tabs, [data-testid=last-updated]").count(),
    0,
    "no console, no data",
  );
  await shoot(page, "access-denied");
  // The functions refuse it too: the claim check in the page is not the only guard.
  const token = await page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open("firebaseLocalStorageDb");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const rows = await new Promise((resolve) => {
      const req = db
        .transaction("firebaseLocalStorage")
        .objectStore("firebaseLocalStorage")
        .getAll();
      req.onsuccess = () => resolve(req.result);
    });
    return rows.map((r) => r.value?.stsTokenManager?.accessToken).find(Boolean);
  });
  assert.ok(token, "the user's ID token");
  const response = await fetch(`${base}/getDashboardData`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: '{"data":{}}',
  });
  assert.equal(response.status, 403);
  await closeBrowser(session);
});

test("a wrong password is refused with a message", async () => {
  const session = await openBrowser(LAPTOP);
  await signIn(session.page, { email: admin.email, password: "not-the-password" });
  await session.page.getByText("Wrong email or password.").waitFor();
  await closeBrowser(session);
});

test("the 10 s refresh updates values in place without rebuilding the page", async () => {
  const session = await adminPage();
  const { page } = session;
  await openView(page, "monitoring");
  await page.waitForFunction(
    () => document.querySelectorAll("[data-testid=metric-charts] canvas").length >= 1,
  );
  const first = await page.locator("[data-testid=last-updated] time").getAttribute("datetime");
  await page.evaluate(() => {
    document.querySelector("[data-testid=health-table]").dataset.marker = "kept";
    document.querySelector("[data-testid=metric-charts] canvas").dataset.marker = "kept";
  });
  // The next automatic refresh (no navigation, no click).
  await page.waitForFunction(
    (previous) => {
      const t = document.querySelector("[data-testid=last-updated] time")?.getAttribute("datetime");
      return t && t !== previous && !document.querySelector(".topbar .spinner");
    },
    first,
    { timeout: 25_000 },
  );
  const second = await page.locator("[data-testid=last-updated] time").getAttribute("datetime");
  const gap = Date.parse(second) - Date.parse(first);
  assert.ok(gap >= 9_000 && gap <= 20_000, `refreshed about 10 s later (${gap} ms)`);
  assert.equal(
    await page.locator("[data-testid=health-table][data-marker=kept]").count(),
    1,
    "the table was updated, not replaced",
  );
  assert.equal(
    await page.locator("[data-testid=metric-charts] canvas[data-marker=kept]").count(),
    1,
    "the chart was updated, not rebuilt",
  );
  await closeBrowser(session);
});

test("a failing call is shown as an error while the last good values stay", async () => {
  const session = await adminPage();
  const { page } = session;
  await openView(page, "monitoring");
  await page.route("**/getSystemHealth", (route) =>
    route.fulfill({
      status: 503,
      contentType: "application/json",
      body: JSON.stringify({
        error: { status: "UNAVAILABLE", message: "injected by the browser test" },
      }),
    }),
  );
  await page.getByRole("button", { name: "Refresh" }).click();
  const errors = page.getByTestId("load-errors");
  await errors.waitFor();
  assert.match(
    await errors.innerText(),
    /getSystemHealth: UNAVAILABLE — injected by the browser test/,
  );
  assert.ok(
    (await page.locator("[data-testid=health-table] tbody tr").count()) >= 6,
    "the last good health is still shown",
  );
  await shoot(page, "load-error");
  await page.unroute("**/getSystemHealth");
  await page.getByRole("button", { name: "Refresh" }).click();
  await errors.waitFor({ state: "detached" });
  await closeBrowser(session);
});
