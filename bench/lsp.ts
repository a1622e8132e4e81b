/**
 * Language server figures, measured over stdio with a real LSP client library against the
 * bundled server (dist/server.js): keystroke to published diagnostics, completion and hover
 * response times, start to first diagnostics, and resident memory after opening many templates.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { generateTemplate, type TemplateFormat } from './generate';
import { median, p95 } from './stats';

/** No diagnostics this long after a change or an open means the server is broken: give up. */
const DIAGNOSTICS_TIMEOUT_MS = 30_000;

interface Waiter {
  readonly version: number | undefined;
  readonly resolve: (at: number) => void;
}

/** A minimal push-diagnostics client: declares no pull support, so the server pushes. */
class BenchClient {
  private readonly waiters = new Map<string, Waiter[]>();
  private stderr = '';

  private constructor(
    readonly process: ChildProcess,
    private readonly connection: ProtocolConnection,
  ) {
    process.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const at = performance.now();
      const waiting = this.waiters.get(params.uri) ?? [];
      const remaining = waiting.filter((waiter) => {
        const satisfied =
          waiter.version === undefined ||
          params.version === undefined ||
          params.version >= waiter.version;
        if (satisfied) waiter.resolve(at);
        return !satisfied;
      });
      this.waiters.set(params.uri, remaining);
    });
    connection.listen();
  }

  static spawn(serverPath: string): BenchClient {
    const child = spawn(process.execPath, [serverPath, '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (!child.stdout || !child.stdin) throw new Error('The server has no stdio');
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    return new BenchClient(child, connection);
  }

  async initialize(rootDirectory: string): Promise<void> {
    await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(rootDirectory).href,
      workspaceFolders: [{ uri: pathToFileURL(rootDirectory).href, name: 'bench' }],
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  /** Resolves with the arrival time of the first diagnostics for `uri` at `version` or later. */
  diagnostics(uri: string, version?: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `No diagnostics for ${uri} v${version ?? '?'} within ${DIAGNOSTICS_TIMEOUT_MS} ms. ${this.stderr}`,
          ),
        );
      }, DIAGNOSTICS_TIMEOUT_MS);
      const waiter: Waiter = {
        version,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      this.waiters.set(uri, [...(this.waiters.get(uri) ?? []), waiter]);
    });
  }

  async open(uri: string, languageId: string, text: string): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  /** Replaces one character at `line`:`character` (an incremental change). */
  async replaceCharacter(
    uri: string,
    version: number,
    line: number,
    character: number,
    text: string,
  ): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [
        { range: { start: { line, character }, end: { line, character: character + 1 } }, text },
      ],
    });
  }

  /** Milliseconds from sending a completion or hover request to its response, and the result. */
  async timeRequest(
    kind: 'completion' | 'hover',
    uri: string,
    line: number,
    character: number,
  ): Promise<{ ms: number; result: unknown }> {
    const params = { textDocument: { uri }, position: { line, character } };
    const sent = performance.now();
    const result: unknown =
      kind === 'completion'
        ? await this.connection.sendRequest(CompletionRequest.type, params)
        : await this.connection.sendRequest(HoverRequest.type, params);
    return { ms: performance.now() - sent, result };
  }

  /** Resident set size of the server process, in bytes (Linux only). */
  memory(): { rssBytes: number; peakRssBytes: number } {
    const status = readFileSync(`/proc/${this.process.pid}/status`, 'utf8');
    const kilobytes = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssBytes: kilobytes('VmRSS') * 1024, peakRssBytes: kilobytes('VmHWM') * 1024 };
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.process.exitCode !== null) resolve();
      else this.process.once('exit', () => resolve());
    });
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type), delay(2000)]);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // The server is gone already; killing below is enough.
    }
    await Promise.race([exited, delay(2000)]);
    if (this.process.exitCode === null) this.process.kill();
    this.connection.dispose();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface KeystrokeResult {
  readonly edits: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly samplesMs: readonly number[];
}

export interface StartupResult {
  readonly runs: number;
  /** Spawn to first publishDiagnostics, through initialize, initialized and didOpen. */
  readonly medianMs: number;
  readonly samplesMs: readonly number[];
  /** Spawn to the initialize response. */
  readonly initializeMedianMs: number;
}

export interface MemoryResult {
  readonly documents: number;
  readonly rssBytes: number;
  readonly peakRssBytes: number;
  /** RSS right after initialize, before any document. */
  readonly idleRssBytes: number;
}

