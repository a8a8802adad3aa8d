import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  svg: { width: 'auto', height: 28 },
  leaf: { fill: '#7df3e1' },
});

/** Fernhill's leaf, for the collapsed sidebar. */
export const LogoIcon = () => {
  const classes = useStyles();
  return (
    <svg
      className={classes.svg}
      viewBox="0 0 40 40"
      role="img"
      aria-label="Fernhill"
    >
      <path
        className={classes.leaf}
        d="M4 36 C4 16 16 4 36 4 C36 24 24 36 4 36 Z"
      />
    </svg>
  );
};
