import {
  configApiRef,
  identityApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import {
  Box,
  Button,
  IconButton,
  Paper,
  TextField,
  Typography,
  makeStyles,
} from '@material-ui/core';
import CloseIcon from '@material-ui/icons/Close';
import { useEffect, useState } from 'react';
import { adoptionApiRef } from '../api/AdoptionApi';

const useStyles = makeStyles(theme => ({
  root: {
    position: 'fixed',
    right: theme.spacing(2),
    bottom: theme.spacing(2),
    width: 380,
    zIndex: theme.zIndex.snackbar,
    padding: theme.spacing(2),
  },
  scores: { display: 'flex', flexWrap: 'wrap', gap: 4 },
  score: { minWidth: 30, padding: '2px 0' },
}));

type State = 'hidden' | 'asking' | 'thanks';

/**
 * The platform NPS survey: a small dismissible prompt, shown when the backend says it is due for
 * the signed-in user (at most once per configured period) and the page has been open a while.
 */
export function NpsPrompt() {
  const classes = useStyles();
  const api = useApi(adoptionApiRef);
  const identityApi = useApi(identityApiRef);
  const config = useApi(configApiRef);
  const delaySeconds =
    config.getOptionalNumber('adoption.nps.promptDelaySeconds') ?? 120;
  const [state, setState] = useState<State>('hidden');
  const [score, setScore] = useState<number>();
  const [comment, setComment] = useState('');
  const [anonymous, setAnonymous] = useState(true);
  const [error, setError] = useState<string>();

  useEffect(() => {
    // Automated browsers (browser tests, crawlers) are not surveyed, and a prompt would cover
    // what they click.
    if (typeof navigator !== 'undefined' && navigator.webdriver) {
      return undefined;
    }
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        await identityApi.getBackstageIdentity();
        const status = await api.getNpsStatus();
        if (!cancelled && status.due) {
          setAnonymous(status.anonymous);
          setState('asking');
        }
      } catch {
        // Not signed in or no adoption backend: no survey.
      }
    }, delaySeconds * 1000);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, identityApi, delaySeconds]);

  if (state === 'hidden') return null;

  const dismiss = () => {
    setState('hidden');
    api.dismissNps().catch(() => {});
  };
  const submit = async () => {
    if (score === undefined) return;
    try {
      await api.answerNps({
        score,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      setState('thanks');
      setTimeout(() => setState('hidden'), 3000);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <Paper
      className={classes.root}
      elevation={6}
      role="dialog"
      aria-label="Platform survey"
    >
      <Box display="flex" alignItems="flex-start">
        <Typography variant="subtitle1" style={{ flex: 1 }}>
          {state === 'thanks'
            ? 'Thank you!'
            : 'How likely are you to recommend the platform to a colleague?'}
        </Typography>
        <IconButton size="small" aria-label="Not now" onClick={dismiss}>
          <CloseIcon fontSize="small" />
        </IconButton>
      </Box>
      {state === 'asking' && (
        <>
          <Box className={classes.scores} my={1}>
            {Array.from({ length: 11 }, (_, n) => (
              <Button
                key={n}
                className={classes.score}
                size="small"
                variant={score === n ? 'contained' : 'outlined'}
                color="primary"
                aria-pressed={score === n}
                onClick={() => setScore(n)}
              >
                {n}
              </Button>
            ))}
          </Box>
          <Typography variant="caption" color="textSecondary">
            0 = not at all, 10 = extremely likely.{' '}
            {anonymous ? 'Answers are anonymous.' : ''}
          </Typography>
          <TextField
            id="adoption-nps-comment"
            label="Anything we should know? (optional)"
            value={comment}
            onChange={e => setComment(e.target.value.slice(0, 2000))}
            fullWidth
            multiline
            minRows={2}
            margin="dense"
            variant="outlined"
          />
          {error && (
            <Typography variant="body2" color="error">
              {error}
            </Typography>
          )}
          <Box display="flex" justifyContent="flex-end" mt={1}>
            <Button onClick={dismiss}>Not now</Button>
            <Button
              color="primary"
              variant="contained"
              disabled={score === undefined}
              onClick={submit}
            >
              Send
            </Button>
          </Box>
        </>
      )}
    </Paper>
  );
}
