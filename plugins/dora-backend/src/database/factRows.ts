import { dbNumber, dbNumberOrNull } from '@internal/plugin-portal-node';
import { DailyRollup, DAY_MS, DeploymentFact } from '../domain';
import { FactRow, RollupRow } from './rows';

/*
 * Mapping between the derived facts and rollups and their rows, both ways: booleans and counts as
 * the drivers return them, lead times as a JSON array.
 */

export function factRow(f: DeploymentFact) {
  return {
    service: f.service,
    deployment_id: f.id,
    stream: f.stream,
    finished_at: f.finishedAt,
    day: Math.floor(f.finishedAt / DAY_MS),
    rework: f.rework,
    inferred: f.inferred,
    failed: f.failed,
    repeat_rollout: f.repeatRollout,
    release_failure: f.releaseFailure,
    repaired_by_fix: f.repairedByFix,
    failed_via_fallback: f.failedViaFallback,
    rolled_back: f.rolledBack,
    linked_incidents: f.linkedIncidents,
    rollbacks: f.rollbacks,
    failure_start: f.failureStart,
    recovered_at: f.recoveredAt,
    commits: f.leadTimesMs.length,
    commits_without_time: f.commitsWithoutTime,
    lead_times_ms: JSON.stringify(f.leadTimesMs),
  };
}

export function factFromRow(r: FactRow): DeploymentFact {
  return {
    service: r.service,
    id: r.deployment_id,
    stream: r.stream,
    finishedAt: dbNumber(r.finished_at),
    rework: Boolean(r.rework),
    inferred: Boolean(r.inferred),
    failed: Boolean(r.failed),
    repeatRollout: Boolean(r.repeat_rollout),
    releaseFailure: Boolean(r.release_failure),
    repairedByFix: Boolean(r.repaired_by_fix),
    failedViaFallback: Boolean(r.failed_via_fallback),
    rolledBack: Boolean(r.rolled_back),
    linkedIncidents: dbNumber(r.linked_incidents),
    rollbacks: dbNumber(r.rollbacks),
    failureStart: dbNumberOrNull(r.failure_start),
    recoveredAt: dbNumberOrNull(r.recovered_at),
    leadTimesMs: JSON.parse(r.lead_times_ms),
    commitsWithoutTime: dbNumber(r.commits_without_time),
  };
}

export function rollupRow(r: DailyRollup) {
  return {
    service: r.service,
    stream: r.stream,
    day: r.day,
    deployments: r.deployments,
    releases: r.releases,
    release_rework: r.releaseRework,
    release_failures: r.releaseFailures,
    repaired_by_fix: r.repairedByFix,
    rework: r.rework,
    inferred: r.inferred,
    failed: r.failed,
    failed_via_fallback: r.failedViaFallback,
    rolled_back: r.rolledBack,
    linked_incidents: r.linkedIncidents,
    rollbacks: r.rollbacks,
    recovered: r.recovered,
    unrecovered: r.unrecovered,
    commits: r.commits,
    commits_without_time: r.commitsWithoutTime,
    lead_time_histogram: r.leadTimeHistogram,
    recovery_histogram: r.recoveryHistogram,
    ...(r.deploymentDays === undefined
      ? {}
      : { deployment_days: r.deploymentDays }),
  };
}

export function rollupFromRow(r: RollupRow): DailyRollup {
  return {
    service: r.service,
    stream: r.stream,
    day: dbNumber(r.day),
    deployments: dbNumber(r.deployments),
    releases: dbNumber(r.releases),
    releaseRework: dbNumber(r.release_rework),
    releaseFailures: dbNumber(r.release_failures),
    repairedByFix: dbNumber(r.repaired_by_fix),
    rework: dbNumber(r.rework),
    inferred: dbNumber(r.inferred),
    failed: dbNumber(r.failed),
    failedViaFallback: dbNumber(r.failed_via_fallback),
    rolledBack: dbNumber(r.rolled_back),
    linkedIncidents: dbNumber(r.linked_incidents),
    rollbacks: dbNumber(r.rollbacks),
    recovered: dbNumber(r.recovered),
    unrecovered: dbNumber(r.unrecovered),
    commits: dbNumber(r.commits),
    commitsWithoutTime: dbNumber(r.commits_without_time),
    leadTimeHistogram: r.lead_time_histogram,
    recoveryHistogram: r.recovery_histogram,
    ...(r.deployment_days === undefined
      ? {}
      : { deploymentDays: r.deployment_days }),
  };
}
