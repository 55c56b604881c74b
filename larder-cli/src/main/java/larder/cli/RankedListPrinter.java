package larder.cli;

import larder.core.CsvFields;
import java.util.List;
import java.util.Locale;
import larder.serve.RankedItem;

/** Prints a ranked list (a user's recommendations, an item's similar items) in the chosen format. */
final class RankedListPrinter {
  private RankedListPrinter() {}

  /**
   * @param answer the whole answer, written as is for JSON (it carries the batch id and age)
   * @param itemColumn the CSV header of the item column
   * @param title the line above the table
   */
  static void print(OutputFormat format, Object answer, String itemColumn, String title, List<RankedItem> items) {
    switch (format) {
      case json -> System.out.println(Json.write(answer));
      case csv -> {
        System.out.println("rank," + itemColumn + ",score");
        for (RankedItem e : items) System.out.printf(Locale.ROOT, "%d,%s,%s%n", e.rank(), CsvFields.quote(e.itemId()), e.score());
      }
      case table -> {
        System.out.println(title);
        for (RankedItem e : items) System.out.printf(Locale.ROOT, "%4d  %-24s %10.4f%n", e.rank(), e.itemId(), e.score());
      }
    }
  }
}
