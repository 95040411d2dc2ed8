/**
 * The {@code s3} stager on the AWS SDK for Java v2.
 *
 * <pre>
 * stageOut: multipart client ── size &gt; threshold? ── parallel UploadPart ── Complete
 *                                └─ else one PutObject
 * stageIn:  plain client ── HEAD (size, ETag) ── size &gt; threshold? ── ranged GETs, If-Match,
 *                                                                     written in place, in parallel
 *                                                └─ else one GET ──▶ part file ──▶ atomic move
 * </pre>
 */
package dev.gale.transfer.s3;
