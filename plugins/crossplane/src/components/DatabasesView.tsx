import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import { crossplaneApiRef } from '../api/CrossplaneApi';
import { DatabaseCard } from './DatabaseCard';

/** The databases of one component. */
export function DatabasesView({ componentRef }: { componentRef: string }) {
  const api = useApi(crossplaneApiRef);
  const { value, loading, error } = useAsync(
    () => api.listDatabases(componentRef),
    [api, componentRef],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value?.length) {
    return (
      <EmptyState
        missing="data"
        title="No databases yet"
        description='Use the "Request a PostgreSQL database" template (Create) to get one for this component.'
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
    </Grid>
  );
}
