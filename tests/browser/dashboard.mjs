// The dashboard in a real browser (Debian's Chromium, driven by
// playwright-core). Run by tests/dashboard.rs, which starts modstream and
// publishes events when this script says READY:
//
//   node dashboard.mjs URL FEDERATION_TOKEN FORUM_TOKEN FORUM SCREENSHOT
//
// It checks sign-in and scopes over HTTP, signs in with the keyboard, waits
// until the page shows a published post and a crisis escalation without a
// reload, and saves a screenshot. Any failure exits non-zero with a reason.
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

// Access over HTTP: nothing without a session, a wrong token refused, a
// forum's viewer sees only that forum.
if ((await fetch(new URL("/api/overview", url))).status !== 401) fail("overview without a session");
if ((await fetch(new URL("/api/live", url))).status !== 401) fail("live without a session");
if ((await signIn("not-a-token")).status !== 401) fail("a wrong token was accepted");
const forumSession = await signIn(forumToken);
if (!forumSession.ok) fail("the forum viewer could not sign in");
const cookie = forumSession.headers.get("set-cookie").split(";")[0];
const scoped = await (await fetch(new URL("/api/overview", url), { headers: { cookie } })).json();
const scopedForums = scoped.forums.map((f) => f.forum_id);
if (JSON.stringify(scopedForums) !== JSON.stringify([forum])) fail(`forum viewer saw ${scopedForums}`);
if (/m_[0-9a-f]{32}/.test(JSON.stringify(scoped))) fail("a pseudonym reached the dashboard");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
  const external = [];
  page.on("request", (r) => { if (!r.url().startsWith(url)) external.push(r.url()); });
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
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const unanswered = await metric("unanswered");
    const escalations = await metric("escalations");
    if (unanswered === "2" && escalations.startsWith("1 crisis")) break;
    if (Date.now() > deadline) fail(`not live: unanswered ${unanswered}, escalations ${escalations}`);
    await page.waitForTimeout(100);
  }
  if (!(await metric("oldest-unacknowledged")).match(/s|min/)) fail("no unacknowledged age shown");
  if (external.length) fail(`the page fetched from outside: ${external}`);
  // Now that a crisis post is on it: still no pseudonym, no post text.
  const after = JSON.stringify(await (await fetch(new URL("/api/overview", url), { headers: { cookie } })).json());
  if (/m_[0-9a-f]{32}/.test(after) || after.includes("overdose")) fail("member data reached the dashboard");
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log("PASS");
} finally {
  await browser.close();
}
