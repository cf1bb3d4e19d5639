// The command-line node's entry file, dist-cli/packet-chat.js (vite.cli.config.ts): small, so that
// running the node again costs one Node start-up and no more. It runs the node again, once, with
// its start-up settings in effect (start-settings.ts: glibc's malloc tunables and a V8 flag, which
// only the environment and the command line can set), then loads the node, dist-cli/main.js,
// built from main.ts. process.execve() replaces the process: the same pid, stdin, stdout, stderr
// and terminal, no second resident process, and signals reach the node as before. Where it is
// missing (before Node 22.15, Windows) the node starts as it is.
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { relaunchPlan } from './start-settings';

/**
 * A failed execve() is not an error JavaScript can catch: Node aborts the process. So it is only
 * tried when the two files it needs can be run and read.
 */
function canRelaunch(script: string): boolean {
  try {
    accessSync(process.execPath, constants.X_OK);
    accessSync(script, constants.R_OK);
    return true;
  } catch {
    // Not there or not allowed: start without the settings.
    return false;
  }
}

const plan = relaunchPlan({
  execPath: process.execPath,
  execArgv: process.execArgv,
  argv: process.argv,
  env: process.env,
  platform: process.platform,
  nodeVersion: process.versions.node,
  entry: __filename,
});
if (plan !== undefined && process.execve !== undefined && canRelaunch(__filename)) {
  process.execve(process.execPath, [...plan.args], plan.env);
}
// Then the node, dist-cli/main.js beside this file (vite.cli.config.ts, CLI_MAIN). This file is
// only ever run as the CommonJS build (the tests and the benches run main.ts through tsx), so
// __filename and __dirname here are this file's.
createRequire(__filename)(join(__dirname, 'main.js'));
