package larder.train.tune;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import larder.core.BatchParams;
import larder.core.ConfigException;

/**
 * The parameters a search may change, in a fixed order (the order draws are made in, so a seed means the same
 * search). A space of choices only is searched exhaustively; any range makes it a sampled (TPE) search.
 *
 * @param excluded combinations an exhaustive search skips (each a partial assignment: a configuration matching all
 *     of one's values is left out), for corners of a product known to lose; a space naming one of their parameters
 *     drops them
 */
public record SearchSpace(List<Param> params, List<Map<String, Object>> excluded) {
  public SearchSpace {
    params = List.copyOf(params);
    excluded = excluded == null ? List.of() : List.copyOf(excluded);
    Set<String> names = new HashSet<>();
    for (Param p : params) {
      if (!names.add(p.name())) throw new ConfigException("space." + p.name(), null, "is given twice");
    }
  }

  public SearchSpace(List<Param> params) {
    this(params, List.of());
  }

  /** This space without the configurations that match {@code combination}. */
  public SearchSpace excluding(Map<String, Object> combination) {
    List<Map<String, Object>> e = new ArrayList<>(excluded);
    e.add(Map.copyOf(combination));
    return new SearchSpace(params, e);
  }

  /** Whether {@code config} matches one of the excluded combinations. */
  public boolean excludes(Map<String, Object> config) {
    for (Map<String, Object> e : excluded) {
      boolean all = true;
      for (Map.Entry<String, Object> v : e.entrySet()) all &= same(v.getValue(), config.get(v.getKey()));
      if (all) return true;
    }
    return false;
  }

  private static boolean same(Object a, Object b) {
    return a instanceof Number x && b instanceof Number y ? x.doubleValue() == y.doubleValue()
        : b != null && String.valueOf(a).equals(String.valueOf(b));
  }

  public static SearchSpace of(Param... params) {
    return new SearchSpace(List.of(params));
  }

  /** Whether every parameter is a list of values, so the search can try them all. */
  public boolean exhaustive() {
    for (Param p : params) if (!(p instanceof Param.Choice)) return false;
    return true;
  }

  /** The number of configurations of an exhaustive space, excluded ones left out (refinements not counted). */
  public long gridSize() {
    long n = 1;
    for (Param p : params) n = Math.multiplyExact(n, ((Param.Choice) p).values().size());
    if (excluded.isEmpty()) return n;
    long kept = 0;
    for (long g = 0; g < n; g++) if (!excludes(gridPoint(g))) kept++;
    return kept;
  }

  /** Configuration g of the product, the first parameter changing slowest. */
  Map<String, Object> gridPoint(long g) {
    Map<String, Object> m = new LinkedHashMap<>();
    long rest = g;
    Object[] values = new Object[params.size()];
    for (int j = params.size() - 1; j >= 0; j--) {
      List<Object> vs = ((Param.Choice) params.get(j)).values();
      values[j] = vs.get((int) (rest % vs.size()));
      rest /= vs.size();
    }
    for (int j = 0; j < values.length; j++) m.put(params.get(j).name(), values[j]);
    return m;
  }

  public Param get(String name) {
    for (Param p : params) if (p.name().equals(name)) return p;
    return null;
  }

  /**
   * This space with {@code overrides}' parameters in place of same-named ones, and new ones appended; a key naming
   * something the model cannot tune is refused.
   */
  public SearchSpace with(List<Param> overrides, Set<String> tunable, String at) {
    List<Param> out = new ArrayList<>(params);
    for (Param o : overrides) {
      if (!tunable.contains(o.name())) {
        throw new ConfigException(at + "." + o.name(), null, "is not a parameter the search can change",
            "tune these: " + String.join(", ", tunable));
      }
      int i = indexOf(out, o.name());
      if (i >= 0) out.set(i, o); else out.add(o);
    }
    List<Map<String, Object>> kept = new ArrayList<>();
    for (Map<String, Object> e : excluded) {
      if (overrides.stream().noneMatch(o -> e.containsKey(o.name()))) kept.add(e);
    }
    return new SearchSpace(out, kept);
  }

  private static int indexOf(List<Param> ps, String name) {
    for (int i = 0; i < ps.size(); i++) if (ps.get(i).name().equals(name)) return i;
    return -1;
  }

  /** The space as stored: each parameter's name and range or values. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Param p : params) m.put(p.name(), p.describe());
    if (!excluded.isEmpty()) {
      List<Object> e = new ArrayList<>();
      for (Map<String, Object> x : excluded) e.add(new java.util.TreeMap<>(x));
      m.put("excluding", e);
    }
    return m;
  }

  /** A short fingerprint of {@link #describe()}: whether tuned parameters may be reused by a run with this space. */
  public String hash() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(BatchParams.of(describe()).toJson().getBytes(StandardCharsets.UTF_8));
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < 6; i++) s.append(String.format("%02x", d[i]));
      return s.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
