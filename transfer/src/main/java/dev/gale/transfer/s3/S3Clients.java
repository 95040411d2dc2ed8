package dev.gale.transfer.s3;

import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The SDK objects behind an {@link S3Stager}: one Netty HTTP client shared by a plain client (HEAD
 * and GETs, ranged or whole) and a multipart client (uploads).
 */
record S3Clients(
    SdkAsyncHttpClient http,
    AwsCredentialsProvider credentials,
    S3AsyncClient plain,
    S3AsyncClient multipart)
    implements AutoCloseable {

  static S3Clients create(S3StagerOptions o) {
    SdkAsyncHttpClient http =
        NettyNioAsyncHttpClient.builder()
            // room for two transfers at full width; more wait for a connection
            .maxConcurrency(2 * o.maxConcurrency())
            .connectionAcquisitionTimeout(S3Stager.CONNECTION_ACQUIRE_TIMEOUT)
            .connectionTimeout(o.connectTimeout())
            .readTimeout(o.readTimeout())
            .writeTimeout(o.readTimeout())
            .build();
    AwsCredentialsProvider credentials =
        o.hasStaticCredentials()
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(o.accessKeyId(), o.secretAccessKey()))
            : DefaultCredentialsProvider.builder().build();
    Region region = region(o);
    ClientOverrideConfiguration override =
        ClientOverrideConfiguration.builder()
            .retryStrategy(b -> b.maxAttempts(o.maxAttempts()))
            .build();
    Consumer<S3AsyncClientBuilder> common =
        b -> {
          b.httpClient(http)
              .credentialsProvider(credentials)
              .region(region)
              .forcePathStyle(o.pathStyleAccess())
              .overrideConfiguration(override);
          if (o.endpoint() != null) {
            b.endpointOverride(o.endpoint());
          }
        };
    S3AsyncClientBuilder plain = S3AsyncClient.builder();
    common.accept(plain);
    S3AsyncClientBuilder multipart =
        S3AsyncClient.builder()
            .multipartEnabled(true)
            .multipartConfiguration(
                c ->
                    c.thresholdInBytes(o.multipartThresholdBytes())
                        .minimumPartSizeInBytes(o.partSizeBytes())
                        .apiCallBufferSizeInBytes(o.partSizeBytes() * o.maxConcurrency())
                        .parallelConfiguration(p -> p.maxInFlightParts(o.maxConcurrency())));
    common.accept(multipart);
    return new S3Clients(http, credentials, plain.build(), multipart.build());
  }

  private static Region region(S3StagerOptions o) {
    if (o.region() != null) {
      return Region.of(o.region());
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      return Region.US_EAST_1;
    }
  }

  @Override
  public void close() {
    // the SDK clients do not close what they were given, so close it here, clients first
    plain.close();
    multipart.close();
    http.close();
    if (credentials instanceof SdkAutoCloseable c) {
      c.close();
    }
  }
}
