package larder.train.recommend;

import java.util.Map;
import larder.core.Interactions;
import larder.core.Progress;

/** A recommendation algorithm with its validated parameters: fits a model on interactions. */
public interface Recommender {
  /** Short model name stored with each batch: "popularity", "itemknn", "als", "ease". */
  String name();

  /** The parameters as stored with the batch (JSON-friendly values), defaults filled in. */
  Map<String, Object> params();

  TrainedModel fit(Interactions train, Progress progress);
}
