/**
 * Internals of the gateway; not an API for other modules.
 *
 * <p>HTTP side: {@link dev.gale.gateway.impl.ApiVerticle} (router and handlers), {@link
 * dev.gale.gateway.impl.HttpErrors} (the one exception → status table), {@link
 * dev.gale.gateway.impl.FunctionRequests} and {@link dev.gale.gateway.impl.TaskRequests}
 * (validation), {@code LongPolls} and {@code TaskWaiters} (long-polls without parked threads),
 * {@code GatewayMetrics}.
 *
 * <p>Worker side: {@code WorkerHub} (sockets and protocol), {@code WorkerSession} (credit and
 * unfinished attempts), {@code PoolDispatcher} (one thread per pool calling {@code take}), {@code
 * ResultRecorder} (one thread batching {@code complete} and {@code workerLost}), {@code
 * TerminalFetcher} (cluster-wide terminal notifications for waiters).
 *
 * <pre>
 *   invoke ─▶ submit ─▶ queue ─▶ dispatcher ─▶ TaskBatch ─▶ worker ─▶ ResultBatch
 *      │                                                                 │
 *      └─ waiter ◀── getTasks ◀── recorder: complete(batch) ◀────────────┘
 * </pre>
 */
package dev.gale.gateway.impl;
