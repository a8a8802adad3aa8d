import { ServiceBehindLatest } from '@internal/plugin-adoption-common';
import { compareVersions } from './coverage';
import { ComponentRecord } from './model';
import { compareStrings } from './statistics';

/**
 * Services behind the latest golden path: components whose recorded template version is older
 * than the version their template declares today. Only declared versions count (the template
 * must still exist to upgrade from it), and only components whose own annotations name the
 * template and version, since the upgrade re-renders from what the component recorded.
 * Sorted by template, then component.
 */
export function servicesBehindLatest(
  components: ComponentRecord[],
  declaredVersions: Map<string, string>,
): ServiceBehindLatest[] {
  const behind: ServiceBehindLatest[] = [];
  for (const c of components) {
    if (!c.templateRef || !c.templateVersion) continue;
    const latestVersion = declaredVersions.get(c.templateRef);
    if (!latestVersion) continue;
    if (compareVersions(c.templateVersion, latestVersion) >= 0) continue;
    behind.push({
      entityRef: c.entityRef,
      owner: c.owner,
      templateRef: c.templateRef,
      version: c.templateVersion,
      latestVersion,
    });
  }
  return behind.sort(
    (a, b) =>
      compareStrings(a.templateRef, b.templateRef) ||
      compareStrings(a.entityRef, b.entityRef),
  );
}
