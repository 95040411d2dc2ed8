/**
 * The scheduler's durable state: write-behind from Hazelcast maps to a database.
 *
 * <pre>
 *  IMap.set / entry processor ──▶ member's write-behind queue (backed up like the entry)
 *                                   │ after writeDelaySeconds, in batches of writeBatchSize,
 *                                   │ only the latest change of a key (coalescing)
 *                                   ▼
 *                          JdbcMapStore.storeAll ──▶ JdbcStore ──▶ H2 file db | PostgreSQL
 *  member start:  loadAllKeys (all rows; tasks: unfinished + recently finished) ──▶ maps
 *  map miss:      load(key) reads through (an old finished task by id)
 *  member close:  IMap.flush() of every persisted map, bounded by flushTimeout
 * </pre>
 *
 * <p>Persisted maps and tables are listed in {@link dev.gale.scheduler.store.StoredMap}; workers,
 * ready queues and queue levels are not persisted (queued tasks are put back into their queues
 * after a cluster start, running ones are given back by the orphan sweep).
 *
 * <p><b>Failures.</b> A write that fails is retried by Hazelcast: three tries of the batch, then
 * three of each entry, one second apart; entries that still fail go back to the front of the queue
 * and are tried again on the next round, for as long as it takes. Each failure after a success is
 * logged once as an error with its cause; {@link dev.gale.scheduler.store.JdbcStore#health()} tells
 * the current state. Pending changes stay in memory (and in the backups of other members)
 * meanwhile.
 *
 * <p><b>Bound.</b> With write coalescing (the default) a member's queue holds at most one entry per
 * changed key, so it is bounded by the number of records; Hazelcast's node-wide capacity ({@code
 * hazelcast.map.write.behind.queue.capacity}, set from {@code writeBehindQueueCapacity}) applies
 * only without coalescing, where a change beyond it is refused with {@code
 * ReachedMaxSizeException}.
 */
package dev.gale.scheduler.store;
