/**
 * Site-to-site copies between any two supported URLs, for {@code /v1/transfers}.
 *
 * <pre>
 * gateway ──TransferRequest.parse(body)──▶ CopyEngine.submit(id, request, listener) ──▶ 202 queued
 *                                            │ validate: schemes known, listable when recursive
 *                                            ▼
 *   queued ─▶ running ─▶ succeeded | failed | cancelled   (each change ─▶ listener ─▶ gateway store)
 *              │ DirectCopy (globus ─▶ globus): one remote task
 *              └ else per file: source.stageIn ─▶ spool file ─▶ destination.stageOut
 * GET ─▶ get(id) / list()      cancel ─▶ cancel(id)      finished ─▶ forget(id)
 * </pre>
 */
package dev.gale.transfer.copy;
