package larder.spark;

import java.io.Serializable;
import larder.core.IdMap;

/**
 * The items' external ids by dense id, broadcast to executors that load lists themselves: shipped as an array,
 * and made a map again once per executor (the broadcast value is shared by its tasks).
 */
final class ItemNames implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String[] names;
  private transient volatile IdMap map;

  ItemNames(IdMap items) {
    names = new String[items.size()];
    for (int i = 0; i < names.length; i++) names[i] = items.name(i);
  }

  IdMap map() {
    IdMap m = map;
    if (m == null) {
      synchronized (this) {
        m = map;
        if (m == null) {
          m = new IdMap(names.length);
          for (String n : names) m.intern(n);
          map = m;
        }
      }
    }
    return m;
  }
}
