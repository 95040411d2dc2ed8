package dev.gale.scheduler;

import dev.gale.api.FunctionDefinition;
import dev.gale.api.RawJson;

/**
 * A task to submit.
 *
 * @param tenant the submitting tenant (already checked by the caller)
 * @param function the function to run (already checked visible to the tenant)
 * @param args the args object, already validated and within limits; {@code {"$ref": ref}} and
 *     {@code {"$task": id}} objects in it make the task depend on another (see {@link
 *     Scheduler#submit})
 * @param pool the pool to run in (the invocation's, else the function's, else {@code default})
 * @param priority higher first within a pool
 * @param ref the task's name within its batch, for {@code $ref}s of other entries; or null
 */
public record NewTask(
    String tenant,
    FunctionDefinition function,
    RawJson args,
    String pool,
    int priority,
    String ref) {

  /** A task without a ref. */
  public NewTask(
      String tenant, FunctionDefinition function, RawJson args, String pool, int priority) {
    this(tenant, function, args, pool, priority, null);
  }
}
