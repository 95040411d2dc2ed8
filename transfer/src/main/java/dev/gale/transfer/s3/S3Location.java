package dev.gale.transfer.s3;

import dev.gale.transfer.Stagers;
import dev.gale.transfer.StagingException;
import java.net.URI;

/**
 * The bucket and key of an {@code s3://bucket/key} URL. User info in the URL is ignored (the
 * stager's credentials come from its options) and never shown.
 */
record S3Location(String bucket, String key) {

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key;
  }

  /**
   * Parses a URL.
   *
   * @throws StagingException when it is not {@code s3://bucket/key} with a non-empty key
   */
  static S3Location of(URI url) {
    S3Location l = prefixOf(url);
    if (l.key().isEmpty()) {
      throw new StagingException(
          StagingException.Reason.INVALID,
          "an s3 URL needs a bucket and a key (s3://bucket/key): " + Stagers.redact(url),
          false,
          null);
    }
    return l;
  }

  /**
   * Parses a URL whose key may be empty (a whole bucket), as a listing takes it.
   *
   * @throws StagingException when it is not {@code s3://bucket[/prefix]}
   */
  static S3Location prefixOf(URI url) {
    if (url.getScheme() == null || !url.getScheme().equalsIgnoreCase("s3")) {
      throw new StagingException(
          StagingException.Reason.INVALID, "not an s3 URL: " + Stagers.redact(url), false, null);
    }
    String bucket = url.getHost();
    if (bucket == null && url.getRawAuthority() != null) {
      // bucket names with '_' are not host names, so java.net.URI leaves host null
      String authority = url.getAuthority();
      bucket = authority.substring(authority.lastIndexOf('@') + 1);
    }
    String path = url.getPath() == null ? "" : url.getPath();
    String key = path.startsWith("/") ? path.substring(1) : path;
    if (bucket == null || bucket.isEmpty()) {
      throw new StagingException(
          StagingException.Reason.INVALID,
          "an s3 URL needs a bucket (s3://bucket/key): " + Stagers.redact(url),
          false,
          null);
    }
    return new S3Location(bucket, key);
  }
}
