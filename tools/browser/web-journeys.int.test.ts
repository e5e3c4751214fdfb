/**
 * The web client in a real browser (Debian's Chromium, driven by playwright-core, headless), on a
 * phone-sized screen, against the real gateway serving the built app, the real media API and
 * worker, and the local stack: a customer signs up, uploads a photo (tus, progress bar, then the
 * worker's thumbnail) with a quote request; a dealer sees it with the photo, quotes and revises; a
 * second dealer quotes; the customer compares both side by side and accepts; an analyst opens the
 * reports. Screenshots go to test-results/browser/. Every wait is for an element or a state, never
 * a fixed sleep.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testStaffEmail } from '@chucar/domain/testing';
import { ko } from '../../apps/web/src/i18n/messages.ts';
import { activeDealer, callApi, requestsByRoute, signInStaff, submitQuote, testPassword, uniqueEmail, type Session } from './api-session.ts';
import { ensureChromium } from './chromium.ts';
import { startWebStack, type WebStack } from './web-stack.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const screenshotDir = path.join(repoRoot, 'test-results', 'browser');
const phone = { width: 390, height: 844 };
const WAIT_MS = 20_000;

/** YYYY-MM-DD in Korea, `days` days ago: the reports' calendar. */
function koreanDayBefore(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date(Date.now() - days * 86_400_000));
}

/** A photo of about 1.7 MB (noise does not compress), so the upload takes two tus chunks of 1 MiB. */
async function cameraLikePhoto(): Promise<Buffer> {
  const width = 1600;
  const height = 1200;
  const pixels = randomBytes(width * height * 3);
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
}

