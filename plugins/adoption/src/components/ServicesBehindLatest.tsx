import {
  Link,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { ServiceBehindLatest } from '@internal/plugin-adoption-common';
import { Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { adoptionApiRef } from '../api/AdoptionApi';

/** The template that proposes the latest golden path to a service (templates/upgrade-golden-path). */
export const UPGRADE_TEMPLATE_PATH =
  '/create/templates/default/upgrade-golden-path';

/** The upgrade template with the service filled in (the scaffolder reads `formData` from the query). */
export function upgradeLink(entityRef: string): string {
  return `${UPGRADE_TEMPLATE_PATH}?formData=${encodeURIComponent(
    JSON.stringify({ component: entityRef }),
  )}`;
}

/** The catalog page of a full `kind:namespace/name` ref, as the backend answers them. */
function catalogLink(entityRef: string): string {
  const [kind, rest] = entityRef.split(':');
  const [namespace, name] = rest.split('/');
  return `/catalog/${namespace}/${kind.toLocaleLowerCase('en-US')}/${name}`;
}

const columns: TableColumn<ServiceBehindLatest>[] = [
  {
    title: 'Service',
    field: 'entityRef',
    render: row => <Link to={catalogLink(row.entityRef)}>{row.entityRef}</Link>,
  },
  { title: 'Owner', field: 'owner', render: row => row.owner ?? '–' },
  { title: 'Golden path', field: 'templateRef' },
  {
    title: 'Version',
    field: 'version',
    render: row => `${row.version} → ${row.latestVersion}`,
  },
  {
    title: 'Upgrade',
    sorting: false,
    render: row => (
      <Link
        to={upgradeLink(row.entityRef)}
        data-testid={`upgrade-${row.entityRef}`}
      >
        Propose {row.latestVersion}
      </Link>
    ),
  },
];

/**
 * Services behind the latest golden path, each with a link to the upgrade template, which
 * proposes the newer version as a branch of the service's repository.
 */
export function ServicesBehindLatest() {
  const api = useApi(adoptionApiRef);
  const behind = useAsync(() => api.getServicesBehindLatest(), [api]);
  if (behind.error) return <ResponseErrorPanel error={behind.error} />;
  return (
    <div data-testid="adoption-behind-latest">
      <Table<ServiceBehindLatest>
        title="Services behind the latest golden path"
        isLoading={behind.loading}
        columns={columns}
        data={behind.value?.items ?? []}
        options={{ paging: false, search: false, padding: 'dense' }}
        emptyContent={
          <Typography variant="body2" style={{ padding: 16 }}>
            Every service created from a golden path is on its latest version.
          </Typography>
        }
      />
    </div>
  );
}
