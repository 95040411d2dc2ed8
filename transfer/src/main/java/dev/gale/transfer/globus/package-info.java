/**
 * The {@code globus} stager on the Globus Transfer API v0.10 and Globus Auth.
 *
 * <pre>
 * token:    POST auth/v2/oauth2/token (client_credentials, transfer scope) ── cached until expiry
 * stageIn:  stat source ── GET submission_id ── POST transfer {source ─▶ local collection,
 *           .target.UUID.part} ── GET task/ID every 1 s, 2 s, … 15 s ── SUCCEEDED: size check,
 *           atomic move ──▶ target;  FAILED: fatal_error;  timeout / interrupt: POST task/ID/cancel
 * stageOut: (copy into localRoot/.gale-outbox if outside it) ── same transfer, local ─▶ remote
 * list:     GET operation/endpoint/ID/ls?path=&amp;offset=&amp;limit=, page by page, directory by directory
 * direct:   one task remote ─▶ remote; bytes from task/ID/successful_transfers (marker pages)
 * errors:   401 ─▶ new token, once; 429 / 5xx / I/O ─▶ backoff or Retry-After; 403, 404, 409 ─▶ fail
 * </pre>
 */
package dev.gale.transfer.globus;
