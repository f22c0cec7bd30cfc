package app.avalo.infra.recovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * How an entity's current documents differ from a restore point: documents to add (in the restore
 * point only), to change (in both, different fields) and to remove (current only — created after
 * the restore point). Documents compare by their canonical encoding, so a double's sign of zero or
 * a timestamp's last nanosecond counts as a change.
 */
record EntityDiff(
    List<DocumentRecord> sets,
    List<DocumentRecord> deletes,
    List<Change> changes,
    int added,
    int changed,
    int removed,
    int unchanged) {

  /** One changed document; {@code fields} lists the top-level fields that differ (changes only). */
  record Change(String collection, String id, String change, List<String> fields) {}

  static EntityDiff between(
      Map<String, DocumentRecord> target,
      Map<String, DocumentRecord> current,
      List<String> collectionOrder) {
    List<DocumentRecord> sets = new ArrayList<>();
    List<DocumentRecord> deletes = new ArrayList<>();
    List<Change> changes = new ArrayList<>();
    int added = 0;
    int changed = 0;
    int unchanged = 0;
    for (DocumentRecord wanted : target.values()) {
      DocumentRecord now = current.get(wanted.path());
      if (now == null) {
        added++;
        sets.add(wanted);
        changes.add(new Change(wanted.collection(), wanted.id(), "added", null));
      } else if (DocumentCodec.encodeFields(now.fields())
          .equals(DocumentCodec.encodeFields(wanted.fields()))) {
        unchanged++;
      } else {
        changed++;
        sets.add(wanted);
        changes.add(
            new Change(
                wanted.collection(),
                wanted.id(),
                "changed",
                changedFields(now.fields(), wanted.fields())));
      }
    }
    int removed = 0;
    for (DocumentRecord now : current.values()) {
      if (!target.containsKey(now.path())) {
        removed++;
        deletes.add(now);
        changes.add(new Change(now.collection(), now.id(), "removed", null));
      }
    }
    changes.sort(
        Comparator.comparing((Change c) -> collectionOrder.indexOf(c.collection()))
            .thenComparing(Change::id));
    return new EntityDiff(sets, deletes, changes, added, changed, removed, unchanged);
  }

  int operations() {
    return sets.size() + deletes.size();
  }

  private static List<String> changedFields(Map<String, Object> now, Map<String, Object> wanted) {
    TreeSet<String> names = new TreeSet<>(now.keySet());
    names.addAll(wanted.keySet());
    List<String> differing = new ArrayList<>();
    for (String name : names) {
      if (now.containsKey(name) != wanted.containsKey(name)
          || !Objects.equals(
              DocumentCodec.encodeValue(now.get(name)),
              DocumentCodec.encodeValue(wanted.get(name)))) {
        differing.add(name);
      }
    }
    return differing;
  }
}
