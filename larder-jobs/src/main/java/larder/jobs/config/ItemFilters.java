package larder.jobs.config;

import java.nio.file.Path;
import java.util.List;
import larder.core.ConfigException;
import larder.extract.formats.Ids;

/**
 * A recommendations job's business rules on items ({@code filters:}): items that must never be recommended
 * (deny: out of stock, adult, discontinued) and, optionally, the only items that may be (allow: the current
 * catalogue). Denied items, and items outside an allow list, appear in no user's list, no fallback list and
 * no similar-items list, and get no similar-items list of their own. The files are read at every run, as
 * they change between runs; ids not in the data are counted, not refused.
 *
 * @param deny ids listed in the config
 * @param denyFile a file of ids, one per line (header line 'item_id' optional, gzip detected), or null
 * @param allow ids listed in the config, or null for no inline allow list
 * @param allowFile a file of ids like {@code denyFile}, or null
 */
public record ItemFilters(List<String> deny, Path denyFile, List<String> allow, Path allowFile) {
  /** Every item may be recommended. */
  public static final ItemFilters NONE = new ItemFilters(List.of(), null, null, null);

  public ItemFilters {
    deny = deny == null ? List.of() : List.copyOf(deny);
    allow = allow == null ? null : List.copyOf(allow);
    if (allow != null && allow.isEmpty()) {
      throw new ConfigException("filters.allow", "[]", "lists no item, so nothing could be recommended",
          "list the items that may be recommended, or remove allow");
    }
    for (String id : deny) checkId("filters.deny", id);
    if (allow != null) for (String id : allow) checkId("filters.allow", id);
  }

  /** True when nothing is filtered. */
  public boolean none() {
    return deny.isEmpty() && denyFile == null && allow == null && allowFile == null;
  }

  /** True when only listed items may be recommended. */
  public boolean hasAllowList() {
    return allow != null || allowFile != null;
  }

  private static void checkId(String key, String id) {
    if (id == null || id.isBlank()) throw new ConfigException(key, "''", "holds an empty id", "remove it");
    String problem = Ids.problem(id.strip());
    if (problem != null) throw new ConfigException(key, null, problem, "fix or remove it");
  }
}
