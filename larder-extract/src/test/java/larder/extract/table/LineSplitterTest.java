package larder.extract.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The splitter on byte lines: what a good line gives, and that a bad line is bad alone. */
class LineSplitterTest {
  static final String NEXT = "next,line\n";

  /** Splits the first line and, from where it ends, the next; returns the first line's fields or its problem. */
  static List<String> split(LineSplitter s, byte[] b) {
    int next = s.split(b, 0, b.length, true);
    List<String> out = new ArrayList<>();
    if (s.problem() != null) out.add("BAD " + (s.problemField() + 1) + ": " + s.problem());
    else for (int k = 0; k < s.count(); k++) out.add(s.text(k));
    if (next < b.length) {
      assertThat(s.split(b, next, b.length, true)).isEqualTo(b.length);
      assertThat(s.problem()).isNull();
      assertThat(List.of(s.text(0), s.text(1))).containsExactly("next", "line");
    }
    return out;
  }

  static List<String> split(String line) {
    return split(new LineSplitter(','), (line + "\n" + NEXT).getBytes(StandardCharsets.UTF_8));
  }

  static String quote(String field) {
    return '"' + field.replace("\"", "\"\"") + '"';
  }

  @Provide
  Arbitrary<List<String>> fields() {
    // Any text but line breaks, including delimiters, quotes, spaces and characters beyond ASCII.
    Arbitrary<String> field = Arbitraries.strings().withChars("ab ,\"\té€ß").ofMaxLength(12);
    return field.list().ofMinSize(1).ofMaxSize(8);
  }

  @Property(tries = 500)
  void fieldsQuotedAsRfc4180SaysReadBack(@ForAll("fields") List<String> fields) {
    StringBuilder line = new StringBuilder();
    for (int k = 0; k < fields.size(); k++) {
      String f = fields.get(k);
      if (k > 0) line.append(',');
      boolean mustQuote = f.indexOf(',') >= 0 || f.indexOf('"') >= 0;
      line.append(mustQuote || k % 2 == 1 ? quote(f) : f);
    }
    assertThat(split(line.toString())).isEqualTo(fields);
    assertThat(split(line + "\r")).as("CRLF").isEqualTo(fields);
  }

  @Property(tries = 500)
  void anUnclosedQuoteMakesItsLineBadAndOnlyIt(@ForAll("fields") List<String> fields,
      @ForAll @IntRange(min = 0, max = 7) int at) {
    int bad = at % fields.size();
    StringBuilder line = new StringBuilder();
    for (int k = 0; k < bad; k++) line.append(quote(fields.get(k))).append(',');
    // The bad field opens a quote that nothing on the line closes: its own quotes are doubled, and the fields
    // after it hold no quote.
    line.append('"').append(fields.get(bad).replace("\"", "\"\""));
    for (int k = bad + 1; k < fields.size(); k++) line.append(',').append(fields.get(k).replace("\"", ""));
    assertThat(split(line.toString())).singleElement().asString()
        .startsWith("BAD " + (bad + 1) + ": the quote that opens it is not closed");
  }

  @Test
  void textAfterAClosingQuoteAndAQuoteInsideAnUnquotedFieldAreBad() {
    assertThat(split("x,\"ab\"c,y")).containsExactly(
        "BAD 2: text after the closing quote (a quote inside a quoted field is written twice)");
    assertThat(split("x,ab\"c")).containsExactly("BAD 2: a quote inside a field that does not start with one (quote"
        + " the whole field and write the quote twice)");
    assertThat(split("x,\"a \"\"b\"\"\",\"\"")).containsExactly("x", "a \"b\"", "");
    assertThat(split("x,\"unclosed")).containsExactly(
        "BAD 2: the quote that opens it is not closed on its line (fields may not span lines)");
    assertThat(split("a,,b,")).containsExactly("a", "", "b", "");
  }

