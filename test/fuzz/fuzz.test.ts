import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusOrSay } from '../corpus/corpus';
import { testCatalog } from '../support/catalog';
import { corpusSeeds, examine, fixtureSeeds, mutantArbitrary, mutate, type Seed } from './mutants';

// A bounded run, so that `npm test` stays fast; `npm run fuzz` runs 100,000 mutants and more.

function fuzz(seeds: readonly Seed[], numRuns: number, seed: number): void {
  fc.assert(
    fc.property(mutantArbitrary, fc.nat(), (mutant, hoverAt) => {
      const { name, text } = mutate(seeds, mutant);
      const outcome = examine(testCatalog(), name, text, hoverAt);
      expect(outcome.crash, `${name} crashed`).toBeUndefined();
      expect(outcome.internalErrors, `${name}: a rule failed`).toEqual([]);
      expect(outcome.unparsable, `${name}: a report does not parse`).toBeUndefined();
      expect(outcome.leaks, `${name}: a secret shows`).toEqual([]);
    }),
    { numRuns, seed },
  );
}

describe('fuzzing: mutated documents', () => {
  it('never throw, always print parsable reports, and never show a recognised secret (fixtures)', () => {
    fuzz(fixtureSeeds(), 200, 20261207);
  });

  const corpus = corpusOrSay('fuzzing mutants of the corpus') ? corpusSeeds(15, 16_000) : [];
  it.skipIf(corpus.length === 0)('... nor do mutants of the corpus (../shared/corpus)', () => {
    fuzz(corpus, 200, 7);
  });
});
