package larder.cli;

/** How look-up commands print: a table for people, JSON or CSV for scripts. */
enum OutputFormat {
  table, json, csv;

  /** The {@code --format} help of every look-up command, so they say the same. */
  static final String HELP = "table, json (one object per line, the HTTP API's fields and units) or csv"
      + " (default ${DEFAULT-VALUE}).";
}
