// A real Chromium for the UI tests: Debian's package, driven by playwright-core. Without one, the
// browser tests are skipped with a message (.ci/run installs it).
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { projectRoot } from "./shoebox";

const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(
  (p): p is string => Boolean(p),
);

export const chromiumPath = candidates.find((path) => existsSync(path));

export const noBrowser = chromiumPath
  ? false
  : "no Chromium found (install Debian's chromium package, or set CHROMIUM_PATH)";

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    // Root in a container needs --no-sandbox; the rest keep Chromium from calling home, which this
    // machine refuses and which would only slow it down.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

// Screenshots are kept as test artifacts, one per page and step, to be looked at.
export const screenshotDir = join(projectRoot, "tmp", "screenshots");

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

// Fails the test on any error the page logs (CSP violations among them) or throws.
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  return errors;
}
