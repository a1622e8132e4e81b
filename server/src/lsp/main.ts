import {
  combineFeatures,
  createConnection,
  ProposedFeatures,
  type Features,
  type MessageConnection,
  type RemoteConsole,
} from 'vscode-languageserver/node';
import { version } from '../../../package.json';
import { describeError } from './guard';
import { startServer } from './server';

/**
 * `scopewise-language-server [--stdio | --node-ipc | --socket=PORT | --pipe=NAME]`; no transport
 * flag means stdio, which is what most editors expect of a language server binary.
 */
const TRANSPORT_FLAG = /^--(stdio|node-ipc|socket|pipe)(=|$)/;

if (process.argv.includes('--version')) {
  process.stdout.write(`scopewise-language-server ${version}\n`);
  process.exit(0);
}
if (!process.argv.slice(2).some((arg) => TRANSPORT_FLAG.test(arg))) process.argv.push('--stdio');

/**
 * A message the reader cannot frame (`Content-Length: abc`) leaves it out of step with the stream:
 * every later message would be misread, and the server would neither answer nor exit. So the first
 * error of the connection (a broken header or body, or a failed write) ends the process with code
 * 1, which clients take as a crash and answer by restarting the server. vscode-languageserver does
 * not expose the connection's errors; it hands the raw connection to its console's `rawAttach`,
 * where this hook listens (the stdio test in test/lsp/server.test.ts checks that it still does).
 */
const exitOnConnectionError: Features = {
  __brand: 'features',
  console: (Base) =>
    class extends Base {
      rawAttach(raw: MessageConnection): void {
        (Base.prototype as RawAttach).rawAttach.call(this, raw);
        raw.onError(([, message]) => {
          // The reader's message quotes what it could not read, which may be document text.
          const what =
            message === undefined
              ? "cannot read the client's messages (a broken header or body)"
              : 'cannot write to the client';
          process.stderr.write(`scopewise-language-server: ${what}; exiting.\n`, () =>
            process.exit(1),
          );
        });
      }
    },
};

interface RawAttach extends RemoteConsole {
  rawAttach(raw: MessageConnection): void;
}

const connection = createConnection(combineFeatures(ProposedFeatures.all, exitOnConnectionError));

// A bug reached by one document must not stop the server for every other document.
process.on('uncaughtException', (error) => {
  connection.console.error(`Uncaught exception: ${describeError(error)}`);
});
process.on('unhandledRejection', (reason) => {
  connection.console.error(`Unhandled rejection: ${describeError(reason)}`);
});

startServer(connection, { version });
