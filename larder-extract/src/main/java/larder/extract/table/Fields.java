package larder.extract.table;

import larder.extract.formats.Decimals;

/** The fields of the current row, by 0-based index. Valid only during {@link RowHandler#row}. */
public interface Fields {
  /** The time of a field that holds none: empty text or SQL NULL. */
  long NO_TIME = Long.MIN_VALUE;

  /** Fields in this row; a file's rows may be shorter than its header, a query's never are. */
  int count();

  /** Field {@code index} as text (not stripped), or null for SQL NULL. */
  String text(int index);

  /**
   * Field {@code index} as epoch seconds: typed SQL dates and times as such (without zone: UTC), numbers as
   * seconds, text as in {@link larder.extract.formats.Timestamps}.
   *
   * @return epoch seconds, or {@link #NO_TIME} for empty text or NULL
   * @throws IllegalArgumentException with a short problem text when the field is not a time
   */
  long epochSecond(int index);

  /** True when field {@code index} holds exactly {@code text} (not stripped); false for NULL. */
  default boolean textEquals(int index, String text) {
    return text != null && text.equals(text(index));
  }

  /** True when field {@code index} is SQL NULL (a file's never are). */
  default boolean isNull(int index) {
    return text(index) == null;
  }

  /**
   * Field {@code index}, not NULL, as a decimal number, as {@link Decimals#parse} reads its text.
   *
   * @throws IllegalArgumentException with a short problem text when the field is not a finite number
   */
  default double decimal(int index) {
    return Decimals.parse(text(index));
  }
}