  @Test
  void invalidUtf8IsBadAndNamesItsField() {
    byte[] caf = {'a', ',', 'c', 'a', 'f', (byte) 0xe9, '\n'};
    assertThat(split(new LineSplitter(','), caf)).containsExactly("BAD 2: not valid UTF-8: bytes 63 61 66 [E9]"
        + " (save the file as UTF-8)");
    for (byte[] bad : new byte[][] {
        {(byte) 0xc0, (byte) 0xaf}, // overlong '/'
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a surrogate
        {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
        {(byte) 0xe2, (byte) 0x82}, // cut short
        {(byte) 0x80}}) { // a continuation byte alone
      byte[] line = new byte[bad.length + 2];
      line[0] = 'x';
      line[1] = ',';
      System.arraycopy(bad, 0, line, 2, bad.length);
      assertThat(split(new LineSplitter(','), line)).singleElement().asString().startsWith("BAD 2: not valid UTF-8");
    }
    assertThat(split("café,€,😀")).containsExactly("café", "€", "😀");
  }

  @Property(tries = 300)
  void validatorAgreesWithTheJdksStrictDecoder(@ForAll @Size(max = 12) byte[] bytes) {
    boolean jdk;
    try {
      StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
      jdk = true;
    } catch (java.nio.charset.CharacterCodingException e) {
      jdk = false;
    }
    assertThat(larder.extract.formats.Utf8.invalidAt(bytes, 0, bytes.length) < 0).isEqualTo(jdk);
  }

  @Test
  void validatorAgreesWithTheJdkAroundEveryBoundary() {
    // Every lead byte with continuation bytes around their limits (0x80, 0xBF): overlongs, surrogates, > U+10FFFF.
    java.nio.charset.CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder();
    int[] near = {0x00, 0x41, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff};
    List<String> disagree = new ArrayList<>();
    for (int lead = 0; lead < 256; lead++) {
      for (int c1 = 0x70; c1 <= 0xc0; c1++) {
        check(jdk, new byte[] {(byte) lead, (byte) c1}, disagree);
        for (int c2 : near) {
          check(jdk, new byte[] {(byte) lead, (byte) c1, (byte) c2}, disagree);
          for (int c3 : near) check(jdk, new byte[] {(byte) lead, (byte) c1, (byte) c2, (byte) c3}, disagree);
        }
      }
    }
    assertThat(disagree).isEmpty();
  }

  private static void check(java.nio.charset.CharsetDecoder jdk, byte[] b, List<String> disagree) {
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(8);
    boolean accepted = !jdk.reset().decode(java.nio.ByteBuffer.wrap(b), out, true).isError()
        && !jdk.flush(out).isError(); // results, not exceptions: three million of those would take seconds
    if ((larder.extract.formats.Utf8.invalidAt(b, 0, b.length) < 0) != accepted) {
      disagree.add(java.util.HexFormat.of().formatHex(b));
    }
  }

  @Property(tries = 300)
  void encodedTextIsValid(@ForAll String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8); // an unpaired surrogate becomes '?'
    assertThat(larder.extract.formats.Utf8.invalidAt(b, 0, b.length)).isEqualTo(-1);
  }

  @Provide
  Arbitrary<String> spaced() {
    return Arbitraries.strings().withChars(" \tab1.\"").ofMaxLength(40);
  }

  @Property(tries = 300)
  void whitespaceModeMatchesARegexSplit(@ForAll("spaced") String line) {
    LineSplitter s = new LineSplitter(DelimitedFile.WHITESPACE);
    byte[] b = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
    assertThat(s.split(b, 0, b.length, true)).isEqualTo(b.length);
    List<String> expected = new ArrayList<>();
    for (String f : line.strip().split("[ \t\r]+")) if (!f.isEmpty()) expected.add(f);
    List<String> got = new ArrayList<>();
    for (int k = 0; k < s.count(); k++) got.add(s.text(k));
    assertThat(got).isEqualTo(expected);
  }

  @Test
  void blankLinesAndAQuotedNothingAreEmptyLines() {
    LineSplitter s = new LineSplitter(',');
    byte[] b = " \t\r\n\"\"\n,\n".getBytes(StandardCharsets.UTF_8);
    int next = s.split(b, 0, b.length, true);
    assertThat(s.blank()).isTrue();
    next = s.split(b, next, b.length, true);
    assertThat(s.blank()).isTrue();
    s.split(b, next, b.length, true);
    assertThat(s.blank()).as("two empty fields are a row").isFalse();
  }

  @Test
  void aLineCutByTheBufferAsksForMore() {
    LineSplitter s = new LineSplitter(',');
    byte[] b = "a,\"b\"".getBytes(StandardCharsets.UTF_8);
    assertThat(s.split(b, 0, b.length, false)).isEqualTo(LineSplitter.MORE);
    assertThat(s.split(b, 0, 3, false)).isEqualTo(LineSplitter.MORE);
    assertThat(s.split(b, 0, b.length, true)).isEqualTo(b.length);
    assertThat(s.text(1)).isEqualTo("b");
  }
}
