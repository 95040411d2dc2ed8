/**
 * Staging for the node agent: {@code {"$file": url}} inputs, {@code outputs} and result offload.
 *
 * <pre>
 * task args ──FileRefs.find──▶ refs ──stat (parallel)──▶ limits ──fetch (parallel)──▶ work dir
 *                                                           │  StagingCache: key = sha256(url) +
 *                                                           │  sha256(version), LRU, pinned copies
 *             ◀──FileRefs.replace── args with local paths ◀─┘
 * success ──OutputSpec (path inside work dir, {arg} filled)──▶ stageOut ──▶ destination URLs
 * big result ──offloadResult──▶ resultTo/name ──▶ {"$ref_url", "size", "sha256", "contentType"}
 * </pre>
 */
package dev.gale.transfer.staging;
