/**
 * Programs a test needs that npm cannot install (nc, ip, and later iptux, mosquitto, Xvfb, …).
 *
 * The rule (docs/TESTING.md, "Tools from the OS"): outside CI a missing tool skips the tests that
 * need it, with one line saying which tool and how to install it; in CI (`CI=true`, as .ci/run is
 * started) the same line fails them, because CI installs every tool and a skip there would hide
 * a broken setup.
 */
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'vitest';

export type Availability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface Tool {
  /** What is run, looked up on PATH. */
  readonly command: string;
  /** Arguments for a quick, harmless run; the tool counts as present when it starts at all. */
  readonly probe: readonly string[];
  /** The Debian package that provides it (what .ci/run installs); several separated by spaces. */
  readonly debianPackage: string;
  /** The probe must also exit 0 (a program that starts but lacks a part, e.g. a Python module). */
  readonly mustSucceed?: boolean;
}

/** The tools the tests use today. Add new ones here, with their Debian package. */
export const TOOLS = {
  /** netcat-openbsd: the plain UDP tool people chat with (`nc -u HOST 8000`). */
  nc: { command: 'nc', probe: ['-h'], debianPackage: 'netcat-openbsd' },
  /** iproute2: network namespaces, bridges and veth pairs for the multi-host test. */
  ip: { command: 'ip', probe: ['-V'], debianPackage: 'iproute2' },
  /** iproute2: lists listening sockets, to see when `nc -l` has bound. */
  ss: { command: 'ss', probe: ['-V'], debianPackage: 'iproute2' },
  /** util-linux's script(1): runs a program on a pseudo-terminal of its own (the terminal chat). */
  script: { command: 'script', probe: ['-V'], debianPackage: 'bsdutils' },
  /** The MQTT broker the relay tests start on a port of their own (docs/RELAY.md). */
  mosquitto: { command: 'mosquitto', probe: ['-h'], debianPackage: 'mosquitto' },
  /** mosquitto_passwd, for the shipped config's per-node users. */
  mosquittoPasswd: { command: 'mosquitto_passwd', probe: ['-h'], debianPackage: 'mosquitto' },
  /** Makes the test CA and broker certificate for the relay's TLS test. */
  openssl: { command: 'openssl', probe: ['version'], debianPackage: 'openssl' },
  /** iptux 0.8.3, the IP Messenger client the IPMsg module is tested against (test/integration/iptux.test.ts). */
  iptux: { command: 'iptux', probe: ['--version'], debianPackage: 'iptux' },
  /** The X server iptux's window lives in, headless. */
  xvfb: { command: 'Xvfb', probe: ['-help'], debianPackage: 'xvfb xauth' },
  /** A private D-Bus session bus for iptux (GtkApplication actions, accessibility). */
  dbusRunSession: {
    command: 'dbus-run-session',
    probe: ['--version'],
    debianPackage: 'dbus-daemon',
  },
  /**
   * Debian's Python with the AT-SPI bindings: test/helpers/iptux/atspi-driver.py clicks iptux's
   * buttons and fills its text fields through its accessibility tree.
   */
  atspi: {
    command: '/usr/bin/python3',
    probe: ['-c', 'import gi; gi.require_version("Atspi", "2.0"); from gi.repository import Atspi'],
    debianPackage: 'python3-gi gir1.2-atspi-2.0 at-spi2-core',
    mustSucceed: true,
  },
  /** nftables: mallory's forged source addresses (source NAT) and deaf hosts in the attack tests. */
  nft: { command: 'nft', probe: ['--version'], debianPackage: 'nftables' },
} as const satisfies Record<string, Tool>;

/** Whether this run is CI: `CI` set to anything but empty, `0` or `false` (GitHub and .ci/run set `true`). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env['CI']?.trim().toLowerCase() ?? '';
  return value !== '' && value !== '0' && value !== 'false';
}

const found = new Map<string, Availability>();

/** Runs the tool's probe once per process; any failure to start it (ENOENT, EACCES, …) is "missing". */
export function findTool(tool: Tool): Availability {
  const known = found.get(tool.command);
  if (known !== undefined) return known;
  const probe = spawnSync(tool.command, [...tool.probe], { stdio: 'ignore', timeout: 5_000 });
  const code = probe.error === undefined ? undefined : errorCode(probe.error);
  const failed = code === undefined && tool.mustSucceed === true && probe.status !== 0;
  const result: Availability =
    code === undefined && !failed
      ? { ok: true }
      : {
          ok: false,
          reason: failed
            ? `needs \`${tool.command}\` with ${tool.debianPackage}, whose probe failed (exit ${String(probe.status)}): apt-get install -y ${tool.debianPackage}`
            : `needs \`${tool.command}\`, which did not start (${code ?? '?'}): apt-get install -y ${tool.debianPackage}`,
        };
  found.set(tool.command, result);
  return result;
}

function errorCode(error: Error): string {
  return 'code' in error && typeof error.code === 'string' ? error.code : error.message;
}

/** The first unavailable one, or ok. */
export function allOf(...checks: readonly Availability[]): Availability {
  return checks.find((check) => !check.ok) ?? { ok: true };
}

const announced = new Set<string>();

/**
 * Call first thing in a test that needs `check`. Available: returns. Missing outside CI: prints
 * the reason once per process (the default reporter shows skipped tests only as a count) and
 * skips the test with it. Missing in CI: fails the test with the same line.
 */
export function requireOrSkip(ctx: TestContext, check: Availability): void {
  if (check.ok) return;
  const reason = oneLine(check.reason);
  if (isCi()) throw new Error(`${reason} (CI=true: a missing tool fails instead of skipping)`);
  if (!announced.has(reason)) {
    announced.add(reason);
    console.warn(`SKIPPED: ${ctx.task.file.name}: ${reason}`);
  }
  ctx.skip(reason);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** A suite or test name that says, when it will be skipped, why. */
export function nameWithSkipReason(name: string, check: Availability): string {
  return check.ok || isCi() ? name : `${name} — SKIPPED: ${oneLine(check.reason)}`;
}
