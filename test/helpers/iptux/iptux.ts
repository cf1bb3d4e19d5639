/**
 * A real iptux 0.8.3 in a network namespace, headless: Xvfb and a private D-Bus session, driven
 * through its accessibility tree by atspi-driver.py (see there for why that is the way to make
 * iptux send). Its home is a temporary folder: config.json sets the nickname, group, chat log
 * and the folder received files go to; `iptux -l DEBUG` writes every packet it sends and
 * receives to a log we can read.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { canUseNetns } from '../netns';
import { allOf, findTool, TOOLS, type Availability } from '../require-tool';
import { JsonLinesChild } from '../json-lines-child';

const DRIVER = fileURLToPath(new URL('./atspi-driver.py', import.meta.url));
const STEP_TIMEOUT_MS = 20_000;

/** Root, iproute2, iptux, Xvfb, dbus-run-session and Python's AT-SPI bindings. */
export function canRunIptux(): Availability {
  const netns = canUseNetns();
  if (!netns.ok) return netns;
  return allOf(
    findTool(TOOLS.iptux),
    findTool(TOOLS.xvfb),
    findTool(TOOLS.dbusRunSession),
    findTool(TOOLS.atspi),
  );
}

export interface IptuxOptions {
  readonly netns: string;
  readonly nick: string;
  readonly group?: string;
}

export class Iptux {
  /** Where iptux saves accepted files (its archive_path). */
  readonly inbox: string;
  private constructor(
    readonly home: string,
    private readonly driver: JsonLinesChild,
  ) {
    this.inbox = path.join(home, 'inbox');
  }

  static async start(options: IptuxOptions): Promise<Iptux> {
    const home = mkdtempSync(path.join(tmpdir(), 'pc-iptux-'));
    for (const dir of ['.iptux', '.config/iptux/log', '.cache', '.local/share', 'run', 'inbox']) {
      mkdirSync(path.join(home, dir), { recursive: true, mode: 0o700 });
    }
    const config = {
      nick_name: options.nick,
      belong_group: options.group ?? '',
      record_log: true,
      archive_path: path.join(home, 'inbox'),
      open_chat: false,
      hide_startup: false,
    };
    writeFileSync(path.join(home, '.iptux', 'config.json'), JSON.stringify(config, null, 2));
    const env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      XDG_DATA_HOME: path.join(home, '.local/share'),
      XDG_RUNTIME_DIR: path.join(home, 'run'),
      LANG: 'C.UTF-8',
      IPTUX_STDERR: path.join(home, 'iptux.log'),
      XVFB_LOG: path.join(home, 'xvfb.log'),
      ...(process.env['IPTUX_GDB'] === undefined ? {} : { IPTUX_GDB: '1' }),
    };
    const args = [
      'netns',
      'exec',
      options.netns,
      'dbus-run-session',
      '--',
      '/usr/bin/python3',
      DRIVER,
    ];
    const driver = new JsonLinesChild(`iptux@${options.netns}`, 'ip', args, { env });
    const iptux = new Iptux(home, driver);
    try {
      const ready = await driver.waitFor(
        (l) => l['event'] === 'ready' || l['event'] === 'failed',
        30_000,
        'iptux to start',
      );
      if (ready['ok'] !== true) throw new Error(`iptux did not start: ${String(ready['error'])}`);
    } catch (error) {
      await iptux.stop();
      throw error;
    }
    return iptux;
  }

  /** iptux's own count in its main window ("Pals Online: N"; it counts itself). */
  async onlineCount(): Promise<number> {
    const answer = await this.driver.request({ cmd: 'online' }, STEP_TIMEOUT_MS);
    return Number(answer['online']);
  }

  /** The main window's pal list: "nickname\nIP" per pal. */
  async pals(): Promise<string[]> {
    return (await this.driver.request({ cmd: 'pals' }, STEP_TIMEOUT_MS))['pals'] as string[];
  }

  /** Types `text` into the chat window with `ip` and presses Send. */
  async sendText(ip: string, text: string): Promise<void> {
    await this.driver.request({ cmd: 'send-text', ip, text }, STEP_TIMEOUT_MS);
  }

  /** Picks `name` (in iptux's home folder) in the Files or Dirs chooser of the chat with `ip`. */
  async attach(ip: string, kind: 'file' | 'folder', name: string): Promise<void> {
    await this.driver.request({ cmd: 'attach', ip, kind, name }, STEP_TIMEOUT_MS);
  }

  /** Presses Send in the chat with `ip` (sends the attached files). */
  async send(ip: string): Promise<void> {
    await this.driver.request({ cmd: 'send', ip }, STEP_TIMEOUT_MS);
  }

  async offered(ip: string): Promise<string[]> {
    return (await this.driver.request({ cmd: 'offered', ip }, STEP_TIMEOUT_MS))[
      'names'
    ] as string[];
  }

  /** Presses Accept for the offered files, then Save: they go to `inbox`. */
  async accept(ip: string): Promise<void> {
    await this.driver.request({ cmd: 'accept', ip }, STEP_TIMEOUT_MS);
  }

  /** iptux's DEBUG log: every packet it sent and received, hexdumped. */
  debugLog(): string {
    return readText(path.join(this.home, 'iptux.log'));
  }

  /** The packets iptux received, as it prints them (C string escapes, `\x00` for NUL). */
  receivedPackets(): string[] {
    const packets: string[] = [];
    const pattern = /received udp message from [\d.]+:\d+, size \d+\n"(.*)"\n/g;
    for (const match of this.debugLog().matchAll(pattern)) packets.push(match[1] ?? '');
    return packets;
  }

  /** iptux's chat log (record_log): "[STRING]text" for each message received or sent. */
  chatLog(): string {
    return readText(path.join(this.home, '.config', 'iptux', 'log', 'communicate.log'));
  }

  /** Stops iptux; its home (logs, received files) stays when KEEP_IPTUX_HOME is set, for a look. */
  async stop(): Promise<void> {
    await this.driver.stop();
    if (process.env['KEEP_IPTUX_HOME'] === undefined)
      rmSync(this.home, { recursive: true, force: true });
    else console.warn(`iptux home kept: ${this.home}`);
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
