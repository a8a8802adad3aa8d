import { Box, MenuItem, TextField } from '@material-ui/core';
import { useId, useState } from 'react';
import {
  DASHBOARD_WINDOW_DAYS,
  DashboardWindowDays,
} from '@internal/plugin-leadership-common';
import { customRange, utcDate, WindowChoice } from '../window';

/**
 * The last 30, 90 or 180 days (as on the adoption page), or a custom range of UTC days; a custom range is only applied once
 * both dates make a valid range, otherwise the problem is shown under the fields.
 */
export function WindowPicker(props: {
  value: WindowChoice;
  onChange: (choice: WindowChoice) => void;
}) {
  const { value, onChange } = props;
  const id = useId();
  const today = utcDate(Date.now());
  const [custom, setCustom] = useState<{ fromDate: string; toDate: string }>(
    value.kind === 'custom'
      ? value
      : { fromDate: utcDate(Date.now() - 14 * 24 * 3600_000), toDate: today },
  );
  const [mode, setMode] = useState<string>(
    value.kind === 'custom' ? 'custom' : String(value.days),
  );
  const checked = customRange(custom.fromDate, custom.toDate, Date.now());
  const problem = 'error' in checked ? checked.error : undefined;

  const updateCustom = (next: { fromDate: string; toDate: string }) => {
    setCustom(next);
    if (!('error' in customRange(next.fromDate, next.toDate, Date.now()))) {
      onChange({ kind: 'custom', ...next });
    }
  };

  return (
    <Box display="flex" alignItems="flex-start" style={{ gap: 16 }}>
      <TextField
        select
        id={`${id}-window`}
        label="Window"
        style={{ minWidth: 160 }}
        value={mode}
        onChange={e => {
          const next = e.target.value as string;
          setMode(next);
          if (next === 'custom') {
            updateCustom(custom);
          } else {
            onChange({
              kind: 'last',
              days: Number(next) as DashboardWindowDays,
            });
          }
        }}
        // Named by its visible label: an aria-label would differ from the shown value (axe).
        InputLabelProps={{ style: { color: 'inherit' } }}
      >
        {DASHBOARD_WINDOW_DAYS.map(days => (
          <MenuItem key={days} value={String(days)}>
            Last {days} days
          </MenuItem>
        ))}
        <MenuItem value="custom">Custom range</MenuItem>
      </TextField>
      {mode === 'custom' && (
        <>
          <TextField
            type="date"
            style={{ minWidth: 170 }}
            label="From (UTC)"
            value={custom.fromDate}
            onChange={e =>
              updateCustom({ ...custom, fromDate: e.target.value })
            }
            InputLabelProps={{ shrink: true, style: { color: 'inherit' } }}
            inputProps={{ 'aria-label': 'From date', max: today }}
            error={Boolean(problem)}
            helperText={problem}
          />
          <TextField
            type="date"
            style={{ minWidth: 170 }}
            label="To (UTC)"
            value={custom.toDate}
            onChange={e => updateCustom({ ...custom, toDate: e.target.value })}
            InputLabelProps={{ shrink: true, style: { color: 'inherit' } }}
            inputProps={{ 'aria-label': 'To date', max: today }}
            error={Boolean(problem)}
          />
        </>
      )}
    </Box>
  );
}
