package larder.dashboard;

import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The files pages load, served by the server itself (no CDN: a page makes no request to anything else) from paths
 * that name their version, so browsers may keep them a year: {@code /assets/htmx-2.0.10/htmx.min.js},
 * {@code /assets/echarts-6.0.0/echarts.min.js}, and Larder's own CSS and icon under a hash of their content.
 * Versions are read from the jars on the class path, so upgrading a jar in the POM moves its path.
 *
 * <pre>
 * GET /assets/{bundle}/{file}    one of the files below; 404 for anything else
 * GET /favicon.ico               the icon, for browsers that ask without reading the page's link
 * </pre>
 */
public final class Assets {
  static final String CACHE_FOREVER = "public, max-age=31536000, immutable";
  private static final String OWN = "larder/dashboard/assets/";

  private record Asset(String resource, String type, byte[] bytes) {}

  private final Map<String, Asset> byPath = new LinkedHashMap<>();
  private final String htmx;
  private final String echarts;
  private final String css;
  private final String icon;

  Assets() {
    String htmxVersion = version("org.webjars.npm", "htmx.org");
    String echartsVersion = version("org.mvnpm", "echarts");
    htmx = add("htmx-" + htmxVersion + "/htmx.min.js",
        "META-INF/resources/webjars/htmx.org/" + htmxVersion + "/dist/htmx.min.js", "text/javascript");
    echarts = add("echarts-" + echartsVersion + "/echarts.min.js",
        "META-INF/resources/_static/echarts/" + echartsVersion + "/dist/echarts.min.js", "text/javascript");
    String own = "larder-" + hash(OWN + "larder.css", OWN + "favicon.svg");
    css = add(own + "/larder.css", OWN + "larder.css", "text/css; charset=utf-8");
    icon = add(own + "/favicon.svg", OWN + "favicon.svg", "image/svg+xml");
  }

  /** The htmx script's path. */
  public String htmx() { return htmx; }

  /** The ECharts script's path (only pages with charts load it: 1.1 MB). */
  public String echarts() { return echarts; }

  public String css() { return css; }

  public String icon() { return icon; }

  void register(JavalinDefaultRoutingApi routes) {
    routes.get("/assets/{bundle}/{file}", ctx -> send(ctx, byPath.get(ctx.path())));
    routes.get("/favicon.ico", ctx -> send(ctx, byPath.get(icon)));
  }

  private static void send(Context ctx, Asset a) {
    if (a == null) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("no such file");
      return;
    }
    ctx.header("Cache-Control", CACHE_FOREVER).contentType(a.type).result(a.bytes);
  }

  private String add(String path, String resource, String type) {
    String full = "/assets/" + path;
    byPath.put(full, new Asset(resource, type, read(resource)));
    return full;
  }

  private static byte[] read(String resource) {
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("the dashboard's file " + resource + " is missing from the class path");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }

  private static String version(String group, String artifact) {
    Properties p = new Properties();
    String resource = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(group + ":" + artifact + " is missing from the class path");
      p.load(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
    return p.getProperty("version");
  }

  private static String hash(String... resources) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (String r : resources) d.update(read(r));
      return HexFormat.of().formatHex(d.digest()).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
