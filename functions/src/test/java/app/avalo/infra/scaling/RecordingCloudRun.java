package app.avalo.infra.scaling;

import com.google.api.gax.grpc.GrpcStatusCode;
import com.google.api.gax.rpc.ApiExceptionFactory;
import com.google.cloud.run.v2.GetServiceRequest;
import com.google.cloud.run.v2.RevisionScaling;
import com.google.cloud.run.v2.RevisionTemplate;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServiceScaling;
import com.google.cloud.run.v2.UpdateServiceRequest;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the Cloud Run Admin API behind {@link CloudRunActuator.CloudRunServices}: keeps
 * services in memory, applies updates the way the API does (bumping the etag), and records every
 * request object so tests can inspect exactly what would be sent to Google.
 */
final class RecordingCloudRun implements CloudRunActuator.CloudRunServices {
  final Map<String, Service> services = new LinkedHashMap<>();
  final List<GetServiceRequest> gets = new CopyOnWriteArrayList<>();
  final List<UpdateServiceRequest> updates = new CopyOnWriteArrayList<>();
  final List<Duration> waits = new CopyOnWriteArrayList<>();
  final List<String> failNextUpdates = new ArrayList<>();
  int etag = 1;

  /** A deployed service with the revision-level settings a functions deploy leaves behind. */
  Service deploy(String name, int min, int max) {
    Service s =
        Service.newBuilder()
            .setName(name)
            .setEtag("etag-" + etag++)
            .setGeneration(1)
            .setScaling(
                ServiceScaling.newBuilder()
                    .setMinInstanceCount(min)
                    .setMaxInstanceCount(max)
                    .setScalingMode(ServiceScaling.ScalingMode.AUTOMATIC))
            .setTemplate(
                RevisionTemplate.newBuilder()
                    .setRevision(name.substring(name.lastIndexOf('/') + 1) + "-00001")
                    .setScaling(RevisionScaling.newBuilder().setMaxInstanceCount(1000)))
            .build();
    services.put(name, s);
    return s;
  }

  @Override
  public Service get(GetServiceRequest request) {
    gets.add(request);
    Service s = services.get(request.getName());
    if (s == null) {
      throw ApiExceptionFactory.createException(
          new RuntimeException("not found"), GrpcStatusCode.of(Status.Code.NOT_FOUND), false);
    }
    return s;
  }

  @Override
  public Service update(UpdateServiceRequest request, Duration timeout) {
    updates.add(request);
    waits.add(timeout);
    String name = request.getService().getName();
    if (!failNextUpdates.isEmpty()) {
      String code = failNextUpdates.remove(0);
      throw ApiExceptionFactory.createException(
          new RuntimeException(code + " from fake"),
          GrpcStatusCode.of(Status.Code.valueOf(code)),
          false);
    }
    Service current = services.get(name);
    if (!current.getEtag().equals(request.getService().getEtag())) {
      throw ApiExceptionFactory.createException(
          new RuntimeException("etag mismatch"), GrpcStatusCode.of(Status.Code.ABORTED), false);
    }
    ServiceScaling.Builder scaling = current.getScaling().toBuilder();
    for (String path : request.getUpdateMask().getPathsList()) {
      switch (path) {
        case "scaling.min_instance_count" ->
            scaling.setMinInstanceCount(request.getService().getScaling().getMinInstanceCount());
        case "scaling.max_instance_count" ->
            scaling.setMaxInstanceCount(request.getService().getScaling().getMaxInstanceCount());
        default -> throw new IllegalArgumentException("unexpected mask path " + path);
      }
    }
    Service updated =
        current.toBuilder()
            .setScaling(scaling)
            .setEtag("etag-" + etag++)
            .setGeneration(current.getGeneration() + 1)
            .build();
    services.put(name, updated);
    return updated;
  }
}
