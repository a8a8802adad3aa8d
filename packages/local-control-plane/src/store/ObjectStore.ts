import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { clone, KubeObject } from '../api/objects';

/** Where an object lives: its group, resource (plural), namespace and name. */
export interface ObjectRef {
  group: string;
  resource: string;
  namespace?: string;
  name: string;
}

/** A change to an object, as delivered to watchers. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  group: string;
  resource: string;
  object: KubeObject;
  /** The object before a MODIFIED change, for watches that filter (selectors). */
  previous?: KubeObject;
  resourceVersion: number;
}

interface PersistedState {
  resourceVersion: number;
  objects: Array<{ group: string; resource: string; object: KubeObject }>;
}

const HISTORY_LIMIT = 5000;

function keyOf(ref: ObjectRef) {
  return `${ref.group}|${ref.resource}|${ref.namespace ?? ''}|${ref.name}`;
}

/**
 * All objects of the control plane in memory, with a global resourceVersion counter (like etcd's
 * revision), a bounded event history for watches that resume, and a JSON file written atomically after
 * every change so state survives restarts.
 */
export class ObjectStore {
  private readonly objects = new Map<
    string,
    { group: string; resource: string; object: KubeObject }
  >();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private revision = 0;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(private readonly file: string | undefined) {}

  /** Opens the store in dataDir (state.json), or in memory only when dataDir is undefined. */
  static async open(dataDir: string | undefined): Promise<ObjectStore> {
    const store = new ObjectStore(
      dataDir ? join(dataDir, 'state.json') : undefined,
    );
    if (dataDir) {
      await fs.mkdir(dataDir, { recursive: true });
      try {
        const raw = await fs.readFile(store.file!, 'utf8');
        const state = JSON.parse(raw) as PersistedState;
        store.revision = state.resourceVersion;
        for (const entry of state.objects) {
          store.objects.set(
            keyOf({
              group: entry.group,
              resource: entry.resource,
              namespace: entry.object.metadata.namespace,
              name: entry.object.metadata.name!,
            }),
            entry,
          );
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return store;
  }

  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest resourceVersion a watch can resume from. */
  get oldestWatchableVersion(): number {
    return this.history.length
      ? this.history[0].resourceVersion - 1
      : this.revision;
  }

  get(ref: ObjectRef): KubeObject | undefined {
    const entry = this.objects.get(keyOf(ref));
    return entry ? clone(entry.object) : undefined;
  }

  list(group: string, resource: string, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const entry of this.objects.values()) {
      if (entry.group !== group || entry.resource !== resource) continue;
      if (
        namespace !== undefined &&
        entry.object.metadata.namespace !== namespace
      ) {
        continue;
      }
      out.push(clone(entry.object));
    }
    return out.sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace}/${b.metadata.name}`,
      ),
    );
  }

  /** Every object in a namespace, whatever its type (for namespace deletion). */
  listNamespace(namespace: string) {
    return [...this.objects.values()]
      .filter(e => e.object.metadata.namespace === namespace)
      .map(e => ({
        group: e.group,
        resource: e.resource,
        object: clone(e.object),
      }));
  }

  /** Every object of every type (garbage collection of cluster-scoped owners). */
  listAll() {
    return [...this.objects.values()].map(e => ({
      group: e.group,
      resource: e.resource,
      object: clone(e.object),
    }));
  }

  /** Stores a new object, assigning uid, creationTimestamp, generation and resourceVersion. */
  create(group: string, resource: string, object: KubeObject): KubeObject {
    const stored = clone(object);
    stored.metadata.uid = randomUUID();
    stored.metadata.creationTimestamp = new Date()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    stored.metadata.generation = 1;
    return this.write('ADDED', group, resource, stored);
  }

  /** Replaces an object, bumping resourceVersion (and generation when anything but status/metadata changed). */
  update(group: string, resource: string, object: KubeObject): KubeObject {
    const ref = {
      group,
      resource,
      namespace: object.metadata.namespace,
      name: object.metadata.name!,
    };
    const previous = this.objects.get(keyOf(ref))?.object;
    const stored = clone(object);
    if (previous) {
      const { metadata: _m1, status: _s1, ...restBefore } = previous;
      const { metadata: _m2, status: _s2, ...restAfter } = stored;
      const changed = JSON.stringify(restBefore) !== JSON.stringify(restAfter);
      stored.metadata.generation =
        (previous.metadata.generation ?? 1) + (changed ? 1 : 0);
      stored.metadata.uid = previous.metadata.uid;
      stored.metadata.creationTimestamp = previous.metadata.creationTimestamp;
    }
    return this.write('MODIFIED', group, resource, stored, previous);
  }

  remove(ref: ObjectRef): KubeObject | undefined {
    const entry = this.objects.get(keyOf(ref));
    if (!entry) return undefined;
    this.objects.delete(keyOf(ref));
    this.revision++;
    const object = clone(entry.object);
    object.metadata.resourceVersion = String(this.revision);
    this.emit({
      type: 'DELETED',
      group: ref.group,
      resource: ref.resource,
      object,
      resourceVersion: this.revision,
    });
    return object;
  }

  private write(
    type: 'ADDED' | 'MODIFIED',
    group: string,
    resource: string,
    object: KubeObject,
    previous?: KubeObject,
  ): KubeObject {
    this.revision++;
    object.metadata.resourceVersion = String(this.revision);
    const ref = {
      group,
      resource,
      namespace: object.metadata.namespace,
      name: object.metadata.name!,
    };
    this.objects.set(keyOf(ref), { group, resource, object });
    this.emit({
      type,
      group,
      resource,
      object: clone(object),
      ...(previous ? { previous: clone(previous) } : {}),
      resourceVersion: this.revision,
    });
    return clone(object);
  }

  private emit(event: StoreEvent) {
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
    this.schedulePersist();
    for (const listener of this.listeners) listener(event);
  }

  /** Events after `resourceVersion`, or undefined when that version is older than the history kept. */
  eventsSince(resourceVersion: number): StoreEvent[] | undefined {
    if (resourceVersion < this.oldestWatchableVersion) return undefined;
    return this.history.filter(e => e.resourceVersion > resourceVersion);
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private schedulePersist() {
    if (!this.file || this.dirty) return;
    this.dirty = true;
    this.writing = this.writing.then(async () => {
      await new Promise(resolve => setImmediate(resolve));
      this.dirty = false;
      const state: PersistedState = {
        resourceVersion: this.revision,
        objects: [...this.objects.values()],
      };
      const tmp = `${this.file}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
      await fs.rename(tmp, this.file!);
    });
  }

  /** Waits until every change so far is on disk. */
  async flush(): Promise<void> {
    await this.writing;
    if (this.dirty) await this.writing;
  }
}
