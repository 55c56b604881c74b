package larder.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * External string ids to dense ints 0..size()-1 and back. Strings live only at the edges: models
 * see the dense ints, the publisher maps them back on output. Not thread-safe while growing.
 */
public final class IdMap {
  private final Map<String, Integer> index;
  private final List<String> names;

  public IdMap() {
    this(1024);
  }

  public IdMap(int expected) {
    index = new HashMap<>(Math.max(16, expected * 4 / 3));
    names = new ArrayList<>(expected);
  }

  /** The dense id of {@code name}, assigning the next one if it is new. */
  public int intern(String name) {
    Integer id = index.get(name);
    if (id != null) return id;
    int next = names.size();
    index.put(name, next);
    names.add(name);
    return next;
  }

  /** The dense id of {@code name}, or -1 when it is unknown. */
  public int idOf(String name) {
    Integer id = index.get(name);
    return id == null ? -1 : id;
  }

  public String name(int id) {
    return names.get(id);
  }

  public int size() {
    return names.size();
  }

  /** An IdMap of {@code n} ids named "0".."n-1"; for generated data and tests. */
  public static IdMap sequential(int n) {
    IdMap m = new IdMap(n);
    for (int i = 0; i < n; i++) m.intern(Integer.toString(i));
    return m;
  }
}
