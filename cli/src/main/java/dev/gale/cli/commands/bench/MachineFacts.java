package dev.gale.cli.commands.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gale.api.Json;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The machine a benchmark ran on, for the report: figures mean little without it.
 *
 * @param cores processors available to this JVM
 * @param memoryBytes physical memory, or -1 when the platform does not tell
 * @param os name, version and architecture of the operating system
 * @param java the Java runtime's version and vendor
 * @param loadAverage the system load average over the last minute at the start, or -1
 */
public record MachineFacts(
    int cores, long memoryBytes, String os, String java, double loadAverage) {

  /** The facts of this machine now. */
  public static MachineFacts current() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    long memory = -1;
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      memory = sun.getTotalMemorySize();
    }
    return new MachineFacts(
        Runtime.getRuntime().availableProcessors(),
        memory,
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        System.getProperty("java.runtime.version", System.getProperty("java.version"))
            + " ("
            + System.getProperty("java.vendor")
            + ")",
        Percentiles.round(os.getSystemLoadAverage()));
  }

  /** {@code {cores, memoryBytes, os, java, loadAverage}}. */
  public ObjectNode toJson() {
    return Json.object()
        .put("cores", cores)
        .put("memoryBytes", memoryBytes)
        .put("os", os)
        .put("java", java)
        .put("loadAverage", loadAverage);
  }
}
