import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
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

const connection = createConnection(ProposedFeatures.all);

// A bug reached by one document must not stop the server for every other document.
process.on('uncaughtException', (error) => {
  connection.console.error(`Uncaught exception: ${describeError(error)}`);
});
process.on('unhandledRejection', (reason) => {
  connection.console.error(`Unhandled rejection: ${describeError(reason)}`);
});

startServer(connection, { version });
