import { Chip, makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  met: { backgroundColor: '#2e7d32', color: '#fff' },
  missed: { backgroundColor: '#c62828', color: '#fff' },
  // Grey dark enough for white text at 4.5:1 (WCAG AA).
  none: { backgroundColor: '#616161', color: '#fff' },
});

function status(met: boolean | null) {
  if (met === null) return 'no data';
  return met ? 'on target' : 'below target';
}

/** Whether a measure meets its target, in the same green/red the DORA bands use. */
export function TargetChip(props: { met: boolean | null; label: string }) {
  const classes = useStyles();
  let className = classes.none;
  if (props.met !== null) className = props.met ? classes.met : classes.missed;
  return (
    <Chip
      size="small"
      className={className}
      label={`${status(props.met)} · ${props.label}`}
    />
  );
}
