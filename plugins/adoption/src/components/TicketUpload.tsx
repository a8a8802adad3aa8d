import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Box, Button, Typography } from '@material-ui/core';
import { AdoptionImportReport } from '@internal/plugin-adoption-common';
import { ChangeEvent, useState } from 'react';
import { adoptionApiRef } from '../api/AdoptionApi';

/** Ticket CSV upload for the platform team, with the import report. */
export function TicketUpload(props: { onImported: () => void }) {
  const api = useApi(adoptionApiRef);
  const [report, setReport] = useState<AdoptionImportReport>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setReport(undefined);
    try {
      setReport(await api.importTicketsCsv(await file.text()));
      props.onImported();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <InfoCard title="Import tickets (platform team)">
      <Typography variant="body2" paragraph>
        CSV with a header row:{' '}
        <code>external_id,category,opened_at,resolved_at,team</code> (times ISO
        8601 with offset, team as <code>group:default/name</code>). Re-importing
        a ticket updates it; bad rows are reported and the good ones kept.
      </Typography>
      <Button
        variant="outlined"
        color="primary"
        component="label"
        disabled={busy}
      >
        Upload ticket CSV
        <input
          type="file"
          accept=".csv,text/csv"
          hidden
          data-testid="adoption-ticket-upload"
          onChange={onFile}
        />
      </Button>
      {error && (
        <Box mt={2}>
          <Typography color="error">{error}</Typography>
        </Box>
      )}
      {report && (
        <Box mt={2} data-testid="adoption-import-report">
          <Typography>
            Imported {report.imported} tickets ({report.updated} already known,
            updated); {report.failed.length} rows rejected.
          </Typography>
          {report.failed.slice(0, 20).map(f => (
            <Typography key={f.row} variant="body2" color="error">
              Row {f.row}
              {f.externalId ? ` (${f.externalId})` : ''}: {f.errors.join('; ')}
            </Typography>
          ))}
        </Box>
      )}
    </InfoCard>
  );
}
