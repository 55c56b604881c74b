package larder.extract;

import larder.core.ConfigException;

/**
 * A column chosen by header name or by 1-based position; exactly one of the two is set.
 *
 * @param name the header name (or JDBC column label), or null
 * @param position 1-based position, or 0 when chosen by name
 */
public record Column(String name, int position) {
  public Column {
    if (name == null && position < 1) throw new ConfigException("column", position, "position must be >= 1");
    if (name != null && position != 0) {
      throw new ConfigException("column", name + "/" + position, "give a name or a position, not both");
    }
    if (name != null && name.isBlank()) throw new ConfigException("column", "''", "name must not be blank");
  }

  public static Column named(String name) { return new Column(name, 0); }

  public static Column at(int position) { return new Column(null, position); }

  /** "3" is position 3, anything else a name. */
  public static Column parse(String text) {
    if (text == null) throw new ConfigException("column", null, "must be given");
    String s = text.strip();
    if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
      try {
        return at(Integer.parseInt(s));
      } catch (NumberFormatException e) {
        throw new ConfigException("column", s, "position is too large");
      }
    }
    return named(s);
  }

  public boolean byName() { return name != null; }

  @Override public String toString() {
    return name != null ? name : "#" + position;
  }
}
