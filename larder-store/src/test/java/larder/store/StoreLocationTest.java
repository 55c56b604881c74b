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

  @Property
  void mysqlPasswordsNeverReachTheDisplay(@ForAll @AlphaChars @NumericChars @StringLength(min = 4, max = 30) String pw) {
    String secret = "Q" + pw;
    var loc = StoreLocation.parse("jdbc:mysql://db:3306/shop?user=app&password=" + secret, null, null);
    assertThat(loc.display()).doesNotContain(secret).contains("password=***");
    assertThat(StoreLocation.parse("jdbc:mariadb://app:" + secret + "@db/shop", null, null).display()).doesNotContain(secret);
  }

  @Test void mysqlAndMariadbUrlsAreOneKindServedByTheMariadbDriver() {
    var maria = StoreLocation.parse("jdbc:mariadb://127.0.0.1:3306/test?user=root", null, null);
    assertThat(maria.kind()).isEqualTo(Dialect.Kind.MYSQL);
    assertThat(maria.url()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/test?user=root");
    var mysql = StoreLocation.parse("jdbc:mysql://db/shop", "larder", "s3cret");
    assertThat(mysql.kind()).isEqualTo(Dialect.Kind.MYSQL);
    assertThat(mysql.url()).isEqualTo("jdbc:mariadb://db/shop");
    assertThat(mysql.user()).isEqualTo("larder");
    assertThat(mysql.password()).isEqualTo("s3cret");
    assertThat(mysql.display()).isEqualTo("jdbc:mysql://db/shop");
    assertThatThrownBy(() -> StoreLocation.parse("jdbc:mariadb://db:3306/", null, null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("names no database");
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
    assertThatThrownBy(() -> StoreLocation.parse("jdbc:oracle:thin:@h:1521/db?password=zz", null, null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not a supported").hasMessageNotContaining("zz");
  }
}
