package larder.dashboard.inspect;

import larder.serve.Recommendations;

/** Where a user's list came from, in words (colour, via {@code css}, only repeats them). */
public enum Source {
  OWN("own list", "ok", "the user's own list in this batch"),
  SEGMENT("segment fallback", "info", "the user has no list of their own; this is the list of their segment"),
  POPULAR("popular fallback", "warn", "the user has no list of their own and no segment list applies;"
      + " this is the job's popular list, which every unknown user gets");

  private final String word;
  private final String css;
  private final String meaning;

  Source(String word, String css, String meaning) {
    this.word = word;
    this.css = css;
    this.meaning = meaning;
  }

  /** The source the reader reported ({@link Recommendations#source()}). */
  static Source of(String readerSource) {
    return switch (readerSource) {
      case Recommendations.USER -> OWN;
      case Recommendations.SEGMENT -> SEGMENT;
      case Recommendations.FALLBACK -> POPULAR;
      default -> throw new IllegalStateException("a list's source '" + readerSource + "' has no name on the page");
    };
  }

  public String word() { return word; }

  public String css() { return css; }

  public String meaning() { return meaning; }
}
