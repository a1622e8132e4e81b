import { ResponseError, type RemoteConsole } from 'vscode-languageserver';

/**
 * Describes an error for the log without its message: messages from parsers and rules may quote
 * document text, and documents can hold secrets. The error's class and stack frames are enough
 * to find the bug.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 8);
  return [error.name, ...frames].join('\n');
}

/**
 * The same for an engine `internalErrors` entry (`<rule>: <stack>`): keeps the rule id, the
 * error class and the frames.
 */
export function describeInternalError(entry: string): string {
  const [head = '', ...rest] = entry.split('\n');
  const match = /^([\w-]+): (\w*Error)?/.exec(head);
  const frames = rest.filter((line) => /^\s+at /.test(line)).slice(0, 8);
  return [`${match?.[1] ?? 'engine'}: ${match?.[2] ?? 'Error'}`, ...frames].join('\n');
}

interface MaybeDocumentParams {
  readonly textDocument?: { readonly uri?: string };
}

/**
 * Wraps a request handler so that a throw is logged (with the document's URI, never its text)
 * and answered with `fallback`: no document may stop the server. Protocol errors such as
 * `ServerCancelled` are meant for the client and pass through.
 */
export function guard<P, R, T extends unknown[]>(
  console: RemoteConsole,
  name: string,
  fallback: R,
  handler: (params: P, ...rest: T) => R | Promise<R>,
): (params: P, ...rest: T) => Promise<R> {
  return async (params, ...rest) => {
    try {
      return await handler(params, ...rest);
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      const uri = (params as MaybeDocumentParams | undefined)?.textDocument?.uri;
      console.error(`${name} failed${uri ? ` for ${uri}` : ''}: ${describeError(error)}`);
      return fallback;
    }
  };
}

/** Runs a notification or event handler, logging instead of throwing. */
export function guardEvent<T extends unknown[]>(
  console: RemoteConsole,
  name: string,
  handler: (...args: T) => void | Promise<void>,
): (...args: T) => void {
  return (...args) => {
    const report = (error: unknown) => console.error(`${name} failed: ${describeError(error)}`);
    try {
      const result = handler(...args);
      if (result instanceof Promise) result.catch(report);
    } catch (error) {
      report(error);
    }
  };
}
