import { Content, Header, Page } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Box, Breadcrumbs, Button, Link, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { DoraBreakdownRow, DoraScope } from '@internal/plugin-dora-common';
import { useState } from 'react';
import { DoraMetricsView } from './DoraMetricsView';

type Level = { scope: DoraScope; ref?: string; label: string };

const NEXT_SCOPE: Partial<Record<DoraScope, DoraScope>> = {
  organisation: 'team',
  team: 'service',
  service: 'stream',
};

/** The leadership page: the organisation at a glance, drilling down to teams and services. */
export function DoraPage() {
  const [path, setPath] = useState<Level[]>([
    { scope: 'organisation', label: 'Organisation' },
  ]);
  const identityApi = useApi(identityApiRef);
  const { value: identity } = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  const myGroups = (identity?.ownershipEntityRefs ?? []).filter(ref =>
    ref.startsWith('group:'),
  );
  const current = path[path.length - 1];
  const next = NEXT_SCOPE[current.scope];
  const drillDown =
    next && next !== 'stream'
      ? (row: DoraBreakdownRow) =>
          setPath([...path, { scope: next, ref: row.ref, label: row.ref }])
      : undefined;

  return (
    <Page themeId="tool">
      <Header
        title="DORA metrics"
        subtitle="Delivery performance with its definitions, working and data coverage"
      />
      <Content>
        <Breadcrumbs aria-label="DORA scope">
          {path.map((level, index) =>
            index === path.length - 1 ? (
              <Typography key={level.label}>{level.label}</Typography>
            ) : (
              <Link
                key={level.label}
                component="button"
                onClick={() => setPath(path.slice(0, index + 1))}
              >
                {level.label}
              </Link>
            ),
          )}
        </Breadcrumbs>
        <DoraMetricsView
          key={`${current.scope}:${current.ref ?? ''}`}
          scope={current.scope}
          scopeRef={current.ref}
          onDrillDown={drillDown}
          notAllowedFallback={
            <Box mt={2}>
              <Typography paragraph>
                Organisation-wide figures are for the leadership groups and the
                platform team. Your teams' figures:
              </Typography>
              {myGroups.map(group => (
                <Button
                  key={group}
                  variant="outlined"
                  color="primary"
                  onClick={() =>
                    setPath([
                      ...path,
                      { scope: 'team', ref: group, label: group },
                    ])
                  }
                >
                  {group}
                </Button>
              ))}
            </Box>
          }
        />
      </Content>
    </Page>
  );
}
