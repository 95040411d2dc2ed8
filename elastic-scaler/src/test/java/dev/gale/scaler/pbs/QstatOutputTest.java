package dev.gale.scaler.pbs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** qstat -f as the Slurm wrapper, Torque and PBS Pro print it. */
class QstatOutputTest {
  /** Printed by slurm-wlm-torque 22.05 (verified on the testbed). */
  private static final String WRAPPER =
      """
      Job Id:\t4
      \tJob_Name = galepbs
      \tJob_Owner = root@vm
      \tjob_state = C
      \tqueue = debug
      \tqtime = Tue Nov 24 19:15:17 2026
      \tResource_List.walltime = 00:10:00
      \tResource_List.nodect = 1

      Job Id:\t5
      \tJob_Name = other
      \tjob_state = R

      """;

  /** Torque 6 with keep_completed, and a PBS Pro job with a folded comment. */
  private static final String TORQUE_AND_PBS_PRO =
      """
      Job Id: 1234.head.cluster
          Job_Name = gale-hpc
          job_state = C
          resources_used.walltime = 00:59:58
          exit_status = 271
          Resource_List.walltime = 01:00:00

      Job Id: 99.pbspro
          Job_Name = gale-hpc
          job_state = Q
          comment = Not Running: Insufficient amount of resource: ncpus (R: 64 A: 16
          \tT: 16)
          Exit_status = 0
      """;

  @Test
  void readsTheWrappersListing() {
    Map<String, Map<String, String>> jobs = QstatOutput.parse(WRAPPER);
    assertThat(jobs).containsOnlyKeys("4", "5");
    assertThat(jobs.get("4"))
        .containsEntry("job_state", "C")
        .containsEntry("Resource_List.walltime", "00:10:00")
        .containsEntry("qtime", "Tue Nov 24 19:15:17 2026");
    assertThat(QstatOutput.exitStatus(jobs.get("4"))).isNull();
    assertThat(QstatOutput.usedWalltime(jobs.get("4"))).isNull();
    assertThat(jobs.get("5")).containsEntry("job_state", "R");
  }

  @Test
  void readsExitStatusUsedWalltimeAndFoldedValues() {
    Map<String, Map<String, String>> jobs = QstatOutput.parse(TORQUE_AND_PBS_PRO);
    Map<String, String> torque = jobs.get("1234.head.cluster");
    assertThat(QstatOutput.exitStatus(torque)).isEqualTo(271);
    assertThat(QstatOutput.usedWalltime(torque)).isEqualTo(Duration.ofSeconds(3598));
    Map<String, String> pro = jobs.get("99.pbspro");
    assertThat(pro.get("comment"))
        .isEqualTo("Not Running: Insufficient amount of resource: ncpus (R: 64 A: 16T: 16)");
    assertThat(QstatOutput.exitStatus(pro)).isZero();
  }

  @Test
  void findsAJobWithOrWithoutItsServerName() {
    Map<String, Map<String, String>> jobs = QstatOutput.parse(TORQUE_AND_PBS_PRO);
    assertThat(QstatOutput.find(jobs, "1234.head.cluster")).isSameAs(jobs.get("1234.head.cluster"));
    assertThat(QstatOutput.find(jobs, "1234")).isSameAs(jobs.get("1234.head.cluster"));
    assertThat(QstatOutput.find(QstatOutput.parse(WRAPPER), "4.server")).isNotNull();
    assertThat(QstatOutput.find(jobs, "12")).isNull();
  }

  @Test
  void anEmptyListingHasNoJobs() {
    assertThat(QstatOutput.parse("")).isEmpty();
    assertThat(QstatOutput.parse("qstat: Unknown Job Id 7.server\n")).isEmpty();
  }
}
