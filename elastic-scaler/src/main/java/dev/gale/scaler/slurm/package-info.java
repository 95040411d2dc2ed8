/**
 * The {@code slurm} provider: one block is one Slurm batch job running one node agent per node.
 *
 * <pre>
 *   submit:  job.sh.tmpl ─▶ BLOCK.sh (+ BLOCK.env 0600) ─▶ sbatch --parsable ─▶ job id
 *   status:  squeue --jobs=... (pending, running, completing)
 *              └─ not listed ─▶ scontrol --oneliner show job ID (finished: state, exit code)
 *                                 └─ unknown ─▶ MISSING
 *            native state ─▶ SlurmStates (one table) ─▶ BlockState
 *   cancel:  scancel --state=PENDING; scancel --signal=TERM --full; wait the grace; scancel
 * </pre>
 */
package dev.gale.scaler.slurm;
