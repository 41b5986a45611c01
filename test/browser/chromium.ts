/**
 * Debian's Chromium as the browser tests launch it, the SDK's and the CLI's
 * alike: at /usr/bin/chromium or $CHROMIUM_PATH, driven by playwright-core.
 */
import * as fs from "node:fs"
import { type Browser, chromium } from "playwright-core"

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"

// The flags this machine's closed network needs; Playwright adds --headless,
// --no-sandbox and a fresh --user-data-dir of its own.
const chromiumArgs = [
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

/** Fails at once, with what to do, when there is no Chromium to launch. */
export const assertChromium = (): void => {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is not at ${chromiumPath}: install Debian's chromium (apt-get install -y chromium; .ci/run does) ` +
        `or set CHROMIUM_PATH`
    )
  }
}

/** Headless Chromium with the flags above. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs })
