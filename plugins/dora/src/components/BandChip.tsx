import { Chip } from '@material-ui/core';
import { DoraBand } from '@internal/plugin-dora-common';
import { BAND_COLOURS } from '../format';

/** A metric's DORA band in its colour; nothing when the figure has no band. */
export function BandChip({ band }: { band: DoraBand | null }) {
  if (!band) return null;
  return (
    <Chip
      size="small"
      label={band}
      style={{ backgroundColor: BAND_COLOURS[band], color: '#fff' }}
    />
  );
}
