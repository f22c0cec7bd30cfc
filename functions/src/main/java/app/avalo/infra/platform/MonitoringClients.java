package app.avalo.infra.platform;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.cloud.monitoring.v3.MetricServiceSettings;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one way a domain gets a Cloud Monitoring client: the metric export (monitoring) writes with
 * it, the autoscaler (scaling) reads Cloud Run's metrics with it.
 */
public final class MonitoringClients {
  private MonitoringClients() {}

  /**
   * With application default credentials to {@code monitoring.googleapis.com} when {@code endpoint}
   * is null (production), else in plaintext without credentials to a loopback stand-in at {@code
   * endpoint} (the tests' fake of the API).
   */
  public static MetricServiceClient create(String endpoint) {
    try {
      if (endpoint == null) {
        return MetricServiceClient.create();
      }
      return MetricServiceClient.create(
          MetricServiceSettings.newBuilder()
              .setCredentialsProvider(NoCredentialsProvider.create())
              .setTransportChannelProvider(
                  MetricServiceSettings.defaultGrpcTransportProviderBuilder()
                      .setEndpoint(endpoint)
                      .setChannelConfigurator(channel -> channel.usePlaintext())
                      .build())
              .build());
    } catch (IOException e) {
      throw new UncheckedIOException("could not create the Cloud Monitoring client", e);
    }
  }
}
