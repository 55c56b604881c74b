package larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class PrintableTest {
  @Test
  void controlAndInvisibleCharactersBecomeVisibleEscapes() {
    assertThat(Printable.escape("u1\u001B[31m\u0000\u007F\u009B\u202E\u2028x")).isEqualTo(
        "u1" + bs() + "u001B[31m" + bs() + "u0000" + bs() + "u007F" + bs() + "u009B" + bs() + "u202E" + bs() + "u2028x");
    assertThat(Printable.escape("café, ünïcode, 東京, 🙂")).isEqualTo("café, ünïcode, 東京, 🙂");
    assertThat(Printable.escape("tag\uDB40\uDC01")).as("a format character beyond the BMP")
        .isEqualTo("tag" + bs() + "uDB40" + bs() + "uDC01");
    assertThat(Printable.escape(null)).isNull();
  }

  @Property(tries = 500)
  void theResultHasNoUnprintableCharacterAndPrintableTextIsKept(@ForAll String text) {
    String out = Printable.escape(text);
    assertThat(out.codePoints()).noneMatch(c -> Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.FORMAT
        || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR);
    String kept = text.codePoints().filter(c -> Character.getType(c) != Character.CONTROL && Character.getType(c) != Character.FORMAT
        && Character.getType(c) != Character.LINE_SEPARATOR && Character.getType(c) != Character.PARAGRAPH_SEPARATOR)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    assertThat(out.replaceAll("\\\\u[0-9A-F]{4}", "")).isEqualTo(kept.replaceAll("\\\\u[0-9A-F]{4}", ""));
  }

  private static String bs() {
    return "\\";
  }
}
