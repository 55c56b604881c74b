package larder.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import larder.core.ConfigException;
import larder.extract.CsvSource;
import larder.extract.JdbcSource;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LarderConfigTest {
  @TempDir Path dir;

  private LarderConfig load(String yaml) throws Exception {
    Path f = dir.resolve("larder.yaml");
    Files.writeString(f, yaml);
    return LarderConfig.load(f);
  }

  @Test
  void easeTakesItsPrecisionAndRefusesAnUnknownOne() throws Exception {
    String yaml = "jobs:\n  recs:\n    source: { file: e.csv }\n    model: { type: ease, precision: %s }\n";
    RecommendationsJob job = (RecommendationsJob) load(yaml.formatted("float")).jobs().get("recs");
    assertThat(job.model().params()).containsEntry("precision", "float");
    job = (RecommendationsJob) load(yaml.formatted("double")).jobs().get("recs");
    assertThat(job.model().params()).doesNotContainKey("precision");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> load(yaml.formatted("half")))
        .isInstanceOf(larder.core.ConfigException.class).hasMessageContaining("precision").hasMessageContaining("float");
  }

  @Test
  void readsAJobWithDefaultsFilledIn() throws Exception {
    LarderConfig cfg = load("""
        jobs:
          recs:
            source: { file: data/events.csv, columns: { user: customer, item: sku, weight: 3 } }
            model: { type: als, factors: 16, iterations: 4 }
        """);
    RecommendationsJob job = (RecommendationsJob) cfg.jobs().get("recs");
    assertThat(job.name()).isEqualTo("recs");
    assertThat(job.topN()).isEqualTo(10);
    assertThat(job.excludeSeen()).isTrue();
    assertThat(job.keep()).isEqualTo(3);
    assertThat(job.fallback()).isTrue();
    assertThat(job.evaluation()).isNull();
    assertThat(job.model().name()).isEqualTo("als");
    assertThat(job.model().params()).containsEntry("factors", 16).containsEntry("iterations", 4)
        .containsEntry("weightedRegularization", true);
    LarderConfig one = load("""
        jobs:
          recs: { source: { file: x.csv }, model: { type: als, weighted_regularization: false } }
        """);
    assertThat(((RecommendationsJob) one.jobs().get("recs")).model().params())
        .containsEntry("weightedRegularization", false);
    assertThat(job.source()).isInstanceOf(CsvSource.class);
    // relative to the config file's folder, not the working folder
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("data/events.csv"), "customer,sku,qty\nc1,s1,2\nc1,s2,1\nc2,s1,5\n");
    var read = job.source().read(larder.core.Progress.NONE).interactions();
    assertThat(read.userCount()).isEqualTo(2);
    assertThat(read.byUser().get(read.users().idOf("c2"), read.items().idOf("s1"))).isEqualTo(5f);
  }

  @Test
  void aStorePathIsRelativeToTheConfigAndAUrlIsKept() throws Exception {
    String job = "jobs:\n  j: { source: { file: x.csv }, model: { type: popularity } }\n";
    assertThat(load("store: out/larder.db\n" + job).store()).isEqualTo(dir.resolve("out/larder.db").toString());
    assertThat(load("store: jdbc:postgresql://db/x\n" + job).store()).isEqualTo("jdbc:postgresql://db/x");
    assertThat(load(job).store()).isNull();
  }

  @Test
  void keepsJobsInFileOrderAndSelectsByName() throws Exception {
    LarderConfig cfg = load("""
        jobs:
          b: { source: { file: x.csv }, model: { type: popularity } }
          a: { source: { file: x.csv }, model: { type: itemknn, neighbors: 5 } }
        """);
    assertThat(cfg.select(null)).extracting(JobConfig::name).containsExactly("b", "a");
    assertThat(cfg.select(List.of("a"))).extracting(JobConfig::name).containsExactly("a");
    assertThatThrownBy(() -> cfg.select(List.of("c")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no such job")
        .extracting(e -> ((ConfigException) e).hint()).asString().contains("b, a");
  }

  @Test
  void aSqlSourceNeedsUrlAndColumns() throws Exception {
    LarderConfig cfg = load("""
        jobs:
          j:
            source: { url: "jdbc:sqlite:x.db", sql: "SELECT u, i FROM t", columns: { user: 1, item: 2 } }
            model: { type: popularity }
        """);
    assertThat(((RecommendationsJob) cfg.jobs().get("j")).source()).isInstanceOf(JdbcSource.class);
    assertThatThrownBy(() -> load("""
        jobs:
          j:
            source: { sql: "SELECT u, i FROM t", columns: { user: 1, item: 2 } }
            model: { type: popularity }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("jobs.j.source.url");
  }

  @Test
  void aMisspeltKeyIsAnErrorNamingItsPath() {
    assertThatThrownBy(() -> load("""
        jobs:
          j:
            source: { file: x.csv }
            model: { type: als, factor: 8 }
        """)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("jobs.j.model")
        .hasMessageContaining("unknown key 'factor'");
    assertThatThrownBy(() -> load("""
        jobs:
          j:
            source: { file: x.csv }
            model: { type: als }
            topn: 5
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("jobs.j").hasMessageContaining("'topn'");
    assertThatThrownBy(() -> load("jobz: {}\n")).isInstanceOf(ConfigException.class).hasMessageContaining("jobz");
  }

  @Test
  void badValuesNameTheKeyAndValue() {
    assertThatThrownBy(() -> load("""
        jobs:
          j: { source: { file: x.csv }, model: { type: als, factors: 0 } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("jobs.j.model").hasMessageContaining("factors");
    assertThatThrownBy(() -> load("""
        jobs:
          j: { source: { file: x.csv }, model: { type: als }, top_n: ten }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("jobs.j.top_n = ten").hasMessageContaining("whole number");
    assertThatThrownBy(() -> load("""
        jobs:
          j: { source: { file: x.csv }, model: { type: forest } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("jobs.j.model.type = forest");
    assertThatThrownBy(() -> load("""
        jobs:
          "bad name!": { source: { file: x.csv }, model: { type: als } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("job name");
    assertThatThrownBy(() -> load("""
        jobs:
          j: { source: { file: x.csv, format: parquet }, model: { type: als } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("jobs.j.source").hasMessageContaining("parquet");
  }

  @Test
  void syntaxErrorsAndMissingFilesAreOneClearMessage() throws Exception {
    assertThatThrownBy(() -> load("jobs:\n  j: [unclosed\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("larder.yaml:").hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> load("")).isInstanceOf(ConfigException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> LarderConfig.load(dir.resolve("nope.yaml"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("nope.yaml").hasMessageContaining("no such file");
    assertThatThrownBy(() -> load("""
        jobs:
          j: { source: { file: x.csv }, model: { type: als } }
          j: { source: { file: y.csv }, model: { type: als } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("Duplicate");
  }

  @Test
  void itemKnnTakesItsNeighbourhoodFormAndNormalisation() throws Exception {
    LarderConfig cfg = load("""
        jobs:
          d: { source: { file: x.csv }, model: { type: itemknn } }
          h: { source: { file: x.csv }, model: { type: itemknn, neighborhood: history, normalize: rows } }
        """);
    ItemKnnParams d = ((ItemKnn) ((RecommendationsJob) cfg.jobs().get("d")).model()).itemKnnParams();
    assertThat(d.neighborhood()).isEqualTo(ItemKnnParams.Form.CANDIDATE);
    assertThat(d.normalize()).isEqualTo(ItemKnnParams.Normalize.NONE);
    ItemKnnParams h = ((ItemKnn) ((RecommendationsJob) cfg.jobs().get("h")).model()).itemKnnParams();
    assertThat(h.neighborhood()).isEqualTo(ItemKnnParams.Form.HISTORY);
    assertThat(h.normalize()).isEqualTo(ItemKnnParams.Normalize.ROWS);
    assertThat(h.toMap()).containsEntry("neighborhood", "history").containsEntry("normalize", "rows");
    assertThatThrownBy(() -> load("""
        jobs:
          j: { source: { file: x.csv }, model: { type: itemknn, neighborhood: both } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("itemknn.neighborhood")
        .hasMessageContaining("both").hasMessageContaining("'candidate' or 'history'");
  }

  @Test
  void aBlendListsItsModelsAndRefusesWhatCannotWork() throws Exception {
    LarderConfig cfg = load("""
        jobs:
          b:
            source: { file: x.csv }
            model: { type: blend, models: [ { type: ease, lambda: 100 }, { type: als, factors: 8 } ], weights: [0.7, 0.3], scale: rank }
          c:
            source: { file: x.csv }
            model: { type: blend, models: [ { type: itemknn }, { type: popularity } ] }
        """);
    var b = (larder.train.recommend.blend.Blend) ((RecommendationsJob) cfg.jobs().get("b")).model();
    assertThat(b.parts()).extracting(larder.train.recommend.Recommender::name).containsExactly("ease", "als");
    assertThat(b.params()).containsEntry("weights", List.of(0.7, 0.3)).containsEntry("scale", "rank")
        .containsEntry("weights_from", "config");
    var c = (larder.train.recommend.blend.Blend) ((RecommendationsJob) cfg.jobs().get("c")).model();
    assertThat(c.params()).containsEntry("weights_from", "validation").containsEntry("validation", 0.2);
    assertThatThrownBy(() -> load("""
        jobs:
          j: { source: { file: x.csv }, model: { type: blend, models: [ { type: ease } ] } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("models").hasMessageContaining("at least two");
    assertThatThrownBy(() -> load("""
        jobs:
          j: { source: { file: x.csv }, model: { type: blend, models: [ { type: ease }, { type: als, factor: 3 } ] } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("models[1]").hasMessageContaining("factor");
    assertThatThrownBy(() -> load("""
        jobs:
          j: { source: { file: x.csv }, model: { type: blend, models: [ { type: ease }, { type: als } ], weights: [1] } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("one weight per model");
    assertThatThrownBy(() -> load("""
        jobs:
          j: { source: { file: x.csv }, model: { type: blend, models: [ { type: ease }, { type: blend } ] } }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("cannot hold a blend");
    assertThatThrownBy(() -> load("""
        jobs:
          j:
            source: { file: x.csv, columns: { user: u, item: i, timestamp: t } }
            model: { type: blend, models: [ { type: ease }, { type: als } ] }
            refresh: { schedule: "*/15 * * * *" }
        """)).isInstanceOf(ConfigException.class).hasMessageContaining("blend");
  }
}
