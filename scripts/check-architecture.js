#!/usr/bin/env node
// The dependency rules of the design (see docs/architecture.md), checked on every `npm run lint`. Plain Node, no dependencies:
// a small scanner strips comments (respecting strings, templates and regex literals) so that what is
// checked is code, then import specifiers and a few forbidden constructs are matched line by line.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCANNED_DIRS = ['apps', 'libs', 'bench', 'test'];
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage']);
const TEST_FILE = /\.(spec|int-spec|e2e-spec)\.[cm]?[jt]sx?$/;
/** The composition root: the one app allowed to import the others. */
const COMPOSITION_ROOT = 'standalone';

/** @returns {string[]} paths relative to the repository root, with forward slashes */
function sourceFiles(dir) {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw error;
  }
  return entries.flatMap((entry) => {
    if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) return [];
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Blanks comments (keeping newlines, so line numbers hold) and, in `code`, also the contents of
 * string and template literals; `withStrings` keeps them, for reading import specifiers.
 */
function scan(source) {
  let withStrings = '';
  let code = '';
  const keep = (text) => {
    withStrings += text;
    code += text;
  };
  const blank = (text, alsoInStrings) => {
    const spaces = text.replace(/[^\n]/g, ' ');
    withStrings += alsoInStrings ? spaces : text;
    code += spaces;
  };
  const templateDepth = []; // brace depth at each open `${`
  let braces = 0;
  let lastSignificant = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? source.length : end;
      blank(source.slice(i, stop), true);
      i = stop;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      blank(source.slice(i, stop), true);
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      const stop = endOfQuoted(source, i, c);
      keep(c);
      blank(source.slice(i + 1, stop - 1), false);
      keep(source.slice(stop - 1, stop));
      i = stop;
      lastSignificant = c;
      continue;
    }
    if (c === '`' || (c === '}' && templateDepth.length > 0 && templateDepth[templateDepth.length - 1] === braces)) {
      if (c === '}') templateDepth.pop();
      const { stop, opensExpression } = endOfTemplateChunk(source, i + 1);
      keep(c);
      const closing = opensExpression ? 2 : 1;
      blank(source.slice(i + 1, stop - closing), false);
      keep(source.slice(stop - closing, stop));
      if (opensExpression) templateDepth.push(braces);
      i = stop;
      lastSignificant = '`';
      continue;
    }
    if (c === '/' && regexMayStart(lastSignificant, code)) {
      const stop = endOfRegex(source, i);
      keep(c);
      blank(source.slice(i + 1, stop), false);
      i = stop;
      lastSignificant = '/';
      continue;
    }
    if (c === '{') braces++;
    if (c === '}') braces--;
    if (!/\s/.test(c)) lastSignificant = c;
    keep(c);
    i++;
  }
  return { code, withStrings };
}

function endOfQuoted(source, start, quote) {
  let i = start + 1;
  while (i < source.length && source[i] !== quote && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, source.length);
}

function endOfTemplateChunk(source, start) {
  let i = start;
  while (i < source.length) {
    if (source[i] === '\\') i += 2;
    else if (source[i] === '`') return { stop: i + 1, opensExpression: false };
    else if (source[i] === '$' && source[i + 1] === '{') return { stop: i + 2, opensExpression: true };
    else i++;
  }
  return { stop: source.length, opensExpression: false };
}

function regexMayStart(lastSignificant, codeSoFar) {
  if (lastSignificant === '' || '(,=:[!&|?{};+-*%<>~^'.includes(lastSignificant)) return true;
  return /\b(return|typeof|case|do|else|in|of|void|yield|await)\s*$/.test(codeSoFar);
}

function endOfRegex(source, start) {
  let i = start + 1;
  let inClass = false;
  while (i < source.length && source[i] !== '\n') {
    const c = source[i];
    if (c === '\\') i += 2;
    else {
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) return i + 1;
      i++;
    }
  }
  return i;
}

