import { describe, expect, it } from 'vitest';
import {
  Catalog,
  countActionNames,
  encodeActionUsage,
  type ActionUsageData,
  type CatalogSource,
  type IamIndexData,
  type JsonValue,
} from '../../server/src/analysis';

const INDEX: IamIndexData = {
  source: 'test',
  version: '7',
  updatedAt: '2026-01-01',
  services: [
    {
      prefix: 's3',
      name: 'Amazon S3',
      actions: ['GetBucketAcl', 'GetObject', 'PutObject'],
      levels: 'RRW',
      wildcardOnly: '000',
    },
    { prefix: 'sqs', name: 'Amazon SQS', actions: ['SendMessage'], levels: 'W', wildcardOnly: '0' },
  ],
};

function catalogWith(usage: ActionUsageData | undefined, loads = { count: 0 }): Catalog {
  const source: CatalogSource = {
    index: INDEX,
    loadService: () => undefined,
    loadActionUsage() {
      loads.count++;
      return usage;
    },
  };
  return new Catalog(source);
}

const usageOf = (catalog: Catalog) =>
  [...catalog.allServices()].flatMap((s) =>
    s.actions.map((a) => `${s.prefix}:${a.name}=${catalog.usage.of(a)}`),
  );

describe('action usage counts', () => {
  const catalog = catalogWith(undefined);

  it('counts each exactly named action once per document, case-insensitively', () => {
    const documents: JsonValue[] = [
      {
        Statement: [
          { Effect: 'Allow', Action: ['s3:GetObject', 'S3:getobject', 's3:Get*'], Resource: '*' },
          { Effect: 'Deny', Action: 's3:PutObject', Resource: '*' },
        ],
      },
      { Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } },
      // Patterns, unknown actions, NotAction and documents that are not policies do not count.
      { Statement: [{ Effect: 'Allow', Action: ['s3:*', '*', 's3:NoSuchAction', 7] }] },
      { Statement: [{ Effect: 'Allow', NotAction: 'sqs:SendMessage' }] },
      null,
      'text',
      { Statement: [null, 'x'] },
    ];
    const counts = countActionNames(documents, (name) => catalog.action(name));
    expect(
      [...counts].map(([action, count]) => `${action.service.prefix}:${action.name}=${count}`),
    ).toEqual(['s3:GetObject=2', 's3:PutObject=1']);
    expect(encodeActionUsage(counts, catalog.allServices())).toEqual({ s3: ',2,1' });
  });

  it('reads the encoded rows on first use, once, in the catalog order', () => {
    const loads = { count: 0 };
    const counted = catalogWith(
      { source: 'p', version: '1', catalogVersion: '7', policies: 3, services: { s3: '4,,1' } },
      loads,
    );
    expect(loads.count).toBe(0);
    expect(usageOf(counted)).toEqual([
      's3:GetBucketAcl=4',
      's3:GetObject=0',
      's3:PutObject=1',
      'sqs:SendMessage=0',
    ]);
    usageOf(counted);
    expect(loads.count).toBe(1);
  });

  it('gives every action 0 for data of another catalog, a row of another length, or no data', () => {
    const all0 = ['s3:GetBucketAcl=0', 's3:GetObject=0', 's3:PutObject=0', 'sqs:SendMessage=0'];
    const data = (catalogVersion: string, s3: string): ActionUsageData => ({
      source: 'p',
      version: '1',
      catalogVersion,
      policies: 3,
      services: { s3 },
    });
    expect(usageOf(catalogWith(data('6', '4,,1')))).toEqual(all0);
    expect(usageOf(catalogWith(data('7', '4,1')))).toEqual(all0);
    expect(usageOf(catalogWith(undefined))).toEqual(all0);
    const throwing = new Catalog({
      index: INDEX,
      loadService: () => undefined,
      loadActionUsage: () => {
        throw new Error('unreadable');
      },
    });
    expect(usageOf(throwing)).toEqual(all0);
  });
});
