package dev.gale.api.protocol;

import java.util.List;

/**
 * Stop these tasks now: kill their process trees and report them with error code {@code cancelled}
 * (or drop them if not started yet).
 */
public record Cancel(List<String> taskIds) implements WorkerMessage {}
