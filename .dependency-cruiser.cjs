/**
 * The layer graph of ARCHITECTURE.md, checked by `npm test` (`npm run deps`). Each rule names the
 * invariant it keeps; a violation fails the build.
 * @type {import('dependency-cruiser').IConfiguration}
 */
/** The LSP libraries, which only lsp/ may use. */
const LSP_MODULES =
  '^(vscode-languageserver|vscode-languageserver-protocol|vscode-languageserver-textdocument|vscode-jsonrpc)($|/)';
/** VS Code's API and its language client, which only client/ may use. */
const VSCODE_MODULES = '^(vscode|vscode-languageclient)($|/)';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment:
        'No import cycles, type-only imports included: each module sits above what it imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'engine-is-pure',
      comment:
        'analysis/ does no I/O and knows no host: nothing from lsp/, cli/, node/, the client, vscode, LSP, or node modules that touch the world.',
      severity: 'error',
      from: { path: '^server/src/analysis/' },
      to: {
        path: [
          '^server/src/(lsp|cli|node)/',
          '^client/',
          LSP_MODULES,
          VSCODE_MODULES,
          '^(node:)?(fs|fs/promises|path|process|child_process|net|http|https|http2|tls|dgram|dns|os|worker_threads|cluster|readline|url|module|vm|inspector)$',
        ],
      },
    },
    {
      name: 'engine-through-its-entry',
      comment:
        'Front ends (lsp/, cli/, node/) and the client enter the engine through analysis/index.ts only.',
      severity: 'error',
      from: { path: '^(server/src/(lsp|cli|node)|client/src)/' },
      to: { path: '^server/src/analysis/', pathNot: '^server/src/analysis/index\\.ts$' },
    },
    {
      name: 'lsp-knows-no-cli',
      comment: 'The language server and the command line share node/, never each other.',
      severity: 'error',
      from: { path: '^server/src/lsp/' },
      to: { path: '^server/src/cli/' },
    },
    {
      name: 'cli-knows-no-lsp',
      comment: 'Only lsp/ knows LSP types and the connection.',
      severity: 'error',
      from: { path: '^server/src/(cli|node)/' },
      to: {
        path: ['^server/src/lsp/', LSP_MODULES],
      },
    },
    {
      name: 'only-the-client-knows-vscode',
      comment: 'Only client/ imports vscode and the language client.',
      severity: 'error',
      from: { pathNot: '^client/' },
      to: { path: VSCODE_MODULES },
    },
    {
      name: 'client-knows-no-server',
      comment:
        'The extension starts the bundled server; it shares only the protocol of its own notifications (lsp/protocol.ts).',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^server/', pathNot: '^server/src/lsp/protocol\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
  },
};
