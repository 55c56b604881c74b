package larder.core;

/**
 * Bad input data: names the source, the line (or row) and field, the problem and the remedy.
 * Printed as {@code ratings.csv.gz:18234: field 'timestamp': '17e9x' is not a whole number}.
 */
public final class InputException extends LarderException {
  private final String source;
  private final long line;
  private final String field;
  private final String problem;

  /**
   * @param source file name or query label
   * @param line 1-based line or row number, or 0 when the problem is not tied to one line
   * @param field the column concerned, or null
   */
  public InputException(String source, long line, String field, String problem, String hint) {
    this(source, line, field, problem, hint, null);
  }

  public InputException(String source, long line, String field, String problem, String hint, Throwable cause) {
    super(format(source, line, field, problem), hint, cause);
    this.source = source;
    this.line = line;
    this.field = field;
    this.problem = problem;
  }

  private static String format(String source, long line, String field, String problem) {
    StringBuilder s = new StringBuilder(source);
    if (line > 0) s.append(':').append(line);
    s.append(": ");
    if (field != null) s.append("field '").append(field).append("': ");
    return s.append(problem).toString();
  }

  public String source() { return source; }
  public long line() { return line; }
  public String field() { return field; }
  public String problem() { return problem; }

  @Override public int exitCode() { return 3; }
}
