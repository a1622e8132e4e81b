import type { ActionInfo, Catalog } from './catalog';

/** Levenshtein distance, case-insensitive, giving up once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (Math.abs(s.length - t.length) > limit) return limit + 1;
  let previous = Array.from({ length: t.length + 1 }, (_, i) => i);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[t.length] ?? limit + 1;
}

/**
 * The real actions closest to a misspelt `service:Action`, best first. Looks in the named service
 * when it exists, otherwise in the services whose prefix is closest.
 */
export function nearestActions(catalog: Catalog, fullName: string, max = 3): ActionInfo[] {
  const colon = fullName.indexOf(':');
  if (colon < 0) return [];
  const prefix = fullName.slice(0, colon);
  const name = fullName.slice(colon + 1);
  const limit = Math.max(2, Math.floor(name.length / 3));
  const known = catalog.service(prefix);
  const services = known ? [known] : nearestServices(catalog, prefix);
  const scored: { action: ActionInfo; distance: number }[] = [];
  for (const service of services) {
    for (const action of service.actions) {
      const distance = editDistance(name, action.name, limit);
      if (distance <= limit) scored.push({ action, distance });
    }
  }
  scored.sort((a, b) => a.distance - b.distance || a.action.name.localeCompare(b.action.name));
  // Only the closest candidates: one edit away beats three.
  const best = scored[0]?.distance ?? 0;
  return scored
    .filter((s) => s.distance <= best + 1)
    .slice(0, max)
    .map((s) => s.action);
}

export function nearestServices(catalog: Catalog, prefix: string) {
  const limit = Math.max(1, Math.floor(prefix.length / 3));
  return [...catalog.allServices()]
    .map((service) => ({ service, distance: editDistance(prefix, service.prefix, limit) }))
    .filter((s) => s.distance <= limit)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map((s) => s.service);
}
