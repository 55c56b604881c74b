package larder.jobs.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import larder.core.ConfigException;

/** Reads a YAML config file into a {@link ConfigNode}, with the file and line in every syntax error. */
public final class ConfigFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private ConfigFile() {}

  public static ConfigNode read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw ConfigException.of(file.toString(), "no such file", "give the path of a YAML config (see the README for an example)", e);
    } catch (IOException e) {
      throw ConfigException.of(file.toString(), "cannot read: " + e.getMessage(), "check the path and its permissions", e);
    }
    return parse(file.toString(), text);
  }

  public static ConfigNode parse(String source, String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? source : source + ":" + at.getLineNr();
      throw ConfigException.of(where, "not valid YAML: " + e.getOriginalMessage(), "fix the syntax at that line", e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw ConfigException.of(source, "the file is empty", "describe at least one job under 'jobs:'", null);
    }
    if (!root.isObject()) {
      throw ConfigException.of(source, "the top level must be a mapping with a 'jobs:' key", "see the README for an example", null);
    }
    return new ConfigNode("", root);
  }
}
