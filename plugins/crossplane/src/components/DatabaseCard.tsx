import {
  CodeSnippet,
  InfoCard,
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import {
  POSTGRES_PROVIDERS,
  POSTGRES_PROVIDER_TITLES,
  PostgresInstanceSummary,
  PostgresProvider,
  databaseEntityRef,
} from '@internal/plugin-crossplane-common';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { connectionEnvYaml } from './connectionHowTo';

function Readiness({ db }: { db: PostgresInstanceSummary }) {
  if (db.ready) return <StatusOK>Ready</StatusOK>;
  const failing = db.conditions.find(c => c.status === 'False');
  if (failing && failing.reason !== 'Creating') {
    return (
      <StatusError>Not ready: {failing.reason ?? failing.type}</StatusError>
    );
  }
  return <StatusPending>Provisioning</StatusPending>;
}

/** The Composition label in words; one the portal does not know is shown as it is. */
function classOfService(provider?: string) {
  if (!provider) return undefined;
  return (POSTGRES_PROVIDERS as readonly string[]).includes(provider)
    ? POSTGRES_PROVIDER_TITLES[provider as PostgresProvider]
    : provider;
}

function Fact({ label, value }: { label: string; value?: string }) {
  return (
    <Grid item xs={6} md={3}>
      <Typography variant="caption" color="textSecondary">
        {label}
      </Typography>
      <Typography variant="body2">{value ?? '-'}</Typography>
    </Grid>
  );
}

/** One database: readiness, facts, conditions, events, connection how-to and the raw XR. */
export function DatabaseCard({ db }: { db: PostgresInstanceSummary }) {
  return (
    <InfoCard title={db.name} subheader={<Readiness db={db} />}>
      <Grid container spacing={2}>
        <Fact label="Size" value={db.size} />
        <Fact label="Environment" value={db.environment} />
        <Fact label="Class of service" value={classOfService(db.provider)} />
        <Fact label="Namespace" value={db.namespace} />
        <Fact label="Secret" value={db.secretName} />
        <Fact label="Endpoint" value={db.endpoint} />
        <Fact label="Owner" value={db.owner} />
        <Grid item xs={12} md={6}>
          <Typography variant="caption" color="textSecondary">
            Catalog entity
          </Typography>
          <Typography variant="body2">
            <EntityRefLink
              entityRef={databaseEntityRef(db.namespace, db.name)}
              title={`Resource ${db.name}`}
            />
          </Typography>
        </Grid>
      </Grid>

      <Box mt={2}>
        <Typography variant="subtitle2">Conditions</Typography>
        {db.conditions.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            Crossplane has not reported any conditions yet.
          </Typography>
        ) : (
          <Table size="small" aria-label="conditions">
            <TableHead>
              <TableRow>
                <TableCell>Type</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Reason</TableCell>
                <TableCell>Message</TableCell>
                <TableCell>Since</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {db.conditions.map(c => (
                <TableRow key={c.type}>
                  <TableCell>{c.type}</TableCell>
                  <TableCell>{c.status}</TableCell>
                  <TableCell>{c.reason}</TableCell>
                  <TableCell>{c.message}</TableCell>
                  <TableCell>{c.lastTransitionTime}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Box>

      <Box mt={2}>
        <Typography variant="subtitle2">Recent events</Typography>
        {db.events.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No recent events.
          </Typography>
        ) : (
          <Table size="small" aria-label="events">
            <TableBody>
              {db.events.map((e, i) => (
                <TableRow key={i}>
                  <TableCell>{e.lastTimestamp}</TableCell>
                  <TableCell>{e.type}</TableCell>
                  <TableCell>{e.reason}</TableCell>
                  <TableCell>{e.message}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Box>

      {db.secretName && (
        <Box mt={2}>
          <Typography variant="subtitle2">Connect from a workload</Typography>
          <Typography variant="body2">
            The credentials are in the Secret <code>{db.secretName}</code> in
            namespace <code>{db.namespace}</code> (keys host, port, database,
            username, password, uri). Add this to your container spec:
          </Typography>
          <CodeSnippet
            language="yaml"
            text={connectionEnvYaml(db.secretName)}
            showCopyCodeButton
          />
        </Box>
      )}

      <Box mt={2}>
        <Accordion>
          <AccordionSummary>
            <Typography variant="subtitle2">Kubernetes object</Typography>
          </AccordionSummary>
          <AccordionDetails>
            <CodeSnippet
              language="json"
              text={JSON.stringify(db.object, null, 2)}
            />
          </AccordionDetails>
        </Accordion>
      </Box>
    </InfoCard>
  );
}