/** Runs `body` with a scratch folder holding the bench's documents, removed afterwards. */
async function withWorkspace<T>(body: (directory: string) => Promise<T>): Promise<T> {
  const directory = mkdtempSync(join(tmpdir(), 'scopewise-bench-'));
  try {
    return await body(directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function writeTemplate(
  directory: string,
  name: string,
  format: TemplateFormat,
  seed: number,
  lines = 1000,
) {
  const text = generateTemplate({ lines, format, seed });
  const path = join(directory, name);
  writeFileSync(path, text);
  return { uri: pathToFileURL(path).href, text, languageId: format };
}

/**
 * Opens the 1,000-line YAML template, then sends `edits` single-character changes to IAM action
 * names (a typo, then its correction, on successive lines) and times each change to the
 * diagnostics published for its version. Each change waits for the previous one's diagnostics.
 */
export async function measureKeystrokes(serverPath: string, edits = 30): Promise<KeystrokeResult> {
  return withOpenTemplate(serverPath, 'keystrokes.yaml', 1, async (client, uri, text) => {
    const lines = text.split('\n');
    const targets: { line: number; character: number; original: string }[] = [];
    lines.forEach((content, line) => {
      if (/^\s*- [a-z0-9-]+:[A-Za-z]+$/.test(content)) {
        targets.push({
          line,
          character: content.length - 1,
          original: content.charAt(content.length - 1),
        });
      }
    });
    if (targets.length === 0) throw new Error('The generated template has no action to edit');
    const samples: number[] = [];
    for (let i = 0; i < edits; i++) {
      const target = targets[Math.floor(i / 2) % targets.length] as (typeof targets)[number];
      const replacement = i % 2 === 0 ? (target.original === 'x' ? 'y' : 'x') : target.original;
      const version = i + 2;
      const published = client.diagnostics(uri, version);
      const sent = performance.now();
      await client.replaceCharacter(uri, version, target.line, target.character, replacement);
      samples.push((await published) - sent);
    }
    return {
      edits,
      medianMs: median(samples),
      p95Ms: p95(samples),
      maxMs: Math.max(...samples),
      samplesMs: samples,
    };
  });
}

export interface RequestTimes {
  readonly requests: number;
  readonly completionMedianMs: number;
  readonly completionP95Ms: number;
  readonly hoverMedianMs: number;
  readonly hoverP95Ms: number;
}

/**
 * Opens the 1,000-line YAML template and, once its diagnostics are out, asks for completion right
 * after the `prefix:` of IAM actions (the service's action list) and for hover on action names,
 * `requests` times each, one at a time.
 */
export async function measureRequests(serverPath: string, requests = 30): Promise<RequestTimes> {
  return withOpenTemplate(serverPath, 'requests.yaml', 2, async (client, uri, text) => {
    const actions: { line: number; colon: number }[] = [];
    text.split('\n').forEach((content, line) => {
      const match = /^(\s*- [a-z0-9-]+:)[A-Za-z]+$/.exec(content);
      if (match?.[1]) actions.push({ line, colon: match[1].length });
    });
    if (actions.length === 0) throw new Error('The generated template has no action to ask about');
    const completion: number[] = [];
    const hover: number[] = [];
    for (let i = 0; i < requests; i++) {
      const { line, colon } = actions[i % actions.length] as (typeof actions)[number];
      const listed = await client.timeRequest('completion', uri, line, colon);
      const items = (listed.result as { items?: unknown[] } | null)?.items ?? listed.result;
      if (!Array.isArray(items) || items.length === 0)
        throw new Error(`No completion items at ${line + 1}:${colon + 1}`);
      completion.push(listed.ms);
      const shown = await client.timeRequest('hover', uri, line, colon + 1);
      if (shown.result === null) throw new Error(`No hover at ${line + 1}:${colon + 2}`);
      hover.push(shown.ms);
    }
    return {
      requests,
      completionMedianMs: median(completion),
      completionP95Ms: p95(completion),
      hoverMedianMs: median(hover),
      hoverP95Ms: p95(hover),
    };
  });
}

export interface BusyHoverResult {
  readonly runs: number;
  readonly medianMs: number;
  readonly maxMs: number;
  /** Runs whose hover was answered before the costly document's diagnostics: all of them, or the figure is not what it says. */
  readonly answeredFirst: number;
}

/** 20,000 statements: seconds of analysis, until the engine's work budget cuts it off. */
export function costlyPolicy(seed: number): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: Array.from({ length: 20_000 }, (_, i) => ({
        Sid: `S${seed}x${i}`,
        Effect: 'Allow',
        Action: ['s3:*', 'ec2:Describe*'],
        Resource: '*',
      })),
    },
    null,
    1,
  );
}

