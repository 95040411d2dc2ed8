package dev.gale.api.protocol;

/**
 * An uploaded JAR (base64 in JSON), or {@code data == null} with {@code error} when it is not
 * known.
 */
public record Artifact(String digest, byte[] data, String error) implements WorkerMessage {}
