// The second pass of `npm run lint`'s dependency check: cycles, in the code that ships. Test files are left out:
// a lib's spec may use @tributary/testing, which builds on that lib, and an app's spec may use test/support, which
// builds on that app; such loops exist only in tests and say nothing about the design.
const base = require('./.dependency-cruiser.cjs');
const TEST_FILE = '\\.(spec|int-spec|e2e-spec)\\.[cm]?[jt]sx?$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular-libs',
      comment: 'Libs form layers: no cycle between libs (lib A needs lib B and B needs A, directly or through others).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^libs/([^/]+)' },
      to: { path: '^libs/', pathNot: '^libs/$1(/|$)', circular: true },
    },
    {
      name: 'no-circular-app-folders',
      comment:
        'Inside an app, folders (features, use cases) form layers: no cycle between two of them. Move what both need to a folder both may import, or turn one direction into an event or an injected port.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/$1/', circular: true },
    },
  ],
  options: {
    ...base.options,
    exclude: { path: [base.options.exclude.path, TEST_FILE, '^(test|bench)/'] },
  },
};
