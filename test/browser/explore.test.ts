/**
 * The explore pages in real headless Chromium against `sightline start` with seeded data:
 * the overview shows the seeded numbers, the explorer filters and opens traces, hostile trace
 * content renders inert and bounded, invalid filters are refused with reasons, and nothing of
 * another project leaks through a page or the API. Saves the README's screenshots.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCredentialsFrom, launchBrowser, screenshot, signIn } from '../helpers/browser.ts';
import {
  clickhouseForStack,
  startStackProcess,
  type StackProcess,
} from '../helpers/localStackProcess.ts';
import { replaceTemporaryPassword } from '../helpers/webSession.ts';
import {
  HOSTILE_EMAIL,
  HOSTILE_MARKER,
  HUGE_TEXT_CHARS,
  seedExploreData,
  type ExploreSeed,
} from './exploreSeed.ts';

let home: string;
let stack: StackProcess;
let clickhouse: ClickHouseClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let seed: ExploreSeed;
let baseUrl: string;
const dialogs: string[] = [];

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'sightline-explore-'));
  stack = await startStackProcess(home, ['--no-demo']);
  baseUrl = stack.info.web!.url;
  clickhouse = clickhouseForStack(stack.info);
  seed = await seedExploreData(clickhouse, stack.info.demoProject.projectId);
  browser = await launchBrowser();
  ({ context, page } = await signIn(browser, baseUrl, adminCredentialsFrom(stack.output())));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.setViewportSize({ width: 1440, height: 900 });
}, 420_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await clickhouse?.close();
  await stack?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const projectPath = (...segments: string[]) => ['/projects', seed.projectId, ...segments].join('/');

// The API's documented JSON shapes, read loosely: each test asserts the fields it needs.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ApiJson = any;

async function api(pathname: string): Promise<{ status: number; body: ApiJson }> {
  const response = await context.request.get(pathname);
  return { status: response.status(), body: await response.json() };
}

describe('overview', () => {
  it('shows the seeded numbers and draws the charts', async () => {
    await page.goto(projectPath('overview?range=24h'));

    await expect
      .poll(() => page.getByTestId('stat-requests').locator('.stat-value').textContent())
      .toBe(String(seed.requests));
    const errorRate = ((seed.errors / seed.requests) * 100).toFixed(1);
    expect(await page.getByTestId('stat-error-rate').locator('.stat-value').textContent()).toBe(
      `${errorRate}%`,
    );
    // One of the eleven calls has no price: the cost says so instead of hiding it.
    expect(await page.getByTestId('stat-cost').textContent()).toContain('1 requests unpriced');
    // Recharts draws a responsive chart only after it has measured its container, a moment
    // after the numbers are in: wait for the drawing instead of counting at once.
    await expect.poll(() => page.locator('.recharts-surface').count()).toBeGreaterThanOrEqual(4);
    const byModel = page.getByRole('region', { name: 'By model' });
    expect(await byModel.getByRole('link', { name: 'claude-3-5-haiku' }).count()).toBe(1);
    await screenshot(page, 'overview');
  });

  it('says so when a window has no requests', async () => {
    const day = 86_400_000;
    const from = new Date(Date.now() - 10 * day).toISOString();
    const to = new Date(Date.now() - 9 * day).toISOString();

    await page.goto(projectPath(`overview?${new URLSearchParams({ from, to })}`));

    expect(await page.getByTestId('empty-state').textContent()).toContain('No requests');
  });

  it('keeps filters in the URL and applies them', async () => {
    await page.goto(projectPath('overview?range=24h'));
    await page
      .getByRole('region', { name: 'By model' })
      .getByRole('link', { name: 'claude-3-5-haiku' })
      .click();

    await page.waitForURL(/model=claude-3-5-haiku/);
    await expect
      .poll(() => page.getByTestId('stat-requests').locator('.stat-value').textContent())
      .toBe(String(seed.claudeTraces));
    const summary = await api(
      `/api/v1/projects/${seed.projectId}/metrics/summary?range=24h&model=claude-3-5-haiku`,
    );
    expect(summary.status).toBe(200);
    expect(summary.body.summary.requests).toBe(seed.claudeTraces);
  });
});

describe('trace explorer', () => {
  it('lists the traces and filters them by user through the form', async () => {
    await page.goto(projectPath('traces?range=24h'));
    const rows = page.getByTestId('traces-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(seed.traceIds.length);
    await screenshot(page, 'traces');

    await page.getByLabel('User', { exact: true }).fill('user-alice');
    await page.getByRole('button', { name: 'Apply' }).click();

    await page.waitForURL(/userId=user-alice/);
    await expect.poll(() => rows.count()).toBe(seed.tracesByUser['user-alice']);
  });

  it('remembers the columns chosen and takes a custom window into the URL', async () => {
    await page.goto(projectPath('traces?range=24h'));
    const table = page.getByTestId('traces-table');
    await table.waitFor();
    expect(await table.getByRole('columnheader', { name: 'Trace id' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('checkbox', { name: 'Trace id' }).check();
    await page.reload();

    await expect.poll(() => table.getByRole('columnheader', { name: 'Trace id' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Custom' }).click();
    await page.getByLabel('From (UTC)').fill('2026-01-01T00:00');
    await page.getByLabel('To (UTC)').fill('2026-01-02T00:00');
    await page.getByRole('button', { name: 'Apply' }).first().click();
    await page.waitForURL(/from=2026-01-01T00%3A00%3A00Z/);
    expect(page.url()).toContain('to=2026-01-02T00%3A00%3A00Z');
    expect(page.url()).not.toContain('range=');
    expect(await page.getByTestId('empty-state').textContent()).toContain('No traces match');
  });

  it('sorts on the server by a column header', async () => {
    await page.goto(projectPath('traces?range=24h'));
    await page.getByRole('link', { name: /^Latency/ }).click();
    await page.waitForURL(/sort=duration_ms/);

    const api1 = await api(
      `/api/v1/projects/${seed.projectId}/traces?range=24h&sort=duration_ms&direction=desc`,
    );
    const durations = api1.body.rows.map((row: { durationMs: number }) => row.durationMs);
    expect(durations).toEqual([...durations].sort((a, b) => b - a));
  });

  it('finds traces with PII and opens one, with the finding marked in the text', async () => {
    await page.goto(projectPath('traces?range=24h&hasPii=true'));
    const rows = page.getByTestId('traces-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);

    await rows.first().getByRole('link').first().click();
    await page.waitForURL(new RegExp(`/traces/${seed.hostileTraceId}`));

    const mark = page.locator('mark.finding-mark');
    await expect.poll(() => mark.count()).toBe(1);
    expect(await mark.textContent()).toBe(HOSTILE_EMAIL);
    expect(await page.getByText('helpfulness').count()).toBeGreaterThan(0);
  });

  it('shows an ordinary trace as a conversation with its usage and cost', async () => {
    await page.goto(projectPath('traces', seed.traceIds[9]!));

    const details = page.getByRole('region', { name: 'Span details' });
    await details.waitFor();
    expect(await details.locator('.message.role-user').textContent()).toContain(
      'Question number 9',
    );
    expect(await details.locator('.message.role-assistant').textContent()).toContain(
      'Answer number 9',
    );
    expect(await details.textContent()).toContain('$0.01');
    // A score about the whole trace shows with its root span.
    expect(await details.getByRole('row', { name: /helpfulness/ }).textContent()).toContain('pass');
    await screenshot(page, 'trace-detail');
  });
});

describe('hostile trace content', () => {
  it('renders inert and bounded', async () => {
    await page.goto(projectPath('traces', seed.hostileTraceId));
    await page.getByRole('heading', { level: 1 }).waitFor();

    const state = await page.evaluate((marker) => {
      const main = document.querySelector('main')!;
      return {
        pwned: (window as unknown as { __pwned?: number }).__pwned,
        injectedImages: main.querySelectorAll('img').length,
        // Next.js ships the page's data to the browser in `self.__next_f.push(...)` scripts,
        // as JSON strings; any other script carrying the payload would be an injection.
        injectedScripts: [...document.scripts].filter(
          (s) => s.text.includes(marker) && !s.text.startsWith('self.__next_f.push('),
        ).length,
        injectedFrames: document.querySelectorAll('iframe, svg[onload]').length,
        javascriptLinks: [...document.querySelectorAll('a')].filter((a) =>
          a.href.toLowerCase().startsWith('javascript:'),
        ).length,
        textLength: document.body.innerText.length,
        heading: document.querySelector('h1')?.textContent,
      };
    }, HOSTILE_MARKER);

    expect(dialogs).toEqual([]);
    expect(state.pwned).toBeUndefined();
    expect(state.injectedImages).toBe(0);
    expect(state.injectedScripts).toBe(0);
    expect(state.injectedFrames).toBe(0);
    expect(state.javascriptLinks).toBe(0);
    // The markup is shown as the text it is.
    expect(state.heading).toContain('<img src=x onerror=');
    // The million-character part is cut (20k shown, the rest behind "show more", capped).
    expect(state.textLength).toBeLessThan(HUGE_TEXT_CHARS / 2);
    expect(await page.getByText(/Truncated for display/).count()).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'trace-hostile');
  });

  it('shows the tool span with invalid UTF-8 and the deeply nested parameters', async () => {
    await page.goto(projectPath('traces', `${seed.hostileTraceId}?span=${seed.hostileToolSpanId}`));
    await page.getByRole('heading', { name: /lookup_order/ }).waitFor();
    expect(await page.locator('.span-details').textContent()).toContain('\uFFFD');

    await page.goto(projectPath('traces', seed.hostileTraceId));
    const params = page.getByRole('heading', { name: 'Request parameters' });
    await params.waitFor();
    expect(dialogs).toEqual([]);
  });
});

describe('bad input', () => {
  it('answers invalid filters with 400 and the reasons, and pages with a readable panel', async () => {
    const response = await api(
      `/api/v1/projects/${seed.projectId}/traces?costMin=cheap&range=2y&sort=name`,
    );

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_REQUEST');
    const paths = response.body.error.issues.map((issue: { path: string[] }) =>
      issue.path.join('.'),
    );
    expect(paths).toEqual(expect.arrayContaining(['query.costMin', 'query.range', 'query.sort']));

    await page.goto(projectPath('traces?costMin=cheap'));
    const alert = page.getByRole('alert').filter({ hasText: 'Invalid request' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('costMin');
  });

  it.each([
    ['a tampered cursor', '/traces?cursor=AAAA'],
    ['a trace id that is no trace id', '/traces/not-a-trace'],
    ['a window reversed', '/metrics/summary?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z'],
    ['an unknown breakdown', '/metrics/breakdown?dimension=password'],
  ])('refuses %s with 400', async (_what, suffix) => {
    const response = await api(`/api/v1/projects/${seed.projectId}${suffix}`);

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_REQUEST');
  });
});

describe('roles', () => {
  it('shows a viewer the numbers but no trace content, on pages and in the API', async () => {
    const added = await context.request.post(`/api/v1/projects/${seed.projectId}/members`, {
      data: { email: 'viewer@example.com', role: 'viewer' },
      headers: { origin: baseUrl },
    });
    expect(added.status()).toBe(201);
    const { temporaryPassword } = await added.json();
    const viewer = await signIn(
      browser,
      baseUrl,
      await replaceTemporaryPassword(baseUrl, {
        email: 'viewer@example.com',
        password: temporaryPassword,
      }),
    );
    try {
      const trace = await viewer.context.request.get(
        `/api/v1/projects/${seed.projectId}/traces/${seed.hostileTraceId}`,
      );
      const body = await trace.json();
      expect(body.contentHidden).toBe(true);
      expect(JSON.stringify(body)).not.toContain(HOSTILE_EMAIL);
      expect(body.spans[0].input_messages).toBe('');
      const search = await viewer.context.request.get(
        `/api/v1/projects/${seed.projectId}/traces?range=24h&text=order`,
      );
      expect(search.status()).toBe(403);
      const list = await (
        await viewer.context.request.get(`/api/v1/projects/${seed.projectId}/traces?range=24h`)
      ).json();
      expect(list.rows).toHaveLength(seed.traceIds.length);
      expect(list.rows.every((row: { inputPreview: string }) => row.inputPreview === '')).toBe(
        true,
      );

      await viewer.page.goto(projectPath('traces', seed.traceIds[9]!));
      await viewer.page.getByRole('region', { name: 'Span details' }).waitFor();
      const text = await viewer.page.textContent('body');
      expect(text).toContain('your role cannot read content');
      expect(text).not.toContain('Question number 9');
      await viewer.page.goto(projectPath('overview?range=24h'));
      await expect
        .poll(() => viewer.page.getByTestId('stat-requests').locator('.stat-value').textContent())
        .toBe(String(seed.requests));
    } finally {
      await viewer.context.close();
    }
  });
});

describe('API document', () => {
  it('documents every explore operation', async () => {
    const document = await api('/api/v1/openapi.json');

    expect(document.status).toBe(200);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/projects/{projectId}/metrics/summary',
        '/api/v1/projects/{projectId}/metrics/series',
        '/api/v1/projects/{projectId}/metrics/breakdown',
        '/api/v1/projects/{projectId}/metrics/top-users',
        '/api/v1/projects/{projectId}/traces',
        '/api/v1/projects/{projectId}/traces/{traceId}',
        '/api/v1/projects/{projectId}/users',
        '/api/v1/projects/{projectId}/users/{userId}',
        '/api/v1/projects/{projectId}/sessions/{sessionId}',
        '/api/v1/projects/{projectId}/prompts',
        '/api/v1/projects/{projectId}/prompts/compare',
      ]),
    );
  });
});

describe('project isolation', () => {
  it("never shows another project's trace, by id or by search", async () => {
    const byId = await api(`/api/v1/projects/${seed.projectId}/traces/${seed.otherTraceId}`);
    const byUser = await api(
      `/api/v1/projects/${seed.projectId}/traces?range=24h&userId=${seed.otherUserId}`,
    );
    const byText = await api(
      `/api/v1/projects/${seed.projectId}/traces?range=24h&text=confidential`,
    );
    const otherProject = await api(`/api/v1/projects/${seed.otherProjectId}/traces?range=24h`);
    const otherTrace = await api(
      `/api/v1/projects/${seed.otherProjectId}/traces/${seed.otherTraceId}`,
    );

    expect(byId.status).toBe(404);
    expect(byUser.body.rows).toEqual([]);
    expect(byText.body.rows).toEqual([]);
    expect(otherProject.status).toBe(404);
    expect(otherTrace.status).toBe(404);

    const response = await page.goto(projectPath('traces', seed.otherTraceId));
    expect(response?.status()).toBe(404);
    expect(await page.textContent('body')).not.toContain('other-project-secret-call');
    const otherPage = await page.goto(
      `/projects/${seed.otherProjectId}/traces/${seed.otherTraceId}`,
    );
    expect(otherPage?.status()).toBe(404);
    expect(await page.textContent('body')).not.toContain('other-project-secret-call');
  });
});

describe('users, sessions and prompts', () => {
  it('lists users with their usage and opens one', async () => {
    await page.goto(projectPath('users?range=24h'));
    const table = page.getByTestId('users-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
    await screenshot(page, 'users');

    await table.getByRole('link', { name: 'user-bob' }).click();
    await page.waitForURL(/users\/user-bob/);
    await expect
      .poll(() => page.getByTestId('traces-table').locator('tbody tr').count())
      .toBe(seed.tracesByUser['user-bob']);
  });

  it('shows a session as one conversation in order', async () => {
    await page.goto(projectPath('sessions', 'session-alice-1'));
    const turns = page.locator('.session-turn');
    await expect.poll(() => turns.count()).toBe(seed.tracesByUser['user-alice']);
    expect(await turns.first().textContent()).toContain('Question number 0');
  });

  it('compares two prompt versions side by side', async () => {
    await page.goto(projectPath('prompts?range=24h'));
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL(/name=support/);

    const compare = page.getByTestId('prompt-compare');
    await compare.waitFor();
    expect(await compare.textContent()).toContain('v1 vs v2');
    const response = await api(
      `/api/v1/projects/${seed.projectId}/prompts/compare?range=24h&name=support&a=1&b=2`,
    );
    expect(
      response.body.versions.map((v: { metrics: { requests: number } }) => v.metrics.requests),
    ).toEqual([5, 5]);
    expect(
      response.body.versions.map(
        (v: { evalScores: Array<{ evaluator: string; mean: number }> }) => v.evalScores,
      ),
    ).toEqual([
      [expect.objectContaining({ evaluator: 'helpfulness', mean: 0.6, passRate: 0, count: 5 })],
      [expect.objectContaining({ evaluator: 'helpfulness', mean: 0.8, passRate: 1, count: 5 })],
    ]);
    expect(await compare.getByRole('row', { name: /helpfulness/ }).textContent()).toContain(
      '+33.3%',
    );
    await screenshot(page, 'prompts-compare');
  });
});
