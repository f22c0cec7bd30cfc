package app.avalo.infra.alerting;

import app.avalo.infra.platform.Alerts;
import app.avalo.infra.platform.ApiException;
import app.avalo.infra.platform.DocWriter;
import app.avalo.infra.platform.Fields;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Where each alert notification goes and how notifications are batched, as in Alertmanager: a tree
 * of routes, each with label matchers, receivers, {@code groupBy}, {@code groupWait}, {@code
 * groupInterval} and {@code repeatInterval} (inherited from the parent when unset), and {@code
 * continue}. A notification enters at the root (which matches everything); it descends into the
 * first child whose matchers all match, and on to later siblings only while the matched child says
 * {@code continue}. A route none of whose children matched delivers to its own receivers. {@code
 * inhibitRules} mute alerts matching {@code targetMatchers} while an open alert matches {@code
 * sourceMatchers} with the same values of the {@code equal} labels.
 *
 * <p>Stored in {@code alertRouting/config} in the shape the admin functions take; {@link #DEFAULT}
 * applies while nothing is stored.
 */
record RoutingTree(Route root, List<InhibitRule> inhibitRules) {
  /** {@code groupBy: ["..."]}: every alert is a group of its own (Alertmanager's spelling). */
  static final String EVERY_ALERT = "...";

  static final Set<String> RECEIVERS = Set.of("pagerduty", "slack", "email", "sms", "webhook");
  static final int MAX_ROUTES = 50;
  static final int MAX_DEPTH = 4;
  static final int MAX_INHIBIT_RULES = 20;
  static final int MAX_MATCHERS = 10;
  static final Duration MAX_GROUP_WAIT = Duration.ofHours(1);
  static final Duration MAX_GROUP_INTERVAL = Duration.ofDays(1);
  static final Duration MAX_REPEAT_INTERVAL = Duration.ofDays(7);
  private static final Pattern ROUTE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

  /** How a route batches: unset fields ({@code null}) are inherited from the parent route. */
  record Grouping(
      List<String> groupBy, Duration groupWait, Duration groupInterval, Duration repeatInterval) {
    Grouping under(Grouping parent) {
      return new Grouping(
          groupBy == null ? parent.groupBy : groupBy,
          groupWait == null ? parent.groupWait : groupWait,
          groupInterval == null ? parent.groupInterval : groupInterval,
          repeatInterval == null ? parent.repeatInterval : repeatInterval);
    }

    boolean everyAlert() {
      return groupBy.contains(EVERY_ALERT);
    }
  }

  record Route(
      String id,
      List<Matcher> matchers,
      List<String> receivers,
      Grouping grouping,
      boolean continueMatching,
      List<Route> routes) {}

  record InhibitRule(
      List<Matcher> sourceMatchers, List<Matcher> targetMatchers, List<Label> equal) {
    /** Whether the open alert {@code source} mutes {@code target} under this rule. */
    boolean inhibits(AlertMessage source, AlertMessage target) {
      return !source.dedupKey().equals(target.dedupKey())
          && sourceMatchers.stream().allMatch(x -> x.matches(source))
          && targetMatchers.stream().allMatch(x -> x.matches(target))
          && equal.stream().allMatch(l -> l.of(source).equals(l.of(target)));
    }
  }

  /** Where one notification goes: a receiver, by way of a route, batched as the route says. */
  record Target(String routeId, String receiver, Grouping grouping) {
    /** The values of the group's labels, e.g. {@code {service: chat, source: monitoring}}. */
    Map<String, String> groupLabels(AlertMessage m) {
      Map<String, String> out = new TreeMap<>();
      if (grouping.everyAlert()) {
        out.put(Label.SOURCE.wire(), m.source());
        out.put(Label.KEY.wire(), m.key());
        return out;
      }
      for (String name : grouping.groupBy()) {
        out.put(name, Label.fromWire(name).orElseThrow().of(m));
      }
      return out;
    }
  }

  /** The receivers of {@code m}, each once (the first route reaching a receiver batches it). */
  List<Target> targets(AlertMessage m) {
    List<Target> out = new ArrayList<>();
    walk(root, root.grouping(), m, out);
    Map<String, Target> byReceiver = new LinkedHashMap<>();
    for (Target t : out) {
      byReceiver.putIfAbsent(t.receiver(), t);
    }
    return List.copyOf(byReceiver.values());
  }

  private static boolean walk(Route route, Grouping parent, AlertMessage m, List<Target> out) {
    if (!route.matchers().stream().allMatch(x -> x.matches(m))) {
      return false;
    }
    Grouping grouping = route.grouping().under(parent);
    boolean childMatched = false;
    for (Route child : route.routes()) {
      if (walk(child, grouping, m, out)) {
        childMatched = true;
        if (!child.continueMatching()) {
          break;
        }
      }
    }
    if (!childMatched) {
      for (String receiver : route.receivers()) {
        out.add(new Target(route.id(), receiver, grouping));
      }
    }
    return true;
  }

  /** The inhibit rule and open alert muting {@code m}, if any. */
  Optional<AlertMessage> inhibitor(AlertMessage m, List<AlertMessage> open) {
    for (InhibitRule rule : inhibitRules) {
      for (AlertMessage source : open) {
        if (rule.inhibits(source, m)) {
          return Optional.of(source);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The routing used while {@code alertRouting/config} does not exist: critical and warning alerts
   * page (PagerDuty, one incident per alert, at once), critical ones also by SMS; everything goes
   * to Slack, email and the webhook, grouped by source, service and region after 30 s, then at most
   * every 5 min, repeated every 4 h while open. A region's unhealthy alert mutes the latency and
   * failure-rate alerts attributed to that region; a critical alert mutes warnings with the same
   * service, metric and region.
   */
  static final RoutingTree DEFAULT =
      new RoutingTree(
          new Route(
              "root",
              List.of(),
              List.of("slack", "email", "webhook"),
              new Grouping(
                  List.of("source", "service", "region"),
                  Duration.ofSeconds(30),
                  Duration.ofMinutes(5),
                  Alerts.DEFAULT_REPEAT_INTERVAL),
              false,
              List.of(
                  new Route(
                      "page",
                      List.of(Matcher.regex(Label.SEVERITY, "warning|critical")),
                      List.of("pagerduty"),
                      new Grouping(List.of(EVERY_ALERT), Duration.ZERO, Duration.ZERO, null),
                      true,
                      List.of()),
                  new Route(
                      "sms",
                      List.of(Matcher.equal(Label.SEVERITY, "critical")),
                      List.of("sms"),
                      new Grouping(List.of(EVERY_ALERT), Duration.ZERO, Duration.ZERO, null),
                      true,
                      List.of()),
                  new Route(
                      "team",
                      List.of(),
                      List.of("slack", "email", "webhook"),
                      none(),
                      false,
                      List.of()))),
          List.of(
              new InhibitRule(
                  List.of(
                      Matcher.equal(Label.SOURCE, "routing"),
                      Matcher.equal(Label.SEVERITY, "critical")),
                  List.of(
                      Matcher.equal(Label.SOURCE, "monitoring"),
                      Matcher.regex(Label.METRIC, "latency|failureRate")),
                  List.of(Label.REGION)),
              new InhibitRule(
                  List.of(Matcher.equal(Label.SEVERITY, "critical")),
                  List.of(
                      Matcher.equal(Label.SEVERITY, "warning"), Matcher.regex(Label.SERVICE, ".+")),
                  List.of(Label.SERVICE, Label.METRIC, Label.REGION))));

  private static Grouping none() {
    return new Grouping(null, null, null, null);
  }

  // ---- the stored and requested shape ----

  /**
   * Reads a routing tree in its documented shape (the {@code updateAlertRouting} request and the
   * stored document), naming the first bad field.
   */
  static RoutingTree read(Fields data) {
    Set<String> ids = new HashSet<>();
    int[] count = {0};
    Route root = route(data.object("route"), true, 1, ids, count);
    List<InhibitRule> inhibit = new ArrayList<>();
    if (data.has("inhibitRules")) {
      for (Fields r : data.objects("inhibitRules", MAX_INHIBIT_RULES)) {
        List<Matcher> source = matchers(r, "sourceMatchers", true);
        List<Matcher> target = matchers(r, "targetMatchers", true);
        List<Label> equal = new ArrayList<>();
        if (r.has("equal")) {
          List<String> names = r.strings("equal", Label.values().length, 20);
          for (int i = 0; i < names.size(); i++) {
            equal.add(label(r, "equal", i, names.get(i)));
          }
        }
        r.done();
        inhibit.add(new InhibitRule(source, target, List.copyOf(equal)));
      }
    }
    return new RoutingTree(root, List.copyOf(inhibit));
  }

  private static Route route(Fields r, boolean isRoot, int depth, Set<String> ids, int[] count) {
    if (++count[0] > MAX_ROUTES) {
      throw ApiException.invalidArgument(r.path("routes"), "more than " + MAX_ROUTES + " routes");
    }
    String id = isRoot ? r.optionalString("id", 40).orElse("root") : r.string("id", 40);
    if (!ROUTE_ID.matcher(id).matches()) {
      throw ApiException.invalidArgument(
          r.path("id"), "must be 1-40 lowercase letters, digits or '-'");
    }
    if (!ids.add(id)) {
      throw ApiException.invalidArgument(r.path("id"), "'" + id + "' is used by another route");
    }
    List<Matcher> matchers = matchers(r, "matchers", false);
    if (isRoot && !matchers.isEmpty()) {
      throw ApiException.invalidArgument(r.path("matchers"), "the root route matches everything");
    }
    List<String> receivers =
        r.has("receivers") ? r.strings("receivers", RECEIVERS.size(), 20) : List.of();
    for (int i = 0; i < receivers.size(); i++) {
      if (!RECEIVERS.contains(receivers.get(i))) {
        throw ApiException.invalidArgument(
            r.path("receivers") + "[" + i + "]",
            "unknown receiver '" + receivers.get(i) + "' (one of " + sorted() + ")");
      }
    }
    List<String> groupBy = null;
    if (r.has("groupBy")) {
      groupBy = r.strings("groupBy", Label.values().length, 20);
      for (int i = 0; i < groupBy.size(); i++) {
        if (!groupBy.get(i).equals(EVERY_ALERT)) {
          label(r, "groupBy", i, groupBy.get(i));
        }
      }
      if (groupBy.contains(EVERY_ALERT) && groupBy.size() > 1) {
        throw ApiException.invalidArgument(r.path("groupBy"), "'...' stands alone");
      }
    }
    Duration wait = seconds(r, "groupWaitSeconds", MAX_GROUP_WAIT);
    Duration interval = seconds(r, "groupIntervalSeconds", MAX_GROUP_INTERVAL);
    OptionalLong repeatMinutes =
        r.optionalLong("repeatIntervalMinutes", 1, MAX_REPEAT_INTERVAL.toMinutes());
    Duration repeat =
        repeatMinutes.isPresent() ? Duration.ofMinutes(repeatMinutes.getAsLong()) : null;
    boolean cont = r.optionalBool("continue").orElse(false);
    if (isRoot && cont) {
      throw ApiException.invalidArgument(r.path("continue"), "the root route has no siblings");
    }
    if (isRoot) {
      if (receivers.isEmpty()) {
        throw ApiException.invalidArgument(
            r.path("receivers"), "the root route needs a receiver (where unmatched alerts go)");
      }
      requireOnRoot(r, "groupBy", groupBy);
      requireOnRoot(r, "groupWaitSeconds", wait);
      requireOnRoot(r, "groupIntervalSeconds", interval);
      requireOnRoot(r, "repeatIntervalMinutes", repeat);
    }
    List<Route> children = new ArrayList<>();
    if (r.has("routes")) {
      if (depth >= MAX_DEPTH) {
        throw ApiException.invalidArgument(
            r.path("routes"), "routes nest at most " + MAX_DEPTH + " levels deep");
      }
      for (Fields child : r.objects("routes", MAX_ROUTES)) {
        children.add(route(child, false, depth + 1, ids, count));
      }
    }
    r.done();
    if (!isRoot && receivers.isEmpty() && children.isEmpty()) {
      throw ApiException.invalidArgument(r.path("receivers"), "a route needs receivers or routes");
    }
    return new Route(
        id,
        matchers,
        List.copyOf(receivers),
        new Grouping(groupBy == null ? null : List.copyOf(groupBy), wait, interval, repeat),
        cont,
        List.copyOf(children));
  }

  private static void requireOnRoot(Fields r, String name, Object value) {
    if (value == null) {
      throw ApiException.invalidArgument(
          r.path(name), "is required on the root route (children inherit it)");
    }
  }

  private static List<Matcher> matchers(Fields r, String name, boolean required) {
    if (!r.has(name)) {
      if (required) {
        throw ApiException.invalidArgument(r.path(name), "needs at least one matcher");
      }
      return List.of();
    }
    List<Matcher> out = r.objects(name, MAX_MATCHERS).stream().map(Matcher::read).toList();
    if (required && out.isEmpty()) {
      throw ApiException.invalidArgument(r.path(name), "needs at least one matcher");
    }
    return out;
  }

  private static Label label(Fields r, String field, int index, String name) {
    return Label.fromWire(name)
        .orElseThrow(
            () ->
                ApiException.invalidArgument(
                    r.path(field) + "[" + index + "]",
                    "unknown label '" + name + "' (one of " + Label.wires() + ")"));
  }

  private static Duration seconds(Fields r, String name, Duration max) {
    return r.has(name) ? Duration.ofSeconds(r.longValue(name, 0, max.toSeconds())) : null;
  }

  private static String sorted() {
    return String.join(", ", new java.util.TreeSet<>(RECEIVERS));
  }

  /** The documented shape (stored, answered by {@code getAlertRouting}). */
  Map<String, Object> write() {
    DocWriter w = DocWriter.create().field("route", write(root));
    if (inhibitRules.isEmpty()) {
      return w.map();
    }
    return w.field("inhibitRules", inhibitRules.stream().map(RoutingTree::write).toList()).map();
  }

  private static Map<String, Object> write(InhibitRule r) {
    DocWriter w =
        DocWriter.create()
            .field("sourceMatchers", r.sourceMatchers().stream().map(Matcher::write).toList())
            .field("targetMatchers", r.targetMatchers().stream().map(Matcher::write).toList());
    if (!r.equal().isEmpty()) {
      w.field("equal", r.equal().stream().map(Label::wire).toList());
    }
    return w.map();
  }

  private static Map<String, Object> write(Route r) {
    DocWriter w = DocWriter.create().field("id", r.id()).field("continue", r.continueMatching());
    if (!r.matchers().isEmpty()) {
      w.field("matchers", r.matchers().stream().map(Matcher::write).toList());
    }
    if (!r.receivers().isEmpty()) {
      w.field("receivers", r.receivers());
    }
    Grouping g = r.grouping();
    if (g.groupBy() != null) {
      w.field("groupBy", g.groupBy());
    }
    if (g.groupWait() != null) {
      w.field("groupWaitSeconds", g.groupWait().toSeconds());
    }
    if (g.groupInterval() != null) {
      w.field("groupIntervalSeconds", g.groupInterval().toSeconds());
    }
    if (g.repeatInterval() != null) {
      w.field("repeatIntervalMinutes", g.repeatInterval().toMinutes());
    }
    if (!r.routes().isEmpty()) {
      w.field("routes", r.routes().stream().map(RoutingTree::write).toList());
    }
    return w.map();
  }

  /** The receivers the tree names (to report those this runtime has no settings for). */
  Set<String> receiversNamed() {
    Set<String> out = new java.util.TreeSet<>();
    collect(root, out);
    return out;
  }

  private static void collect(Route r, Set<String> out) {
    out.addAll(r.receivers());
    r.routes().forEach(c -> collect(c, out));
  }
}
