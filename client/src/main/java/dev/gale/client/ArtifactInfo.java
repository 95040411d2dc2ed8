package dev.gale.client;

/**
 * An uploaded JAR.
 *
 * @param digest {@code sha256:<hex>}, the name a {@code java} function's spec uses
 * @param size bytes
 */
public record ArtifactInfo(String digest, long size) {}