const IMPORT_PATTERNS = [
  /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*(['"])([^'"\n]+)\1/g,
  /\bimport\s*(['"])([^'"\n]+)\1/g,
  /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g,
  /\brequire\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g,
  /\bjest\.(?:mock|unstable_mockModule)\s*\(\s*(['"])([^'"\n]+)\1/g,
];

function importsOf(text) {
  const found = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of text.matchAll(pattern)) found.push({ specifier: match[2], index: match.index });
  }
  return found;
}

const lineAt = (text, index) => text.slice(0, index).split('\n').length;

/** Where an import points inside the repository: `{ area: 'apps' | 'libs', name }`, or undefined for packages. */
function targetOf(file, specifier) {
  let path;
  if (specifier.startsWith('.')) path = relative(root, resolve(root, dirname(file), specifier)).split(sep).join('/');
  else if (/^(apps|libs)\//.test(specifier)) path = specifier; // resolved through tsconfig baseUrl
  else return undefined;
  const match = /^(apps|libs)\/([^/]+)/.exec(path);
  return match ? { area: match[1], name: match[2] } : undefined;
}

function checkFile(file) {
  const source = readFileSync(join(root, file), 'utf8');
  const { code, withStrings } = scan(source);
  const [area, owner] = file.split('/');
  const isTest = TEST_FILE.test(file);
  const inTesting = file.startsWith('libs/testing/');
  const offences = [];
  const offend = (index, rule, detail) => offences.push({ file, line: lineAt(source, index), rule, detail });

  for (const { specifier, index } of importsOf(withStrings)) {
    const lib = /^@tributary\/([^/]+)(\/.*)?$/.exec(specifier);
    if (lib?.[2]) offend(index, 'deep-import', `"${specifier}": import @tributary/${lib[1]} through its index`);
    if (lib?.[1] === 'testing' && (area === 'apps' || area === 'libs') && !isTest && !inTesting) {
      offend(index, 'testing-outside-tests', `"${specifier}" is for tests and benches only`);
    }
    const target = targetOf(file, specifier);
    if (!target) continue;
    if (target.area === 'apps' && area === 'libs') offend(index, 'lib-imports-app', `"${specifier}"`);
    if (target.area === 'apps' && area === 'apps' && target.name !== owner && owner !== COMPOSITION_ROOT && !isTest) {
      offend(index, 'app-imports-app', `"${specifier}": apps/${owner} must not import apps/${target.name}`);
    }
    if (target.area === 'libs' && !(area === 'libs' && owner === target.name)) {
      offend(index, 'lib-by-path', `"${specifier}": import it as @tributary/${target.name}`);
    }
  }

  const mayReadEnv = isTest || inTesting || /(^|\/)(main\.ts|[^/]+\.config\.ts)$/.test(file);
  if ((area === 'apps' || area === 'libs') && !mayReadEnv) {
    for (const index of envReads(code, withStrings)) offend(index, 'process-env', "read configuration in the app's *.config.ts (or main.ts)");
  }
  if (area === 'apps' || area === 'libs') {
    for (const match of code.matchAll(/\bsynchronize\s*:\s*true\b/g)) offend(match.index, 'synchronize', 'schemas change through migrations only');
  }
  return offences;
}

/** Positions of `process.env`, `process['env']`, `const { env } = process` and `import { env } from 'node:process'`. */
function envReads(code, withStrings) {
  const inCode = [/\bprocess\s*\??\.\s*env\b/g, /\{[^{}]*\benv\b[^{}]*\}\s*=\s*(?:globalThis\s*\.\s*)?process\b/g];
  // These need the string contents, so they run on the text with only comments removed.
  const inText = [/\bprocess\s*(?:\?\.)?\s*\[\s*(['"`])env\1\s*\]/g, /\bimport\s+[^;'"]*\{[^}]*\benv\b[^}]*\}\s*from\s*(['"])(?:node:)?process\1/g];
  return [
    ...inCode.flatMap((pattern) => [...code.matchAll(pattern)].map((m) => m.index)),
    ...inText.flatMap((pattern) => [...withStrings.matchAll(pattern)].map((m) => m.index)),
  ];
}

function main() {
  const files = SCANNED_DIRS.flatMap(sourceFiles);
  const offences = files.flatMap(checkFile);
  if (offences.length === 0) {
    console.log(`architecture: ok (${files.length} files)`);
    return;
  }
  console.error(`architecture: ${offences.length} offence${offences.length === 1 ? '' : 's'}`);
  for (const o of offences.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)) {
    console.error(`  ${o.file}:${o.line}  ${o.rule}  ${o.detail}`);
  }
  process.exitCode = 1;
}

main();
