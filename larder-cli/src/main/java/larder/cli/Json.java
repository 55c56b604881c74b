package larder.cli;

import larder.serve.ApiJson;

/** JSON output for scripts: the HTTP API's JSON ({@link ApiJson}), one object per line. */
final class Json {
  private Json() {}

  static String write(Object value) {
    return ApiJson.line(value);
  }
}
