package larder.jobs.config;

import java.nio.file.Path;

/** A config given as YAML text, parsed as if read from {@code file}: relative paths in it resolve against its folder. */
public final class YamlConfig {
  private YamlConfig() {}

  public static LarderConfig parse(Path file, String yaml) {
    return LarderConfig.parse(file, ConfigFile.parse(file.toString(), yaml));
  }

  /** The job {@code name} of that config. */
  public static JobConfig job(Path file, String yaml, String name) {
    return parse(file, yaml).jobs().get(name);
  }
}
