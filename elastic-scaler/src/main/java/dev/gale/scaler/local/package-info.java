/** The {@code local} provider: one block is one process tree on this machine. */
package dev.gale.scaler.local;
