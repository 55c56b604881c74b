package larder.extract.table;

/**
 * A column resolved against a {@link Header}: where it is in each row and what messages call it.
 *
 * @param index 0-based field index, or -1 when the column was not chosen
 * @param name the header name or query label, else the role (e.g. "user")
 */
public record FieldRef(int index, String name) {
  /** An optional column that was not chosen. */
  public static FieldRef absent(String role) {
    return new FieldRef(-1, role);
  }

  public boolean present() {
    return index >= 0;
  }
}
