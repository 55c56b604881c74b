package larder.core;

import java.util.Arrays;

/**
 * External string ids to dense ints 0..size()-1 and back. Strings live only at the edges: models
 * see the dense ints, the publisher maps them back on output. Not thread-safe while growing.
 *
 * <p>An open-addressing table of (hash, id) pairs in one {@code long[]}: a lookup reads one slot and, when the
 * hash matches, compares one string; no entry or boxed id per name (reading ten million rows looks up
 * twenty million ids, and a map of nodes made that the slowest step).
 */
public final class IdMap {
  /** Names by id. */
  private String[] names;
  private int size;
  /** Slot: the name's hash in the high half, its id + 1 in the low half; 0 is empty. At most half full. */
  private long[] slots;
  private int mask;

  public IdMap() {
    this(1024);
  }

  public IdMap(int expected) {
    int e = Math.max(16, expected);
    names = new String[e];
    int cap = Integer.highestOneBit(Math.min(e, 1 << 29) * 2 - 1) * 2;
    slots = new long[cap];
    mask = cap - 1;
  }

  /** The dense id of {@code name}, assigning the next one if it is new. */
  public int intern(String name) {
    int h = name.hashCode();
    long high = (long) h << 32;
    for (int s = spread(h) & mask; ; s = (s + 1) & mask) {
      long e = slots[s];
      if (e == 0) {
        int id = size;
        if (id == names.length) names = Arrays.copyOf(names, grown(id));
        names[id] = name;
        size++;
        slots[s] = high | (id + 1L);
        if (size * 2 > slots.length) rehash();
        return id;
      }
      if ((e & 0xffff_ffff_0000_0000L) == high) {
        int id = (int) e - 1;
        if (names[id].equals(name)) return id;
      }
    }
  }

  /** The dense id of {@code name}, or -1 when it is unknown. */
  public int idOf(String name) {
    if (name == null) return -1;
    int h = name.hashCode();
    long high = (long) h << 32;
    for (int s = spread(h) & mask; ; s = (s + 1) & mask) {
      long e = slots[s];
      if (e == 0) return -1;
      if ((e & 0xffff_ffff_0000_0000L) == high) {
        int id = (int) e - 1;
        if (names[id].equals(name)) return id;
      }
    }
  }

  public String name(int id) {
    if (id < 0 || id >= size) throw new IndexOutOfBoundsException("id " + id + " of " + size);
    return names[id];
  }

  public int size() {
    return size;
  }

  /** An IdMap of {@code n} ids named "0".."n-1"; for generated data and tests. */
  public static IdMap sequential(int n) {
    IdMap m = new IdMap(n);
    for (int i = 0; i < n; i++) m.intern(Integer.toString(i));
    return m;
  }

  private static int grown(int n) {
    if (n >= Integer.MAX_VALUE - 8) throw new IllegalStateException("more than " + n + " ids");
    return (int) Math.min(Integer.MAX_VALUE - 8, n + (long) (n >> 1) + 16);
  }

  /** Strings' hashes of similar ids differ in their low bits little; mix the high ones in. */
  private static int spread(int h) {
    h *= 0x9e3779b9;
    return h ^ (h >>> 16);
  }

  private void rehash() {
    if (slots.length >= 1 << 30) throw new IllegalStateException("more than " + size + " ids");
    long[] old = slots;
    slots = new long[old.length * 2];
    mask = slots.length - 1;
    for (long e : old) {
      if (e == 0) continue;
      int s = spread((int) (e >>> 32)) & mask;
      while (slots[s] != 0) s = (s + 1) & mask;
      slots[s] = e;
    }
  }
}
