import {
  EmptyState,
  InfoCard,
  LinkButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { Box, Grid, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { crossplaneApiRef } from '../api/CrossplaneApi';
import { DatabaseCard } from './DatabaseCard';

/** The template that requests a database (templates/request-postgres-database). */
const REQUEST_TEMPLATE_PATH =
  '/create/templates/default/request-postgres-database';

/**
 * The catalog databases among a component's dependencies that the portal did not provision (no
 * Crossplane claim behind them): the overview's "Depends on resources" lists them, so this tab
 * must too, with what it can say about them.
 */
function CatalogDatabases({ entities }: { entities: Entity[] }) {
  return (
    <InfoCard
      title="In the catalog, not provisioned through the portal"
      subheader="Registered by their owners; the portal shows no live status, conditions or connection details for them."
    >
      {entities.map(entity => (
        <Box key={stringifyEntityRef(entity)} mb={1}>
          <EntityRefLink entityRef={entity} hideIcon />
          {entity.metadata.description && (
            <Typography variant="body2" color="textSecondary">
              {entity.metadata.description}
            </Typography>
          )}
        </Box>
      ))}
    </InfoCard>
  );
}

/**
 * The databases of one component: those the portal provisioned (live from Crossplane) and the
 * other catalog databases it depends on (`dependsOn`: its dependency refs).
 */
export function DatabasesView(props: {
  componentRef: string;
  dependsOn?: string[];
}) {
  const { componentRef, dependsOn = [] } = props;
  const api = useApi(crossplaneApiRef);
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error } = useAsync(
    () => api.listDatabases(componentRef),
    [api, componentRef],
  );
  const resourceRefs = dependsOn.filter(ref => ref.startsWith('resource:'));
  const catalog = useAsync(async () => {
    if (resourceRefs.length === 0) return [];
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs: resourceRefs,
    });
    return items.filter(
      (entity): entity is Entity =>
        !!entity && entity.spec?.type === 'database',
    );
  }, [catalogApi, resourceRefs.join(',')]);
  if (loading || catalog.loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  // Databases the portal provisioned are Resources named <namespace>.<name> in the catalog.
  const provisioned = new Set(
    (value ?? []).map(db => `resource:default/${db.namespace}.${db.name}`),
  );
  const catalogOnly = (catalog.value ?? []).filter(
    entity => !provisioned.has(stringifyEntityRef(entity)),
  );
  if (!value?.length && catalogOnly.length > 0) {
    return <CatalogDatabases entities={catalogOnly} />;
  }
  if (!value?.length) {
    return (
      <EmptyState
        missing="data"
        title="No databases yet"
        description='Use the "Request a PostgreSQL database" template (Create) to get one for this component.'
        action={
          <LinkButton
            variant="contained"
            color="primary"
            to={REQUEST_TEMPLATE_PATH}
          >
            Request a database
          </LinkButton>
        }
      />
    );
  }
  return (
    <Grid container spacing={3}>
      {value.map(db => (
        <Grid item xs={12} key={`${db.namespace}/${db.name}`}>
          <DatabaseCard db={db} />
        </Grid>
      ))}
      {catalogOnly.length > 0 && (
        <Grid item xs={12}>
          <CatalogDatabases entities={catalogOnly} />
        </Grid>
      )}
    </Grid>
  );
}
