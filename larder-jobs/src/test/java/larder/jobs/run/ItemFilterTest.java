package larder.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.InputException;
import larder.jobs.config.ItemFilters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a job's filter lists and turning them into the mask of a run's items. */
class ItemFilterTest {
  @TempDir Path dir;

  /** Items a, b, c, d, e. */
  private static final IdMap ITEMS = items("a", "b", "c", "d", "e");

  private static IdMap items(String... ids) {
    IdMap m = new IdMap();
    for (String id : ids) m.intern(id);
    return m;
  }

  private Path file(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  private Path gzip(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return f;
  }

  @Test
  void aFileHasOneIdPerLineWithAnOptionalHeaderQuotesAndBlankLines() throws Exception {
    Set<String> ids = new LinkedHashSet<>();
    ItemFilter.readIds(file("deny.csv", "\uFEFFitem_id\n a \n\n\"b\"\n\"say \"\"hi\"\"\"\r\nc\n"), ids);
    assertThat(ids).containsExactly("a", "b", "say \"hi\"", "c");
    ids.clear();
    // no header: the first line is an id; gzip is recognised by its bytes, whatever the name
    ItemFilter.readIds(gzip("deny.csv", "\n\nz\ny\nITEM_ID\n"), ids);
    assertThat(ids).containsExactly("z", "y", "ITEM_ID");
    ids.clear();
    ItemFilter.readIds(gzip("deny.txt.gz", "\"Item_Id\"\nq\n"), ids);
    assertThat(ids).containsExactly("q");
  }

  @Test
  void aMissingFileIsAnInputErrorNamingIt() {
    Path missing = dir.resolve("nope.csv");
    assertThatThrownBy(() -> ItemFilter.read("shop", new ItemFilters(List.of(), missing, null, null)))
        .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.source()).isEqualTo(missing.toString()))
        .hasMessageContaining("file not found");
  }

  @Test
  void denyAndAllowListsMakeTheMaskAndReportTheirSizes() throws Exception {
    Path deny = file("deny.csv", "item_id\nb\nx\nb\n");
    Path allow = file("allow.csv", "a\nb\nc\ny\nz\n");
    ItemFilter f = ItemFilter.read("shop", new ItemFilters(List.of("c", "w"), deny, List.of("d"), allow));
    // distinct ids: deny c, w, b, x; allow d, a, b, c, y, z
    assertThat(f.sizes()).isEqualTo(Map.of("deny", 4, "allow", 6));
    List<String> steps = new ArrayList<>();
    BitSet allowed = f.apply(ITEMS, steps::add);
    assertThat(allowed.stream().mapToObj(ITEMS::name).toList()).containsExactly("a", "d");
    assertThat(steps).containsExactly("allow list: 6 ids, 2 not in the data", "deny list: 4 ids, 2 not in the data",
        "filters: 2 of 5 items may be recommended");
  }

  @Test
  void listsThatFilterNothingOfTheDataGiveNoMask() throws Exception {
    ItemFilter f = ItemFilter.read("shop", new ItemFilters(List.of("gone"), null, null, null));
    assertThat(f.sizes()).isEqualTo(Map.of("deny", 1));
    List<String> steps = new ArrayList<>();
    assertThat(f.apply(ITEMS, steps::add)).isNull();
    assertThat(steps).containsExactly("deny list: 1 ids, 1 not in the data", "filters: 5 of 5 items may be recommended");

    ItemFilter none = ItemFilter.read("shop", ItemFilters.NONE);
    assertThat(none.sizes()).isEmpty();
    steps.clear();
    assertThat(none.apply(ITEMS, steps::add)).isNull();
    assertThat(steps).isEmpty();
  }

  @Test
  void anAllowFileThatLeavesNoItemNamesTheFile() throws Exception {
    Path stale = file("catalogue.csv", "item_id\nold1\nold2\n");
    ItemFilter f = ItemFilter.read("shop", new ItemFilters(List.of(), null, null, stale));
    assertThatThrownBy(() -> f.apply(ITEMS, s -> {}))
        .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.source()).isEqualTo(stale.toString()))
        .hasMessageContaining("none of the 2 ids").hasMessageContaining("jobs.shop.filters.allow_file");
    Path empty = file("empty.csv", "item_id\n");
    ItemFilter e = ItemFilter.read("shop", new ItemFilters(List.of(), null, null, empty));
    assertThatThrownBy(() -> e.apply(ITEMS, s -> {}))
        .isInstanceOfSatisfying(InputException.class, x -> assertThat(x.source()).isEqualTo(empty.toString()))
        .hasMessageContaining("lists no item ids");
  }

  @Test
  void anInlineAllowListOrADenyListThatLeavesNoItemNamesTheKey() {
    ItemFilter inline = ItemFilter.read("shop", new ItemFilters(List.of(), null, List.of("old"), null));
    assertThatThrownBy(() -> inline.apply(ITEMS, s -> {}))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("jobs.shop.filters.allow"));
    ItemFilter all = ItemFilter.read("shop", new ItemFilters(List.of("a", "b", "c", "d", "e"), null, null, null));
    assertThatThrownBy(() -> all.apply(ITEMS, s -> {}))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("jobs.shop.filters"))
        .hasMessageContaining("all 5 items");
    ItemFilter both = ItemFilter.read("shop", new ItemFilters(List.of("a"), null, List.of("a", "zz"), null));
    assertThatThrownBy(() -> both.apply(ITEMS, s -> {}))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("jobs.shop.filters"))
        .hasMessageContaining("all 1 items the allow list leaves");
  }
}
