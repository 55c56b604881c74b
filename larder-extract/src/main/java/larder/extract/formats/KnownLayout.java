package larder.extract.formats;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import larder.core.ConfigException;
import larder.extract.Column;
import larder.extract.CsvSpec;
import larder.extract.ReadOptions;

/** Public data sets whose layout is known, so a job need only name the file. */
public enum KnownLayout {
  /** MovieLens 100k {@code u.data}: tab-separated, no header, user item rating timestamp. */
  MOVIELENS_UDATA("movielens-udata") {
    @Override public CsvSpec spec(Path path) {
      return new CsvSpec(path, '\t', false, Column.at(1), Column.at(2), Column.at(3), Column.at(4), ReadOptions.DEFAULT);
    }
  },
  /** MovieLens {@code ratings.csv}: header userId,movieId,rating,timestamp. */
  MOVIELENS_RATINGS("movielens-ratings") {
    @Override public CsvSpec spec(Path path) {
      return new CsvSpec(path, ',', true, Column.named("userId"), Column.named("movieId"), Column.named("rating"),
          Column.named("timestamp"), ReadOptions.DEFAULT);
    }
  },
  /** HetRec Last.fm {@code user_artists.dat}: tab-separated, header userID artistID weight (play counts). */
  LASTFM("lastfm") {
    @Override public CsvSpec spec(Path path) {
      return new CsvSpec(path, '\t', true, Column.named("userID"), Column.named("artistID"), Column.named("weight"),
          null, ReadOptions.DEFAULT);
    }
  };

  private final String id;

  KnownLayout(String id) {
    this.id = id;
  }

  /** The name used in configuration, e.g. "movielens-udata". */
  public String id() { return id; }

  /** The spec for a file in this layout. */
  public abstract CsvSpec spec(Path path);

  public static KnownLayout of(String id) {
    for (KnownLayout l : values()) if (l.id.equalsIgnoreCase(id)) return l;
    throw new ConfigException("format", id, "unknown layout; known: "
        + Arrays.stream(values()).map(KnownLayout::id).collect(Collectors.joining(", ")));
  }
}
