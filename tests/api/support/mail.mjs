// The folder mail transport as the tests read it: the .eml files under the server's data dir.
import path from 'node:path';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** The text of every email the server delivered so far. */
export function mailFiles(server) {
  const dir = path.join(server.dataDir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => readFileSync(path.join(dir, f), 'utf8'));
}

/** The email's text with quoted-printable undone. */
export const qpDecode = (eml) => Buffer.from(eml.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');

/** Polls `fn` every 100 ms until it returns something truthy (returned), or fails after `ms`. */
export async function waitFor(fn, what, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
