import { Link } from '@backstage/core-components';
import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import { AttentionItem } from '@internal/plugin-leadership-common';
import { EntityName } from '@internal/plugin-dora';

/** What needs a leader's attention, each linking to the dashboard view that explains it. */
export function AttentionList({ items }: { items: AttentionItem[] }) {
  if (items.length === 0) {
    return (
      <Typography variant="body2" data-testid="scorecard-attention">
        Nothing stands out: every measure meets its target and no team is in the
        low band.
      </Typography>
    );
  }
  return (
    <List dense disablePadding data-testid="scorecard-attention">
      {items.map(item => (
        <ListItem key={`${item.entityRef ?? ''}${item.text}`} disableGutters>
          <ListItemText
            primary={
              <Link to={item.href}>
                {item.entityRef && (
                  <>
                    <EntityName entityRef={item.entityRef} />
                    {': '}
                  </>
                )}
                {item.text}
              </Link>
            }
          />
        </ListItem>
      ))}
    </List>
  );
}
