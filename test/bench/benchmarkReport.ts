/**
 * docs/benchmarks.md is assembled from sections, one per benchmark suite, each between
 * `<!-- bench:<id> -->` and `<!-- /bench:<id> -->`, so a suite run on its own replaces only
 * its own section and keeps the others' latest results.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPOSITORY_ROOT } from '../helpers/localStackProcess.ts';

export const BENCHMARKS_FILE = path.join(REPOSITORY_ROOT, 'docs/benchmarks.md');

const HEADER = `# Benchmarks

Written by \`npm run bench\` (all suites) or \`npm run bench -- <suite>\` (one suite); each
section says when, on what machine and with which command it was measured. Never edit by hand.
`;

/** One line saying when, where and how a section was measured. */
export function machineLine(command: string): string {
  const cpus = os.cpus();
  return `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, with \`${command}\`.`;
}

/** The 1-minute load average now: a run notes it at its start and end (the machine is shared). */
export const currentLoad = (): number => os.loadavg()[0] ?? 0;

export function loadSentence(load: { start: number; end: number }): string {
  return `The machine is shared: 1-minute load average ${load.start.toFixed(2)} at the start of the run, ${load.end.toFixed(2)} at the end, on ${os.cpus().length} cores.`;
}

export function replaceSection(document: string, id: string, markdown: string): string {
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from !== -1 && to > from)
    return document.slice(0, from) + block + document.slice(to + end.length);
  return `${document.trimEnd()}\n\n${block}\n`;
}

export function writeReportSection(id: string, markdown: string): void {
  const current = existsSync(BENCHMARKS_FILE) ? readFileSync(BENCHMARKS_FILE, 'utf8') : '';
  const document = current.includes('<!-- bench:') ? current : HEADER;
  writeFileSync(BENCHMARKS_FILE, replaceSection(document, id, markdown));
}
