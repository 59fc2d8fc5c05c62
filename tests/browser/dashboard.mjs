// The dashboard in a real browser (Debian's Chromium, driven by
// playwright-core). Run by tests/dashboard.rs, which starts modstream and
// acts whenever this script prints a stage:
//
//   node dashboard.mjs URL FEDERATION_TOKEN FORUM_TOKEN FORUM SCREENSHOT
//
//   READY  the overview is open: the test publishes a post and a crisis post
//          (a moderator's console is connected, so the crisis is notified);
//   FORUM  the forum page is open: the test has the moderator acknowledge,
//          answers both posts, publishes a new one, and posts in two other
//          forums (so a federation median exists);
//   PASS   everything arrived on the open page without a reload.
//
// It also checks sign-in, scopes and /healthz over HTTP, and saves
// screenshots of the overview (SCREENSHOT) and the forum page
// (SCREENSHOT with -forum before .png). Any failure exits non-zero with a
// reason.
import { chromium } from "playwright-core";

const [url, federationToken, forumToken, forum, screenshot] = process.argv.slice(2);
const WAIT_MS = 30_000;

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

async function signIn(token) {
  const response = await fetch(new URL("/api/session", url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  return response;
}

const status = async (path, headers = {}) => {
  const controller = new AbortController();
  const response = await fetch(new URL(path, url), { headers, signal: controller.signal });
  controller.abort(); // live streams never end by themselves
  return response.status;
};

// Waits until `check` returns something truthy; fails with `what` and what
// `state` says if it never does.
async function until(what, check, state = async () => "") {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const ok = await check();
    if (ok) return ok;
    if (Date.now() > deadline) fail(`${what} (${await state()})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Never member data: no pseudonym, none of the test's post texts.
function noMemberData(json, where) {
  if (/m_[0-9a-f]{32}/.test(json)) fail(`a pseudonym reached ${where}`);
  for (const text of ["overdose", "Sunday evenings", "Goodbye", "hear you", "first post here"]) {
    if (json.includes(text)) fail(`post text reached ${where}`);
  }
}

// Access over HTTP: health without a session; nothing else without one; a
// wrong token refused; a forum's viewer sees only that forum.
const health = await fetch(new URL("/healthz", url));
if (health.status !== 200 || (await health.text()) !== "ok") fail("/healthz is not 200 ok");
for (const path of ["/api/overview", "/api/live", `/api/forums/${forum}`, `/api/forums/${forum}/live`]) {
  if ((await status(path)) !== 401) fail(`${path} without a session`);
}
if ((await signIn("not-a-token")).status !== 401) fail("a wrong token was accepted");
const forumSession = await signIn(forumToken);
if (!forumSession.ok) fail("the forum viewer could not sign in");
const cookie = forumSession.headers.get("set-cookie").split(";")[0];
const scoped = await (await fetch(new URL("/api/overview", url), { headers: { cookie } })).json();
const scopedForums = scoped.forums.map((f) => f.forum_id);
if (JSON.stringify(scopedForums) !== JSON.stringify([forum])) fail(`forum viewer saw ${scopedForums}`);
noMemberData(JSON.stringify(scoped), "the overview");
for (const other of ["beta", "gamma", "no-such-forum"]) {
  for (const path of [`/api/forums/${other}`, `/api/forums/${other}/live`]) {
    if ((await status(path, { cookie })) !== 403) fail(`the forum viewer got ${path}`);
  }
}
if ((await status(`/api/forums/${forum}/live`, { cookie })) !== 200) fail("the forum viewer's own live page");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
  const external = [];
  page.on("request", (r) => { if (!r.url().startsWith(url)) external.push(r.url()); });
  page.on("pageerror", (e) => fail(`the page threw: ${e.message}`));
  await page.goto(url);
  // Keyboard only: focus the token field, type, press Enter.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== "token") await page.focus("#token");
  await page.keyboard.type(federationToken);
  await page.keyboard.press("Enter");
  const tile = page.locator(`article[data-forum="${forum}"]`);
  await tile.waitFor({ timeout: WAIT_MS });
  const tiles = await page.locator("article.tile").count();
  if (tiles < 2) fail(`the federation viewer sees ${tiles} forum(s)`);
  const metric = (name) => tile.locator(`dd[data-metric="${name}"]`).innerText();
  if ((await metric("unanswered")) !== "0") fail("unanswered before anything was published");
  console.log("READY");

  // Live: the test publishes a post and a crisis post now; no reload here.
  await until("the overview is not live", async () =>
    (await metric("unanswered")) === "2" && (await metric("escalations")).startsWith("1 crisis"),
  async () => `unanswered ${await metric("unanswered")}, escalations ${await metric("escalations")}`);
  if (!(await metric("oldest-unacknowledged")).match(/s|min/)) fail("no unacknowledged age shown");
  if (!(await metric("bus-lag")).match(/^(none|\d+ records behind)$/)) fail(`no bus lag shown: ${await metric("bus-lag")}`);
  const after = JSON.stringify(await (await fetch(new URL("/api/overview", url), { headers: { cookie } })).json());
  noMemberData(after, "the overview");
  await page.screenshot({ path: screenshot, fullPage: true });

  // The forum page, by keyboard: Tab to the forum's tile link, Enter.
  let onLink = false;
  for (let i = 0; i < 30 && !onLink; i++) {
    await page.keyboard.press("Tab");
    onLink = await page.evaluate((f) => document.activeElement?.getAttribute("href") === `#/forum/${f}`, forum);
  }
  if (!onLink) fail("Tab never reaches the forum's tile link");
  const visibleFocus = await page.evaluate(() => {
    const e = document.activeElement;
    return e.matches(":focus-visible") && getComputedStyle(e).outlineStyle !== "none";
  });
  if (!visibleFocus) fail("the focused tile link shows no focus");
  await page.keyboard.press("Enter");
  await page.locator("#forum-body").waitFor({ state: "visible", timeout: WAIT_MS });
  if ((await page.evaluate(() => location.hash)) !== `#/forum/${forum}`) fail("the forum page has no address of its own");
  if ((await page.evaluate(() => document.activeElement.id)) !== "forum-title") fail("focus did not move to the forum's heading");
  await page.evaluate(() => { window.notReloaded = true; });

  const count = (selector) => page.locator(selector).count();
  const text = (selector) => page.locator(selector).first().innerText();
  const waiting = async () => (await page.locator("#waiting tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.thread))).join(",");
  // The chart: an SVG drawn by the page, with its figures as a table.
  await until("no TTFR chart", async () => (await count("#ttfr-chart line")) > 0 && (await count("#ttfr-table tbody tr")) === 24);
  if (!(await text("#ttfr-caption")).includes("Time to first reply")) fail("the chart has no text alternative");
  if ((await page.getAttribute("#ttfr-chart", "role")) !== "img") fail("the chart is not announced as an image");
  // The unanswered list: both posts, ids and boards.
  await until("the unanswered list", async () => (await waiting()).split(",").sort().join(",") === "t-dash-1,t-dash-2", waiting);
  if (!(await text("#waiting tbody tr")).includes("general")) fail("no board in the unanswered list");
  // The crisis escalation with its timeline so far.
  const escalation = page.locator("#escalations article.esc.crisis").first();
  const steps = async () => (await escalation.locator("li").evaluateAll((li) => li.map((l) => l.dataset.kind))).join(",");
  await until("the escalation's timeline", async () => (await count("#escalations article.esc.crisis")) === 1 &&
    (await steps()).startsWith("opened") && (await steps()).includes("notified"), steps);
  // The week of cover: alpha's moderators are on around the clock.
  await until("the week of cover", async () => (await count("#cover-grid .cell[data-gap]")) === 168, async () => await count("#cover-grid .cell[data-gap]"));
  if ((await count("#cover-grid .cell.gap")) !== 0) fail("gaps shown where alpha has none");
  if (!(await text("#cover-table tbody tr")).includes("ana, ben")) fail("the roster does not say who is on");
  if ((await text('#compare [data-metric="federation-p50"]')) !== "not enough forums") fail("a median from one forum");
  console.log("FORUM");

  // Live on the forum page: acknowledged, both posts answered, a new one
  // waiting, other forums' posts making a federation median.
  await until("the new post is not listed live", async () => (await waiting()) === "t-dash-3", waiting);
  await until("the acknowledgement is not on the timeline", async () =>
    (await escalation.getAttribute("data-state")) === "acknowledged" && (await steps()).includes("acknowledged"), steps);
  const acknowledged = await escalation.locator('li[data-kind="acknowledged"]').innerText();
  if (!/Acknowledged by ana after \d+ s/.test(acknowledged)) fail(`the acknowledgement reads "${acknowledged}"`);
  if (!(await escalation.innerText()).includes("acknowledged after")) fail("no time to acknowledge");
  await until("no p50 point on the chart", async () => (await count('#ttfr-chart circle[data-series="p50"]')) > 0);
  await until("no federation median", async () => (await text('#compare [data-metric="federation-p50"]')) !== "not enough forums",
    () => text("#compare-note"));
  if (!(await page.evaluate(() => window.notReloaded))) fail("the page was reloaded");
  if (external.length) fail(`the page fetched from outside: ${external}`);
  const forumJson = await (await fetch(new URL(`/api/forums/${forum}?range=7d`, url), { headers: { cookie } })).text();
  noMemberData(forumJson, "the forum page");
  if (forumJson.includes('"beta"') || forumJson.includes('"gamma"')) fail("another forum's data on the forum page");
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-forum.png"), fullPage: true });

  // A forum with no roster: every hour of the week is a highlighted gap.
  await page.evaluate(() => { location.hash = "#/forum/beta"; });
  await until("beta's gaps in cover", async () => (await page.evaluate(() => location.hash)) === "#/forum/beta" &&
    (await count("#cover-grid .cell.gap")) === 168 && (await count("#cover-table tr.gap")) === 1);
  if ((await page.getAttribute("#cover-summary", "class")) !== "bad") fail("beta's gaps are not highlighted");
  console.log("PASS");
} finally {
  await browser.close();
}
