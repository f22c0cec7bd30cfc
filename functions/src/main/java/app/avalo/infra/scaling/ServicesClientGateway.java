package app.avalo.infra.scaling;

import com.google.cloud.run.v2.GetServiceRequest;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesClient;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.common.base.Suppliers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The production {@link CloudRunActuator.CloudRunServices}: the official v2 {@link ServicesClient}
 * with Application Default Credentials (the function's service account needs {@code
 * run.services.get}, {@code run.services.update} and {@code run.operations.get}: the bootstrap's
 * custom role {@code avaloScalingActuator}). The client is created on first use and shared: it is
 * thread-safe.
 */
public final class ServicesClientGateway implements CloudRunActuator.CloudRunServices {
  private final Supplier<ServicesClient> client = Suppliers.memoize(ServicesClientGateway::create);

  private static ServicesClient create() {
    try {
      return ServicesClient.create();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Cloud Run Admin API client", e);
    }
  }

  @Override
  public Service get(GetServiceRequest request) {
    return client.get().getService(request);
  }

  @Override
  public Service update(UpdateServiceRequest request, Duration timeout) throws Exception {
    try {
      return client
          .get()
          .updateServiceAsync(request)
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // unwrap, so the actuator sees the API's status (an etag conflict is retried)
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new TimeoutException(
          "update of "
              + request.getService().getName()
              + " not confirmed within "
              + timeout.toSeconds()
              + " s (it may still complete; the next evaluation re-checks)");
    }
  }
}
