/**
 * The work budget of one analysis, counted in work done rather than time, so that where a document
 * is cut off is the same on every machine and every run. Units: one per tree node each rule is
 * given to walk, one per catalog action a statement's `Action` entry expands to, and
 * {@link FINDING_COST} per finding.
 */
export class WorkBudget {
  private spentUnits = 0;
  private exceeded = false;
  /** Secret-finding rules run past the budget: masking must not depend on it. */
  private suspended = 0;

  /**
   * @param cancelled asked at every count, with the units spent so far: a host that no longer
   *   needs the analysis (the document changed) stops it there, with {@link AnalysisCancelled}.
   */
  constructor(
    readonly limit: number,
    private readonly cancelled?: (spent: number) => boolean,
  ) {}

  get spent(): number {
    return this.spentUnits;
  }

  get exhausted(): boolean {
    return this.exceeded;
  }

  /** Counts work; past the limit it throws {@link WorkBudgetExceeded}, and keeps throwing. */
  spend(units: number): void {
    if (this.cancelled?.(this.spentUnits)) throw new AnalysisCancelled();
    if (this.suspended > 0) return;
    this.spentUnits += units;
    if (this.exceeded || this.spentUnits > this.limit) {
      this.exceeded = true;
      throw new WorkBudgetExceeded();
    }
  }

  /** Runs `work` without counting it. */
  unmetered<T>(work: () => T): T {
    this.suspended++;
    try {
      return work();
    } finally {
      this.suspended--;
    }
  }
}

/** Thrown out of a rule when the host cancels the analysis; `analyze` stops there. */
export class AnalysisCancelled extends Error {
  constructor() {
    super('The analysis was cancelled');
    this.name = 'AnalysisCancelled';
  }
}

/** Thrown out of a rule when the budget runs out; `analyze` catches it and skips the rest. */
export class WorkBudgetExceeded extends Error {
  constructor() {
    super('The work budget of the analysis is spent');
    this.name = 'WorkBudgetExceeded';
  }
}

/**
 * Work units per analysis. The heaviest of the 4,512 files of `../shared/corpus` spends 680,802
 * (cfn-lint's primary_identifiers.yaml), under 7% of it; a statement list of 20,000 statements
 * (some 46 million units), a 10 MB template or 100,000 condition keys on `s3:*` do not fit. On the
 * 2-core bench machine the budget is some 3 to 4 seconds of analysis.
 */
export const DEFAULT_WORK_BUDGET = 10_000_000;

/** What a finding costs: a document with millions of findings is cut off like any other work. */
export const FINDING_COST = 100;

let active: WorkBudget | undefined;

/**
 * Counts work against the analysis running now. Deep helpers (action expansion) reach the budget
 * here rather than through every signature; outside `analyze` (fixes built later, hover) nothing
 * is counted. The engine is synchronous, so at most one analysis is running at a time.
 */
export function spendWork(units: number): void {
  active?.spend(units);
}

/** Runs `work` with `budget` as the one {@link spendWork} counts against. */
export function withBudget<T>(budget: WorkBudget, work: () => T): T {
  const previous = active;
  active = budget;
  try {
    return work();
  } finally {
    active = previous;
  }
}
