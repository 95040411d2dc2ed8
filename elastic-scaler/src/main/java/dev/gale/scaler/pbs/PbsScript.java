package dev.gale.scaler.pbs;

import dev.gale.scaler.batch.JobSpec;
import dev.gale.scaler.batch.ScriptTemplate;
import dev.gale.scaler.batch.Shell;
import dev.gale.scaler.batch.Walltime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders a block's PBS batch script from the template resource {@code job.sh.tmpl}. */
final class PbsScript {
  private static final ScriptTemplate TEMPLATE =
      ScriptTemplate.resource(PbsScript.class, "job.sh.tmpl");

  /** Old Torque and PBS versions cut job names at 15 characters. */
  private static final int MAX_NAME = 15;

  private PbsScript() {}

  static String render(JobSpec spec, PbsOptions o) {
    int nodes = spec.request().nodes();
    List<String> directives = new ArrayList<>();
    if (o.queue() != null) {
      directives.add("#PBS -q " + o.queue());
    }
    if (o.common().account() != null) {
      directives.add("#PBS -A " + o.common().account());
    }
    if (o.common().memory() != null) {
      directives.add("#PBS -l mem=" + memory(o.common().memory()));
    }
    String env = Shell.quote(spec.files().env().toString());
    String launch =
        nodes == 1
            ? Shell.quote(spec.argv())
            : String.join(" ", o.launcher())
                + " /bin/bash -c "
                + Shell.quote("set -a; . " + env + "; set +a; exec " + Shell.quote(spec.argv()));
    return TEMPLATE.render(
        Map.ofEntries(
            Map.entry("jobName", jobName(spec.request().pool())),
            Map.entry("output", spec.files().output().toString()),
            Map.entry("scriptDir", Shell.quote(spec.files().script().getParent().toString())),
            Map.entry("nodes", Integer.toString(nodes)),
            Map.entry("cpusPerNode", Integer.toString(o.common().cpusPerNode())),
            Map.entry("walltime", Walltime.hms(spec.walltime())),
            Map.entry("directives", String.join("\n", directives)),
            Map.entry("schedulerOptions", String.join("\n", o.common().schedulerOptions())),
            Map.entry("block", spec.blockId()),
            Map.entry("pool", safe(spec.request().pool())),
            Map.entry("slots", Integer.toString(spec.request().slotsPerNode())),
            Map.entry("workerInit", String.join("\n", o.common().workerInit())),
            Map.entry("envFile", env),
            Map.entry("launch", launch),
            Map.entry("exitFile", Shell.quote(spec.files().exit().toString()))));
  }

  /**
   * {@code gale-POOL} cut to 15 characters, other characters than {@code A-Za-z0-9_.-} as {@code
   * _}.
   */
  static String jobName(String pool) {
    String name = "gale-" + safe(pool);
    return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME);
  }

  /** {@code 16G} as PBS writes it: {@code 16gb}; no unit means megabytes. */
  static String memory(String size) {
    char unit = size.charAt(size.length() - 1);
    if (Character.isDigit(unit)) {
      return size + "mb";
    }
    return size.substring(0, size.length() - 1) + Character.toLowerCase(unit) + "b";
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9_.-]", "_");
  }
}
