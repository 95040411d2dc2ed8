package dev.gale.transfer.staging;

/**
 * One file uploaded by {@link StagingEngine#stageOut}.
 *
 * @param path the file, relative to the working directory
 * @param url where it went, redacted
 * @param bytes its size
 */
public record StagedOutput(String path, String url, long bytes) {}
