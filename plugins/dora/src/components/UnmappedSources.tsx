import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Typography } from '@material-ui/core';
import { DoraUnmappedService } from '@internal/plugin-dora-common';
import useAsync from 'react-use/esm/useAsync';
import { doraApiRef } from '../api/DoraApi';

const columns: TableColumn<DoraUnmappedService>[] = [
  { title: 'Source', field: 'serviceKeyType' },
  { title: 'Service as the source names it', field: 'service' },
  {
    title: 'Annotation that claims it',
    render: row => (
      <code style={{ whiteSpace: 'nowrap' }}>
        {row.annotation}: {row.service}
      </code>
    ),
  },
  { title: 'Events', field: 'eventCount', type: 'numeric' },
  {
    title: 'Last seen (UTC)',
    field: 'lastSeenAt',
    render: row => row.lastSeenAt.slice(0, 16).replace('T', ' '),
  },
];

/**
 * Delivery sources no catalog component claims, with the annotation that would claim each: the
 * platform team's to-do list for complete DORA figures.
 */
export function UnmappedSources() {
  const doraApi = useApi(doraApiRef);
  const { value, loading, error } = useAsync(
    () => doraApi.listUnmapped(),
    [doraApi],
  );
  const refused =
    (error as { statusCode?: number } | undefined)?.statusCode === 403 ||
    error?.name === 'NotAllowedError';
  if (refused) {
    return (
      <Typography paragraph>
        Sources no component claims are listed for the platform team (permission{' '}
        <code>dora.unmapped.read</code>), who map them to components.
      </Typography>
    );
  }
  if (error) return <ResponseErrorPanel error={error} />;
  if (loading || !value) return <Progress />;
  return (
    <Table<DoraUnmappedService>
      title="Sources no component claims"
      subtitle="Their events count for the organisation but for no team: add the annotation to the component's catalog-info.yaml and they are mapped within five minutes."
      columns={columns}
      data={value}
      options={{ paging: false, search: true, padding: 'dense' }}
      emptyContent={
        <Typography style={{ padding: 16 }}>
          Every delivery source is claimed by a component.
        </Typography>
      }
    />
  );
}
