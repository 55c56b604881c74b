package larder.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import larder.core.ConfigException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class StoreLocationTest {
  @Property
  void passwordsNeverReachTheDisplay(@ForAll @AlphaChars @NumericChars @StringLength(min = 4, max = 30) String pw) {
    String secret = "Q" + pw;
    var loc = StoreLocation.parse("jdbc:postgresql://db:5432/p?user=app&password=" + secret + "&ssl=true", null, null);
    assertThat(loc.display()).doesNotContain(secret).contains("password=***").contains("ssl=true");
    var userInfo = StoreLocation.parse("jdbc:postgresql://app:" + secret + "@db/p", null, null);
    assertThat(userInfo.display()).doesNotContain(secret);
  }

  @Test void credentialsComeFromTheEnvironmentOnlyWhenTheUrlHasNone() {
    var fromEnv = StoreLocation.parse("jdbc:postgresql://db/p", "larder", "s3cret");
    assertThat(fromEnv.user()).isEqualTo("larder");
    assertThat(fromEnv.password()).isEqualTo("s3cret");
    var fromUrl = StoreLocation.parse("jdbc:postgresql://db/p?user=a&password=b", "larder", "s3cret");
    assertThat(fromUrl.user()).isNull();
    assertThat(fromUrl.password()).isNull();
  }

  @Test void pathsAndSqliteUrlsAreTheSameStore() {
    var a = StoreLocation.parse("data/x.db", null, null);
    var b = StoreLocation.parse("jdbc:sqlite:data/x.db", null, null);
    assertThat(a.kind()).isEqualTo(Dialect.Kind.SQLITE);
    assertThat(a.file()).isEqualTo(b.file()).isAbsolute();
  }

  @Test void unsupportedLocationsAreConfigErrors() {
    assertThatThrownBy(() -> StoreLocation.parse(" ", null, null)).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> StoreLocation.parse("jdbc:sqlite::memory:", null, null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("in-memory");
    assertThatThrownBy(() -> StoreLocation.parse("jdbc:mysql://h/db?password=zz", null, null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not a supported").hasMessageNotContaining("zz");
  }
}
