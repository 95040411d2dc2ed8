package dev.gale.scaler.slurm;

import dev.gale.scaler.batch.JobSpec;
import dev.gale.scaler.batch.ScriptTemplate;
import dev.gale.scaler.batch.Shell;
import dev.gale.scaler.batch.Walltime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders a block's Slurm batch script from the template resource {@code job.sh.tmpl}. */
final class SlurmScript {
  private static final ScriptTemplate TEMPLATE =
      ScriptTemplate.resource(SlurmScript.class, "job.sh.tmpl");

  private SlurmScript() {}

  static String render(JobSpec spec, SlurmOptions o) {
    int nodes = spec.request().nodes();
    int cpus = o.common().cpusPerNode();
    List<String> directives = new ArrayList<>();
    if (o.partition() != null) {
      directives.add("#SBATCH --partition=" + o.partition());
    }
    if (o.common().account() != null) {
      directives.add("#SBATCH --account=" + o.common().account());
    }
    if (o.qos() != null) {
      directives.add("#SBATCH --qos=" + o.qos());
    }
    if (o.common().memory() != null) {
      directives.add("#SBATCH --mem=" + o.common().memory());
    }
    if (o.exclusive()) {
      directives.add("#SBATCH --exclusive");
    }
    String agent = Shell.quote(spec.argv());
    String launch =
        nodes == 1
            ? "exec " + agent
            : "exec srun --nodes="
                + nodes
                + " --ntasks="
                + nodes
                + " --ntasks-per-node=1 --cpus-per-task="
                + cpus
                + " --kill-on-bad-exit=0 "
                + agent;
    return TEMPLATE.render(
        Map.ofEntries(
            Map.entry("jobName", jobName(spec.request().pool())),
            Map.entry("output", spec.files().output().toString()),
            Map.entry("scriptDir", spec.files().script().getParent().toString()),
            Map.entry("nodes", Integer.toString(nodes)),
            Map.entry("cpusPerNode", Integer.toString(cpus)),
            Map.entry("walltime", Walltime.slurm(spec.walltime())),
            Map.entry("directives", String.join("\n", directives)),
            Map.entry("schedulerOptions", String.join("\n", o.common().schedulerOptions())),
            Map.entry("block", spec.blockId()),
            Map.entry("pool", safe(spec.request().pool())),
            Map.entry("slots", Integer.toString(spec.request().slotsPerNode())),
            Map.entry("workerInit", String.join("\n", o.common().workerInit())),
            Map.entry("envFile", Shell.quote(spec.files().env().toString())),
            Map.entry("launch", launch)));
  }

  /** {@code gale-POOL}, with characters other than letters, digits, {@code _.-} as {@code _}. */
  static String jobName(String pool) {
    return "gale-" + safe(pool);
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9_.-]", "_");
  }
}
