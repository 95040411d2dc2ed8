package dev.gale.transfer.spi;

/**
 * What a store says about one object without sending its bytes.
 *
 * @param size its size in bytes, or -1 when the store does not say
 * @param version a string that changes whenever the content changes (an ETag, a modification time
 *     with the size), or null when the store offers none; only compared for equality
 */
public record ObjectInfo(long size, String version) {

  /** True when the size is known. */
  public boolean hasSize() {
    return size >= 0;
  }
}
