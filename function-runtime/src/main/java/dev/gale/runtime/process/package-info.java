/** Process and file helpers for process-based kinds: tree kills, bounded output, work dirs. */
package dev.gale.runtime.process;
