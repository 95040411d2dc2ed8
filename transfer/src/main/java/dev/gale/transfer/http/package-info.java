/**
 * The {@code http}/{@code https} stager.
 *
 * <pre>
 * stageIn:  GET ──200/206──▶ .target.XXXX.part ──(complete, sha256 ok)──▶ atomic move ──▶ target
 *            ▲  dropped connection: Range: bytes=N- (+If-Range); 200 instead of 206: restart at 0
 *            └─ IOException / 408 / 429 / 5xx: wait (backoff or Retry-After), bounded retries
 * stageOut: PUT file ──2xx──▶ done; same retries
 * </pre>
 */
package dev.gale.transfer.http;
