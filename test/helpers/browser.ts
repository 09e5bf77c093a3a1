/**
 * Browser tests' helpers: Debian's Chromium driven by playwright-core (headless, no sandbox,
 * no background traffic, a fresh profile per launch), signing in through the real sign-in
 * page, and screenshots for the docs.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPOSITORY_ROOT } from './localStackProcess.ts';

export const CHROMIUM_PATH = process.env.SIGHTLINE_CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const SCREENSHOT_DIRECTORY = path.join(REPOSITORY_ROOT, 'docs/screenshots');

/**
 * Launches Chromium. playwright's launch gives every browser a fresh temporary profile
 * (user-data dir), removed on close; each context inside it has its own cookie jar.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y --no-install-recommends chromium) or set SIGHTLINE_CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

export interface SignedInUser {
  context: BrowserContext;
  page: Page;
}

/** Fills the sign-in form in a new context and waits to leave /sign-in. */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  credentials: { email: string; password: string },
  next = '/',
): Promise<SignedInUser> {
  const context = await browser.newContext({ baseURL: baseUrl });
  const page = await context.newPage();
  await page.goto(`/sign-in?${new URLSearchParams({ next })}`);
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  return { context, page };
}

/** Tries to sign in and returns what the form says (for refused attempts). */
export async function attemptSignIn(
  page: Page,
  credentials: { email: string; password: string },
): Promise<string> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  // Next.js keeps an empty role=alert route announcer on every page; the form's own is this.
  const alert = page.locator('.form-error[role="alert"]');
  await alert.waitFor();
  return (await alert.textContent()) ?? '';
}

/** Saves a full-page PNG under docs/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIRECTORY, { recursive: true });
  const file = path.join(SCREENSHOT_DIRECTORY, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The generated admin password the launcher printed on first start. */
export function adminCredentialsFrom(output: string): { email: string; password: string } {
  const match = /Created the admin (\S+) with the password (\S+) \(shown only now/.exec(output);
  if (!match) throw new Error(`The launcher printed no generated admin password:\n${output}`);
  return { email: match[1]!, password: match[2]! };
}
