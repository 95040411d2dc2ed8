package dev.gale.transfer.staging;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link StagingEngine#stageIn} did.
 *
 * @param args the args with each {@code {"$file": url}} replaced by its local path (a string)
 * @param files the files staged, one per distinct URL
 */
public record StagedInputs(JsonNode args, List<File> files) {

  /**
   * One staged input.
   *
   * @param url the redacted URL
   * @param path the local file
   * @param bytes its size
   * @param fromCache true when it came from the node's cache rather than the store
   */
  public record File(String url, Path path, long bytes, boolean fromCache) {}

  /** Total bytes staged. */
  public long bytes() {
    return files.stream().mapToLong(File::bytes).sum();
  }
}
