import {
  Content,
  Header,
  Link,
  LinkButton,
  Page,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Box, Breadcrumbs, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { DoraBreakdownRow, DoraScope } from '@internal/plugin-dora-common';
import { useSearchParams } from 'react-router-dom';
import { ReactNode } from 'react';
import { UNMAPPED_TEAM_REF } from '../scorecard/scorecard';
import { doraPageQuery, DoraPageState, readDoraPageState } from '../pageQuery';
import { EntityName } from './BreakdownTable';
import { DoraMetricsView } from './DoraMetricsView';
import { UnmappedSources } from './UnmappedSources';

/** Where a breakdown row leads: a team to its services, the unmapped row to its sources. */
function rowQuery(
  state: DoraPageState,
  row: DoraBreakdownRow,
): string | undefined {
  if (row.scope === 'team') {
    return row.ref === UNMAPPED_TEAM_REF
      ? doraPageQuery({ view: 'unmapped' })
      : doraPageQuery({ team: row.ref });
  }
  if (row.scope === 'service' && !row.ref.startsWith('unmapped:')) {
    return doraPageQuery({ team: state.team, service: row.ref });
  }
  return undefined;
}

/** The leadership page: the organisation at a glance, drilling down to teams and services. */
export function DoraPage() {
  const [params] = useSearchParams();
  const state = readDoraPageState(params);
  const identityApi = useApi(identityApiRef);
  const { value: identity } = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  const myGroups = (identity?.ownershipEntityRefs ?? []).filter(ref =>
    ref.startsWith('group:'),
  );

  let scope: DoraScope = 'organisation';
  let scopeRef: string | undefined;
  const crumbs: Array<{ label: ReactNode; query: string }> = [
    { label: 'Organisation', query: doraPageQuery({}) },
  ];
  if (state.view === 'unmapped') {
    crumbs.push({ label: 'Sources no component claims', query: '' });
  } else {
    if (state.team) {
      scope = 'team';
      scopeRef = state.team;
      crumbs.push({
        label: <EntityName entityRef={state.team} />,
        query: doraPageQuery({ team: state.team }),
      });
    }
    if (state.service) {
      scope = 'service';
      scopeRef = state.service;
      crumbs.push({
        label: <EntityName entityRef={state.service} />,
        query: '',
      });
    }
  }

  return (
    <Page themeId="tool">
      <Header
        title="DORA metrics"
        subtitle="Delivery performance: the figures first, how they are worked out below"
      />
      <Content>
        <Breadcrumbs aria-label="DORA scope">
          {crumbs.map((crumb, index) =>
            index === crumbs.length - 1 ? (
              <Typography key={index} color="textPrimary">
                {crumb.label}
              </Typography>
            ) : (
              <Link key={index} to={crumb.query}>
                {crumb.label}
              </Link>
            ),
          )}
        </Breadcrumbs>
        {state.view === 'unmapped' ? (
          <Box mt={2}>
            <UnmappedSources />
          </Box>
        ) : (
          <DoraMetricsView
            key={`${scope}:${scopeRef ?? ''}`}
            scope={scope}
            scopeRef={scopeRef}
            onDrillDown={row => rowQuery(state, row)}
            notAllowedFallback={
              <Box mt={2}>
                <Typography paragraph>
                  Organisation-wide figures are for the leadership groups and
                  the platform team. Your teams' figures:
                </Typography>
                {myGroups.map(group => (
                  <LinkButton
                    key={group}
                    variant="outlined"
                    color="primary"
                    to={doraPageQuery({ team: group })}
                  >
                    <EntityName entityRef={group} />
                  </LinkButton>
                ))}
              </Box>
            }
          />
        )}
      </Content>
    </Page>
  );
}
