import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  svg: { width: 'auto', height: 30 },
  leaf: { fill: '#7df3e1' },
  word: { fill: '#ffffff', fontFamily: 'Helvetica, Arial, sans-serif' },
});

/** Fernhill's word mark for the open sidebar: a leaf and the portal's name. */
export const LogoFull = () => {
  const classes = useStyles();
  return (
    <svg
      className={classes.svg}
      viewBox="0 0 220 40"
      role="img"
      aria-label="Fernhill Developer Portal"
    >
      <path
        className={classes.leaf}
        d="M4 36 C4 16 16 4 36 4 C36 24 24 36 4 36 Z"
      />
      <text
        className={classes.word}
        x="46"
        y="27"
        fontSize="22"
        fontWeight="700"
      >
        Fernhill
      </text>
      <text className={classes.word} x="140" y="27" fontSize="14">
        portal
      </text>
    </svg>
  );
};
