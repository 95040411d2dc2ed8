package dev.gale.transfer.bench;

import dev.gale.transfer.s3.S3Stager;
import dev.gale.transfer.s3.S3StagerOptions;
import dev.gale.transfer.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;

/**
 * S3 throughput through {@link S3Stager} against the raw AWS SDK on the same in-process S3Proxy:
 * upload (stager's multipart client vs the SDK's multipart client with the same part size and
 * parallelism) and download (stager's parallel ranged GETs vs one plain SDK GET to a file).
 *
 * <p>Run by hand: {@code java -Xmx3g -cp CLASSPATH dev.gale.transfer.bench.S3ThroughputBench
 * [MiB=256] [runs=3]}; see BENCHMARKS.md.
 */
public final class S3ThroughputBench {
  private S3ThroughputBench() {}

  public static void main(String[] args) throws Exception {
    long bytes = (args.length > 0 ? Long.parseLong(args[0]) : 256) * Bench.MIB;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("gale-s3-bench");
    Path file = Bench.randomFile(dir, bytes);
    try (S3ProxyServer s3 = new S3ProxyServer()) {
      s3.blobStore.createContainer("bench");
      S3StagerOptions options = s3.options().build();
      try (S3Stager stager = new S3Stager(options);
          S3AsyncClient rawUpload = raw(s3, options, true);
          S3AsyncClient rawDownload = raw(s3, options, false)) {
        URI viaStager = URI.create("s3://bench/stager.bin");
        Path in = dir.resolve("in.bin");
        Bench.Run stagerUp = () -> stager.stageOut(file, viaStager);
        Bench.Run rawUp =
            () ->
                rawUpload
                    .putObject(
                        b -> b.bucket("bench").key("raw.bin"), AsyncRequestBody.fromFile(file))
                    .join();
        Bench.Run stagerDown = () -> stager.stageIn(viaStager, in);
        Bench.Run rawDown =
            () -> {
              Files.deleteIfExists(in);
              rawDownload
                  .getObject(
                      b -> b.bucket("bench").key("raw.bin"), AsyncResponseTransformer.toFile(in))
                  .join();
            };
        // warm-up: JIT, connections, and the objects the downloads read
        for (Bench.Run r : List.of(stagerUp, rawUp, stagerDown, rawDown)) {
          r.run();
        }
        List<Double> su = new ArrayList<>();
        List<Double> ru = new ArrayList<>();
        List<Double> sd = new ArrayList<>();
        List<Double> rd = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          // interleaved so that background load hits both sides alike
          su.add(Bench.time(stagerUp));
          ru.add(Bench.time(rawUp));
          sd.add(Bench.time(stagerDown));
          rd.add(Bench.time(rawDown));
          System.gc();
        }
        System.out.printf("S3 %d MiB, %d runs, %s%n", bytes / Bench.MIB, runs, options);
        System.out.println(Bench.summary("upload   via S3Stager", bytes, su));
        System.out.println(Bench.summary("upload   raw SDK (multipart)", bytes, ru));
        System.out.println(Bench.summary("download via S3Stager", bytes, sd));
        System.out.println(Bench.summary("download raw SDK (one GET)", bytes, rd));
        System.out.printf(
            "stager/raw: upload %.0f %%, download %.0f %%%n",
            100 * Bench.median(ru) / Bench.median(su), 100 * Bench.median(rd) / Bench.median(sd));
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static S3AsyncClient raw(S3ProxyServer s3, S3StagerOptions o, boolean multipart) {
    S3AsyncClientBuilder b =
        S3AsyncClient.builder()
            .endpointOverride(s3.endpoint())
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)));
    if (multipart) {
      b.multipartEnabled(true)
          .multipartConfiguration(
              c ->
                  c.thresholdInBytes(o.multipartThresholdBytes())
                      .minimumPartSizeInBytes(o.partSizeBytes())
                      .apiCallBufferSizeInBytes(o.partSizeBytes() * o.maxConcurrency())
                      .parallelConfiguration(p -> p.maxInFlightParts(o.maxConcurrency())));
    }
    return b.build();
  }
}
