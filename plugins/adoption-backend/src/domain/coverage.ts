import {
  AdoptionCoverageMeasure,
  AdoptionCoverageRow,
} from '@internal/plugin-adoption-common';
import { AdoptionEventRecord, ComponentRecord } from './model';
import { compareStrings, groupBy, ratio } from './statistics';

/** Components without an owner are counted under this team. */
export const NO_OWNER = 'unowned';

/**
 * Orders semantic versions (`1.10.0` > `1.9.2`, a release above its pre-releases); anything
 * that is not semver sorts below every semver and by code units among itself.
 */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) =>
    /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+.*)?$/.exec(v.trim());
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) {
    if (pa) return 1;
    if (pb) return -1;
    return compareStrings(a, b);
  }
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return Math.sign(d);
  }
  if (pa[4] === pb[4]) return 0;
  if (!pa[4]) return 1;
  if (!pb[4]) return -1;
  return compareStrings(pa[4], pb[4]);
}

/**
 * An event that gives a component its provenance: a template run that did not fail and names the
 * entity it created. The store lists these in SQL by the same rule and counts a new one as a
 * catalog change.
 */
export function isProvenanceEvent(
  e: AdoptionEventRecord,
): e is AdoptionEventRecord & { entityRef: string } {
  return (
    e.type === 'template-run' &&
    e.entityRef !== null &&
    (e.status === null || e.status === 'completed')
  );
}

/**
 * A component's provenance: its own annotations first; for a component created before the
 * annotations existed, the successful template-run event that names it.
 */
export function withEventProvenance(
  components: ComponentRecord[],
  events: AdoptionEventRecord[],
): ComponentRecord[] {
  const byEntity = new Map<string, AdoptionEventRecord>();
  for (const e of events) {
    if (isProvenanceEvent(e)) {
      const seen = byEntity.get(e.entityRef);
      if (!seen || e.occurredAt < seen.occurredAt) {
        byEntity.set(e.entityRef, e);
      }
    }
  }
  return components.map(c => {
    const e = byEntity.get(c.entityRef);
    if (!e) return c;
    return {
      ...c,
      templateRef: c.templateRef ?? e.templateRef,
      templateVersion:
        c.templateVersion ?? (c.templateRef ? null : e.templateVersion),
      createdAt: c.createdAt ?? e.requestedAt ?? e.occurredAt,
    };
  });
}

/**
 * The latest version of each template: the version the template entity declares, else the
 * highest version any component reports.
 */
export function latestTemplateVersions(
  components: ComponentRecord[],
  declared: Map<string, string>,
): Map<string, string> {
  const latest = new Map(declared);
  for (const c of components) {
    if (!c.templateRef || !c.templateVersion || declared.has(c.templateRef)) {
      continue;
    }
    const current = latest.get(c.templateRef);
    if (!current || compareVersions(c.templateVersion, current) > 0) {
      latest.set(c.templateRef, c.templateVersion);
    }
  }
  return latest;
}

function row(
  team: string,
  items: ComponentRecord[],
  latest: Map<string, string>,
) {
  const fromTemplate = items.filter(c => c.templateRef);
  const onLatest = fromTemplate.filter(
    c =>
      c.templateVersion !== null &&
      latest.get(c.templateRef!) !== undefined &&
      compareVersions(c.templateVersion, latest.get(c.templateRef!)!) >= 0,
  );
  const r: AdoptionCoverageRow = {
    team,
    components: items.length,
    fromTemplate: fromTemplate.length,
    onLatestVersion: onLatest.length,
    coverage: ratio(fromTemplate.length, items.length),
    latestShare: ratio(onLatest.length, fromTemplate.length),
  };
  return r;
}

/**
 * Golden-path coverage: the share of components created from a template, and of those the share
 * on their template's latest version, per owning team and overall.
 */
export function computeCoverage(options: {
  components: ComponentRecord[];
  declaredVersions: Map<string, string>;
  target: number;
}): AdoptionCoverageMeasure {
  const { components, target } = options;
  const latest = latestTemplateVersions(components, options.declaredVersions);
  const teams = [...groupBy(components, c => c.owner ?? NO_OWNER).entries()]
    .map(([team, items]) => row(team, items, latest))
    .sort((a, b) => compareStrings(a.team, b.team));
  const templates = [
    ...groupBy(
      components.filter(c => c.templateRef),
      c => c.templateRef!,
    ).entries(),
  ]
    .map(([templateRef, items]) => ({
      templateRef,
      latestVersion: latest.get(templateRef) ?? null,
      components: items.length,
      onLatestVersion: row(templateRef, items, latest).onLatestVersion,
    }))
    .sort((a, b) => compareStrings(a.templateRef, b.templateRef));
  return {
    target,
    overall: row('all', components, latest),
    teams,
    templates,
  };
}
