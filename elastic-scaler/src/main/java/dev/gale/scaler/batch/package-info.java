/**
 * What the batch-system providers ({@code slurm}, {@code pbs}) share: a block is one batch job
 * whose script is rendered from a template, submitted with the scheduler's command and tracked by
 * polling the scheduler.
 *
 * <pre>
 *   submit:  BlockFiles (dir/BLOCK.sh, .env 0600, .out) ─▶ ScriptTemplate.render ─▶ sbatch | qsub
 *   status:  squeue + scontrol | qstat -f ─▶ NativeStatus ─▶ BatchJob.observe ─▶ BlockStatus
 *            (terminal states are remembered: the scheduler forgets finished jobs after a while)
 *   cancel:  scancel (signal, grace, cancel) | qdel
 *
 *   every command goes through a CommandRunner: a sanitized environment and a time limit
 * </pre>
 *
 * <p>Secrets (the worker token in {@link dev.gale.scaler.BlockCommand#env()}) never appear in a
 * script, in argv or in the scheduler's job records: they are written to a private {@code 0600}
 * file next to the script, which the job sources and removes as it starts.
 */
package dev.gale.scaler.batch;
