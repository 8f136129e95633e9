import { defineConfig } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The real server (PREFLIGHT_BIN: the binary `make test` built, else the release one) on a fresh
// SQLite database, on its own port.
const bin = process.env.PREFLIGHT_BIN ?? '../target/release/preflight';
const port = Number(process.env.PREFLIGHT_E2E_PORT ?? 3100);
const dataDir =
  process.env.PREFLIGHT_E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-e2e-'));
process.env.PREFLIGHT_E2E_DATA_DIR = dataDir; // workers reuse the same directory

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: `${bin} serve`,
    url: `http://127.0.0.1:${port}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PREFLIGHT_ADDR: `127.0.0.1:${port}`,
      PREFLIGHT_DATA_DIR: dataDir,
      LEPTOS_SITE_ROOT: '../target/site',
      DATABASE_URL: '',
      RUST_LOG: 'warn',
    },
  },
});
