package larder.generate;

/** Receives one generated purchase event; primitives only, so streaming millions of events allocates nothing. */
@FunctionalInterface
public interface EventConsumer {
  void accept(int user, int item, long epochSecond, int quantity, double amount, long orderId);
}
