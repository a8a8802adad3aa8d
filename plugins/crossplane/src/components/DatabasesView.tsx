import {
  EmptyState,
  LinkButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import { crossplaneApiRef } from '../api/CrossplaneApi';
import { DatabaseCard } from './DatabaseCard';

/** The template that requests a database (templates/request-postgres-database). */
const REQUEST_TEMPLATE_PATH =
  '/create/templates/default/request-postgres-database';

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
    </Grid>
  );
}
