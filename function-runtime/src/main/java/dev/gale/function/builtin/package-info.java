/**
 * Functions every worker has on its class path, for the {@code java} kind without an artifact:
 * {@link dev.gale.function.builtin.Echo} and {@link dev.gale.function.builtin.Sleep}.
 */
package dev.gale.function.builtin;
