package larder.dashboard.inspect;

import larder.serve.Recommendations;

/** Where a user's list came from, in words (colour, via {@code css}, only repeats them). */
public enum Source {
  OWN("own list", "ok", "the batch has a list for this user"),
  SEGMENT("segment fallback", "info", "the batch has no list for this user, so they get the list of their segment"),
  POPULAR("popular fallback", "warn", "the batch has no list for this user and no segment list applies, so they"
      + " get the job's popular list, as every unknown user does");

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
