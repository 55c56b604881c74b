package larder.jobs.run;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.InputException;
import larder.extract.IdListFile;
import larder.jobs.config.ItemFilters;

/**
 * A job's {@link ItemFilters} as they stand for one run: the ids of the inline lists and the files, read
 * once, then turned into the mask of the run's items that may be recommended.
 */
final class ItemFilter {
  private final String job;
  private final ItemFilters spec;
  private final Set<String> deny;
  private final Set<String> allow;

  private ItemFilter(String job, ItemFilters spec, Set<String> deny, Set<String> allow) {
    this.job = job;
    this.spec = spec;
    this.deny = deny;
    this.allow = allow;
  }

  /**
   * Reads the filter files.
   *
   * @throws InputException naming a file that cannot be read
   */
  static ItemFilter read(String job, ItemFilters spec) {
    Set<String> deny = new LinkedHashSet<>(spec.deny());
    if (spec.denyFile() != null) readIds(spec.denyFile(), deny);
    Set<String> allow = null;
    if (spec.hasAllowList()) {
      allow = new LinkedHashSet<>();
      if (spec.allow() != null) allow.addAll(spec.allow());
      if (spec.allowFile() != null) readIds(spec.allowFile(), allow);
    }
    return new ItemFilter(job, spec, deny, allow);
  }

  /** How many distinct ids each list holds, as stored with the batch's params; empty without filters. */
  Map<String, Object> sizes() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!spec.deny().isEmpty() || spec.denyFile() != null) m.put("deny", deny.size());
    if (allow != null) m.put("allow", allow.size());
    return m;
  }

  /**
   * The items of {@code items} that may be recommended, or null when every item may be. Reports each list's
   * size and how many of its ids the data does not have to {@code step}.
   *
   * @throws InputException naming the allow file when the allow list leaves no item of the data
   * @throws ConfigException when the inline allow list, or the deny list, leaves no item
   */
  BitSet apply(IdMap items, Consumer<String> step) {
    if (spec.none()) return null;
    int n = items.size();
    BitSet allowed = new BitSet(n);
    if (allow == null) {
      allowed.set(0, n);
    } else {
      int unknown = 0;
      for (String id : allow) {
        int i = items.idOf(id);
        if (i >= 0) allowed.set(i);
        else unknown++;
      }
      step.accept(String.format("allow list: %,d ids, %,d not in the data", allow.size(), unknown));
      if (allowed.isEmpty()) throw allowLeavesNothing(n);
    }
    int listedAllowed = allowed.cardinality();
    if (!deny.isEmpty() || spec.denyFile() != null) {
      int unknown = 0;
      for (String id : deny) {
        int i = items.idOf(id);
        if (i >= 0) allowed.clear(i);
        else unknown++;
      }
      step.accept(String.format("deny list: %,d ids, %,d not in the data", deny.size(), unknown));
    }
    int left = allowed.cardinality();
    if (left == 0) {
      throw new ConfigException("jobs." + job + ".filters", null, allow == null
          ? "the deny list holds all " + n + " items of the data, so nothing could be recommended"
          : "the deny list holds all " + listedAllowed + " items the allow list leaves, so nothing could be recommended",
          "check that the lists are current and use the source's item ids");
    }
    step.accept(String.format("filters: %,d of %,d items may be recommended", left, n));
    return left == n ? null : allowed;
  }

  private RuntimeException allowLeavesNothing(int items) {
    String hint = "the allow list names the only items that may be recommended: check that it is current and uses"
        + " the source's item ids";
    if (spec.allowFile() != null) {
      String problem = allow.isEmpty() ? "lists no item ids" : "none of the " + allow.size()
          + " ids of the allow list is one of the " + items + " items of the data";
      return new InputException(spec.allowFile().toString(), 0, null, problem + ", so nothing could be recommended"
          + " (jobs." + job + ".filters.allow_file)", hint);
    }
    return new ConfigException("jobs." + job + ".filters.allow", null, "none of its " + allow.size()
        + " ids is one of the " + items + " items of the data, so nothing could be recommended", hint);
  }

  /**
   * Adds the ids of a file, one per line ({@link IdListFile}: surrounding spaces dropped, a field may be quoted,
   * blank lines skipped, a first line reading {@code item_id} taken for a header, gzip recognised by its magic
   * bytes, ids checked as a source's are).
   */
  static void readIds(Path file, Set<String> into) {
    IdListFile.read(file, into);
  }
}
