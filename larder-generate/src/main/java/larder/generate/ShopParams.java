package larder.generate;

import java.time.Instant;
import larder.core.ConfigException;

/**
 * Shape of a synthetic shop: how many users, items and events, how many taste groups, how skewed item
 * popularity is ({@code rank^-itemExponent}), how strongly users stick to their own group, the seed and
 * the time window {@code [start, start + days)}.
 */
public record ShopParams(int users, int items, long interactions, int tastes, double itemExponent,
    double tasteAffinity, long seed, Instant start, int days) {

  public static final Instant DEFAULT_START = Instant.parse("2024-01-01T00:00:00Z");

  public ShopParams {
    if (users < 1) throw new ConfigException("users", users, "must be >= 1");
    if (items < 1) throw new ConfigException("items", items, "must be >= 1");
    if (interactions < 0) throw new ConfigException("interactions", interactions, "must be >= 0");
    if (tastes < 1 || tastes > items) {
      throw new ConfigException("tastes", tastes, "must be between 1 and items (" + items + ")");
    }
    if (!(itemExponent >= 0) || Double.isInfinite(itemExponent)) {
      throw new ConfigException("itemExponent", itemExponent, "must be a finite number >= 0");
    }
    if (!(tasteAffinity >= 0 && tasteAffinity <= 1)) {
      throw new ConfigException("tasteAffinity", tasteAffinity, "must be between 0 and 1");
    }
    if (start == null) throw new ConfigException("start", null, "must be given");
    if (days < 1) throw new ConfigException("days", days, "must be >= 1");
  }

  /** 20 tastes (fewer when there are fewer items), Zipf exponent 1, affinity 0.8, 2024 as the window. */
  public static ShopParams of(int users, int items, long interactions, long seed) {
    return new ShopParams(users, items, interactions, Math.max(1, Math.min(20, items)), 1.0, 0.8, seed,
        DEFAULT_START, 365);
  }

  public ShopParams withUsers(int v) { return new ShopParams(v, items, interactions, tastes, itemExponent, tasteAffinity, seed, start, days); }
  public ShopParams withItems(int v) { return new ShopParams(users, v, interactions, tastes, itemExponent, tasteAffinity, seed, start, days); }
  public ShopParams withInteractions(long v) { return new ShopParams(users, items, v, tastes, itemExponent, tasteAffinity, seed, start, days); }
  public ShopParams withTastes(int v) { return new ShopParams(users, items, interactions, v, itemExponent, tasteAffinity, seed, start, days); }
  public ShopParams withItemExponent(double v) { return new ShopParams(users, items, interactions, tastes, v, tasteAffinity, seed, start, days); }
  public ShopParams withTasteAffinity(double v) { return new ShopParams(users, items, interactions, tastes, itemExponent, v, seed, start, days); }
  public ShopParams withSeed(long v) { return new ShopParams(users, items, interactions, tastes, itemExponent, tasteAffinity, v, start, days); }
  public ShopParams withStart(Instant v) { return new ShopParams(users, items, interactions, tastes, itemExponent, tasteAffinity, seed, v, days); }
  public ShopParams withDays(int v) { return new ShopParams(users, items, interactions, tastes, itemExponent, tasteAffinity, seed, start, v); }
}
