package larder.serve;

/** One entry of a ranked list: rank from 1, the external item id, the model's score. */
public record RankedItem(int rank, String itemId, float score) {}
