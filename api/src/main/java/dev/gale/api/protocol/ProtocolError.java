package dev.gale.api.protocol;

/** The gateway refuses the connection or a message; sent before it closes the socket. */
public record ProtocolError(String code, String message) implements WorkerMessage {}
