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
 */
public record SearchSpace(List<Param> params) {
  public SearchSpace {
    params = List.copyOf(params);
    Set<String> names = new HashSet<>();
    for (Param p : params) {
      if (!names.add(p.name())) throw new ConfigException("space." + p.name(), null, "is given twice");
    }
  }

  public static SearchSpace of(Param... params) {
    return new SearchSpace(List.of(params));
  }

  /** Whether every parameter is a list of values, so the search can try them all. */
  public boolean exhaustive() {
    for (Param p : params) if (!(p instanceof Param.Choice)) return false;
    return true;
  }

  /** The number of configurations of an exhaustive space (refinements not counted). */
  public long gridSize() {
    long n = 1;
    for (Param p : params) n = Math.multiplyExact(n, ((Param.Choice) p).values().size());
    return n;
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
    return new SearchSpace(out);
  }

  private static int indexOf(List<Param> ps, String name) {
    for (int i = 0; i < ps.size(); i++) if (ps.get(i).name().equals(name)) return i;
    return -1;
  }

  /** The space as stored: each parameter's name and range or values. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Param p : params) m.put(p.name(), p.describe());
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