describe('web client in Chromium (customer, dealer and analyst journeys)', () => {
  let stack: WebStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const policyViolations: string[] = [];
  const pageErrors: string[] = [];

  let requestId = 0;
  let listPriceKrw = 0;
  let customerPage: Page;
  let dealer: Session;

  let executablePath: string;
  // On a fresh machine (CI, as root) apt-get installs Chromium first: minutes at worst, so its own hook.
  beforeAll(() => {
    executablePath = ensureChromium();
  }, 600_000);
  beforeAll(async () => {
    fs.mkdirSync(screenshotDir, { recursive: true });
    [stack, browser] = await Promise.all([startWebStack(), chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] })]);
  }, 120_000);
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    // What each open page showed when the step failed, beside the step's screenshots.
    const pages = contexts.flatMap((open) => open.pages());
    await Promise.all(pages.map((page, index) => shot(page, `failed-${context.task.name.slice(0, 20).replace(/\W+/g, '-')}-${index}`).catch(() => undefined)));
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: phone, locale: 'ko-KR', timezoneId: 'Asia/Seoul', acceptDownloads: true, baseURL: stack.url });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  /**
   * Waits for `text`; if the page shows a problem instead, fails at once with what it says (the
   * API's answer), rather than after the timeout with nothing to go on.
   */
  async function waitForText(page: Page, text: string): Promise<void> {
    const problem = page.getByTestId('problem').first();
    const outcome = await Promise.race([
      page.getByText(text).first().waitFor().then(() => ({ shown: true }), () => ({ shown: false })),
      problem.waitFor().then(async () => ({ problem: await problem.textContent() }), () => ({ shown: false })),
    ]);
    if ('problem' in outcome) throw new Error(`the page shows a problem instead of "${text}": ${outcome.problem}`);
    if (!outcome.shown) throw new Error(`"${text}" did not appear within ${WAIT_MS} ms`);
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });

  async function signIn(page: Page, email: string, password = testPassword): Promise<void> {
    await page.goto('/signin');
    await page.locator('input[name=email]').fill(email);
    await page.locator('input[name=password]').fill(password);
    await page.locator('form button[type=submit]').click();
  }

  it('customer: a wrong password is a clear message; sign-up lands on their requests', async () => {
    customerPage = await newPage();
    const email = uniqueEmail('browser-customer');
    await signIn(customerPage, email, 'not the password');
    await expect(customerPage.getByTestId('problem').textContent()).resolves.toContain(ko.code_invalid_credentials);

    await customerPage.goto('/signup');
    await customerPage.locator('input[name=displayName]').fill('김고객');
    await customerPage.locator('input[name=email]').fill(email);
    await customerPage.locator('input[name=password]').fill(testPassword);
    await customerPage.locator('form button[type=submit]').click();
    await customerPage.waitForURL('**/requests');
    await expect(customerPage.getByTestId('signed-in-as').textContent()).resolves.toContain('김고객');
    await customerPage.getByText(ko.noRequests).waitFor();
  });

  it('customer: picks a car, uploads a photo with a progress bar (resuming after a dropped connection), sees its thumbnail, and sends the request', async () => {
    const page = customerPage;
    await page.goto('/catalog');
    await page.getByTestId('trim-card').first().waitFor();
    expect(await page.getByTestId('trim-card').first().textContent()).toMatch(/₩[\d,]+/);
    await page.getByTestId('request-quote').first().click();
    await page.getByTestId('new-request-car').waitFor();

    // A file that is no photo: the media service refuses it (415) and the page says why, in Korean.
    await page.getByTestId('photo-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo at all, just some text for the upload test\n'.repeat(20)) });
    const refused = page.locator('[data-testid=photo-item]', { hasText: 'notes.txt' }).getByTestId('problem');
    await refused.waitFor();
    expect(await refused.getAttribute('data-status')).toBe('415');
    expect(await refused.textContent()).toContain(ko.error_415);
    await page.locator('[data-testid=photo-item]', { hasText: 'notes.txt' }).getByRole('button', { name: ko.removePhoto }).click();

    // The connection drops as the second chunk starts: the client asks the server's offset (HEAD)
    // and resumes from the first chunk's end instead of sending the photo again.
    const uploadCalls: string[] = [];
    let dropped = false;
    await page.route('**/v1/uploads/**', (route) => {
      const request = route.request();
      const offset = request.headers()['upload-offset'];
      if (request.method() === 'PATCH' && offset !== '0' && !dropped) {
        dropped = true;
        uploadCalls.push(`PATCH ${offset} dropped`);
        return route.abort('connectionreset');
      }
      uploadCalls.push(request.method() === 'PATCH' ? `PATCH ${offset}` : request.method());
      return route.continue();
    });
    const photo = await cameraLikePhoto();
    await page.getByTestId('photo-input').setInputFiles({ name: 'my-car.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.getByTestId('upload-progress').waitFor();
    // Uploaded: the bar is full, and the worker's 320 px preview replaces the placeholder.
    await waitForText(page, ko.uploadDone);
    expect(await page.getByTestId('upload-progress').evaluate((bar) => Reflect.get(bar, 'value'))).toBe(1);
    await page.unroute('**/v1/uploads/**');
    expect(photo.length).toBeGreaterThan(1024 * 1024);
    expect(uploadCalls.slice(0, 4)).toEqual(['PATCH 0', 'PATCH 1048576 dropped', 'HEAD', 'PATCH 1048576']);
    const thumb = page.getByTestId('media-thumb');
    await thumb.waitFor({ timeout: 30_000 });
    // The image itself loaded (from the signed S3 URL, allowed by the page's img-src), not only its tag.
    await page.waitForFunction("(() => { const image = document.querySelector('[data-testid=media-thumb]'); return image !== null && image.complete && image.naturalWidth > 0; })()");
    expect(await thumb.evaluate((image) => Reflect.get(image, 'naturalWidth'))).toBe(320);
    await shot(page, '01-customer-new-request');

    const [create] = await Promise.all([
      page.waitForRequest((request) => request.method() === 'POST' && new URL(request.url()).pathname === '/v1/quote-requests'),
      page.getByTestId('submit-request').click(),
    ]);
    // A retry of this submission would reuse the key, so the gateway cannot apply it twice.
    expect(await create.headerValue('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    await page.waitForURL(/\/requests\/\d+$/);
    requestId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByText(ko.noQuotesYet).waitFor();
    await page.locator('[data-testid=request-photos] [data-testid=media-thumb]').waitFor();
    const customerToken = await page.evaluate(() => JSON.parse(sessionStorage.getItem('chucar.session') ?? '{}').accessToken);
    const { body: created } = await callApi<{ attachmentIds: string[]; listPriceKrw: number; region: string }>(stack.url, 'GET', `/v1/quote-requests/${requestId}`, { headers: { authorization: `Bearer ${customerToken}` } });
    expect(created.attachmentIds).toHaveLength(1);
    expect(created.region).toBe('seoul');
    listPriceKrw = created.listPriceKrw;
    // The client kept the consistency token of its last write, to read it back from any gateway.
    expect(await page.evaluate(() => sessionStorage.getItem('chucar.consistencyToken'))).toMatch(/^\d+-\d+-\d+/);
    await shot(page, '02-customer-request-sent');
  });

  it('dealer: sees the open request of their region with its photo, sends a quote and revises it', async () => {
    expect(requestId).toBeGreaterThan(0);
    dealer = await activeDealer(stack.url, ['seoul'], 'browser-dealer');
    const page = await newPage();
    await signIn(page, dealer.account.email);
    await page.waitForURL('**/dealer/requests');
    const card = page.locator(`[data-testid=dealer-request-card][data-request-id="${requestId}"]`);
    await card.getByTestId('media-thumb').waitFor();
    await shot(page, '03-dealer-open-requests');
    await card.locator('a').click();
    await page.waitForURL(`**/dealer/requests/${requestId}`);
    await page.locator('[data-testid=request-photos] [data-testid=media-thumb]').waitFor();

    await page.getByTestId('quote-price-input').fill(String(listPriceKrw - 1_500_000));
    await page.getByTestId('save-quote').click();
    await waitForText(page, ko.quoteSubmitted);
    await page.getByTestId('my-quote').waitFor();

    await page.getByTestId('quote-price-input').fill(String(listPriceKrw - 2_000_000));
    await page.getByTestId('save-quote').click();
    await waitForText(page, '견적을 수정했습니다 (수정 2회차).');
    const revisedPrice = new Intl.NumberFormat('ko-KR', { style: 'currency', currency: 'KRW' }).format(listPriceKrw - 2_000_000);
    await page.locator('[data-testid=my-quote]', { hasText: revisedPrice }).waitFor();
    await shot(page, '04-dealer-quote-revised');
  });

  it('customer: compares the two quotes side by side, cheapest first, and accepts one', async () => {
    const second = await activeDealer(stack.url, ['seoul'], 'browser-dealer-2');
    await submitQuote(stack.url, second, { id: requestId, listPriceKrw });
    const page = customerPage;
    await page.goto(`/requests/${requestId}`);
    await page.locator('[data-testid=quote-card]:nth-child(2)').waitFor();
    const prices = await page.getByTestId('quote-price').allTextContents();
    const krw = new Intl.NumberFormat('ko-KR', { style: 'currency', currency: 'KRW' });
    expect(prices).toEqual([krw.format(listPriceKrw - 2_000_000), krw.format(listPriceKrw - 1_000_000)]);
    expect(await page.getByTestId('quote-card').first().textContent()).toContain(ko.lowestPrice);
    await shot(page, '05-customer-compare-quotes');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('accept-quote').first().click();
    await waitForText(page, ko.accepted);
    await page.locator('[data-testid=request-status]', { hasText: ko.status_accepted }).waitFor();
    const { body: request } = await callApi<{ status: string }>(stack.url, 'GET', `/v1/quote-requests/${requestId}`, { headers: dealer.headers });
    expect(request.status).toBe('accepted');
    await shot(page, '06-customer-accepted');
  });

  it('analyst: runs a report for a date range with its chart, freshness and CSV download', async () => {
    await signInStaff(stack.url, 'analyst');
    const page = await newPage();
    await signIn(page, testStaffEmail('analyst'));
    await page.waitForURL('**/reports');
    await page.getByTestId('report-form').waitFor();
    await page.getByTestId('report-name').selectOption('volume');
    await page.getByTestId('report-from').fill(koreanDayBefore(6));
    await page.getByTestId('report-to').fill(koreanDayBefore(0));
    await page.getByTestId('run-report').click();
    const table = page.getByTestId('report-table');
    await Promise.race([table.waitFor(), page.getByTestId('problem').waitFor().then(async () => {
      throw new Error(`the report failed: ${await page.getByTestId('problem').textContent()}`);
    })]);
    expect(await page.getByTestId('freshness').textContent()).toMatch(/기준 시각 .+ · 복제 지연 [\d.]+초/);
    await page.getByTestId('chart').first().waitFor();
    // Seven Korean days, one row each; this test's request is in the last one.
    expect(await table.locator('tbody tr').count()).toBe(7);
    // The page groups digits (1,234): read the count back without them.
    const todaysRequests = (await table.locator('tbody tr').last().locator('td').nth(1).textContent()) ?? '';
    expect(Number(todaysRequests.replace(/[^\d]/g, '')), todaysRequests).toBeGreaterThanOrEqual(1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^volume-.*\.csv$/);
    const csv = fs.readFileSync(await download.path());
    // UTF-8 with a BOM, so Excel reads the Korean labels.
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.toString('utf8')).toContain('견적 요청');
    await shot(page, '07-analyst-reports');

    // English on request, everywhere in the interface.
    await page.getByTestId('language').selectOption('en');
    await page.getByRole('heading', { name: 'Reports' }).waitFor();
    await shot(page, '08-analyst-reports-english');
  });

  const sumOf = (counts: Map<string, number>, match: (route: string) => boolean) => [...counts].filter(([route]) => match(route)).reduce((sum, [, count]) => sum + count, 0);

  it('was served by both gateways behind the balancer (the client never needed the same instance twice)', async () => {
    for (const gatewayUrl of stack.gatewayUrls) expect(sumOf(await requestsByRoute(gatewayUrl), (route) => route.startsWith('/v1/'))).toBeGreaterThan(5);
  });

  it('loaded the hashed assets once per browser, however many pages it opened (cached for good)', async () => {
    const all = await Promise.all(stack.gatewayUrls.map(requestsByRoute));
    const pages = all.reduce((sum, counts) => sum + sumOf(counts, (route) => route === '/' || route === '/*'), 0);
    const assets = all.reduce((sum, counts) => sum + sumOf(counts, (route) => route.startsWith('/assets/')), 0);
    // index.html is asked for on every page load (no-cache), the script and style sheet only once per
    // browser context: the customer's context loaded four pages and fetched them once.
    expect(pages).toBeGreaterThan(contexts.length);
    expect(assets).toBe(2 * contexts.length);
  });

  it('ran under the page policy without a violation or an uncaught error', () => {
    expect(policyViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
