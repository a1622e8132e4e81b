/**
 * The derived facts of one document, computed on first use and remembered for the rest of its
 * analysis: resolved values, ARN alternatives, the template's buckets and their policies, pipeline
 * service roles, role trust and the roles resources pass. Every module that derives a fact declares
 * a {@link FactKind} for it and reads it through the document's store, so a fact asked for by
 * several rules (and their fixes) is computed once per document, and all of it is dropped with the
 * document. Trees are never mutated, so a remembered fact cannot go stale.
 *
 * The store sits in `model/` (the lowest layer that knows documents) and knows no fact itself, so
 * the layers above can add facts without import cycles. The access model will live here too.
 */

/** One kind of fact, with the type of its key and of its value. */
export interface FactKind<K, V> {
  /** For debugging only; kinds are told apart by identity. */
  readonly name: string;
  /** Carries the key and value types; never set. */
  readonly types?: (key: K) => V;
}

export function factKind<K, V>(name: string): FactKind<K, V> {
  return { name };
}

export class DocumentFacts {
  private readonly tables = new Map<FactKind<unknown, unknown>, Map<unknown, unknown>>();

  /** The fact of `kind` for `key`: `compute()` the first time it is asked for, remembered after. */
  get<K, V>(kind: FactKind<K, V>, key: K, compute: () => V): V {
    let table = this.tables.get(kind as FactKind<unknown, unknown>);
    if (table === undefined)
      this.tables.set(kind as FactKind<unknown, unknown>, (table = new Map()));
    if (table.has(key)) return table.get(key) as V;
    const value = compute();
    table.set(key, value);
    return value;
  }
}
