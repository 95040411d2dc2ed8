/**
 * The Gale gateway: the public HTTP API, authentication, validation, the worker WebSocket endpoint
 * and metrics, in front of the scheduler. Start one with {@link dev.gale.gateway.Gateway#start}.
 *
 * <pre>
 *  clients ──HTTP/JSON──▶ [event loop] router: body limit ▸ token ▸ validate ▸ handleX
 *                               │ executeBlocking                        ▲ long-poll answers
 *                               ▼                                        │ (waiters + timers)
 *                          Scheduler (Hazelcast) ── onTerminal ──▶ terminal fetcher
 *                           ▲        │ take(pool, credits)                ▲
 *        complete / lost    │        ▼                                    │ finished tasks
 *   [result recorder] ◀─────┘   [pool dispatcher, one thread per pool] ───┘
 *          ▲                         │ TaskBatch (specs once, ≤ credit)
 *          │ ResultBatch             ▼
 *   workers ◀──────── WebSocket /v1/workers/connect (hello, welcome, heartbeat, ack, cancel, drain)
 * </pre>
 *
 * The implementation lives in {@code dev.gale.gateway.impl}; only {@link dev.gale.gateway.Gateway},
 * {@link dev.gale.gateway.GatewayOptions} and {@link dev.gale.gateway.auth.TokenService} are meant
 * for other modules.
 */
package dev.gale.gateway;