/**
 * Hover on an action of the 1,000-line YAML template while a costly policy (another document) is
 * being analysed: each run opens a new costly document, waits 300 ms so its analysis is under way
 * (parsing it alone takes longer), times one hover on the template, then waits for the costly
 * document's diagnostics.
 */
export async function measureHoverWhileBusy(
  serverPath: string,
  runs = 5,
): Promise<BusyHoverResult> {
  return withOpenTemplate(serverPath, 'busy.yaml', 3, async (client, uri, text) => {
    const lines = text.split('\n');
    const line = lines.findIndex((content) => /^\s*- [a-z0-9-]+:[A-Za-z]+$/.test(content));
    const character = (lines[line]?.indexOf(':') ?? 0) + 1;
    if (line < 0) throw new Error('The generated template has no action to hover on');
    const samples: number[] = [];
    let answeredFirst = 0;
    for (let run = 0; run < runs; run++) {
      const costly = pathToFileURL(join(tmpdir(), `scopewise-bench-costly-${run}.json`)).href;
      let costlyDone = false;
      const published = client.diagnostics(costly, 1).then(() => (costlyDone = true));
      await client.open(costly, 'json', costlyPolicy(run));
      await delay(300);
      const shown = await client.timeRequest('hover', uri, line, character);
      if (shown.result === null) throw new Error(`No hover at ${line + 1}:${character + 1}`);
      if (!costlyDone) answeredFirst++;
      samples.push(shown.ms);
      await published;
    }
    return { runs, medianMs: median(samples), maxMs: Math.max(...samples), answeredFirst };
  });
}

/**
 * Runs `body` against a server that has opened a generated 1,000-line YAML template and published
 * its first diagnostics; stops the server and removes the scratch folder afterwards.
 */
async function withOpenTemplate<T>(
  serverPath: string,
  name: string,
  seed: number,
  body: (client: BenchClient, uri: string, text: string) => Promise<T>,
): Promise<T> {
  return withWorkspace(async (directory) => {
    const { uri, text } = writeTemplate(directory, name, 'yaml', seed);
    const client = BenchClient.spawn(serverPath);
    try {
      await client.initialize(directory);
      const opened = client.diagnostics(uri, 1);
      await client.open(uri, 'yaml', text);
      await opened;
      return await body(client, uri, text);
    } finally {
      await client.stop();
    }
  });
}

/** Spawn → initialize → didOpen (1,000-line YAML) → first publishDiagnostics, in fresh processes. */
export async function measureStartup(serverPath: string, runs = 5): Promise<StartupResult> {
  return withWorkspace(async (directory) => {
    const { uri, text } = writeTemplate(directory, 'startup.yaml', 'yaml', 1);
    const samples: number[] = [];
    const initializeSamples: number[] = [];
    for (let run = 0; run < runs; run++) {
      const start = performance.now();
      const client = BenchClient.spawn(serverPath);
      try {
        await client.initialize(directory);
        initializeSamples.push(performance.now() - start);
        const published = client.diagnostics(uri, 1);
        await client.open(uri, 'yaml', text);
        samples.push((await published) - start);
      } finally {
        await client.stop();
      }
    }
    return {
      runs,
      medianMs: median(samples),
      samplesMs: samples,
      initializeMedianMs: median(initializeSamples),
    };
  });
}

/** Opens `count` different generated 1,000-line templates (alternately YAML and JSON) and reads the server's RSS. */
export async function measureMemory(serverPath: string, count = 50): Promise<MemoryResult> {
  return withWorkspace(async (directory) => {
    const documents = Array.from({ length: count }, (_, index) => {
      const format: TemplateFormat = index % 2 === 0 ? 'yaml' : 'json';
      return writeTemplate(directory, `template-${index + 1}.${format}`, format, index + 1);
    });
    const client = BenchClient.spawn(serverPath);
    try {
      await client.initialize(directory);
      const idle = client.memory();
      const published = documents.map((document) => client.diagnostics(document.uri, 1));
      for (const document of documents)
        await client.open(document.uri, document.languageId, document.text);
      await Promise.all(published);
      const after = client.memory();
      return {
        documents: count,
        rssBytes: after.rssBytes,
        peakRssBytes: after.peakRssBytes,
        idleRssBytes: idle.rssBytes,
      };
    } finally {
      await client.stop();
    }
  });
}
