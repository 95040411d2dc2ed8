package dev.gale.scaler.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.scaler.BlockState;
import dev.gale.scaler.batch.NativeStatus;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing of squeue and scontrol output as Slurm 22.05 prints it. */
class SlurmOutputTest {
  private static final ZoneId UTC = ZoneId.of("UTC");

  @Test
  void readsAPendingJobWithItsReasonSinceItsSubmitTime() {
    SlurmOutput.Row row =
        SlurmOutput.squeueLine(
                "2|PENDING|BeginTime|2026-11-24T19:15:05|2026-11-24T20:15:05|NONE", UTC)
            .orElseThrow();
    assertThat(row.jobId()).isEqualTo("2");
    assertThat(row.status())
        .isEqualTo(
            new NativeStatus(
                BlockState.PENDING, "PENDING (BeginTime)", Instant.parse("2026-11-24T19:15:05Z")));
  }

  @Test
  void readsARunningJobSinceItsStartTimeWithoutAReasonOfNone() {
    NativeStatus s =
        SlurmOutput.squeueLine("3|RUNNING|None|2026-11-24T19:15:05|2026-11-24T19:15:06|NONE", UTC)
            .orElseThrow()
            .status();
    assertThat(s.state()).isEqualTo(BlockState.RUNNING);
    assertThat(s.message()).isEqualTo("RUNNING");
    assertThat(s.since()).isEqualTo(Instant.parse("2026-11-24T19:15:06Z"));
  }

  @Test
  void skipsBlankLinesAndRefusesGarbage() {
    assertThat(SlurmOutput.squeueLine("   ", UTC)).isEmpty();
    assertThatThrownBy(() -> SlurmOutput.squeueLine("slurm_load_jobs error", UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unexpected squeue line");
  }

  @Test
  void readsScontrolFieldsWhoseValuesHoldSpacesAndColons() {
    Map<String, String> f =
        SlurmOutput.scontrolFields(
            "JobId=1 JobName=j.sh UserId=root(0) JobState=FAILED Reason=NonZeroExitCode"
                + " Dependency=(null) ExitCode=3:0 AllocNode:Sid=vm:3233 Socks/Node=*"
                + " Command=/tmp/my dir/j.sh WorkDir=/tmp StdOut=/tmp/j-1.out Power= \n");
    assertThat(f)
        .containsEntry("JobId", "1")
        .containsEntry("JobState", "FAILED")
        .containsEntry("ExitCode", "3:0")
        .containsEntry("AllocNode:Sid", "vm:3233")
        .containsEntry("Socks/Node", "*")
        .containsEntry("Command", "/tmp/my dir/j.sh")
        .containsEntry("StdOut", "/tmp/j-1.out")
        .containsEntry("Power", "");
  }

  @Test
  void aFinishedJobFromScontrolCarriesItsExitCodeAndEndTime() {
    NativeStatus s =
        SlurmOutput.fromScontrol(
            Map.of(
                "JobId", "1",
                "JobState", "FAILED",
                "Reason", "NonZeroExitCode",
                "ExitCode", "3:0",
                "SubmitTime", "2026-11-24T19:15:05",
                "StartTime", "2026-11-24T19:15:06",
                "EndTime", "2026-11-24T19:15:07"),
            UTC);
    assertThat(s.state()).isEqualTo(BlockState.FAILED);
    assertThat(s.message()).isEqualTo("FAILED (NonZeroExitCode), exit code 3");
    assertThat(s.since()).isEqualTo(Instant.parse("2026-11-24T19:15:07Z"));
  }

  @Test
  void aJobKilledAtItsWalltimeIsATimeoutWithTheSignal() {
    NativeStatus s =
        SlurmOutput.fromScontrol(
            Map.of("JobState", "TIMEOUT", "Reason", "TimeLimit", "ExitCode", "0:15"), UTC);
    assertThat(s.state()).isEqualTo(BlockState.TIMEOUT);
    assertThat(s.message()).isEqualTo("TIMEOUT (TimeLimit), exit code 0, signal 15");
    assertThat(s.since()).isNull();
  }

  @Test
  void saysWhenAStateIsNewToTheTable() {
    assertThat(SlurmOutput.describe("POWER_UP_NODE", "None"))
        .isEqualTo("POWER_UP_NODE; unknown Slurm state, taken as pending");
  }

  @Test
  void timesThatSlurmLeavesOpenAreNull() {
    assertThat(SlurmOutput.time("Unknown", UTC)).isNull();
    assertThat(SlurmOutput.time("N/A", UTC)).isNull();
    assertThat(SlurmOutput.time("NONE", UTC)).isNull();
    assertThat(SlurmOutput.time("", UTC)).isNull();
    assertThat(SlurmOutput.time("2026-01-02T03:04:05", ZoneId.of("Europe/Paris")))
        .isEqualTo(Instant.parse("2026-01-02T02:04:05Z"));
  }
}
