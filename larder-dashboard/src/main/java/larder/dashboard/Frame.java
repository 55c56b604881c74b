package larder.dashboard;

import java.util.List;

/**
 * What the layout around every page needs, whatever the screen: the header's links and which is current, the
 * files to load, the CSRF token, and whether the viewer may act (so pages show admin buttons only to admins).
 */
public record Frame(Nav current, Assets assets, String csrfToken, boolean admin) {
  public List<Nav> nav() { return List.of(Nav.values()); }

  /** The {@code hx-headers} value that makes htmx send the CSRF token with every request. */
  public String csrfHeaders() {
    return "{\"" + Csrf.HEADER + "\": \"" + csrfToken + "\"}";
  }
}
