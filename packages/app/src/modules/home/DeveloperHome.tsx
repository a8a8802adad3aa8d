import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import { Box, Grid, Typography } from '@material-ui/core';
import { doraPageQuery, useDoraScorecard } from '@internal/plugin-dora';
import useAsync from 'react-use/esm/useAsync';
import { AttentionList } from './AttentionList';
import { EntityName } from '@internal/plugin-dora';
import { ScorecardTiles } from './ScorecardTiles';
import { DORA_PATH } from './paths';

const serviceColumns: TableColumn<Entity>[] = [
  {
    title: 'Name',
    render: entity => <EntityRefLink entityRef={entity} hideIcon />,
  },
  { title: 'Type', render: entity => String(entity.spec?.type ?? '') },
  {
    title: 'Lifecycle',
    render: entity => String(entity.spec?.lifecycle ?? ''),
  },
  {
    title: 'Delivery',
    render: entity => (
      <Link
        to={`${DORA_PATH}${doraPageQuery({
          service: stringifyEntityRef(entity),
        })}`}
      >
        DORA
      </Link>
    ),
  },
];

/** The components the user's teams own, by name, with a way to their delivery figures. */
function OwnedServices({ ownerRefs }: { ownerRefs: string[] }) {
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error } = useAsync(
    async () =>
      (
        await catalogApi.getEntities({
          filter: { kind: 'component', 'relations.ownedBy': ownerRefs },
          order: { field: 'metadata.title', order: 'asc' },
        })
      ).items,
    [catalogApi, ownerRefs.join(',')],
  );
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <div data-testid="home-services">
      <Table<Entity>
        title="Your services"
        isLoading={loading}
        columns={serviceColumns}
        data={value ?? []}
        options={{
          paging: false,
          search: false,
          sorting: false,
          padding: 'dense',
        }}
        emptyContent={
          <Box p={2}>
            <Typography variant="body2">
              Your teams own no components yet.{' '}
              <Link to="/create">Create one from a golden path</Link>.
            </Typography>
          </Box>
        }
      />
    </div>
  );
}

interface TaskSummary {
  id: string;
  status: string;
  createdAt: string;
  spec: {
    templateInfo?: {
      entityRef?: string;
      entity?: { metadata?: { title?: string } };
    };
  };
}

/** The user's latest golden-path runs (the scaffolder's own list), failed and running ones first to read. */
function RecentTasks({ userRef }: { userRef: string }) {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const { value, loading, error } = useAsync(async () => {
    const baseUrl = await discoveryApi.getBaseUrl('scaffolder');
    const query = new URLSearchParams({
      createdBy: userRef,
      order: 'desc:created_at',
      limit: '5',
    });
    const response = await fetchApi.fetch(`${baseUrl}/v2/tasks?${query}`);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return ((await response.json()) as { tasks: TaskSummary[] }).tasks;
  }, [discoveryApi, fetchApi, userRef]);
  return (
    <InfoCard title="Your tasks" subheader="Your latest golden-path runs">
      <div data-testid="home-tasks">
        {error && <ResponseErrorPanel error={error} />}
        {loading && <Progress />}
        {value?.length === 0 && (
          <Typography variant="body2">
            No runs yet. <Link to="/create">Start from a golden path</Link>.
          </Typography>
        )}
        {value?.map(task => (
          <Box key={task.id} display="flex" style={{ gap: 8 }} mb={0.5}>
            <Link to={`/create/tasks/${task.id}`}>
              {task.spec.templateInfo?.entity?.metadata?.title ??
                task.spec.templateInfo?.entityRef ??
                'Template run'}
            </Link>
            <Typography variant="body2" component="span">
              {task.status} · {task.createdAt.slice(0, 16).replace('T', ' ')}{' '}
              UTC
            </Typography>
          </Box>
        ))}
      </div>
    </InfoCard>
  );
}

/** The databases the user's teams own (catalog Resources of type database), with their status. */
function TeamDatabases({ ownerRefs }: { ownerRefs: string[] }) {
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error } = useAsync(
    async () =>
      (
        await catalogApi.getEntities({
          filter: {
            kind: 'resource',
            'spec.type': 'database',
            'relations.ownedBy': ownerRefs,
          },
        })
      ).items,
    [catalogApi, ownerRefs.join(',')],
  );
  return (
    <InfoCard title="Your databases">
      <div data-testid="home-databases">
        {error && <ResponseErrorPanel error={error} />}
        {loading && <Progress />}
        {value?.length === 0 && (
          <Typography variant="body2">
            No databases yet.{' '}
            <Link to="/create">Request a PostgreSQL database</Link>.
          </Typography>
        )}
        {value?.map(entity => (
          <Box key={stringifyEntityRef(entity)} mb={0.5}>
            <EntityRefLink entityRef={entity} hideIcon />
            <Typography variant="body2" component="span">
              {' · '}
              {entity.metadata.annotations?.['fernhill.io/database-status'] ??
                'registered in the catalog'}
            </Typography>
          </Box>
        ))}
      </div>
    </InfoCard>
  );
}

/** A team's DORA figures of the last 30 days with their change, and what needs its attention. */
function TeamDelivery({ team }: { team: string }) {
  const dora = useDoraScorecard({ doraPath: DORA_PATH, team });
  return (
    <Box mb={2}>
      <Typography variant="subtitle1" component="h3">
        <Link to={`${DORA_PATH}${doraPageQuery({ team })}`}>
          <EntityName entityRef={team} />
        </Link>
      </Typography>
      {dora.error && <ResponseErrorPanel error={dora.error} />}
      {dora.loading && <Progress />}
      {dora.value && (
        <>
          <ScorecardTiles source="team-dora" figures={dora.value.figures} />
          {dora.value.attention.length > 0 && (
            <Box mt={1}>
              <AttentionList items={dora.value.attention} />
            </Box>
          )}
        </>
      )}
    </Box>
  );
}

/** A developer's Home: their services, tasks, databases and their teams' delivery figures. */
export function DeveloperHome(props: {
  userRef: string;
  ownerRefs: string[];
  teams: string[];
}) {
  const { userRef, ownerRefs, teams } = props;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} lg={7}>
        <OwnedServices ownerRefs={ownerRefs} />
      </Grid>
      <Grid item xs={12} lg={5}>
        <Grid container spacing={2}>
          <Grid item xs={12}>
            <RecentTasks userRef={userRef} />
          </Grid>
          <Grid item xs={12}>
            <TeamDatabases ownerRefs={ownerRefs} />
          </Grid>
        </Grid>
      </Grid>
      {teams.length > 0 && (
        <Grid item xs={12}>
          <InfoCard title="Your team's delivery" subheader="DORA, last 30 days">
            <div data-testid="home-team-dora">
              {teams.map(team => (
                <TeamDelivery key={team} team={team} />
              ))}
            </div>
          </InfoCard>
        </Grid>
      )}
    </Grid>
  );
}
