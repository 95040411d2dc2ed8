package dev.gale.api.protocol;

/** The worker asks for an uploaded JAR it has not cached yet. */
public record ArtifactRequest(String digest) implements WorkerMessage {}
