/**
 * The {@code pbs} provider: one block is one PBS/Torque batch job running one node agent per node.
 *
 * <pre>
 *   submit:  job.sh.tmpl ─▶ BLOCK.sh (+ BLOCK.env 0600) ─▶ qsub -o BLOCK.out -j oe BLOCK.sh ─▶ job id
 *   status:  qstat -f ID... ─▶ job_state letter ─▶ PbsStates (one table) ─▶ BlockState
 *            ended (C, F, X, or gone from qstat): exit status from qstat, else from BLOCK.exit
 *            (the script writes it), else inferred: ran its walltime ─▶ TIMEOUT, otherwise FAILED
 *   cancel:  qdel ID...
 * </pre>
 *
 * <p>Tested against the {@code qsub}/{@code qstat}/{@code qdel} of Debian's {@code
 * slurm-wlm-torque} over a real Slurm; the commands and the {@code qstat -f} format are those of
 * Torque and PBS Pro.
 */
package dev.gale.scaler.pbs;
