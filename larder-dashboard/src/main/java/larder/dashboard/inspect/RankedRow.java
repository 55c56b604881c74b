package larder.dashboard.inspect;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;
import larder.serve.RankedItem;

/**
 * One line of a ranked list on the page.
 *
 * @param score the score for people: four significant digits ("0.1235"), whole numbers from 1,000 up
 * @param exactScore the score as the API's JSON writes it, kept in a data attribute so a test or a person
 *     comparing with the API sees the same number
 */
public record RankedRow(int rank, String itemId, String score, String exactScore) {
  static List<RankedRow> of(List<RankedItem> items) {
    return items.stream().map(i -> new RankedRow(i.rank(), i.itemId(), text(i.score()), Float.toString(i.score())))
        .toList();
  }

  static String text(float score) {
    if (!Float.isFinite(score)) return Float.toString(score);
    if (Math.abs(score) >= 1000) return String.format(Locale.ROOT, "%,.0f", score);
    return new BigDecimal(Float.toString(score)).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
