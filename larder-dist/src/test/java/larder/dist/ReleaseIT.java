package larder.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as a user meets it: unpacked into an empty folder and run by {@code bin/larder} with a PATH
 * that has java and nothing else (no Maven, no checkout), then through JAVA_HOME, through a symbolic link, and with
 * no Java at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseIT {
  static final String VERSION = System.getProperty("larder.version");

  @TempDir static Path root; // one folder for the archive and the ordered steps, like a user's session
  Path release;
  Path work;
  Path javaOnly; // a PATH folder holding java and ls (the launcher's one tool, to follow links), and no mvn
  Path noJava;   // the same without java

  record Result(int exit, String out, String err) {
    String all() { return out + err; }
  }

  @BeforeAll
  void unpack() throws Exception {
    Path archive = Path.of(System.getProperty("larder.archive"));
    assertThat(archive).as("mvn package makes the archive").isRegularFile();
    assertThat(archive.getFileName().toString()).isEqualTo("larder-" + VERSION + ".tar.gz");
    Path unpacked = Files.createDirectories(root.resolve("opt"));
    Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString()).inheritIO().start();
    assertThat(tar.waitFor()).isZero();
    try (var top = Files.list(unpacked)) {
      assertThat(top.map(p -> p.getFileName().toString()).toList()).as("one folder, named by the version")
          .containsExactly("larder-" + VERSION);
    }
    release = unpacked.resolve("larder-" + VERSION);
    work = Files.createDirectories(root.resolve("work"));
    javaOnly = Files.createDirectories(root.resolve("path-java"));
    noJava = Files.createDirectories(root.resolve("path-nojava"));
    Path ls = onPath("ls");
    tool(javaOnly, "java", Path.of(System.getProperty("java.home"), "bin", "java"));
    tool(javaOnly, "ls", ls);
    tool(noJava, "ls", ls);
  }

  /** A script in {@code dir} that runs {@code target} (not a link: the temporary folder's clean-up warns of those). */
  static void tool(Path dir, String name, Path target) throws IOException {
    Path script = dir.resolve(name);
    Files.writeString(script, "#!/bin/sh\nexec '" + target + "' \"$@\"\n");
    script.toFile().setExecutable(true);
  }

  /** A tool from this JVM's PATH, to link into the test's bare PATH folders. */
  static Path onPath(String tool) {
    for (String dir : System.getenv("PATH").split(":")) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) return p;
    }
    throw new AssertionError(tool + " is not on the PATH");
  }

  /** Runs {@code sh LAUNCHER ARGS} in the empty work folder with exactly the environment given, no more. */
  Result run(Path launcher, Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", launcher.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Path out = Files.createTempFile(root, "out", ".txt"), err = Files.createTempFile(root, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("bin/larder " + String.join(" ", args) + " did not finish in 5 minutes");
    }
    Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    return r;
  }

  Path launcher() {
    return release.resolve("bin/larder");
  }

  Map<String, String> pathWithJavaOnly() {
    return Map.of("PATH", javaOnly.toString(), "HOME", root.toString(), "LARDER_JAVA_OPTS", "-Xmx1g -Xss2m");
  }

  @Test
  @Order(1)
  void theArchiveHoldsTheLauncherTheJarAndTheDocuments() throws IOException {
    assertThat(Files.getPosixFilePermissions(launcher())).contains(PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
    assertThat(release.resolve("lib/larder.jar")).isRegularFile();
    assertThat(Files.size(release.resolve("lib/larder.jar"))).as("the shaded jar, dependencies included").isGreaterThan(5_000_000);
    assertThat(Files.readString(release.resolve("README.md"))).contains("## Install a release");
    assertThat(Files.readString(release.resolve("LICENSE"))).contains("Apache License").contains("Version 2.0, January 2004");
    // A release is described in its changelog: the section of this version (without -SNAPSHOT) is there.
    String version = VERSION.replace("-SNAPSHOT", "");
    assertThat(Files.readString(release.resolve("CHANGELOG.md"))).containsPattern("(?m)^## \\[" + Pattern.quote(version) + "\\]");
  }

  @Test
  @Order(2)
  void demoRunsWithJavaOnThePathAndNoMaven() throws Exception {
    ProcessBuilder probe = new ProcessBuilder("/bin/sh", "-c", "command -v mvn || command -v java");
    probe.environment().clear();
    probe.environment().putAll(pathWithJavaOnly());
    Process p = probe.start();
    assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
        .as("the PATH finds java and no Maven").isEqualTo(javaOnly.resolve("java").toString());
    assertThat(p.waitFor()).isZero();

    Result r = run(launcher(), pathWithJavaOnly(), "demo", "--users", "1500", "--items", "300", "--interactions", "30000", "--quiet");
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out()).contains("job shop-als: published batch").contains("job shop-itemknn: published batch")
        .contains("job shop-segments: published batch").contains("job shop-rfm: published batch").contains("user u1's top 5");
    assertThat(work.resolve("larder.db")).as("the store, in the working folder").isRegularFile();

    Result list = run(launcher(), pathWithJavaOnly(), "recommend", "--job", "shop-als", "--user", "u1", "--format", "csv");
    assertThat(list.exit()).as(list.all()).isZero();
    assertThat(list.out().lines().toList()).hasSize(11).first().isEqualTo("rank,item_id,score");
  }

  @Test
  @Order(3)
  void javaHomeWinsAndALinkToTheLauncherFindsTheRelease() throws Exception {
    Path links = Files.createDirectories(root.resolve("links"));
    Path link = Files.createSymbolicLink(links.resolve("larder"), links.relativize(launcher()));
    Result r = run(link, Map.of("PATH", noJava.toString(), "JAVA_HOME", System.getProperty("java.home")), "--version");
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(r.out().lines().findFirst().orElseThrow()).matches("larder " + Pattern.quote(VERSION) + "( \\(commit [0-9a-f]{12}\\))?");
    assertThat(r.out()).contains("java " + System.getProperty("java.version"));
  }

  @Test
  @Order(4)
  void withoutJavaItSaysWhatToInstall() throws Exception {
    Result none = run(launcher(), Map.of("PATH", noJava.toString()), "demo");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("no java on the PATH").contains("hint: install Java 17");

    Result wrong = run(launcher(), Map.of("PATH", javaOnly.toString(), "JAVA_HOME", root.resolve("no-jdk").toString()), "demo");
    assertThat(wrong.exit()).isEqualTo(2);
    assertThat(wrong.err()).contains("JAVA_HOME is " + root.resolve("no-jdk")).contains("hint:");
  }
}
