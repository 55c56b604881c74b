package larder.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import larder.generate.CustomerParams;
import larder.generate.ShopParams;
import larder.generate.SyntheticCustomers;
import larder.generate.SyntheticShop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", description = {
    "Write synthetic interactions (or customer transactions) at any scale.",
    "Shop interactions: power-law item popularity, users with latent tastes,",
    "timestamps, quantities and amounts. Deterministic for a seed. Gzipped when OUT ends in .gz.",
    "With --customers N: transactions of N customers of planted types (champions, loyal, new, at risk, lost)",
    "instead, customer_id,timestamp,amount,order_id with partial refunds, to try segmentation on."})
final class GenerateCommand implements Callable<Integer> {
  enum Format { shop, spark }

  @Option(names = "--users", defaultValue = "10000", description = "Number of users (default ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--items", defaultValue = "2000", description = "Number of items (default ${DEFAULT-VALUE}).")
  int items;

  @Option(names = "--interactions", defaultValue = "200000", description = "Number of events (default ${DEFAULT-VALUE}).")
  long interactions;

  @Option(names = "--tastes", description = "Number of latent taste groups (default 20, at most the item count).")
  Integer tastes;

  @Option(names = "--affinity", defaultValue = "0.8", description = "Share of a user's events inside their own taste group (default ${DEFAULT-VALUE}).")
  double affinity;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUT", description = "Interactions file to write (.csv or .csv.gz).")
  Path out;

  @Option(names = "--items-out", paramLabel = "FILE", description = "Also write the item catalogue (item_id,name,category,price).")
  Path itemsOut;

  @Option(names = "--format", defaultValue = "shop", description = "shop: user_id,item_id,timestamp,quantity,amount,order_id; "
      + "spark: user,item,count with integer ids (for the Spark reference benchmark). Default ${DEFAULT-VALUE}.")
  Format format;

  @Option(names = "--customers", paramLabel = "N", description = "Write transactions of N customers with planted segments instead of interactions.")
  Integer customers;

  @Option(names = "--types-out", paramLabel = "FILE", description = "With --customers: also write each customer's planted type (customer_id,type).")
  Path typesOut;

  @Option(names = "--type-seed", description = "With --customers: seed of who is of which type (default: --seed). Keep it and change --seed"
      + " for the same customers a while later.")
  Long typeSeed;

  @Option(names = {"-q", "--quiet"}, description = "No progress lines.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    if (customers != null) return customers();
    ShopParams p = ShopParams.of(users, items, interactions, seed).withTasteAffinity(affinity);
    if (tastes != null) p = p.withTastes(tastes);
    SyntheticShop shop = new SyntheticShop(p);
    Path dir = out.toAbsolutePath().getParent();
    if (dir != null) Files.createDirectories(dir);
    ConsoleProgress progress = new ConsoleProgress(System.err, quiet);
    if (format == Format.spark) shop.writeSparkCsv(out, progress);
    else shop.writeCsv(out, progress);
    if (itemsOut != null) shop.writeItemsCsv(itemsOut);
    System.out.printf("wrote %,d events by %,d users on %,d items to %s%n", interactions, users, items, out);
    return 0;
  }

  private int customers() {
    CustomerParams p = CustomerParams.of(customers, seed).withTypeSeed(typeSeed == null ? seed : typeSeed);
    SyntheticCustomers gen = new SyntheticCustomers(p);
    mkdirs(out);
    gen.writeCsv(out, new ConsoleProgress(System.err, quiet));
    if (typesOut != null) {
      mkdirs(typesOut);
      gen.writeTypesCsv(typesOut);
    }
    System.out.printf("wrote the transactions of %,d customers to %s%s%n", customers, out,
        typesOut == null ? "" : " and their planted types to " + typesOut);
    return 0;
  }

  private static void mkdirs(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      if (dir != null) Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new larder.core.InputException(dir.toString(), 0, null, "cannot create the folder: " + e.getMessage(),
          "choose an output path in a folder you can write to");
    }
  }
}
