package larder.generate;

/** Receives one generated transaction row; primitives only, so streaming millions of rows allocates nothing. */
@FunctionalInterface
public interface TransactionConsumer {
  /**
   * @param customer the customer's index (its id is "c" + index)
   * @param amount positive for a purchase line, negative for a refund
   * @param orderId the order the row belongs to (a refund carries its order's id)
   */
  void accept(int customer, long epochSecond, double amount, long orderId);
}
