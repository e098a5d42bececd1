/**
 * Counts the SQL statements of a whole process from its first one, for an app run as a child:
 * `STATEMENT_COUNT_FILE=/tmp/x.json node --import ./dist/libs/testing/src/statement-counter.preload.js dist/apps/gateway/main.js`.
 * On SIGUSR2 and at exit the tally so far (cumulative: diff two snapshots for a window) is written
 * as JSON to STATEMENT_COUNT_FILE, or as a report to stderr when it is unset.
 */
import { writeFileSync } from 'node:fs';
import { StatementCounter } from './statement-counter.js';
import { testEnvironment } from './test.config.js';

const file = testEnvironment().STATEMENT_COUNT_FILE;
const counter = new StatementCounter().start();

const dump = () => {
  if (!file) {
    process.stderr.write(`${counter.report(20)}\n`);
    return;
  }
  writeFileSync(file, JSON.stringify({ pid: process.pid, at: new Date().toISOString(), ...counter.toJSON() }));
};

process.on('SIGUSR2', dump);
process.on('exit', dump);
