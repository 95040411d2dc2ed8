/**
 * The Gale node agent: runs tasks on one node for the gateway.
 *
 * <pre>
 *            gateway (GET /v1/workers/connect, WebSocket, worker token)
 *               ▲  hello / results / heartbeat / artifactRequest
 *               │  welcome / tasks / ack / cancel / drain / artifact   ▼
 *  ┌────────────┴───────────────────────────────────────────────────────────┐
 *  │ NodeAgent (one Vert.x event loop: connect, reconnect with backoff)     │
 *  │   tasks ──▶ local queue (slots + prefetch) ──▶ slot threads (= slots)  │
 *  │                                                  │ FunctionKind.run    │
 *  │                   shell: argv template ─▶ process tree                 │
 *  │                   python: warm python3 per slot ─▶ line-delimited JSON │
 *  │                   java: GaleFunction from the class path or a JAR      │
 *  │   results ◀── outbox (batched ≤ 1 ms, kept until ack, re-sent after    │
 *  │                reconnect) ◀──────────────────────────────────────────  │
 *  └────────────────────────────────────────────────────────────────────────┘
 * </pre>
 *
 * Start one with {@link dev.gale.runtime.NodeAgent#start(NodeAgentOptions)}; add kinds through
 * {@link dev.gale.runtime.spi.FunctionKindFactory}.
 */
package dev.gale.runtime;
