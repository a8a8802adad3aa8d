import { IncomingMessage, ServerResponse } from 'node:http';
import { parseFieldSelector, parseLabelSelector } from '../api/labelSelector';
import { KubeObject } from '../api/objects';
import { ObjectService } from '../api/ObjectService';
import { errors } from '../api/status';
import { ObjectStore, StoreEvent } from '../store/ObjectStore';
import {
  apiVersionOf,
  ResourceRequest,
  tooLargeResourceVersion,
  wantsTable,
} from './requests';
import { includeObjectOf, toTable } from './table';

/** kube-apiserver sends a bookmark about once a minute on a quiet watch. */
const BOOKMARK_INTERVAL_MS = 60_000;

/**
 * Answers a watch as a stream of newline-delimited JSON events: the current state (unless the
 * client resumes from a resourceVersion), then every change of the selected objects, with
 * bookmarks when asked for, until `timeoutSeconds` or the client leaves.
 */
export function watchResource(
  deps: { store: ObjectStore; service: ObjectService },
  req: IncomingMessage,
  res: ServerResponse,
  r: ResourceRequest,
  query: URLSearchParams,
): void {
  const { store, service } = deps;
  const byLabel = parseLabelSelector(query.get('labelSelector') ?? undefined);
  const byField = parseFieldSelector(
    query.get('fieldSelector') ?? undefined,
    r.type,
  );
  const selected = (object: KubeObject) =>
    (!r.namespace || object.metadata.namespace === r.namespace) &&
    (!r.name || object.metadata.name === r.name) &&
    byLabel(object.metadata.labels) &&
    byField(object);
  const rv = query.get('resourceVersion');
  if (rv && rv !== '0' && Number(rv) > store.resourceVersion) {
    // Checked before the stream starts, so a bad request still gets its HTTP status.
    tooLargeResourceVersion(rv, store.resourceVersion);
  }
  const apiVersion = apiVersionOf(r.type);
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  // `kubectl get -w` asks for Tables: each event then carries a one-row Table, and only the first
  // one has column definitions, as kube-apiserver does.
  const asTable = wantsTable(req);
  let columnsSent = false;
  const emit = (type: string, object: unknown) => {
    let payload = object;
    if (asTable && type !== 'ERROR' && type !== 'BOOKMARK') {
      const obj = object as KubeObject;
      const table = toTable(
        r.type,
        [obj],
        obj.metadata.resourceVersion ?? '',
        includeObjectOf(query.get('includeObject')),
      );
      payload = columnsSent ? { ...table, columnDefinitions: [] } : table;
      columnsSent = true;
    }
    res.write(`${JSON.stringify({ type, object: payload })}\n`);
  };
  // A selector decides per event whether the watcher sees it, and how: an object entering the
  // selection is ADDED, one leaving it is DELETED (with its previous content), as
  // kube-apiserver's watch cache converts events for a selecting watcher.
  const emitEvent = (e: StoreEvent) => {
    if (e.group !== r.type.group || e.resource !== r.type.resource) return;
    const now = selected(e.object);
    const before =
      e.type === 'MODIFIED' && !!e.previous && selected(e.previous);
    let type: string = e.type;
    let object = e.object;
    if (e.type === 'MODIFIED' && now && !before) type = 'ADDED';
    else if (e.type === 'MODIFIED' && !now && before) {
      type = 'DELETED';
      object = {
        ...e.previous!,
        metadata: {
          ...e.previous!.metadata,
          resourceVersion: String(e.resourceVersion),
        },
      };
    } else if (!now) return;
    emit(type, { ...object, apiVersion, kind: r.type.kind });
  };
  // Bookmarks (allowWatchBookmarks) tell a client how far it has seen without an object
  // changing; with sendInitialEvents the first one carries `k8s.io/initial-events-end` after
  // the current state was sent as ADDED events (a streaming list: client-go's reflector then
  // needs no separate list request).
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  const bookmark = (annotations?: Record<string, string>) =>
    emit('BOOKMARK', {
      apiVersion,
      kind: r.type.kind,
      metadata: {
        resourceVersion: String(store.resourceVersion),
        ...(annotations ? { annotations } : {}),
      },
    });
  const sendInitialEvents = query.get('sendInitialEvents') === 'true';
  if (sendInitialEvents || !rv || rv === '0') {
    for (const object of service.list(r.type, r.namespace).items) {
      if (selected(object)) emit('ADDED', object);
    }
    if (sendInitialEvents && bookmarks) {
      bookmark({ 'k8s.io/initial-events-end': 'true' });
    }
  } else {
    const events = store.eventsSince(Number(rv));
    if (!events) {
      emit(
        'ERROR',
        errors
          .gone(
            `too old resource version: ${rv} (${store.oldestWatchableVersion})`,
          )
          .toStatus(),
      );
      res.end();
      return;
    }
    events.forEach(emitEvent);
  }
  const unsubscribe = store.subscribe(emitEvent);
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 1800);
  const timer = setTimeout(() => res.end(), Math.max(1, timeoutSeconds) * 1000);
  const ticker = bookmarks
    ? setInterval(() => bookmark(), BOOKMARK_INTERVAL_MS)
    : undefined;
  const close = () => {
    clearTimeout(timer);
    clearInterval(ticker);
    unsubscribe();
  };
  res.on('close', close);
  req.on('close', close);
}
